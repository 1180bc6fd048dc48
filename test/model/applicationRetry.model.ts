/**
 * Spark's application retry count as a walked model: the Master's ApplicationInfo of one
 * application on two workers (one executor slot each, spark.cores.max = 4), with
 * spark.deploy.maxExecutorRetries = 2. Master.scala's ExecutorStateChanged:
 *   - an executor reaching RUNNING (from LAUNCHING) resets the count (appInfo.resetRetryCount);
 *   - an executor that ends abnormally (not exit status 0, not decommissioned) increments it, and
 *     when the count is >= maxExecutorRetries and no executor of the app is RUNNING the application
 *     is removed (FAILED, ApplicationRemoved to the driver); otherwise schedule() relaunches on the
 *     freed worker at once, so each slot is LAUNCHING or RUNNING.
 * The live counterpart is projected from the Master actor's context (no actor runs this model).
 * Past maxExecutorRetries the count only has to stay >= the limit (every further failure is
 * compared with it again), so both views saturate it there; that keeps the graph finite.
 */
import { and, assign, setup } from 'xstate';
import * as bucketed from '../../machines/bucketed.js';
import type { ApplicationInfo, MasterContext } from '../../machines/master.js';
import { masterMachine } from '../../machines/master.js';
import { isApplicationFinished } from '../../machines/states.js';
import type { Cluster } from '../../runtime/cluster.js';
import type { ModelAdapter, ModelPath } from '../support/modelBased.js';

const MAX_EXECUTOR_RETRIES = 2;
const WORKERS = 2;
/** Each delayed outcome ends at its step's index x this (all other steps take milliseconds). */
const STEP_MS = 60_000;

type Slot = 'LAUNCHING' | 'RUNNING';
interface RetryContext { maxExecutorRetries: number; retryCount: number; executors: Slot[] }
type RetryEvent = { type: 'ExecutorStateChanged'; worker: number; state: 'RUNNING' | 'FAILED' | 'EXITED'; exitStatus?: number };

const saturated = (count: number, max: number) => Math.min(count, max);

/** One abnormal end of the executor on `worker`: count it; remove the app, or relaunch on that worker. */
const counted = (c: RetryContext, worker: number) => ({
  retryCount: saturated(c.retryCount + 1, c.maxExecutorRetries),
  executors: c.executors.map((s, i) => (i === worker ? 'LAUNCHING' : s)),
});
const removes = (c: RetryContext, worker: number) =>
  c.retryCount + 1 >= c.maxExecutorRetries && !c.executors.some((s, i) => i !== worker && s === 'RUNNING');

/** ApplicationInfo's retry count under Master.scala's ExecutorStateChanged (the model; effects none). */
export const applicationRetryMachine = setup({
  types: { context: {} as RetryContext, events: {} as RetryEvent, input: {} as { maxExecutorRetries: number; workers: number } },
  guards: {
    /** LAUNCHING -> RUNNING. */
    started: ({ context, event }) => event.state === 'RUNNING' && context.executors[event.worker] === 'LAUNCHING',
    /** An abnormal end: a launch that failed (LAUNCHING -> FAILED) or a RUNNING executor that exited with status 1. */
    ended: ({ context, event }) =>
      (event.state === 'FAILED' && context.executors[event.worker] === 'LAUNCHING') || (event.state === 'EXITED' && context.executors[event.worker] === 'RUNNING'),
    removes: ({ context, event }) => removes(context, event.worker),
  },

}).createMachine({
  id: 'ApplicationInfo',
  context: ({ input }) => ({ maxExecutorRetries: input.maxExecutorRetries, retryCount: 0, executors: Array.from({ length: input.workers }, () => 'LAUNCHING' as Slot) }),
  initial: 'RUNNING',
  states: {
    RUNNING: {
      on: {
        ExecutorStateChanged: [
          {
            guard: 'started',
            description: 'LAUNCHING -> RUNNING: appInfo.resetRetryCount().',
            actions: assign(({ context, event }) => ({ retryCount: 0, executors: context.executors.map((s, i) => (i === event.worker ? 'RUNNING' : s)) })),
          },
          {
            guard: and(['ended', 'removes']),
            target: 'FAILED',
            description: 'incrementRetryCount() >= maxExecutorRetries and no executor RUNNING: removeApplication(app, FAILED).',
            actions: assign(({ context, event }) => counted(context, event.worker)),
          },
          {
            guard: 'ended',
            description: 'Counted; below the limit or another executor RUNNING: kept, schedule() relaunches on the freed worker.',
            actions: assign(({ context, event }) => counted(context, event.worker)),
          },
        ],
      },
    },
    FAILED: { type: 'final', description: 'ApplicationState.FAILED: removed, ApplicationRemoved("FAILED") to the driver.' },
  },
});

/** The view both sides are compared on: the application's state, its (saturated) count, each worker's executor. */
function viewOf(state: string, retryCount: number, executors: Slot[]) {
  return state === 'FAILED' ? { state, retryCount } : { state, retryCount, executors };
}

/** The application's executor on each worker (in worker order), as the Master lists it. */
function slotsOf(ctx: MasterContext, app: ApplicationInfo): Array<{ id: number; state: string } | undefined> {
  const workerIds = bucketed.values(ctx.workers).sort((a, b) => (a.host < b.host ? -1 : 1)).map((w) => w.id);
  return workerIds.map((wid) => Object.values(app.executors).find((e) => e.workerId === wid && e.state !== 'KILLED'));
}

const appOf = (ctx: MasterContext) => Object.values(ctx.apps)[0];

const events: RetryEvent[] = Array.from({ length: WORKERS }, (_, worker) => [
  { type: 'ExecutorStateChanged' as const, worker, state: 'RUNNING' as const },
  { type: 'ExecutorStateChanged' as const, worker, state: 'FAILED' as const },
  { type: 'ExecutorStateChanged' as const, worker, state: 'EXITED' as const, exitStatus: 1 },
]).flat();

/** Executor ids whose launch outcome this walk has already arranged, per cluster. */
const arranged = new WeakMap<Cluster, Set<number>>();

/** The next step (index > from) that the path takes on this worker's slot, if any. */
function nextOn(path: ModelPath, worker: number, from: number): { step: number; state: string } | undefined {
  for (let k = from; k < path.steps.length; k++) {
    const e = path.steps[k]!.event as RetryEvent;
    if (e.worker === worker) return { step: k, state: e.state };
  }
  return undefined;
}

export const applicationRetryAdapter: ModelAdapter = {
  machine: masterMachine,
  model: applicationRetryMachine,
  input: { maxExecutorRetries: MAX_EXECUTOR_RETRIES, workers: WORKERS },
  events,
  view: {
    model: (s) => {
      const c = s.context as RetryContext;
      return viewOf(s.value as string, c.retryCount, c.executors);
    },
    live: (context) => {
      const ctx = context as MasterContext;
      const app = appOf(ctx);
      if (!app) return undefined;
      const state = app.state === 'FAILED' ? 'FAILED' : isApplicationFinished(app.state) ? app.state : 'RUNNING';
      // No executor on a worker shows as such (the model has none): the relaunch is checked, not assumed.
      const executors = slotsOf(ctx, app).map((e) => e?.state ?? 'none') as Slot[];
      return viewOf(state, saturated(app.retryCount, ctx.maxExecutorRetries), executors);
    },
  },
  // Tasks outlast the walk, so the application is never finished by its driver.
  scenario: () => ({
    name: 'model-retries',
    seed: 1,
    workers: [{ count: WORKERS, cores: 2, memory: '2g' }],
    applications: [{
      name: 'app',
      submitAt: '1s',
      conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '1g', 'spark.cores.max': 2 * WORKERS, 'spark.task.maxFailures': 100 },
      jobs: [{ submitAt: '0s', stages: [{ id: 0, tasks: 2 * WORKERS, taskDuration: '10h' }] }],
    }],
    conf: { 'spark.deploy.maxExecutorRetries': MAX_EXECUTOR_RETRIES },
    stopAt: '20h',
  }),
  stepBoundMs: 2 * 3_600_000,
  /**
   * Each launch's outcome is arranged while its LaunchExecutor is on the wire, from the path's next
   * step on that worker: a start that is the very next step happens at once; a later start or launch
   * failure is delayed until its step's turn (index x STEP_MS); a slot the path leaves alone stays
   * LAUNCHING (a start delayed past the walk). A RUNNING executor's exit is an executor-crash.
   */
  stimulate(event, cluster, context, { path, step }) {
    const ctx = context as MasterContext;
    const app = appOf(ctx)!;
    const done = arranged.get(cluster) ?? new Set<number>();
    arranged.set(cluster, done);
    const start = cluster.scenario.startTimeMs;
    const now = cluster.clock.now() - start;
    slotsOf(ctx, app).forEach((exec, worker) => {
      if (!exec || exec.state !== 'LAUNCHING' || done.has(exec.id)) return;
      done.add(exec.id);
      const next = nextOn(path, worker, step);
      const delayMs = next === undefined ? 10 * 3_600_000 : next.step === step ? 0 : next.step * STEP_MS - now;
      if (delayMs > 0) cluster.faults.inject({ kind: 'executor-launch-delay', atMs: now, worker, times: 1, durationMs: delayMs });
      if (next?.state === 'FAILED') cluster.faults.inject({ kind: 'executor-launch-failure', atMs: now, worker, times: 1 });
    });
    const e = event as RetryEvent;
    if (e.state === 'EXITED') {
      const exec = slotsOf(ctx, app)[e.worker]!;
      cluster.faults.inject({ kind: 'executor-crash', atMs: now, app: 0, executor: exec.id, exitCode: 1 });
    }
  },
};
