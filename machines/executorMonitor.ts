/**
 * ExecutorMonitor as pure functions: per-executor idle tracking for dynamic allocation, fed by
 * the listener events the allocation manager receives, asked for the timed-out executors on each
 * schedule() tick. State is plain data (the allocation manager's context holds it).
 *
 * Models core/src/main/scala/org/apache/spark/scheduler/dynalloc/ExecutorMonitor.scala
 * (Spark 4.1.1); shared/spark-semantics.md section 6.2. Timeouts: an idle executor times out
 * idleTimeout after it went idle; one holding cached RDD blocks or shuffle data uses the smaller
 * of cachedExecutorIdleTimeout (blocks) and shuffleTracking.timeout (shuffle data) instead, so
 * with Spark's defaults (both practically infinite) it never does. An executor holding shuffle
 * data of an active job is never idle.
 *
 * Differences: Spark's TaskStart guard asks the backend client.isExecutorActive (SPARK-26927);
 * an actor does not read another's state, so the monitor's own view stands in: a task start
 * counts on an executor it tracks and has not asked to kill. nextTimeout (a cache that saves
 * rescans) is not kept: timedOutExecutors scans every tracked executor. Not modelled:
 * decommissioning, the external shuffle service's RDD fetch (spark.shuffle.service.fetch.rdd.enabled),
 * ShuffleCleanedEvent (ContextCleaner runs on JVM garbage collection, which the model has not).
 */
import type { AllocationConf } from './allocationConf.js';
import { isValidStorageLevel, rddBlockId, shuffleDataBlockShuffleId, type SparkListenerEvent } from './sparkListener.js';

/** Tracker. idleStartMs undefined = busy (Spark's -1); timeoutAtMs Infinity = never (Long.MaxValue). */
export interface ExecutorTracker {
  runningTasks: number;
  idleStartMs: number | undefined;
  timeoutAtMs: number;
  pendingRemoval: boolean;
  hasActiveShuffle: boolean;
  /** rddId -> split indices held (Spark's BitSet), ascending. */
  cachedBlocks: Record<number, number[]>;
  /** Shuffles whose data the executor holds (tracking only). */
  shuffleIds: number[];
}

export interface ExecutorMonitorState {
  idleTimeoutMs: number;
  storageTimeoutMs: number;
  shuffleTimeoutMs: number;
  shuffleTrackingEnabled: boolean;
  executors: Record<string, ExecutorTracker>;
  /** shuffleToActiveJobs. */
  shuffleToActiveJobs: Record<number, number[]>;
  /** stageToShuffleID. */
  stageToShuffleId: Record<number, number>;
  /** jobToStageIDs (the job's shuffle map stages). */
  jobToStageIds: Record<number, number[]>;
}

export function newExecutorMonitor(conf: AllocationConf): ExecutorMonitorState {
  return {
    idleTimeoutMs: conf.executorIdleTimeoutMs, storageTimeoutMs: conf.cachedExecutorIdleTimeoutMs, shuffleTimeoutMs: conf.shuffleTrackingTimeoutMs,
    shuffleTrackingEnabled: conf.shuffleTrackingEnabled, executors: {}, shuffleToActiveJobs: {}, stageToShuffleId: {}, jobToStageIds: {},
  };
}

const newTracker = (): ExecutorTracker => ({ runningTasks: 0, idleStartMs: undefined, timeoutAtMs: Infinity, pendingRemoval: false, hasActiveShuffle: false, cachedBlocks: {}, shuffleIds: [] });

/** Tracker.isIdle. */
export const isIdle = (t: ExecutorTracker): boolean => t.idleStartMs !== undefined && !t.hasActiveShuffle;

/** Tracker.updateTimeout: the deadline from the idle start and what the executor holds. */
function withTimeout(m: ExecutorMonitorState, t: ExecutorTracker): ExecutorTracker {
  if (t.idleStartMs === undefined) return { ...t, timeoutAtMs: Infinity };
  const hasBlocks = Object.keys(t.cachedBlocks).length > 0;
  const hasShuffle = t.shuffleIds.length > 0;
  const timeout = hasBlocks || hasShuffle ? Math.min(hasBlocks ? m.storageTimeoutMs : Infinity, hasShuffle ? m.shuffleTimeoutMs : Infinity) : m.idleTimeoutMs;
  return { ...t, timeoutAtMs: t.idleStartMs + timeout };
}

/** Tracker.updateRunningTasks. */
function withRunningTasks(m: ExecutorMonitorState, t: ExecutorTracker, delta: number, now: number): ExecutorTracker {
  const runningTasks = Math.max(0, t.runningTasks + delta);
  return withTimeout(m, { ...t, runningTasks, idleStartMs: runningTasks === 0 ? now : undefined });
}

/** Tracker.addShuffle. */
function withShuffle(t: ExecutorTracker, shuffleId: number): ExecutorTracker {
  return t.shuffleIds.includes(shuffleId) ? t : { ...t, shuffleIds: [...t.shuffleIds, shuffleId], hasActiveShuffle: true };
}

/** Tracker.updateActiveShuffles. */
function withActiveShuffles(m: ExecutorMonitorState, t: ExecutorTracker, active: number[]): ExecutorTracker {
  const had = t.hasActiveShuffle;
  const next = { ...t, hasActiveShuffle: active.some((id) => t.shuffleIds.includes(id)) };
  return had && isIdle(next) ? withTimeout(m, next) : next;
}

const put = (m: ExecutorMonitorState, id: string, t: ExecutorTracker): ExecutorMonitorState => ({ ...m, executors: { ...m.executors, [id]: t } });
const mapExecutors = (m: ExecutorMonitorState, f: (t: ExecutorTracker) => ExecutorTracker): ExecutorMonitorState =>
  ({ ...m, executors: Object.fromEntries(Object.entries(m.executors).map(([id, t]) => [id, f(t)])) });

/** The monitor's listener callbacks (events it does not listen to leave the state unchanged). */
export function monitorOnEvent(m: ExecutorMonitorState, e: SparkListenerEvent, now: number): ExecutorMonitorState {
  switch (e.type) {
    case 'SparkListenerExecutorAdded':
      return put(m, e.executorId, withRunningTasks(m, m.executors[e.executorId] ?? newTracker(), 0, now));
    case 'SparkListenerExecutorRemoved': {
      if (!m.executors[e.executorId]) return m;
      const executors = { ...m.executors };
      delete executors[e.executorId];
      return { ...m, executors };
    }
    case 'SparkListenerTaskStart': {
      const t = m.executors[e.taskInfo.executorId];
      // SPARK-26927: a late task start on an executor being removed is ignored.
      if (!t || t.pendingRemoval) return m;
      return put(m, e.taskInfo.executorId, withRunningTasks(m, t, 1, now));
    }
    case 'SparkListenerTaskEnd': {
      let t = m.executors[e.taskInfo.executorId];
      if (!t) return m;
      const shuffleId = m.stageToShuffleId[e.stageId];
      if (m.shuffleTrackingEnabled && e.reason.kind === 'Success' && shuffleId !== undefined) t = withShuffle(t, shuffleId);
      // After the shuffle bookkeeping, so an executor going idle already counts its shuffle data.
      return put(m, e.taskInfo.executorId, withRunningTasks(m, t, -1, now));
    }
    case 'SparkListenerJobStart': {
      if (!m.shuffleTrackingEnabled) return m;
      const shuffleStages = e.stageInfos.filter((s) => s.shuffleDepId !== undefined).map((s) => [s.stageId, s.shuffleDepId!] as const);
      const shuffleToActiveJobs = { ...m.shuffleToActiveJobs };
      let reused = false;
      for (const [, shuffleId] of shuffleStages) {
        if (shuffleToActiveJobs[shuffleId]) reused = true;
        shuffleToActiveJobs[shuffleId] = [...(shuffleToActiveJobs[shuffleId] ?? []), e.jobId];
      }
      let next: ExecutorMonitorState = {
        ...m, shuffleToActiveJobs,
        stageToShuffleId: { ...m.stageToShuffleId, ...Object.fromEntries(shuffleStages) },
        jobToStageIds: { ...m.jobToStageIds, [e.jobId]: shuffleStages.map(([stageId]) => stageId) },
      };
      // A shuffle reused by a new job makes the executors holding it busy again.
      if (reused) next = mapExecutors(next, (t) => (t.hasActiveShuffle ? t : withActiveShuffles(next, t, shuffleStages.map(([, id]) => id))));
      return next;
    }
    case 'SparkListenerJobEnd': {
      if (!m.shuffleTrackingEnabled) return m;
      const shuffleToActiveJobs: Record<number, number[]> = {};
      const active: number[] = [];
      let wentIdle = false;
      for (const [id, jobs] of Object.entries(m.shuffleToActiveJobs)) {
        const rest = jobs.filter((j) => j !== e.jobId);
        shuffleToActiveJobs[Number(id)] = rest;
        if (rest.length > 0) active.push(Number(id));
        else wentIdle = true;
      }
      const stageToShuffleId = { ...m.stageToShuffleId };
      for (const stageId of m.jobToStageIds[e.jobId] ?? []) delete stageToShuffleId[stageId];
      const jobToStageIds = { ...m.jobToStageIds };
      delete jobToStageIds[e.jobId];
      let next: ExecutorMonitorState = { ...m, shuffleToActiveJobs, stageToShuffleId, jobToStageIds };
      if (wentIdle) next = mapExecutors(next, (t) => (t.hasActiveShuffle ? withActiveShuffles(next, t, active) : t));
      return next;
    }
    case 'SparkListenerBlockUpdated': {
      const info = e.blockUpdatedInfo;
      const id = info.blockManagerId.executorId;
      const t = m.executors[id] ?? newTracker();
      const rdd = rddBlockId(info.blockId);
      if (!rdd) {
        const shuffleId = shuffleDataBlockShuffleId(info.blockId);
        return m.shuffleTrackingEnabled && shuffleId !== undefined ? put(m, id, withShuffle(t, shuffleId)) : put(m, id, t);
      }
      const had = Object.keys(t.cachedBlocks).length > 0;
      if (isValidStorageLevel(info.storageLevel)) {
        const splits = t.cachedBlocks[rdd.rddId] ?? [];
        const cachedBlocks = splits.includes(rdd.splitIndex) ? t.cachedBlocks : { ...t.cachedBlocks, [rdd.rddId]: [...splits, rdd.splitIndex].sort((a, b) => a - b) };
        const next = { ...t, cachedBlocks };
        return put(m, id, had ? next : withTimeout(m, next));
      }
      const splits = t.cachedBlocks[rdd.rddId];
      if (!splits) return put(m, id, t);
      const rest = splits.filter((s) => s !== rdd.splitIndex);
      const cachedBlocks = { ...t.cachedBlocks };
      if (rest.length > 0) cachedBlocks[rdd.rddId] = rest;
      else delete cachedBlocks[rdd.rddId];
      const next = { ...t, cachedBlocks };
      return put(m, id, Object.keys(cachedBlocks).length === 0 ? withTimeout(m, next) : next);
    }
    case 'SparkListenerUnpersistRDD':
      return mapExecutors(m, (t) => {
        const cachedBlocks = { ...t.cachedBlocks };
        delete cachedBlocks[e.rddId];
        const next = { ...t, cachedBlocks };
        return Object.keys(cachedBlocks).length === 0 ? withTimeout(m, next) : next;
      });
    default:
      return m;
  }
}

/** Executor ids in Spark's order for timedOutExecutors (sortBy id: a string sort). */
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** timedOutExecutors: not pending removal, no active shuffle, deadline passed; sorted by id (SPARK-38019: as strings). */
export function timedOutExecutors(m: ExecutorMonitorState, now: number): string[] {
  return Object.keys(m.executors).filter((id) => {
    const t = m.executors[id]!;
    return !t.pendingRemoval && !t.hasActiveShuffle && t.timeoutAtMs <= now;
  }).sort(byId);
}

/** executorsKilled: the executors are pending removal. */
export function executorsKilled(m: ExecutorMonitorState, ids: string[]): ExecutorMonitorState {
  let next = m;
  for (const id of ids) {
    const t = next.executors[id];
    if (t) next = put(next, id, { ...t, pendingRemoval: true });
  }
  return next;
}

/** executorCount. */
export const executorCount = (m: ExecutorMonitorState): number => Object.keys(m.executors).length;

/** pendingRemovalCount. */
export const pendingRemovalCount = (m: ExecutorMonitorState): number => Object.values(m.executors).filter((t) => t.pendingRemoval).length;
