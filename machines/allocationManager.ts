/**
 * The ExecutorAllocationManager (dynamic allocation) of one driver: a listener on the driver's
 * LiveListenerBus (address `driver-<n>/ExecutorAllocationManager`) that keeps the executor target
 * and asks the scheduler backend for it (requestTotalExecutors), and kills executors its
 * ExecutorMonitor (executorMonitor.ts) reports idle for too long (killExecutors).
 *
 * Models core/src/main/scala/org/apache/spark/ExecutorAllocationManager.scala (Spark 4.1.1:
 * start, schedule, updateAndSyncNumExecutorsTarget, maxNumExecutorsNeededPerResourceProfile,
 * addExecutors, doUpdateRequest, removeExecutors, ExecutorAllocationListener);
 * shared/spark-semantics.md section 6.1. Spark's scheduleWithFixedDelay(schedule, 0, 100 ms) is
 * the `schedule` self-message from a ticker child (DESIGN rule 2).
 *
 * Created with the SparkContext, it listens at once; start() comes when the backend has started
 * (the application registered). Spark creates and starts it only then, before the user's code
 * runs; the model's driver program may submit a job earlier, so listening from creation keeps
 * that job's stage in the backlog.
 *
 * One resource profile (the default). Differences: Spark's requestTotalExecutors and
 * killExecutors block for the cluster manager's answer; here the request is sent to the backend
 * and taken as acknowledged (the standalone Master always accepts a known application's request),
 * and the executors chosen for removal are marked pending removal at once (Spark marks those
 * killExecutors returns, which are the same unless a task started on one in between; the
 * backend still refuses to kill a busy executor). Not modelled: speculative tasks, unschedulable
 * task sets, locality hints, decommissioning, reset() (YARN AM restart).
 */
import { enqueueActions, setup, spawnChild, type AnyActorRef } from 'xstate';
import { ALLOCATION_INTERVAL_MS, allocationConf, type AllocationConf } from './allocationConf.js';
import { nowOf } from './clock.js';
import type { ResolvedConf } from './conf.js';
import { executorCount, executorsKilled, monitorOnEvent, newExecutorMonitor, pendingRemovalCount, timedOutExecutors, type ExecutorMonitorState } from './executorMonitor.js';
import { ENDPOINT, siblingAddress } from './ids.js';
import type { Address, BackendKillExecutors, BackendRequestTotalExecutors } from './protocol.js';
import { DEFAULT_RESOURCE_PROFILE_ID, SPARK_LISTENER_EVENT_TYPES, type SparkListenerEvent } from './sparkListener.js';
import { tickerPlaceholder } from './ticker.js';

/** The schedule() tick (Spark's Runnable on the "spark-dynamic-executor-allocation" thread). */
export interface AllocationSchedule { type: 'schedule' }
/** SparkContext: ExecutorAllocationManager.start() once the scheduler backend has started. */
export interface AllocationManagerStart { type: 'allocationManager.start' }
/** SparkContext.stop -> ExecutorAllocationManager.stop: the schedule thread is shut down. */
export interface AllocationManagerStop { type: 'allocationManager.stop' }

export type AllocationManagerEvent = SparkListenerEvent | AllocationSchedule | AllocationManagerStart | AllocationManagerStop;

export interface AllocationManagerInput { address: Address; conf: ResolvedConf }

/** A stage attempt's bookkeeping (ExecutorAllocationListener's maps keyed by StageAttempt). */
export interface StageAttemptTasks {
  /** stageAttemptToNumTasks; undefined once the attempt completed (its running count may remain). */
  numTasks: number | undefined;
  /** stageAttemptToTaskIndices: indices of non-speculative tasks started. */
  taskIndices: number[];
  /** stageAttemptToNumRunningTask. */
  running: number;
}

/** One change of the allocation target, for reports. */
export interface TargetChange { atMs: number; target: number }

/** Bound on the target changes kept for reports (the oldest go first). */
export const RETAINED_TARGET_CHANGES = 10_000;

export interface AllocationManagerContext {
  address: Address;
  conf: AllocationConf;
  /** numExecutorsTargetPerResourceProfileId(default profile). */
  target: number;
  /** numExecutorsToAddPerResourceProfileId(default profile). */
  numToAdd: number;
  /** addTime; undefined = NOT_SET. */
  addTimeMs: number | undefined;
  initializing: boolean;
  /** Keyed `${stageId}.${attemptNumber}`. */
  stageAttempts: Record<string, StageAttemptTasks>;
  monitor: ExecutorMonitorState;
  targets: TargetChange[];
}

/** What a step asks of the scheduler backend (ExecutorAllocationClient). */
export type AllocationOutput = BackendRequestTotalExecutors | BackendKillExecutors;

export interface AllocationStep { context: AllocationManagerContext; out: AllocationOutput[] }

export const SCHEDULE_TIMER = 'schedule';

// ---------------------------------------------------------------------------------------------
// Derived views

const attemptKey = (stageId: number, attempt: number): string => `${stageId}.${attempt}`;

/** totalPendingTasks: per live attempt, numTasks minus the indices started. */
export function pendingTasks(c: AllocationManagerContext): number {
  return Object.values(c.stageAttempts).reduce((sum, a) => sum + (a.numTasks === undefined ? 0 : Math.max(0, a.numTasks - a.taskIndices.length)), 0);
}

/** totalRunningTasks. */
export const runningTasks = (c: AllocationManagerContext): number => Object.values(c.stageAttempts).reduce((sum, a) => sum + a.running, 0);

/** maxNumExecutorsNeededPerResourceProfile: ceil((pending + running) × ratio / tasksPerExecutor). */
export function maxNumExecutorsNeeded(c: AllocationManagerContext): number {
  return Math.ceil(((pendingTasks(c) + runningTasks(c)) * c.conf.executorAllocationRatio) / c.conf.tasksPerExecutor);
}

export function initialAllocationContext(address: Address, conf: AllocationConf, now: number): AllocationManagerContext {
  return {
    address, conf, target: conf.initialExecutors, numToAdd: 1, addTimeMs: undefined, initializing: true, stageAttempts: {},
    monitor: newExecutorMonitor(conf), targets: [{ atMs: now, target: conf.initialExecutors }],
  };
}

const requestTotal = (target: number): BackendRequestTotalExecutors => ({ type: 'backend.requestTotalExecutors', resourceProfileIdToNumExecutors: { [DEFAULT_RESOURCE_PROFILE_ID]: target } });

function withTarget(c: AllocationManagerContext, target: number, now: number): AllocationManagerContext {
  if (target === c.target) return c;
  const targets = [...c.targets, { atMs: now, target }];
  if (targets.length > RETAINED_TARGET_CHANGES) targets.splice(0, targets.length - RETAINED_TARGET_CHANGES);
  return { ...c, target, targets };
}

// ---------------------------------------------------------------------------------------------
// schedule() and its parts

/** onSchedulerBacklogged: start the add timer unless it runs. */
const backlogged = (c: AllocationManagerContext, now: number): AllocationManagerContext =>
  (c.addTimeMs === undefined ? { ...c, addTimeMs: now + c.conf.schedulerBacklogTimeoutMs } : c);

/** onSchedulerQueueEmpty: clear the add timer, ramp-up starts again at 1. */
const queueEmpty = (c: AllocationManagerContext): AllocationManagerContext => ({ ...c, addTimeMs: undefined, numToAdd: 1 });

/**
 * updateAndSyncNumExecutorsTarget: nothing while initializing; lower the target to what the
 * tasks need (never below minExecutors), or, when the add timer expired, addExecutors; then
 * doUpdateRequest: a changed target goes to the backend, and a raise doubles numToAdd if the
 * whole step was granted (1, 2, 4, 8, ...) and restarts the timer with the sustained timeout.
 */
export function updateAndSyncNumExecutorsTarget(c: AllocationManagerContext, now: number): AllocationStep {
  if (c.initializing) return { context: c, out: [] };
  const maxNeeded = maxNumExecutorsNeeded(c);
  const old = c.target;
  let next = c;
  if (maxNeeded < c.target) {
    next = { ...withTarget(c, Math.max(maxNeeded, c.conf.minExecutors), now), numToAdd: 1 };
  } else if (c.addTimeMs !== undefined && now >= c.addTimeMs) {
    next = addExecutors(c, maxNeeded, now);
  } else {
    return { context: c, out: [] };
  }
  const delta = next.target - old;
  if (delta === 0) return { context: next, out: [] };
  if (delta > 0) next = { ...next, numToAdd: delta === c.numToAdd ? c.numToAdd * 2 : 1, addTimeMs: now + c.conf.sustainedSchedulerBacklogTimeoutMs };
  return { context: next, out: [requestTotal(next.target)] };
}

/** addExecutors: raise the target by numToAdd from at least the current count, capped by the need and [min, max]. */
function addExecutors(c: AllocationManagerContext, maxNeeded: number, now: number): AllocationManagerContext {
  const { minExecutors, maxExecutors } = c.conf;
  if (c.target >= maxExecutors) return { ...c, numToAdd: 1 };
  let n = Math.max(c.target, executorCount(c.monitor)) + c.numToAdd;
  n = Math.min(n, maxNeeded);
  n = Math.max(Math.min(n, maxExecutors), minExecutors);
  const next = withTarget(c, n, now);
  return n === c.target ? { ...next, numToAdd: 1 } : next;
}

/**
 * removeExecutors: in id order, keep an executor when removing it would leave fewer than
 * minExecutors or fewer than the target; kill the rest without changing the target
 * (adjustTargetNumExecutors = false, countFailures = false, force = false), re-send the target
 * (SPARK-21834), and mark them pending removal.
 */
export function removeExecutors(c: AllocationManagerContext, ids: string[]): AllocationStep {
  let total = executorCount(c.monitor) - pendingRemovalCount(c.monitor);
  const toRemove: string[] = [];
  for (const id of ids) {
    if (total - 1 < c.conf.minExecutors || total - 1 < c.target) continue;
    toRemove.push(id);
    total -= 1;
  }
  if (toRemove.length === 0) return { context: c, out: [] };
  return {
    context: { ...c, monitor: executorsKilled(c.monitor, toRemove) },
    out: [
      { type: 'backend.killExecutors', executorIds: toRemove, adjustTargetNumExecutors: false, countFailures: false, force: false },
      requestTotal(c.target),
    ],
  };
}

/** schedule(): timed-out executors end the initializing state; update the target; remove the timed-out executors. */
export function schedule(c: AllocationManagerContext, now: number): AllocationStep {
  const toRemove = timedOutExecutors(c.monitor, now);
  let next = toRemove.length > 0 && c.initializing ? { ...c, initializing: false } : c;
  const updated = updateAndSyncNumExecutorsTarget(next, now);
  next = updated.context;
  if (toRemove.length === 0) return updated;
  const removed = removeExecutors(next, toRemove);
  return { context: removed.context, out: [...updated.out, ...removed.out] };
}

/** hasPendingTasks (regular tasks: speculation is not modelled). */
const hasPendingTasks = (c: AllocationManagerContext): boolean => pendingTasks(c) > 0;

function putAttempt(c: AllocationManagerContext, key: string, a: StageAttemptTasks | undefined): AllocationManagerContext {
  const stageAttempts = { ...c.stageAttempts };
  if (a === undefined || (a.numTasks === undefined && a.running === 0)) delete stageAttempts[key];
  else stageAttempts[key] = a;
  return { ...c, stageAttempts };
}

/** ExecutorAllocationListener, then the ExecutorMonitor (both listen to every event). */
export function onListenerEvent(c: AllocationManagerContext, e: SparkListenerEvent, now: number): AllocationManagerContext {
  let next = c;
  switch (e.type) {
    case 'SparkListenerStageSubmitted': {
      const key = attemptKey(e.stageInfo.stageId, e.stageInfo.attemptNumber);
      next = putAttempt({ ...c, initializing: false }, key, { numTasks: e.stageInfo.numTasks, taskIndices: [], running: c.stageAttempts[key]?.running ?? 0 });
      next = backlogged(next, now);
      break;
    }
    case 'SparkListenerStageCompleted': {
      const key = attemptKey(e.stageInfo.stageId, e.stageInfo.attemptNumber);
      const a = c.stageAttempts[key];
      // The running count stays: the attempt may still have running tasks.
      next = putAttempt(c, key, a ? { numTasks: undefined, taskIndices: [], running: a.running } : undefined);
      if (Object.values(next.stageAttempts).every((x) => x.numTasks === undefined)) next = queueEmpty(next);
      break;
    }
    case 'SparkListenerTaskStart': {
      const key = attemptKey(e.stageId, e.stageAttemptId);
      const a = c.stageAttempts[key] ?? { numTasks: undefined, taskIndices: [], running: 0 };
      const taskIndices = e.taskInfo.speculative || a.taskIndices.includes(e.taskInfo.index) ? a.taskIndices : [...a.taskIndices, e.taskInfo.index];
      next = putAttempt(c, key, { ...a, running: a.running + 1, taskIndices: a.numTasks === undefined ? a.taskIndices : taskIndices });
      if (!hasPendingTasks(next)) next = queueEmpty(next);
      break;
    }
    case 'SparkListenerTaskEnd': {
      const key = attemptKey(e.stageId, e.stageAttemptId);
      const a = c.stageAttempts[key];
      if (a) next = putAttempt(c, key, { ...a, running: Math.max(0, a.running - 1) });
      if (e.reason.kind !== 'Success' && e.reason.kind !== 'TaskKilled') {
        // SPARK-8366: a failed task will run again; make sure executors are asked for it.
        if (!hasPendingTasks(next)) next = backlogged(next, now);
        const b = next.stageAttempts[key];
        if (b && !e.taskInfo.speculative) next = putAttempt(next, key, { ...b, taskIndices: b.taskIndices.filter((i) => i !== e.taskInfo.index) });
      }
      break;
    }
    default:
      break;
  }
  const monitor = monitorOnEvent(next.monitor, e, now);
  return monitor === next.monitor ? next : { ...next, monitor };
}

// ---------------------------------------------------------------------------------------------
// The machine

/** Every listener event updates the ExecutorAllocationListener's books and the ExecutorMonitor, before and after start(). */
const LISTENER_TRANSITIONS = Object.fromEntries(SPARK_LISTENER_EVENT_TYPES.map((type) => [type, { actions: 'apply' as const, description: `ExecutorAllocationListener and ExecutorMonitor: on${type.slice('SparkListener'.length)}.` }]));

export const allocationManagerMachine = setup({
  types: {
    input: {} as AllocationManagerInput,
    context: {} as AllocationManagerContext,
    events: {} as AllocationManagerEvent,
  },
  actors: { ticker: tickerPlaceholder },
  actions: {
    /** Sends the step's requests to the scheduler backend (the ExecutorAllocationClient). */
    apply: enqueueActions(({ context, event, enqueue, system }) => {
      const now = nowOf(system);
      const { context: next, out } = event.type === 'schedule' ? schedule(context, now) : { context: onListenerEvent(context, event as SparkListenerEvent, now), out: [] };
      if (next !== context) enqueue.assign(() => next);
      const backend = system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) as AnyActorRef | undefined;
      if (backend) for (const o of out) enqueue.sendTo(backend, o);
    }),
    /** start(): the initial target goes to the cluster manager at once. */
    requestInitial: enqueueActions(({ context, enqueue, system }) => {
      const backend = system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) as AnyActorRef | undefined;
      if (backend) enqueue.sendTo(backend, requestTotal(context.target));
    }),
  },
}).createMachine({
  id: 'ExecutorAllocationManager',
  context: ({ input, self }) => initialAllocationContext(input.address, allocationConf(input.conf), nowOf(self.system)),
  initial: 'created',
  states: {
    created: {
      description: 'Created by SparkContext: the listener is registered on the bus; no schedule() yet.',
      on: {
        ...LISTENER_TRANSITIONS,
        'allocationManager.start': { target: 'running', description: 'start(): requestTotalExecutors(initial target), then schedule() with a fixed delay of 100 ms, first at once.' },
        'allocationManager.stop': { target: 'stopped', description: 'stop() before start().' },
      },
    },
    running: {
      entry: [
        'requestInitial',
        spawnChild('ticker', { id: SCHEDULE_TIMER, input: { event: { type: 'schedule' }, initialDelayMs: 0, periodMs: ALLOCATION_INTERVAL_MS } }),
      ],
      description: 'ExecutorAllocationManager started: listens on the LiveListenerBus and runs schedule() every 100 ms (ExecutorAllocationManager.scala).',
      on: {
        schedule: { actions: 'apply', description: 'schedule(): timed-out executors end initializing; updateAndSyncNumExecutorsTarget (lower to the need, or add after the backlog timeout, doubling); removeExecutors of the timed-out ones (never below minExecutors or the target).' },
        ...LISTENER_TRANSITIONS,
        'allocationManager.stop': { target: 'stopped', actions: enqueueActions(({ enqueue }) => enqueue.stopChild(SCHEDULE_TIMER)), description: 'stop(): the schedule thread is shut down.' },
      },
    },
    stopped: { description: 'Stopped with the SparkContext: listener events still posted are ignored.' },
  },
});
