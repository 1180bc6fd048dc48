/**
 * The driver's CoarseGrainedSchedulerBackend with its DriverEndpoint ("CoarseGrainedScheduler"),
 * standalone flavour (StandaloneSchedulerBackend as the AppClient's listener), holding
 * TaskSchedulerImpl (taskScheduler.ts) as Spark does under one lock.
 *
 * Models core/.../scheduler/cluster/CoarseGrainedSchedulerBackend.scala and
 * StandaloneSchedulerBackend.scala (3.5/4.x); shared/spark-semantics.md sections 3, 5.7, 5.8.
 * Offers go to executors in executor-id order (Spark shuffles them; a fixed order keeps runs
 * reproducible). Executor exclusion (HealthTracker) and decommissioning are not modelled.
 */
import { enqueueActions, setup, spawnChild, type AnyActorRef } from 'xstate';
import { produce } from './copyOnWrite.js';
import { num, type ResolvedConf } from './conf.js';
import { nowOf } from './clock.js';
import { ENDPOINT, siblingAddress } from './ids.js';
import {
  lossReasonMessage,
  type Address, type AppClientConnected, type AppClientDead, type AppClientDisconnected, type AppClientExecutorAdded, type AppClientExecutorRemoved,
  type AppClientWorkerRemoved, type BackendKillExecutors, type BackendStop, type CancelTasks, type ExecutorLossReason, type KillTask, type LaunchedExecutor,
  type OnDisconnected, type RegisterExecutor, type RemoveAfterDisconnect, type RemoveExecutor, type ReviveOffers, type RpcMessage, type StatusUpdate, type SubmitTasks,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import * as scheduler from './taskScheduler.js';
import { tickerPlaceholder } from './ticker.js';

/** Bound on the removed executors remembered for reports. */
export const RETAINED_REMOVED_EXECUTORS = 1000;
/** ExecutorExitCode values that are not the application's fault in standalone mode (5.7). */
const NOT_APP_FAULT_EXIT_CODES = new Set([53, 56, 58]);
const DISCONNECT_MESSAGE = 'Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues. Check driver logs for WARN messages.';

export interface ExecutorData {
  executorId: string;
  address: Address;
  host: string;
  totalCores: number;
  freeCores: number;
  registrationTs: number;
}

export interface RemovedExecutor { executorId: string; host: string; totalCores: number; registrationTs: number; removedTs: number; removedReason: string }

export interface SchedulerBackendContext {
  address: Address;
  appId: string | undefined;
  executors: Record<string, ExecutorData>;
  /** executorsPendingToRemove: id -> killed by driver (= !countFailures). */
  pendingToRemove: Record<string, boolean>;
  /** executorsPendingLossReason. */
  pendingLossReason: string[];
  removed: RemovedExecutor[];
  /** The requested total of executors, once the driver asked for one. */
  requestedTotal: number | undefined;
  removeDelayMs: number;
  reviveIntervalMs: number;
  scheduler: scheduler.TaskSchedulerState;
}

export interface SchedulerBackendInput { address: Address; conf: ResolvedConf }

export type SchedulerBackendEvent =
  | ReviveOffers | RegisterExecutor | LaunchedExecutor | StatusUpdate | RemoveExecutor | KillTask | OnDisconnected | RemoveAfterDisconnect
  | BackendKillExecutors | BackendStop | SubmitTasks | CancelTasks
  | AppClientConnected | AppClientDisconnected | AppClientDead | AppClientExecutorAdded | AppClientExecutorRemoved | AppClientWorkerRemoved;

/** isExecutorActive: registered, not pending removal, not pending a loss reason. */
export const isExecutorActive = (c: SchedulerBackendContext, id: string) => c.executors[id] !== undefined && c.pendingToRemove[id] === undefined && !c.pendingLossReason.includes(id);
export const totalCoreCount = (c: SchedulerBackendContext) => Object.values(c.executors).reduce((sum, e) => sum + e.totalCores, 0);
const byExecutorId = (a: string, b: string) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

/** Where an effect goes: through the network, or to an endpoint of this driver process. */
type Out = { via: 'network'; to: Address; message: RpcMessage } | { via: 'local'; endpoint: (typeof ENDPOINT)[keyof typeof ENDPOINT]; event: { type: string } & Record<string, unknown> } | { via: 'self'; event: RemoveAfterDisconnect; delayMs: number };

interface Step { ctx: SchedulerBackendContext; now: number; out: Out[] }

/** Applies the task scheduler's effects: launches take the executor's cores and go out as LaunchTask. */
function apply(step: Step, fx: scheduler.SchedulerEffect[]): void {
  while (fx.length > 0) {
    const effect = fx.shift()!;
    switch (effect.kind) {
      case 'launch': {
        const exec = step.ctx.executors[effect.task.executorId]!;
        exec.freeCores -= effect.task.cpus;
        step.out.push({ via: 'network', to: exec.address, message: { type: 'LaunchTask', data: effect.task } });
        break;
      }
      case 'kill': {
        const exec = step.ctx.executors[effect.executorId];
        if (exec) step.out.push({ via: 'network', to: exec.address, message: { type: 'KillTask', taskId: effect.taskId, executor: effect.executorId, interruptThread: effect.interruptThread, reason: effect.reason } });
        break;
      }
      case 'dag':
        step.out.push({ via: 'local', endpoint: ENDPOINT.DAGScheduler, event: effect.event });
        break;
      case 'revive':
        makeOffers(step);
        break;
      case 'executorLost':
        removeExecutor(step, effect.executorId, effect.reason, true);
        break;
    }
  }
}

/** makeOffers(): every active executor, or only one after a status update or LaunchedExecutor. */
function makeOffers(step: Step, executorId?: string): void {
  const ids = executorId !== undefined ? [executorId] : Object.keys(step.ctx.executors).sort(byExecutorId);
  const offers = ids
    .filter((id) => isExecutorActive(step.ctx, id))
    .map((id) => step.ctx.executors[id]!)
    .map((e) => ({ executorId: e.executorId, host: e.host, cores: e.freeCores }));
  if (offers.length === 0) return;
  const fx: scheduler.SchedulerEffect[] = [];
  scheduler.resourceOffers(step.ctx.scheduler, offers, step.now, fx);
  apply(step, fx);
}

/** DriverEndpoint.removeExecutor (3.5), after RemoveExecutor's StopExecutor when `stopFirst`. */
function removeExecutor(step: Step, executorId: string, reason: ExecutorLossReason, stopFirst: boolean): void {
  const { ctx } = step;
  const exec = ctx.executors[executorId];
  if (!exec) return; // "Asked to remove non-existent executor"
  if (stopFirst) step.out.push({ via: 'network', to: exec.address, message: { type: 'StopExecutor' } });
  const killedByDriver = ctx.pendingToRemove[executorId] ?? false;
  const effective: ExecutorLossReason = killedByDriver ? { kind: 'ExecutorKilled' } : reason;
  delete ctx.executors[executorId];
  delete ctx.pendingToRemove[executorId];
  ctx.pendingLossReason = ctx.pendingLossReason.filter((id) => id !== executorId);
  ctx.removed.push({ executorId, host: exec.host, totalCores: exec.totalCores, registrationTs: exec.registrationTs, removedTs: step.now, removedReason: lossReasonMessage(effective) });
  if (ctx.removed.length > RETAINED_REMOVED_EXECUTORS) ctx.removed.shift();
  const fx: scheduler.SchedulerEffect[] = [];
  scheduler.executorLost(ctx.scheduler, executorId, effective, step.now, fx);
  // SparkListenerExecutorRemoved: HeartbeatReceiver stops tracking the executor.
  step.out.push({ via: 'local', endpoint: ENDPOINT.HeartbeatReceiver, event: { type: 'ExecutorRemoved', executorId } });
  apply(step, fx);
}

/** StandaloneSchedulerBackend.executorRemoved: the loss reason from the Master's report (5.7). */
export function standaloneLossReason(message: string, exitStatus: number | undefined, workerHost: string | undefined): ExecutorLossReason {
  if (exitStatus !== undefined) return { kind: 'ExecutorExited', exitCode: exitStatus, exitCausedByApp: !NOT_APP_FAULT_EXIT_CODES.has(exitStatus), message };
  return { kind: 'ExecutorProcessLost', message, ...(workerHost !== undefined ? { workerHost } : {}), causedByApp: workerHost === undefined };
}

type Handler<E extends SchedulerBackendEvent['type']> = (step: Step, event: Extract<SchedulerBackendEvent, { type: E }>) => void;

const HANDLERS: { [E in SchedulerBackendEvent['type']]?: Handler<E> } = {
  ReviveOffers: (step) => makeOffers(step),
  RegisterExecutor: (step, e) => {
    if (step.ctx.executors[e.executorId]) {
      step.out.push({ via: 'network', to: e.executorRef, message: { type: 'RegisterExecutorFailed', message: `Duplicate executor ID: ${e.executorId}` } });
      return;
    }
    // No offers until LaunchedExecutor: freeCores starts at 0.
    step.ctx.executors[e.executorId] = { executorId: e.executorId, address: e.executorRef, host: e.hostname, totalCores: e.cores, freeCores: 0, registrationTs: step.now };
    step.out.push({ via: 'local', endpoint: ENDPOINT.HeartbeatReceiver, event: { type: 'ExecutorRegistered', executorId: e.executorId } });
    step.out.push({ via: 'network', to: e.executorRef, message: { type: 'RegisteredExecutor' } });
  },
  LaunchedExecutor: (step, e) => {
    const exec = step.ctx.executors[e.executorId];
    if (!exec) return;
    exec.freeCores = exec.totalCores;
    makeOffers(step, e.executorId);
  },
  StatusUpdate: (step, e) => {
    const fx: scheduler.SchedulerEffect[] = [];
    scheduler.statusUpdate(step.ctx.scheduler, e.taskId, e.state, e.data.reason, step.now, fx);
    apply(step, fx);
    const exec = step.ctx.executors[e.executorId];
    if (exec && (e.state === 'FINISHED' || e.state === 'FAILED' || e.state === 'KILLED' || e.state === 'LOST')) {
      exec.freeCores += e.taskCpus;
      makeOffers(step, e.executorId);
    }
  },
  RemoveExecutor: (step, e) => removeExecutor(step, e.executorId, e.reason, true),
  KillTask: (step, e) => {
    const exec = step.ctx.executors[e.executor];
    if (exec) step.out.push({ via: 'network', to: exec.address, message: e });
  },
  onDisconnected: (step, e) => {
    const exec = Object.values(step.ctx.executors).find((x) => x.address === e.remoteAddress);
    if (!exec || step.ctx.pendingLossReason.includes(exec.executorId)) return;
    // StandaloneDriverEndpoint: no offers meanwhile; remove after the delay unless the Master's report came first.
    step.ctx.pendingLossReason.push(exec.executorId);
    step.out.push({ via: 'self', event: { type: 'backend.removeAfterDisconnect', executorId: exec.executorId }, delayMs: step.ctx.removeDelayMs });
  },
  'backend.removeAfterDisconnect': (step, e) => {
    if (!step.ctx.pendingLossReason.includes(e.executorId)) return;
    removeExecutor(step, e.executorId, { kind: 'ExecutorProcessLost', message: DISCONNECT_MESSAGE, causedByApp: true }, true);
  },
  'backend.killExecutors': (step, e) => {
    const { ctx } = step;
    // Never kill twice (SPARK-9795); busy executors only with force (SPARK-9552).
    const toKill = e.executorIds.filter((id) => ctx.executors[id] && ctx.pendingToRemove[id] === undefined && (e.force || !scheduler.isExecutorBusy(ctx.scheduler, id)));
    for (const id of toKill) ctx.pendingToRemove[id] = !e.countFailures;
    if (e.adjustTargetNumExecutors && toKill.length > 0) {
      ctx.requestedTotal = Math.max((ctx.requestedTotal ?? Object.keys(ctx.executors).length) - toKill.length, 0);
      step.out.push({ via: 'local', endpoint: ENDPOINT.AppClient, event: { type: 'RequestExecutors', appId: ctx.appId ?? '', resourceProfileToTotalExecs: { 0: ctx.requestedTotal } } });
    }
    if (toKill.length > 0) step.out.push({ via: 'local', endpoint: ENDPOINT.AppClient, event: { type: 'KillExecutors', appId: ctx.appId ?? '', executorIds: toKill } });
  },
  'taskScheduler.submitTasks': (step, e) => {
    const fx: scheduler.SchedulerEffect[] = [];
    scheduler.submitTasks(step.ctx.scheduler, e.taskSet, fx);
    apply(step, fx);
  },
  'taskScheduler.cancelTasks': (step, e) => {
    const fx: scheduler.SchedulerEffect[] = [];
    scheduler.cancelTasks(step.ctx.scheduler, e.stageId, e.reason, fx);
    apply(step, fx);
  },
  'appClient.connected': (step, e) => void (step.ctx.appId = e.appId),
  'appClient.executorRemoved': (step, e) => {
    const executorId = e.fullId.slice(e.fullId.lastIndexOf('/') + 1);
    removeExecutor(step, executorId, standaloneLossReason(e.message, e.exitStatus, e.workerHost), true);
  },
  'appClient.dead': (step, e) => {
    const fx: scheduler.SchedulerEffect[] = [];
    scheduler.error(step.ctx.scheduler, e.reason, fx);
    apply(step, fx);
  },
};

export const schedulerBackendMachine = setup({
  types: {
    input: {} as SchedulerBackendInput,
    context: {} as SchedulerBackendContext,
    events: {} as SchedulerBackendEvent,
  },
  actors: { ticker: tickerPlaceholder },
  actions: {
    handle: enqueueActions(({ context, event, enqueue, system, self }) => {
      const handler = HANDLERS[event.type] as Handler<typeof event.type> | undefined;
      if (!handler) return;
      const now = nowOf(system);
      const out: Out[] = [];
      // Copy-on-write: only the records a handler touches are copied (outgoing messages hold no drafts).
      const next = produce(context, (draft) => {
        handler({ ctx: draft as SchedulerBackendContext, now, out }, event as never);
      });
      enqueue.assign(() => next);
      for (const o of out) {
        if (o.via === 'network') enqueue.sendTo(networkOf(system), rpc(context.address, o.to, o.message));
        else if (o.via === 'self') enqueue.sendTo(self, o.event, { delay: o.delayMs, id: `${o.event.type}-${o.event.executorId}` });
        else {
          const target = system.get(siblingAddress(context.address, o.endpoint)) as AnyActorRef | undefined;
          if (target) enqueue.sendTo(target, o.event);
        }
      }
    }),
    stop: enqueueActions(({ context, enqueue, system }) => {
      // StopExecutors, then StopAppClient (StandaloneSchedulerBackend.stop).
      for (const id of Object.keys(context.executors).sort(byExecutorId)) enqueue.sendTo(networkOf(system), rpc(context.address, context.executors[id]!.address, { type: 'StopExecutor' }));
      const client = system.get(siblingAddress(context.address, ENDPOINT.AppClient)) as AnyActorRef | undefined;
      if (client) enqueue.sendTo(client, { type: 'StopAppClient' });
    }),
  },
}).createMachine({
  id: 'CoarseGrainedScheduler',
  context: ({ input }) => ({
    address: input.address,
    appId: undefined,
    executors: {},
    pendingToRemove: {},
    pendingLossReason: [],
    removed: [],
    requestedTotal: undefined,
    removeDelayMs: num(input.conf, 'spark.standalone.executorRemoveDelayOnDisconnection'),
    reviveIntervalMs: num(input.conf, 'spark.scheduler.revive.interval'),
    scheduler: scheduler.newTaskScheduler(num(input.conf, 'spark.task.maxFailures'), num(input.conf, 'spark.task.cpus')),
  }),
  entry: spawnChild('ticker', {
    id: 'ReviveOffers',
    input: ({ context }: { context: SchedulerBackendContext }) => ({ event: { type: 'ReviveOffers' }, initialDelayMs: 0, periodMs: context.reviveIntervalMs }),
  }),
  initial: 'running',
  states: {
    running: {
      description: 'DriverEndpoint: registers executors, offers their free cores to the TaskScheduler, handles status updates and removals.',
      on: {
        '*': { actions: 'handle' },
        'backend.stop': { target: 'stopped', actions: 'stop' },
        'appClient.dead': {
          description: 'StandaloneSchedulerBackend.dead: scheduler.error(reason), then sc.stopInNewThread(), which stops this backend.',
          actions: ['handle', enqueueActions(({ context, event, enqueue, system }) => {
            const sc = system.get(siblingAddress(context.address, ENDPOINT.SparkContext)) as AnyActorRef | undefined;
            if (sc && event.type === 'appClient.dead') enqueue.sendTo(sc, { type: 'sparkContext.stop', reason: event.reason });
          })],
        },
      },
    },
    stopped: {
      description: 'SparkContext stopped: no more offers; late status updates and removals are still booked.',
      on: {
        ReviveOffers: {},
        LaunchedExecutor: {},
        'taskScheduler.submitTasks': {},
        StatusUpdate: { actions: 'handle' },
        RemoveExecutor: { actions: 'handle' },
        'appClient.executorRemoved': { actions: 'handle' },
        onDisconnected: {},
        'backend.removeAfterDisconnect': { actions: 'handle' },
      },
    },
  },
});
