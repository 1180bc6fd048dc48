/**
 * TaskSetManager: its operations, called only from inside TaskSchedulerImpl's pure functions
 * (taskScheduler.ts), as Spark calls them under TaskSchedulerImpl's lock. They change the state
 * through the copy-on-write writer (schedulerState.ts) and add effects to it.
 *
 * Models core/src/main/scala/org/apache/spark/scheduler/TaskSetManager.scala (Spark 4.1.1):
 * addPendingTask / dequeueTaskFromList, prepareLaunchingTask, handleSuccessfulTask,
 * handleFailedTask, executorLost, abort, suspend, maybeFinishTaskSet; shared/spark-semantics.md
 * sections 4.3-4.5.
 *
 * Not modelled: locality levels and delay scheduling (the scenario's tasks have no preferred
 * locations, so every task is NO_PREF and one pending list serves every offer), speculation,
 * barrier task sets, exclusion (HealthTracker), result size limits, FetchFailed, and the re-run of
 * shuffle-map tasks whose output was on a lost executor (TaskSetManager.executorLost step 1: the
 * scenario's tasks read and write no shuffle data).
 */
import {
  countTowardsTaskFailures, lossReasonMessage, taskFailedReasonString,
  type ExecutorLossReason, type TaskEndReason, type TaskFailedReason, type TaskInfo, type TaskSet,
} from './protocol.js';
import type { RunningTask, SchedulerWriter, TaskSchedulerState, TaskSetManagerState, WorkerOffer } from './schedulerState.js';
import { indexOf, runningTask } from './runningTasks.js';
import { isFlagged, noFlags, withFlag } from './partitionFlags.js';

// ---------------------------------------------------------------------------------------------
// Derived views

/** TaskSet.id, "stageId.stageAttemptId": the key of taskSetsByStageIdAndAttempt here. */
export const taskSetId = (t: Pick<TaskSet, 'stageId' | 'stageAttemptId'>): string => `${t.stageId}.${t.stageAttemptId}`;

export const numTasks = (tsm: TaskSetManagerState): number => tsm.taskSet.tasks.length;

export const isSuccessful = (tsm: TaskSetManagerState, index: number): boolean => isFlagged(tsm.successful, index);

/** tasksSuccessful: indices with a successful attempt. */
export const tasksSuccessful = (tsm: TaskSetManagerState): number => tsm.tasksSuccessful;

/** runningTasksSet, ascending task ids. */
export const runningTaskIds = (s: TaskSchedulerState, key: string): number[] => indexOf(s.tasks).idsOfSet(key);

/** copiesRunning(index). */
export const copiesRunning = (s: TaskSchedulerState, key: string, index: number): number => indexOf(s.tasks).idsOfIndex(key, index).length;

/** isSchedulable: not a zombie, and something pending (possibly only entries that will be dropped). */
export const isSchedulable = (tsm: TaskSetManagerState): boolean => !tsm.isZombie && (tsm.readded.length > 0 || tsm.nextUntried < numTasks(tsm));

/** The TaskInfo of a running attempt, as the DAGScheduler's events carry it. */
export function taskInfoOf(tsm: TaskSetManagerState, taskId: number, t: RunningTask): TaskInfo {
  return {
    taskId, index: t.index, attemptNumber: t.attemptNumber, partitionId: tsm.taskSet.tasks[t.index]?.partitionId ?? t.index,
    launchTime: t.launchTime, executorId: t.executorId, host: t.host, speculative: false,
  };
}

/** TaskSetManager.taskName: "task <index>.<attempt> in stage <stageId>.<stageAttemptId> (TID <tid>)". */
export const taskName = (key: string, taskId: number, t: Pick<RunningTask, 'index' | 'attemptNumber'>): string =>
  `task ${t.index}.${t.attemptNumber} in stage ${key} (TID ${taskId})`;

/**
 * exitCausedByApp of a running attempt lost with its executor (TaskSetManager.executorLost, 3.x+):
 * ExecutorExited(_, false, _), ExecutorKilled, ExecutorDecommission and ExecutorProcessLost(_, _,
 * false) are not the app's fault; anything else is, unless the driver never saw RUNNING for the
 * attempt (still `launching`: a network failure, not a task failure; SPARK-39955).
 */
export function exitCausedByApp(reason: ExecutorLossReason, launching: boolean): boolean {
  switch (reason.kind) {
    case 'ExecutorExited': if (!reason.exitCausedByApp) return false; break;
    case 'ExecutorKilled': return false;
    case 'ExecutorDecommission': return false;
    case 'ExecutorProcessLost': if (!reason.causedByApp) return false; break;
    default: break;
  }
  return !launching;
}

// ---------------------------------------------------------------------------------------------
// Operations

export function newTaskSetManager(taskSet: TaskSet): TaskSetManagerState {
  const n = taskSet.tasks.length;
  return { taskSet, nextUntried: 0, readded: [], successful: noFlags(n), tasksSuccessful: 0, numFailures: {}, failedAttempts: {}, isZombie: false };
}

/** addPendingTask: "A zombie TaskSetManager may reach here while handling failed task": then nothing. */
function addPendingTask(w: SchedulerWriter, key: string, index: number): void {
  if (w.s.taskSets[key]!.isZombie) return;
  w.taskSet(key).readded.push(index);
}

/**
 * dequeueTaskFromList over the NO_PREF/all list: takes from the top of Spark's stack (re-added
 * indices, then the lowest untried one); an index that succeeded or has a running copy is
 * dropped; returns the first that has neither. `running` holds the indices of this set's running
 * attempts (copiesRunning > 0).
 */
export function dequeueTask(w: SchedulerWriter, key: string, running: { has(index: number): boolean }): number | undefined {
  const tsm = w.taskSet(key);
  while (tsm.readded.length > 0) {
    const index = tsm.readded.pop()!;
    if (!isSuccessful(tsm, index) && !running.has(index)) return index;
  }
  while (tsm.nextUntried < numTasks(tsm)) {
    const index = tsm.nextUntried++;
    if (!isSuccessful(tsm, index) && !running.has(index)) return index;
  }
  return undefined;
}

/**
 * prepareLaunchingTask: a new task id, attempt number = previous attempts of the index, TaskInfo
 * with `launching` = true (copiesRunning + 1: the running attempt itself), then
 * dagScheduler.taskStarted; the TaskDescription goes to the backend, which launches it.
 */
export function prepareLaunchingTask(w: SchedulerWriter, key: string, index: number, offer: WorkerOffer, now: number): void {
  const tsm = w.s.taskSets[key]!;
  const taskId = w.newTaskId();
  const t: RunningTask = {
    taskSetKey: key, index, executorId: offer.executorId, host: offer.host, attemptNumber: tsm.failedAttempts[index] ?? 0, launchTime: now, launching: true, killedByOtherAttempt: false,
  };
  w.addTask(taskId, t);
  const { stageId, stageAttemptId, jobId } = tsm.taskSet;
  w.effects.push({ kind: 'dagScheduler', event: { type: 'dagScheduler.taskStarted', stageId, stageAttemptId, taskInfo: taskInfoOf(tsm, taskId, t) } });
  w.effects.push({
    kind: 'launchTask',
    task: {
      taskId, attemptNumber: t.attemptNumber, executorId: offer.executorId, name: taskName(key, taskId, t), index,
      partitionId: tsm.taskSet.tasks[index]?.partitionId ?? index, jobId, stageId, stageAttemptId, cpus: w.s.taskCpus,
      ...(tsm.taskSet.storage ? { storage: tsm.taskSet.storage } : {}),
    },
  });
}

/** maybeFinishTaskSet: a zombie with no running attempt leaves the pool (sched.taskSetFinished). */
function maybeFinishTaskSet(w: SchedulerWriter, key: string): void {
  const tsm = w.s.taskSets[key];
  if (tsm?.isZombie && w.index().countOfSet(key) === 0) w.deleteTaskSet(key);
}

/** abort(message): dagScheduler.taskSetFailed, zombie, maybeFinishTaskSet. */
export function abort(w: SchedulerWriter, key: string, message: string): void {
  const tsm = w.taskSet(key);
  w.effects.push({ kind: 'dagScheduler', event: { type: 'dagScheduler.taskSetFailed', stageId: tsm.taskSet.stageId, stageAttemptId: tsm.taskSet.stageAttemptId, reason: message } });
  tsm.isZombie = true;
  maybeFinishTaskSet(w, key);
}

/** suspend(): zombie without telling the DAGScheduler (it asked: killAllTaskAttempts), maybeFinishTaskSet. */
export function suspend(w: SchedulerWriter, key: string): void {
  w.taskSet(key).isZombie = true;
  maybeFinishTaskSet(w, key);
}

function taskEnded(w: SchedulerWriter, tsm: TaskSetManagerState, taskId: number, t: RunningTask, reason: TaskEndReason, now: number): void {
  w.effects.push({ kind: 'dagScheduler', event: { type: 'dagScheduler.taskEnded', stageId: tsm.taskSet.stageId, stageAttemptId: tsm.taskSet.stageAttemptId, taskInfo: taskInfoOf(tsm, taskId, t), reason, finishTime: now } });
}

/**
 * handleSuccessfulTask. An attempt no longer running (already finished) is ignored (SPARK-37300).
 * An attempt told to die because another attempt of its index succeeded is handled as KILLED.
 * Otherwise: finished; every other running attempt of the index is killed (interruptThread =
 * true, "another attempt succeeded"); the first success of an index marks it successful, resets
 * its numFailures (SPARK-37580) and makes the set a zombie once all indices succeeded; the
 * DAGScheduler hears of the success; maybeFinishTaskSet.
 */
export function handleSuccessfulTask(w: SchedulerWriter, taskId: number, now: number): void {
  const t = runningTask(w.s.tasks, taskId);
  if (!t) return;
  const key = t.taskSetKey;
  if (!w.s.taskSets[key]) {
    w.deleteTask(taskId);
    return;
  }
  if (isSuccessful(w.s.taskSets[key]!, t.index) && t.killedByOtherAttempt) {
    handleFailedTask(w, taskId, { kind: 'TaskKilled', reason: 'Finish but did not commit due to another attempt succeeded' }, now);
    return;
  }
  w.deleteTask(taskId);
  for (const other of w.index().idsOfIndex(key, t.index)) {
    const attempt = w.task(other);
    attempt.killedByOtherAttempt = true;
    w.effects.push({ kind: 'killTask', taskId: other, executorId: attempt.executorId, interruptThread: true, reason: 'another attempt succeeded' });
  }
  const tsm = w.taskSet(key);
  if (!isSuccessful(tsm, t.index)) {
    tsm.successful = withFlag(tsm.successful, t.index);
    tsm.tasksSuccessful++;
    delete tsm.numFailures[t.index];
    if (tsm.tasksSuccessful === numTasks(tsm)) tsm.isZombie = true;
  }
  taskEnded(w, tsm, taskId, t, { kind: 'Success' }, now);
  maybeFinishTaskSet(w, key);
}

/** Exception classes whose failure aborts the set at once (a retry would fail the same way). */
const NOT_SERIALIZABLE = 'java.io.NotSerializableException';
const OUTPUT_FILE_EXISTS = 'org.apache.spark.TaskOutputFileAlreadyExistException';

/**
 * handleFailedTask, step by step as TaskSetManager.scala: ignore an attempt already finished
 * (SPARK-37300); finish it (no longer running: copiesRunning - 1); a not-serializable result or an
 * existing output file aborts at once; tell the DAGScheduler; if the set is not a zombie and the
 * reason counts (countTowardsTaskFailures), numFailures(index) + 1 and, at spark.task.maxFailures,
 * abort with Spark's message; else re-add the index unless another attempt succeeded;
 * maybeFinishTaskSet.
 */
export function handleFailedTask(w: SchedulerWriter, taskId: number, reason: TaskFailedReason, now: number): void {
  const t = runningTask(w.s.tasks, taskId);
  if (!t) return;
  w.deleteTask(taskId);
  const key = t.taskSetKey;
  if (!w.s.taskSets[key]) return;
  const tsm = w.taskSet(key);
  tsm.failedAttempts[t.index] = (tsm.failedAttempts[t.index] ?? 0) + 1;
  const name = taskName(key, taskId, t);
  taskEnded(w, tsm, taskId, t, reason, now);
  if (reason.kind === 'ExceptionFailure' && reason.className === NOT_SERIALIZABLE) {
    abort(w, key, `${name} had a not serializable result: ${reason.description}`);
    return;
  }
  if (reason.kind === 'ExceptionFailure' && reason.className === OUTPUT_FILE_EXISTS) {
    abort(w, key, `Task ${t.index}.${t.attemptNumber} in stage ${key} (TID ${taskId}) can not write to output file: ${reason.description}`);
    return;
  }
  if (!tsm.isZombie && countTowardsTaskFailures(reason)) {
    const failures = (tsm.numFailures[t.index] ?? 0) + 1;
    tsm.numFailures[t.index] = failures;
    if (failures >= w.s.maxTaskFailures) {
      const failureReason = `Lost ${name} (${t.host} executor ${t.executorId}): ${taskFailedReasonString(reason)}`;
      abort(w, key, `Task ${t.index} in stage ${key} failed ${w.s.maxTaskFailures} times, most recent failure: ${failureReason}\nDriver stacktrace:`);
      return;
    }
  }
  if (!isSuccessful(tsm, t.index)) addPendingTask(w, key, t.index);
  maybeFinishTaskSet(w, key);
}

/**
 * TaskSetManager.executorLost: every running attempt of this set on the executor fails with
 * ExecutorLostFailure(execId, exitCausedByApp, Some(reason.toString)), in task id order (Spark
 * walks a HashMap). Step 1 (re-running succeeded shuffle-map tasks) is not modelled.
 */
export function executorLost(w: SchedulerWriter, key: string, executorId: string, reason: ExecutorLossReason, now: number): void {
  for (const taskId of runningTaskIds(w.s, key)) {
    const t = runningTask(w.s.tasks, taskId);
    if (!t || t.executorId !== executorId) continue;
    handleFailedTask(w, taskId, { kind: 'ExecutorLostFailure', execId: executorId, exitCausedByApp: exitCausedByApp(reason, t.launching), reason: lossReasonMessage(reason) }, now);
  }
}
