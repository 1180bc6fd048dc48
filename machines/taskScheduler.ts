/**
 * TaskSchedulerImpl and TaskSetManager as pure functions over plain data. Spark calls them
 * synchronously under one lock from the DriverEndpoint, so the scheduler backend machine
 * (schedulerBackend.ts) calls these inside its actions; they mutate a draft of its context and
 * return effects (launches, kills, DAGScheduler events, revives).
 *
 * Models core/.../spark/scheduler/TaskSchedulerImpl.scala and TaskSetManager.scala (3.5/4.x);
 * shared/spark-semantics.md sections 4.1-4.5. Not modelled: locality levels (every offer is
 * PROCESS_LOCAL-equivalent), speculation, barrier task sets, exclusion (HealthTracker), shuffle
 * output resubmission on executor loss (the scenario's tasks fetch no shuffle data).
 */
import { countTowardsTaskFailures, lossReasonMessage, taskFailedReasonString, type ExecutorLossReason, type TaskDescription, type TaskEndReason, type TaskFailedReason, type TaskInfo, type TaskSet } from './protocol.js';
import type { TaskState } from './states.js';

export interface TaskAttempt extends TaskInfo {
  taskSetKey: string;
  /** True until the driver receives RUNNING for this attempt (TaskInfo.launching). */
  launching: boolean;
  finished: boolean;
}

export interface TaskSetManagerState {
  key: string;
  taskSet: TaskSet;
  pending: number[];
  successful: boolean[];
  numFailures: number[];
  copiesRunning: number[];
  /** Attempts launched per index (the next attempt number). */
  attempts: number[];
  running: number[];
  tasksSuccessful: number;
  isZombie: boolean;
  killedByOtherAttempt: number[];
}

export interface TaskSchedulerState {
  maxTaskFailures: number;
  taskCpus: number;
  nextTaskId: number;
  /** Live task set managers, in submission order (FIFO scheduling). */
  taskSets: TaskSetManagerState[];
  /** taskIdToTaskSetManager with each attempt's TaskInfo. */
  tasks: Record<number, TaskAttempt>;
  /** executorIdToRunningTaskIds: an entry for every executor that got an offer and was not removed. */
  executorRunningTasks: Record<string, number[]>;
  executorHost: Record<string, string>;
}

export interface WorkerOffer { executorId: string; host: string; cores: number }

export type SchedulerEffect =
  | { kind: 'launch'; task: TaskDescription }
  | { kind: 'kill'; taskId: number; executorId: string; interruptThread: boolean; reason: string }
  | { kind: 'dag'; event: { type: `dagScheduler.${string}` } & Record<string, unknown> }
  | { kind: 'revive' }
  /** statusUpdate(LOST): the executor is marked lost as well (Spark up to 3.5). */
  | { kind: 'executorLost'; executorId: string; reason: ExecutorLossReason };

export function newTaskScheduler(maxTaskFailures: number, taskCpus: number): TaskSchedulerState {
  return { maxTaskFailures, taskCpus, nextTaskId: 0, taskSets: [], tasks: {}, executorRunningTasks: {}, executorHost: {} };
}

export const isExecutorBusy = (s: TaskSchedulerState, executorId: string) => (s.executorRunningTasks[executorId]?.length ?? 0) > 0;
const taskSetId = (t: TaskSet) => `${t.stageId}.${t.stageAttemptId}`;
const tsmOf = (s: TaskSchedulerState, key: string) => s.taskSets.find((t) => t.key === key);
const remove = (list: number[], value: number) => {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
};
const addPending = (tsm: TaskSetManagerState, index: number) => {
  if (tsm.pending.includes(index)) return;
  tsm.pending.push(index);
  tsm.pending.sort((a, b) => a - b);
};

/** TaskSchedulerImpl.submitTasks: one active attempt per stage; revive offers. */
export function submitTasks(s: TaskSchedulerState, taskSet: TaskSet, fx: SchedulerEffect[]): void {
  for (const other of s.taskSets) if (other.taskSet.stageId === taskSet.stageId) other.isZombie = true;
  const n = taskSet.tasks.length;
  s.taskSets.push({
    key: taskSetId(taskSet), taskSet, pending: taskSet.tasks.map((t) => t.index).sort((a, b) => a - b),
    successful: Array(n).fill(false), numFailures: Array(n).fill(0), copiesRunning: Array(n).fill(0), attempts: Array(n).fill(0),
    running: [], tasksSuccessful: 0, isZombie: false, killedByOtherAttempt: [],
  });
  fx.push({ kind: 'revive' });
}

/**
 * TaskSchedulerImpl.resourceOffers: task sets in FIFO order; each round offers every executor
 * one task of the set (resourceOfferSingleTaskSet), repeated while anything launches.
 */
export function resourceOffers(s: TaskSchedulerState, offers: readonly WorkerOffer[], now: number, fx: SchedulerEffect[]): void {
  for (const offer of offers) {
    if (s.executorRunningTasks[offer.executorId] === undefined) {
      s.executorRunningTasks[offer.executorId] = [];
      s.executorHost[offer.executorId] = offer.host;
      fx.push({ kind: 'dag', event: { type: 'dagScheduler.executorAdded', executorId: offer.executorId, host: offer.host } });
    }
  }
  const available = offers.map((o) => o.cores);
  for (const tsm of [...s.taskSets]) {
    let launched = true;
    while (launched && !tsm.isZombie && tsm.pending.length > 0) {
      launched = false;
      offers.forEach((offer, i) => {
        if (tsm.pending.length === 0 || available[i]! < s.taskCpus) return;
        const index = tsm.pending.shift()!;
        available[i]! -= s.taskCpus;
        launch(s, tsm, index, offer, now, fx);
        launched = true;
      });
    }
  }
}

function launch(s: TaskSchedulerState, tsm: TaskSetManagerState, index: number, offer: WorkerOffer, now: number, fx: SchedulerEffect[]): void {
  const taskId = s.nextTaskId++;
  const attemptNumber = tsm.attempts[index]!++;
  const spec = tsm.taskSet.tasks.find((t) => t.index === index)!;
  const info: TaskAttempt = {
    taskId, index, attemptNumber, partitionId: spec.partitionId, launchTime: now, executorId: offer.executorId, host: offer.host, speculative: false,
    taskSetKey: tsm.key, launching: true, finished: false,
  };
  s.tasks[taskId] = info;
  tsm.copiesRunning[index]!++;
  tsm.running.push(taskId);
  s.executorRunningTasks[offer.executorId]!.push(taskId);
  const { stageId, stageAttemptId, jobId } = tsm.taskSet;
  fx.push({ kind: 'launch', task: { taskId, attemptNumber, executorId: offer.executorId, name: `task ${index}.${attemptNumber} in stage ${stageId}.${stageAttemptId} (TID ${taskId})`, index, partitionId: spec.partitionId, jobId, stageId, stageAttemptId, cpus: s.taskCpus } });
  fx.push({ kind: 'dag', event: { type: 'dagScheduler.taskStarted', stageId, stageAttemptId, taskInfo: publicInfo(info) } });
}

const publicInfo = (t: TaskAttempt): TaskInfo => ({ taskId: t.taskId, index: t.index, attemptNumber: t.attemptNumber, partitionId: t.partitionId, launchTime: t.launchTime, executorId: t.executorId, host: t.host, speculative: t.speculative });

/** cleanupTaskState: later updates for the task are ignored; its executor no longer runs it. */
function cleanupTaskState(s: TaskSchedulerState, info: TaskAttempt): void {
  delete s.tasks[info.taskId];
  const running = s.executorRunningTasks[info.executorId];
  if (running) remove(running, info.taskId);
}

/** TaskSchedulerImpl.statusUpdate (4.2). Updates for a task whose task set is gone are ignored. */
export function statusUpdate(s: TaskSchedulerState, taskId: number, state: TaskState, reason: TaskFailedReason | undefined, now: number, fx: SchedulerEffect[]): void {
  const info = s.tasks[taskId];
  if (!info) return;
  const tsm = tsmOf(s, info.taskSetKey);
  if (!tsm) return;
  if (state === 'LOST') {
    fx.push({ kind: 'executorLost', executorId: info.executorId, reason: { kind: 'ExecutorProcessLost', message: `Task ${taskId} was lost, so marking the executor as lost as well.`, causedByApp: true } });
    return;
  }
  if (state === 'RUNNING') {
    info.launching = false;
    return;
  }
  if (state === 'LAUNCHING') return;
  cleanupTaskState(s, info);
  remove(tsm.running, taskId);
  if (state === 'FINISHED') handleSuccessfulTask(s, tsm, info, now, fx);
  else {
    handleFailedTask(s, tsm, info, state, reason ?? { kind: 'UnknownReason' }, now, fx);
    if (!tsm.isZombie && !tsm.successful[info.index]) fx.push({ kind: 'revive' });
  }
}

function taskEnded(tsm: TaskSetManagerState, info: TaskAttempt, reason: TaskEndReason, now: number, fx: SchedulerEffect[]): void {
  fx.push({ kind: 'dag', event: { type: 'dagScheduler.taskEnded', stageId: tsm.taskSet.stageId, stageAttemptId: tsm.taskSet.stageAttemptId, taskInfo: publicInfo(info), reason, finishTime: now } });
}

/** TaskSetManager.handleSuccessfulTask. */
function handleSuccessfulTask(s: TaskSchedulerState, tsm: TaskSetManagerState, info: TaskAttempt, now: number, fx: SchedulerEffect[]): void {
  if (info.finished) return;
  if (tsm.successful[info.index] && tsm.killedByOtherAttempt.includes(info.taskId)) {
    handleFailedTask(s, tsm, info, 'KILLED', { kind: 'TaskKilled', reason: 'Finish but did not commit due to another attempt succeeded' }, now, fx);
    return;
  }
  info.finished = true;
  tsm.copiesRunning[info.index]!--;
  for (const other of tsm.running) {
    const attempt = s.tasks[other];
    if (attempt && attempt.index === info.index) {
      tsm.killedByOtherAttempt.push(other);
      fx.push({ kind: 'kill', taskId: other, executorId: attempt.executorId, interruptThread: true, reason: 'another attempt succeeded' });
    }
  }
  if (!tsm.successful[info.index]) {
    tsm.tasksSuccessful++;
    tsm.successful[info.index] = true;
    tsm.numFailures[info.index] = 0; // SPARK-37580
    if (tsm.tasksSuccessful === tsm.taskSet.tasks.length) tsm.isZombie = true;
  }
  taskEnded(tsm, info, { kind: 'Success' }, now, fx);
  maybeFinishTaskSet(s, tsm);
}

/** TaskSetManager.handleFailedTask (4.5). */
function handleFailedTask(s: TaskSchedulerState, tsm: TaskSetManagerState, info: TaskAttempt, _state: TaskState, reason: TaskFailedReason, now: number, fx: SchedulerEffect[]): void {
  if (info.finished) return;
  remove(tsm.running, info.taskId);
  info.finished = true;
  tsm.copiesRunning[info.index]!--;
  taskEnded(tsm, info, reason, now, fx);
  if (!tsm.isZombie && countTowardsTaskFailures(reason)) {
    tsm.numFailures[info.index]!++;
    if (tsm.numFailures[info.index]! >= s.maxTaskFailures) {
      const id = taskSetId(tsm.taskSet);
      const failure = `Lost task ${info.index}.${info.attemptNumber} in stage ${id} (TID ${info.taskId}) (${info.host} executor ${info.executorId}): ${taskFailedReasonString(reason)}`;
      abort(s, tsm, `Task ${info.index} in stage ${id} failed ${s.maxTaskFailures} times, most recent failure: ${failure}\nDriver stacktrace:`, fx);
      return;
    }
  }
  if (!tsm.successful[info.index]) addPending(tsm, info.index);
  maybeFinishTaskSet(s, tsm);
}

/** TaskSetManager.abort: the DAGScheduler fails the stage; the set becomes a zombie. */
export function abort(s: TaskSchedulerState, tsm: TaskSetManagerState, message: string, fx: SchedulerEffect[]): void {
  fx.push({ kind: 'dag', event: { type: 'dagScheduler.taskSetFailed', stageId: tsm.taskSet.stageId, stageAttemptId: tsm.taskSet.stageAttemptId, reason: message } });
  tsm.isZombie = true;
  maybeFinishTaskSet(s, tsm);
}

/** A zombie set with no running task is finished (taskSetFinished). */
function maybeFinishTaskSet(s: TaskSchedulerState, tsm: TaskSetManagerState): void {
  if (tsm.isZombie && tsm.running.length === 0) s.taskSets = s.taskSets.filter((t) => t !== tsm);
}

/** exitCausedByApp of a running attempt lost with its executor (TaskSetManager.executorLost). */
export function exitCausedByApp(reason: ExecutorLossReason, launching: boolean): boolean {
  switch (reason.kind) {
    case 'ExecutorExited': return reason.exitCausedByApp;
    case 'ExecutorKilled': return false;
    case 'ExecutorDecommission': return false;
    case 'ExecutorProcessLost': if (!reason.causedByApp) return false; break;
    default: break;
  }
  // SPARK-39955: an attempt the driver never saw RUNNING was not running the app's code.
  return !launching;
}

/** TaskSchedulerImpl.executorLost -> removeExecutor -> every TaskSetManager.executorLost. */
export function executorLost(s: TaskSchedulerState, executorId: string, reason: ExecutorLossReason, now: number, fx: SchedulerEffect[]): void {
  const running = s.executorRunningTasks[executorId];
  if (running === undefined) return; // "Lost an executor (already removed)"
  delete s.executorRunningTasks[executorId];
  delete s.executorHost[executorId];
  for (const taskId of [...running]) {
    const info = s.tasks[taskId];
    if (!info) continue;
    const tsm = tsmOf(s, info.taskSetKey);
    delete s.tasks[taskId];
    if (!tsm) continue;
    handleFailedTask(s, tsm, info, 'FAILED', { kind: 'ExecutorLostFailure', execId: executorId, exitCausedByApp: exitCausedByApp(reason, info.launching), reason: lossReasonMessage(reason) }, now, fx);
  }
  fx.push({ kind: 'dag', event: { type: 'dagScheduler.executorLost', executorId, reason } });
  fx.push({ kind: 'revive' });
}

/** Cancelling a stage: kill its running attempts and stop scheduling it. */
export function cancelTasks(s: TaskSchedulerState, stageId: number, reason: string, fx: SchedulerEffect[]): void {
  for (const tsm of s.taskSets.filter((t) => t.taskSet.stageId === stageId)) {
    for (const taskId of tsm.running) {
      const info = s.tasks[taskId];
      // DAGScheduler.failJobAndIndependentStages: interrupt only with spark.job.interruptOnCancel (default false).
      if (info) fx.push({ kind: 'kill', taskId, executorId: info.executorId, interruptThread: false, reason });
    }
    tsm.isZombie = true;
    maybeFinishTaskSet(s, tsm);
  }
}

/** TaskSchedulerImpl.error: abort every task set with the message. */
export function error(s: TaskSchedulerState, message: string, fx: SchedulerEffect[]): void {
  for (const tsm of [...s.taskSets]) if (!tsm.isZombie) abort(s, tsm, message, fx);
}
