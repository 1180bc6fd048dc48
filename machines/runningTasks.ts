/**
 * The running task attempts of TaskSchedulerImpl (taskIdToTaskSetManager / taskIdToExecutorId),
 * stored for cheap copy-on-write: task ids are handed out in order, so attempts are kept in
 * buckets of BUCKET consecutive ids. A change copies the bucket map (about running / BUCKET
 * entries) and one bucket, where a flat record of every running attempt was copied whole on every
 * launch and status update (the largest cost in the profile at 1,000 executors).
 *
 * The questions Spark answers from its own maps (runningTasksSet of a task set, copiesRunning of
 * an index, executorIdToRunningTaskIds) are answered from a derived index kept beside the state,
 * not in it: it is keyed by the bucket map, built on first use, and moved to the next state by the
 * writer (schedulerState.ts), which updates it as attempts come and go. The state stays plain,
 * immutable data; a state read after a newer one was derived from it rebuilds its index.
 */
import type { RunningTask } from './schedulerState.js';

/**
 * Running attempts: array index = bucket number (taskId >> BUCKET_BITS), bucket index = taskId's
 * low bits. Both are arrays with small dense indices, so V8 keeps them in fast mode and copies
 * them in one step (objects keyed by large task ids fall into dictionary mode, whose copies cost
 * 20 times more). Empty slots are holes.
 */
export type RunningTasks = Array<Array<RunningTask>>;

const BUCKET_BITS = 7;
const BUCKET_MASK = (1 << BUCKET_BITS) - 1;
const bucketOf = (taskId: number) => taskId >> BUCKET_BITS;

export function runningTask(tasks: RunningTasks, taskId: number): RunningTask | undefined {
  return tasks[bucketOf(taskId)]?.[taskId & BUCKET_MASK];
}

/** Every running attempt, ascending task ids. */
export function runningEntries(tasks: RunningTasks): Array<[number, RunningTask]> {
  const out: Array<[number, RunningTask]> = [];
  tasks.forEach((bucket, b) => bucket.forEach((t, i) => out.push([(b << BUCKET_BITS) + i, t])));
  return out;
}

/** Running tasks of the given attempts (ascending task ids), for building states in tests and tools. */
export function runningTasksOf(entries: Iterable<[number, RunningTask]>): RunningTasks {
  const tasks: RunningTasks = [];
  for (const [tid, t] of entries) (tasks[bucketOf(tid)] ??= [])[tid & BUCKET_MASK] = t;
  return tasks;
}

/**
 * Sets (t given) or copies for change (t undefined) the attempt `taskId` in owned buckets `tasks`;
 * `owned` holds the objects this write already copied. Returns the attempt now stored.
 */
export function putRunning(tasks: RunningTasks, owned: Set<object>, taskId: number, t: RunningTask | undefined): RunningTask {
  const b = bucketOf(taskId);
  let bucket = tasks[b];
  if (!bucket || !owned.has(bucket)) {
    bucket = bucket ? bucket.slice() : [];
    tasks[b] = bucket;
    owned.add(bucket);
  }
  const i = taskId & BUCKET_MASK;
  if (t) {
    bucket[i] = t;
    return t;
  }
  let current = bucket[i]!;
  if (!owned.has(current)) {
    current = { ...current };
    bucket[i] = current;
    owned.add(current);
  }
  return current;
}

/** Removes the attempt from owned buckets (an emptied bucket leaves the map); returns it. */
export function deleteRunning(tasks: RunningTasks, owned: Set<object>, taskId: number): RunningTask | undefined {
  const b = bucketOf(taskId);
  const t = runningTask(tasks, taskId);
  if (!t) return undefined;
  let bucket = tasks[b]!;
  if (!owned.has(bucket)) {
    bucket = bucket.slice();
    tasks[b] = bucket;
    owned.add(bucket);
  }
  delete bucket[taskId & BUCKET_MASK];
  // An emptied bucket leaves the array; trailing holes are trimmed, so no running attempt is [].
  for (const _ in bucket) return t;
  delete tasks[b];
  let end = tasks.length;
  while (end > 0 && tasks[end - 1] === undefined) end--;
  tasks.length = end;
  return t;
}

/** Derived views of the running attempts, kept in step with one RunningTasks value. */
export class RunningIndex {
  /** Task set key -> task index -> running task ids. */
  private readonly bySet = new Map<string, Map<number, Set<number>>>();
  private readonly countBySet = new Map<string, number>();
  /** Executor id -> running task ids. */
  private readonly byExecutor = new Map<string, Set<number>>();

  add(taskId: number, t: RunningTask): void {
    let indices = this.bySet.get(t.taskSetKey);
    if (!indices) this.bySet.set(t.taskSetKey, (indices = new Map()));
    let ids = indices.get(t.index);
    if (!ids) indices.set(t.index, (ids = new Set()));
    ids.add(taskId);
    this.countBySet.set(t.taskSetKey, (this.countBySet.get(t.taskSetKey) ?? 0) + 1);
    let onExecutor = this.byExecutor.get(t.executorId);
    if (!onExecutor) this.byExecutor.set(t.executorId, (onExecutor = new Set()));
    onExecutor.add(taskId);
  }

  remove(taskId: number, t: RunningTask): void {
    const indices = this.bySet.get(t.taskSetKey)!;
    const ids = indices.get(t.index)!;
    ids.delete(taskId);
    if (ids.size === 0) indices.delete(t.index);
    const n = this.countBySet.get(t.taskSetKey)! - 1;
    if (n === 0) {
      this.countBySet.delete(t.taskSetKey);
      this.bySet.delete(t.taskSetKey);
    } else this.countBySet.set(t.taskSetKey, n);
    const onExecutor = this.byExecutor.get(t.executorId)!;
    onExecutor.delete(taskId);
    if (onExecutor.size === 0) this.byExecutor.delete(t.executorId);
  }

  /** runningTasksSet of a task set, ascending. */
  idsOfSet(key: string): number[] {
    const out: number[] = [];
    for (const ids of this.bySet.get(key)?.values() ?? []) out.push(...ids);
    return out.sort((a, b) => a - b);
  }

  /** runningTasks of a task set (the size of runningTasksSet). */
  countOfSet(key: string): number {
    return this.countBySet.get(key) ?? 0;
  }

  /** Running task ids of one index of a task set, ascending. */
  idsOfIndex(key: string, index: number): number[] {
    return [...(this.bySet.get(key)?.get(index) ?? [])].sort((a, b) => a - b);
  }

  /** executorIdToRunningTaskIds, ascending. */
  idsOnExecutor(executorId: string): number[] {
    return [...(this.byExecutor.get(executorId) ?? [])].sort((a, b) => a - b);
  }

  busy(executorId: string): boolean {
    return this.byExecutor.has(executorId);
  }
}

const indexes = new WeakMap<RunningTasks, RunningIndex>();

/** The index of a RunningTasks value, built on first use. */
export function indexOf(tasks: RunningTasks): RunningIndex {
  let index = indexes.get(tasks);
  if (!index) {
    index = new RunningIndex();
    for (const [tid, t] of runningEntries(tasks)) index.add(tid, t);
    indexes.set(tasks, index);
  }
  return index;
}

/**
 * Hands the index of `from` to `to` (a copy about to be changed through the writer); `from` will
 * rebuild its own if it is read again.
 */
export function moveIndex(from: RunningTasks, to: RunningTasks): RunningIndex {
  const index = indexOf(from);
  indexes.delete(from);
  indexes.set(to, index);
  return index;
}
