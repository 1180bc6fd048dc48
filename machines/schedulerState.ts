/**
 * The data of TaskSchedulerImpl and its TaskSetManagers (taskScheduler.ts, taskSetManager.ts), and
 * the copy-on-write writer their pure functions work through: every operation starts from a state,
 * copies only the records it changes (a task set, a running attempt, a record of them), and
 * returns the new state with the old one untouched. Written by hand rather than with Immer: these
 * functions run several times per task and mostly read, and Immer's proxies cost more than the
 * work here.
 */
import type {
  DagExecutorAdded, DagExecutorLost, DagTaskEnded, DagTaskSetFailed, DagTaskStarted, TaskDescription, TaskSet,
} from './protocol.js';
import { deleteRunning, indexOf, moveIndex, putRunning, type RunningIndex, type RunningTasks } from './runningTasks.js';
import type { PartitionFlags } from './partitionFlags.js';

/**
 * A running attempt: taskIdToTaskSetManager and taskIdToExecutorId of Spark, with the attempt's
 * TaskInfo while it runs (TaskInfo.running). An attempt leaves this record when it finishes.
 */
export interface RunningTask {
  /** TaskSet.id of its TaskSetManager: "stageId.stageAttemptId". */
  taskSetKey: string;
  index: number;
  executorId: string;
  /** TaskInfo.host, the offer's host. */
  host: string;
  attemptNumber: number;
  launchTime: number;
  /** TaskInfo.launching: true until the driver receives RUNNING for this attempt. */
  launching: boolean;
  /** In TaskSetManager.killedByOtherAttempt: told to die because another attempt of its index succeeded. */
  killedByOtherAttempt: boolean;
}

/** One TaskSetManager. Task `index` is the position in taskSet.tasks. */
export interface TaskSetManagerState {
  taskSet: TaskSet;
  /**
   * Spark's pendingTasks list is a stack: addPendingTasks pushes indices n-1 .. 0, a failed index
   * is pushed again on top, and dequeueTaskFromList pops from the top. So the stack is always
   * "untried indices, lowest on top" under "re-added indices"; kept here as the lowest untried
   * index and the re-added ones (in push order). A re-added entry of an index that has since
   * succeeded or runs again is dropped when it comes up, as Spark drops it.
   */
  nextUntried: number;
  readded: number[];
  /** successful(index): indices with a successful attempt (partitionFlags.ts). */
  successful: PartitionFlags;
  /** tasksSuccessful: indices with a successful attempt (Spark keeps the same counter). */
  tasksSuccessful: number;
  /** numFailures(index), counted failures; absent = 0. */
  numFailures: Record<number, number>;
  /**
   * Attempts of the index that ended without success; absent = 0. Without speculation an index is
   * launched again only after its previous attempts ended, so this is taskAttempts(index).size,
   * the next attempt's number.
   */
  failedAttempts: Record<number, number>;
  isZombie: boolean;
}

export interface TaskSchedulerState {
  /** spark.task.maxFailures. */
  maxTaskFailures: number;
  /** spark.task.cpus (CPUS_PER_TASK). */
  taskCpus: number;
  /** newTaskId(): the next task id. */
  nextTaskId: number;
  /** taskSetsByStageIdAndAttempt (the pool's members), by TaskSet.id "stageId.stageAttemptId". */
  taskSets: Record<string, TaskSetManagerState>;
  /** Running attempts by task id (runningTasks.ts: buckets of consecutive ids; read through its functions). */
  tasks: RunningTasks;
  /**
   * executorIdToHost: every executor that got an offer and was not removed (the keys of
   * executorIdToRunningTaskIds; its task ids are derived from `tasks`).
   */
  executors: Record<string, string>;
}

/** WorkerOffer (scheduler/WorkerOffer.scala): the cores an executor has free. */
export interface WorkerOffer { executorId: string; host: string; cores: number }

/** TaskSchedulerImpl / TaskSetManager calls of the DAGScheduler. */
export type DagSchedulerCall = DagTaskStarted | DagTaskEnded | DagTaskSetFailed | DagExecutorAdded | DagExecutorLost;

/**
 * What an operation asks of the backend, in Spark's order:
 * - `launchTask`: a TaskDescription for CoarseGrainedSchedulerBackend.launchTasks (LaunchTask);
 * - `killTask`: SchedulerBackend.killTask, i.e. KillTask sent to the driver endpoint itself;
 * - `reviveOffers`: SchedulerBackend.reviveOffers, i.e. ReviveOffers sent to the driver endpoint;
 * - `dagScheduler`: a DAGScheduler call.
 */
export type SchedulerEffect =
  | { kind: 'launchTask'; task: TaskDescription }
  | { kind: 'killTask'; taskId: number; executorId: string; interruptThread: boolean; reason: string }
  | { kind: 'reviveOffers' }
  | { kind: 'dagScheduler'; event: DagSchedulerCall };

export interface SchedulerResult { state: TaskSchedulerState; effects: SchedulerEffect[] }

/**
 * Copy-on-write over a TaskSchedulerState. `s` always shows the current values; writes go through
 * the methods, which copy a record (and the object in it) the first time it changes. Objects
 * taken from `s` are read-only: to change one, take it from `task()` / `taskSet()`. The running
 * attempts' derived index (runningTasks.ts) moves to the new state with the first change and is
 * kept up to date by addTask / deleteTask.
 */
export class SchedulerWriter {
  readonly s: TaskSchedulerState;
  readonly effects: SchedulerEffect[] = [];
  private readonly owned = new Set<object>();
  private dirty = false;
  private liveIndex: RunningIndex | undefined;

  constructor(private readonly base: TaskSchedulerState) {
    this.s = { ...base };
  }

  /** The new state (the base itself if nothing changed) and the effects. */
  result(): SchedulerResult {
    return { state: this.dirty ? this.s : this.base, effects: this.effects };
  }

  /** The running attempts' index of the current state. */
  index(): RunningIndex {
    return this.liveIndex ?? indexOf(this.s.tasks);
  }

  private own<K extends 'taskSets' | 'executors'>(key: K): TaskSchedulerState[K] {
    this.dirty = true;
    let record = this.s[key];
    if (!this.owned.has(record)) {
      record = { ...record };
      this.s[key] = record;
      this.owned.add(record);
    }
    return record;
  }

  /** The running-task buckets, owned (the bucket map copied once, then changed in place). */
  private ownTasks(): RunningTasks {
    this.dirty = true;
    const tasks = this.s.tasks;
    if (this.owned.has(tasks)) return tasks;
    const copy = tasks.slice();
    this.liveIndex = moveIndex(tasks, copy);
    this.s.tasks = copy;
    this.owned.add(copy);
    return copy;
  }

  newTaskId(): number {
    this.dirty = true;
    return this.s.nextTaskId++;
  }

  /** A running attempt to change (its task set, index and executor never change). */
  task(taskId: number): RunningTask {
    const tasks = this.ownTasks();
    const t = putRunning(tasks, this.owned, taskId, undefined);
    return t;
  }

  addTask(taskId: number, t: RunningTask): void {
    putRunning(this.ownTasks(), this.owned, taskId, t);
    this.owned.add(t);
    this.index().add(taskId, t);
  }

  deleteTask(taskId: number): void {
    const t = deleteRunning(this.ownTasks(), this.owned, taskId);
    if (t) this.index().remove(taskId, t);
  }

  /** A task set to change (its pending list and failure counts are copied with it). */
  taskSet(key: string): TaskSetManagerState {
    const sets = this.own('taskSets');
    let tsm = sets[key]!;
    if (!this.owned.has(tsm)) {
      tsm = { ...tsm, readded: [...tsm.readded], numFailures: { ...tsm.numFailures }, failedAttempts: { ...tsm.failedAttempts } };
      sets[key] = tsm;
      this.owned.add(tsm);
    }
    return tsm;
  }

  addTaskSet(key: string, tsm: TaskSetManagerState): void {
    this.own('taskSets')[key] = tsm;
    this.owned.add(tsm);
  }

  deleteTaskSet(key: string): void {
    delete this.own('taskSets')[key];
  }

  setExecutor(executorId: string, host: string): void {
    this.own('executors')[executorId] = host;
  }

  deleteExecutor(executorId: string): void {
    delete this.own('executors')[executorId];
  }
}
