/**
 * TaskSchedulerImpl (with its TaskSetManagers, taskSetManager.ts) as pure functions over plain
 * data: each takes the scheduler's state and returns the next state with the effects Spark's code
 * has there, in Spark's order. Spark calls TaskSchedulerImpl synchronously, under one lock, from
 * the DriverEndpoint, so the scheduler backend machine (schedulerBackend.ts) calls these inside
 * its actions and turns the effects into messages:
 * - `launchTask`: a TaskDescription for CoarseGrainedSchedulerBackend.launchTasks (LaunchTask);
 * - `killTask`: SchedulerBackend.killTask, i.e. KillTask sent to the driver endpoint itself;
 * - `reviveOffers`: SchedulerBackend.reviveOffers, i.e. ReviveOffers sent to the driver endpoint;
 * - `dagScheduler`: a DAGScheduler call (taskStarted, taskEnded, taskSetFailed, executorAdded,
 *   executorLost), an event for the DAGScheduler actor.
 *
 * Models core/src/main/scala/org/apache/spark/scheduler/TaskSchedulerImpl.scala (Spark 4.1.1, with
 * 3.5's TaskState.LOST path); shared/spark-semantics.md sections 4.1-4.5.
 *
 * Simplifications, each deterministic:
 * - Offers are taken in the order given (Spark shuffles them: shuffleOffers); the backend gives
 *   them in executor-id order. Task sets are taken in FIFO order (priority, then stage id).
 * - No locality levels or delay scheduling (every task is NO_PREF), no speculation, no barrier
 *   sets, no exclusion (HealthTracker), no starvation warning.
 * - TaskResultGetter's thread pool is not modelled: a finished status update is handled at once
 *   (handleSuccessfulTask / handleFailedTask inside statusUpdate).
 * - executorLost(LossReasonPending) (YARN/K8s disableExecutor; never in standalone mode) is
 *   ignored.
 */
import type { ExecutorLossReason, TaskFailedReason, TaskSet } from './protocol.js';
import { SchedulerWriter, type SchedulerResult, type TaskSchedulerState, type TaskSetManagerState, type WorkerOffer } from './schedulerState.js';
import { isTaskFinished, type TaskState } from './states.js';
import * as tsmOps from './taskSetManager.js';
import { indexOf, runningTask } from './runningTasks.js';
import { taskSetId } from './taskSetManager.js';

export { runningEntries, runningTask, runningTasksOf, type RunningTasks } from './runningTasks.js';
export type {
  DagSchedulerCall, RunningTask, SchedulerEffect, SchedulerResult, TaskSchedulerState, TaskSetManagerState, WorkerOffer,
} from './schedulerState.js';
export { copiesRunning, exitCausedByApp, isSchedulable, isSuccessful, runningTaskIds, taskSetId, tasksSuccessful } from './taskSetManager.js';

// ---------------------------------------------------------------------------------------------
// Derived views

/** isExecutorAlive: the scheduler knows the executor (it got an offer and was not removed). */
export const isExecutorAlive = (s: TaskSchedulerState, executorId: string): boolean => s.executors[executorId] !== undefined;

/** executorIdToRunningTaskIds(executorId), ascending. */
export const runningTaskIdsOn = (s: TaskSchedulerState, executorId: string): number[] => indexOf(s.tasks).idsOnExecutor(executorId);

/** isExecutorBusy: some attempt runs on the executor. */
export const isExecutorBusy = (s: TaskSchedulerState, executorId: string): boolean => indexOf(s.tasks).busy(executorId);

/** rootPool's task sets in FIFO order (FIFOSchedulingAlgorithm: priority, then stage id; then attempt). */
export function sortedTaskSets(s: TaskSchedulerState): TaskSetManagerState[] {
  return Object.values(s.taskSets).sort((a, b) =>
    a.taskSet.priority - b.taskSet.priority || a.taskSet.stageId - b.taskSet.stageId || a.taskSet.stageAttemptId - b.taskSet.stageAttemptId);
}

// ---------------------------------------------------------------------------------------------
// Operations

/** A new TaskSchedulerImpl (spark.task.maxFailures, spark.task.cpus). */
export function newTaskScheduler(maxTaskFailures: number, taskCpus: number): TaskSchedulerState {
  return { maxTaskFailures, taskCpus, nextTaskId: 0, taskSets: {}, tasks: [], executors: {} };
}

function run(s: TaskSchedulerState, operation: (w: SchedulerWriter) => void): SchedulerResult {
  const w = new SchedulerWriter(s);
  operation(w);
  return w.result();
}

const unchanged = (s: TaskSchedulerState): SchedulerResult => ({ state: s, effects: [] });

/**
 * submitTasks: a TaskSetManager for the set; every other attempt of the same stage becomes a
 * zombie (one active attempt per stage); then backend.reviveOffers(). A set whose stage attempt is
 * already registered is ignored (the DAGScheduler never resubmits an attempt).
 */
export function submitTasks(s: TaskSchedulerState, taskSet: TaskSet): SchedulerResult {
  const key = taskSetId(taskSet);
  if (s.taskSets[key] !== undefined) return unchanged(s);
  return run(s, (w) => {
    for (const other of sortedTaskSets(w.s)) {
      if (other.taskSet.stageId === taskSet.stageId && !other.isZombie) w.taskSet(taskSetId(other.taskSet)).isZombie = true;
    }
    w.addTaskSet(key, tsmOps.newTaskSetManager(taskSet));
    w.effects.push({ kind: 'reviveOffers' });
  });
}

/**
 * resourceOffers: an executor offered for the first time is recorded (executorIdToHost) and
 * reported with dagScheduler.executorAdded; then each schedulable task set, in FIFO order, is
 * offered every executor in turn (resourceOfferSingleTaskSet), one task per offer per round,
 * while its free cores fit spark.task.cpus, until a round launches nothing. Launches come back as
 * `launchTask` effects, each after its `dagScheduler.taskStarted`.
 */
export function resourceOffers(s: TaskSchedulerState, offers: readonly WorkerOffer[], now: number): SchedulerResult {
  if (offers.length === 0) return unchanged(s);
  return run(s, (w) => {
    for (const offer of offers) {
      if (w.s.executors[offer.executorId] !== undefined) continue;
      w.setExecutor(offer.executorId, offer.host);
      w.effects.push({ kind: 'dagScheduler', event: { type: 'dagScheduler.executorAdded', executorId: offer.executorId, host: offer.host } });
    }
    const availableCpus = offers.map((o) => o.cores);
    for (const tsm of sortedTaskSets(w.s)) {
      if (!tsmOps.isSchedulable(tsm)) continue;
      const key = taskSetId(tsm.taskSet);
      // copiesRunning(index) > 0, from the running attempts' index (it follows each launch).
      const running = { has: (index: number) => w.index().idsOfIndex(key, index).length > 0 };
      // Each round launches at least one task (one pending entry fewer) or ends the loop.
      for (let launched = true; launched; ) {
        launched = false;
        offers.forEach((offer, i) => {
          if (availableCpus[i]! < w.s.taskCpus || !tsmOps.isSchedulable(w.s.taskSets[key]!)) return;
          const index = tsmOps.dequeueTask(w, key, running);
          if (index === undefined) return;
          tsmOps.prepareLaunchingTask(w, key, index, offer, now);
          availableCpus[i]! -= w.s.taskCpus;
          launched = true;
        });
      }
    }
  });
}

/**
 * statusUpdate(tid, state, data). An update for a task no longer tracked (its task set is gone,
 * a duplicate finished update, or its executor was removed) is ignored, as Spark logs and does.
 * - RUNNING: launchSucceeded() (launching = false).
 * - FINISHED: handleSuccessfulTask.
 * - FAILED / KILLED: handleFailedTask with the update's reason (UnknownReason if none); then, as
 *   TaskSchedulerImpl.handleFailedTask does, reviveOffers unless the set is a zombie or the index
 *   already succeeded.
 * - LOST (Spark up to 3.5, Mesos fine-grained): the task's executor is removed from the scheduler
 *   ("Task <tid> was lost, so marking the executor as lost as well."), which fails its running
 *   attempts, this one included; then dagScheduler.executorLost and reviveOffers. The backend keeps
 *   the executor, as Spark's did.
 */
export function statusUpdate(s: TaskSchedulerState, taskId: number, state: TaskState, reason: TaskFailedReason | undefined, now: number): SchedulerResult {
  const t = runningTask(s.tasks, taskId);
  if (!t || s.taskSets[t.taskSetKey] === undefined || (!isTaskFinished(state) && state !== 'RUNNING')) return unchanged(s);
  return run(s, (w) => {
    if (state === 'RUNNING') {
      if (t.launching) w.task(taskId).launching = false;
      return;
    }
    if (state === 'LOST' && w.s.executors[t.executorId] !== undefined) {
      const lost: ExecutorLossReason = { kind: 'ExecutorProcessLost', message: `Task ${taskId} was lost, so marking the executor as lost as well.`, causedByApp: true };
      removeExecutor(w, t.executorId, lost, now);
      w.effects.push({ kind: 'dagScheduler', event: { type: 'dagScheduler.executorLost', executorId: t.executorId, reason: lost } });
      w.effects.push({ kind: 'reviveOffers' });
      // Then enqueueFailedTask(LOST) as for FAILED: the attempt has just finished with its
      // executor, so TaskSetManager.handleFailedTask ignores it; the revive below still happens.
    }
    if (state === 'FINISHED') {
      tsmOps.handleSuccessfulTask(w, taskId, now);
      return;
    }
    tsmOps.handleFailedTask(w, taskId, reason ?? { kind: 'UnknownReason' }, now);
    // TaskSchedulerImpl.handleFailedTask: revive so the re-added index gets offers.
    const tsm = w.s.taskSets[t.taskSetKey];
    if (tsm && !tsm.isZombie && !tsmOps.isSuccessful(tsm, t.index)) w.effects.push({ kind: 'reviveOffers' });
  });
}

/** TaskSchedulerImpl.removeExecutor: forget the executor; every task set in the pool fails its attempts there. */
function removeExecutor(w: SchedulerWriter, executorId: string, reason: ExecutorLossReason, now: number): void {
  w.deleteExecutor(executorId);
  for (const tsm of sortedTaskSets(w.s)) {
    const key = taskSetId(tsm.taskSet);
    if (w.s.taskSets[key] !== undefined) tsmOps.executorLost(w, key, executorId, reason, now);
  }
}

/**
 * executorLost(executorId, reason) (4.4): for an executor the scheduler knows, removeExecutor (its
 * running attempts fail: TaskSetManager.executorLost), then dagScheduler.executorLost and
 * reviveOffers. An executor it does not know (never offered, or already removed) changes nothing:
 * "Lost an executor ... (already removed)".
 */
export function executorLost(s: TaskSchedulerState, executorId: string, reason: ExecutorLossReason, now: number): SchedulerResult {
  if (s.executors[executorId] === undefined || reason.kind === 'LossReasonPending') return unchanged(s);
  return run(s, (w) => {
    removeExecutor(w, executorId, reason, now);
    w.effects.push({ kind: 'dagScheduler', event: { type: 'dagScheduler.executorLost', executorId, reason } });
    w.effects.push({ kind: 'reviveOffers' });
  });
}

/**
 * killAllTaskAttempts(stageId, interruptThread, reason), the DAGScheduler's cancellation of a
 * stage: every attempt of the stage kills its running tasks ("Stage cancelled: <reason>") and is
 * suspended (zombie without a TaskSetFailed; it leaves the pool when its last attempt ends).
 */
export function killAllTaskAttempts(s: TaskSchedulerState, stageId: number, interruptThread: boolean, reason: string): SchedulerResult {
  const keys = sortedTaskSets(s).filter((t) => t.taskSet.stageId === stageId).map((t) => taskSetId(t.taskSet));
  if (keys.length === 0) return unchanged(s);
  return run(s, (w) => {
    for (const key of keys) {
      for (const taskId of tsmOps.runningTaskIds(w.s, key)) {
        w.effects.push({ kind: 'killTask', taskId, executorId: runningTask(w.s.tasks, taskId)!.executorId, interruptThread, reason: `Stage cancelled: ${reason}` });
      }
      tsmOps.suspend(w, key);
    }
  });
}

/**
 * error(message) (StandaloneSchedulerBackend.dead): every task set, zombies included, is aborted
 * with the message (dagScheduler.taskSetFailed each). With none, Spark throws
 * ("Exiting due to error from cluster scheduler"); here nothing happens.
 */
export function error(s: TaskSchedulerState, message: string): SchedulerResult {
  const keys = sortedTaskSets(s).map((t) => taskSetId(t.taskSet));
  if (keys.length === 0) return unchanged(s);
  return run(s, (w) => {
    for (const key of keys) tsmOps.abort(w, key, message);
  });
}
