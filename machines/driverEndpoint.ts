/**
 * The DriverEndpoint's handlers as a pure step (context and event in, next context and outputs
 * out), for the CoarseGrainedScheduler machine (schedulerBackend.ts), which applies the outputs.
 * TaskSchedulerImpl (taskScheduler.ts) is called inside, synchronously, as Spark does under its
 * lock.
 *
 * Models core/src/main/scala/org/apache/spark/scheduler/cluster/CoarseGrainedSchedulerBackend.scala
 * (DriverEndpoint.receive / receiveAndReply, makeOffers, launchTasks, removeExecutor,
 * killExecutors) and StandaloneSchedulerBackend.scala (the AppClient listener, the
 * StandaloneDriverEndpoint's delayed removal on disconnect), Spark 4.1.1; shared/spark-semantics.md
 * sections 3, 5.7, 5.8.
 *
 * Deterministic where Spark is not: offers are made in executor-id order (numeric), where Spark
 * walks a HashMap and TaskSchedulerImpl shuffles them. Not modelled: executor exclusion (the
 * "Executor is excluded due to failures" rejection), decommissioning, custom resources, the
 * request-time queue (requestTs), spark.rpc.message.maxSize (no task is too large), RemoveWorker
 * (it only unregisters map outputs, which are not modelled), the BlockManagerMaster.
 */
import { produce } from './copyOnWrite.js';
import { ENDPOINT, processOf } from './ids.js';
import {
  lossReasonMessage,
  type Address, type AppClientConnected, type AppClientDead, type AppClientDisconnected, type AppClientExecutorAdded, type AppClientExecutorRemoved,
  type AppClientWorkerRemoved, type BackendKillExecutors, type BackendRequestTotalExecutors, type BackendStop, type StopExecutors, type CancelTasks, type ExecutorLossReason, type ExecutorRegistered, type ExecutorRemoved,
  type KillExecutors, type KillTask, type LaunchedExecutor, type OnDisconnected, type RegisterExecutor, type RemoveAfterDisconnect, type RemoveExecutor, type RequestExecutors,
  type ReviveOffers, type RpcMessage, type SparkContextStop, type StatusUpdate, type SubmitTasks,
} from './protocol.js';
import type { BlockManagerRemoveExecutor, IsExecutorAlive, IsExecutorAliveReply } from './blockManagerMessages.js';
import { DEFAULT_RESOURCE_PROFILE_ID, type SparkListenerExecutorAdded, type SparkListenerExecutorRemoved } from './sparkListener.js';
import { isTaskFinished } from './states.js';
import * as scheduler from './taskScheduler.js';
import type { ExecutorDisconnected } from './yarn/yarnSchedulerEndpoint.js';

/** Bound on the removed executors remembered for reports (the oldest go first). */
export const RETAINED_REMOVED_EXECUTORS = 1000;
/** ExecutorExitCode HEARTBEAT_FAILURE (56), BLOCK_MANAGER_REREGISTRATION_FAILED (58), DISK_STORE_FAILED_TO_CREATE_DIR (53). */
const NOT_APP_FAULT_EXIT_CODES: ReadonlySet<number> = new Set([53, 56, 58]);
/** The loss reason of an executor whose connection closed (CoarseGrainedSchedulerBackend / StandaloneDriverEndpoint). */
export const DISCONNECT_MESSAGE = 'Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues. Check driver logs for WARN messages.';

/** ExecutorData, the fields the model uses. */
export interface ExecutorData {
  executorId: string;
  /** executorEndpoint / executorAddress: the executor's endpoint address. */
  address: Address;
  host: string;
  totalCores: number;
  freeCores: number;
  registrationTs: number;
}

/** A removal, for reports (Spark's SparkListenerExecutorRemoved with the time and ExecutorLossReason.toString). */
export interface RemovedExecutor { executorId: string; host: string; totalCores: number; registrationTs: number; removedTs: number; removedReason: string }

export interface SchedulerBackendContext {
  address: Address;
  /** Which backend subclass: StandaloneSchedulerBackend or YarnSchedulerBackend (its client and its disconnect handling). */
  clusterManager: ClusterManager;
  /** StandaloneSchedulerBackend.appId, from the AppClient's connected(appId). */
  appId: string | undefined;
  /** executorDataMap. */
  executors: Record<string, ExecutorData>;
  /** executorsPendingToRemove: id -> killed by the driver (= !countFailures). */
  pendingToRemove: Record<string, boolean>;
  /** executorsPendingLossReason (standalone: disconnected, removal scheduled). */
  pendingLossReason: Record<string, true>;
  /** requestedTotalExecutorsPerResourceProfile(default profile); undefined while the map is empty. */
  requestedTotal: number | undefined;
  removed: RemovedExecutor[];
  /** spark.standalone.executorRemoveDelayOnDisconnection (ms). */
  removeDelayMs: number;
  /** spark.scheduler.revive.interval (ms). */
  reviveIntervalMs: number;
  scheduler: scheduler.TaskSchedulerState;
}

export type SchedulerBackendEvent =
  | ReviveOffers | RegisterExecutor | LaunchedExecutor | StatusUpdate | RemoveExecutor | KillTask | OnDisconnected | RemoveAfterDisconnect
  | BackendKillExecutors | BackendRequestTotalExecutors | BackendStop | StopExecutors | SubmitTasks | CancelTasks
  | AppClientConnected | AppClientDisconnected | AppClientDead | AppClientExecutorAdded | AppClientExecutorRemoved | AppClientWorkerRemoved
  | IsExecutorAlive;

export type ClusterManager = 'standalone' | 'yarn';

/** The driver-process endpoints the backend calls directly. */
export type DriverPeer = typeof ENDPOINT.AppClient | typeof ENDPOINT.YarnScheduler | typeof ENDPOINT.HeartbeatReceiver | typeof ENDPOINT.DAGScheduler | typeof ENDPOINT.SparkContext | typeof ENDPOINT.BlockManagerMaster;

/** Calls of the driver's other components: HeartbeatReceiver, AppClient or YarnScheduler, SparkContext, DAGScheduler, BlockManagerMaster. */
export type PeerEvent = ExecutorRegistered | ExecutorRemoved | RequestExecutors | KillExecutors | SparkContextStop | SchedulerBackendStarted | scheduler.DagSchedulerCall | BlockManagerRemoveExecutor | IsExecutorAliveReply | ExecutorDisconnected;

/** StandaloneSchedulerBackend.start() returns once the application is registered: SparkContext goes on (and starts the allocation manager). */
export interface SchedulerBackendStarted { type: 'sparkContext.schedulerBackendStarted' }

/**
 * The cluster manager's client endpoint in the driver: the StandaloneAppClient (Master asks) or
 * YarnSchedulerBackend's YarnSchedulerEndpoint (AM asks).
 */
export function clusterManagerEndpoint(c: Pick<SchedulerBackendContext, 'clusterManager'>): typeof ENDPOINT.AppClient | typeof ENDPOINT.YarnScheduler {
  return c.clusterManager === 'yarn' ? ENDPOINT.YarnScheduler : ENDPOINT.AppClient;
}

/** What a step makes the endpoint send: through the network, to a sibling endpoint, or to itself (now or later). */
export type BackendOutput =
  | { to: 'network'; address: Address; message: RpcMessage }
  | { to: 'peer'; endpoint: DriverPeer; event: PeerEvent }
  | { to: 'self'; event: SchedulerBackendEvent }
  | { to: 'selfLater'; event: RemoveAfterDisconnect; delayMs: number; id: string }
  | { to: 'listenerBus'; event: SparkListenerExecutorAdded | SparkListenerExecutorRemoved };

export interface BackendStep { context: SchedulerBackendContext; out: BackendOutput[] }

// ---------------------------------------------------------------------------------------------
// Derived views

/** isExecutorActive: registered, not pending removal, not pending a loss reason (decommission not modelled). */
export const isExecutorActive = (c: SchedulerBackendContext, id: string): boolean =>
  c.executors[id] !== undefined && c.pendingToRemove[id] === undefined && c.pendingLossReason[id] === undefined;

/** totalCoreCount: cores of the registered executors. */
export const totalCoreCount = (c: SchedulerBackendContext): number => Object.values(c.executors).reduce((sum, e) => sum + e.totalCores, 0);

/** totalRegisteredExecutors. */
export const totalRegisteredExecutors = (c: SchedulerBackendContext): number => Object.keys(c.executors).length;

/** scheduler.isExecutorBusy: some task attempt runs on the executor. */
export const isExecutorBusy = (c: SchedulerBackendContext, id: string): boolean => scheduler.isExecutorBusy(c.scheduler, id);

/** Executor ids in numeric order (then by string, for ids that are not numbers). */
export function executorIdsInOrder(c: SchedulerBackendContext): string[] {
  return Object.keys(c.executors).sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** addressToExecutorId: the executor whose process an address belongs to (Spark keys by RpcAddress, one per process). */
export function executorIdOfAddress(c: SchedulerBackendContext, address: Address): string | undefined {
  const process = processOf(address);
  return executorIdsInOrder(c).find((id) => processOf(c.executors[id]!.address) === process);
}

/**
 * StandaloneSchedulerBackend.executorRemoved's loss reason (5.7): exit codes 56, 58 and 53 are not
 * the app's fault; any other code is (0 included); no code means the executor was LOST, the app's
 * fault unless its worker was lost (workerHost set).
 */
export function standaloneLossReason(message: string, exitStatus: number | undefined, workerHost: string | undefined): ExecutorLossReason {
  if (exitStatus !== undefined) return { kind: 'ExecutorExited', exitCode: exitStatus, exitCausedByApp: !NOT_APP_FAULT_EXIT_CODES.has(exitStatus), message };
  return { kind: 'ExecutorProcessLost', message, ...(workerHost !== undefined ? { workerHost } : {}), causedByApp: workerHost === undefined };
}

export function initialContext(address: Address, maxTaskFailures: number, taskCpus: number, reviveIntervalMs: number, removeDelayMs: number, clusterManager: ClusterManager = 'standalone'): SchedulerBackendContext {
  return {
    address, clusterManager, appId: undefined, executors: {}, pendingToRemove: {}, pendingLossReason: {}, requestedTotal: undefined, removed: [],
    removeDelayMs, reviveIntervalMs, scheduler: scheduler.newTaskScheduler(maxTaskFailures, taskCpus),
  };
}

// ---------------------------------------------------------------------------------------------
// The step

interface Step {
  ctx: SchedulerBackendContext;
  now: number;
  out: BackendOutput[];
  /** Changes to executors' free cores made by this step, applied to `ctx` when the step ends (see addFreeCores). */
  freeCoreDeltas?: Map<string, number>;
}

const update = (step: Step, recipe: (d: SchedulerBackendContext) => void): void => {
  step.ctx = produce(step.ctx, (d) => recipe(d as SchedulerBackendContext));
};

/** An executor's free cores as this step has left them so far. */
const freeCoresOf = (step: Step, exec: ExecutorData): number => exec.freeCores + (step.freeCoreDeltas?.get(exec.executorId) ?? 0);

/**
 * Adds `delta` to a registered executor's free cores. The change is booked in the step and applied
 * once when it ends (applyFreeCores): a finished task gives its cpus back and the offer that
 * follows usually launches the next task on the same executor, so the two cancel out and the
 * 1,000-executor map is not copied at all. (Copying it twice per task was 14 % of all bytes
 * allocated in scenario 1.)
 */
function addFreeCores(step: Step, executorId: string, delta: number): void {
  if (!step.ctx.executors[executorId] || delta === 0) return;
  step.freeCoreDeltas ??= new Map();
  step.freeCoreDeltas.set(executorId, (step.freeCoreDeltas.get(executorId) ?? 0) + delta);
}

/**
 * The step's free-core changes, applied: a hand-written copy of the executor map and of the
 * changed executors (Immer's draft and finalize cost grew with the number of executors), once
 * per event, and only if some executor's free cores changed.
 */
function applyFreeCores(step: Step): void {
  let executors: SchedulerBackendContext['executors'] | undefined;
  for (const [id, delta] of step.freeCoreDeltas ?? []) {
    const exec = step.ctx.executors[id];
    if (!exec || delta === 0) continue;
    executors ??= { ...step.ctx.executors };
    executors[id] = { ...exec, freeCores: exec.freeCores + delta };
  }
  step.freeCoreDeltas = undefined;
  if (executors) step.ctx = { ...step.ctx, executors };
}

/**
 * Takes the scheduler's next state and turns its effects into messages: a launch takes the task's
 * cpus from the executor's free cores and sends LaunchTask (launchTasks); killTask and
 * reviveOffers are messages to this endpoint itself, as SchedulerBackend.killTask / reviveOffers
 * send them; DAGScheduler calls go to the DAGScheduler actor.
 */
function applyScheduler(step: Step, result: scheduler.SchedulerResult): void {
  if (result.state !== step.ctx.scheduler) step.ctx = { ...step.ctx, scheduler: result.state };
  for (const e of result.effects) {
    switch (e.kind) {
      case 'launchTask': {
        const exec = step.ctx.executors[e.task.executorId];
        if (!exec) break;
        addFreeCores(step, exec.executorId, -e.task.cpus);
        step.out.push({ to: 'network', address: exec.address, message: { type: 'LaunchTask', data: e.task } });
        break;
      }
      case 'killTask':
        step.out.push({ to: 'self', event: { type: 'KillTask', taskId: e.taskId, executor: e.executorId, interruptThread: e.interruptThread, reason: e.reason } });
        break;
      case 'reviveOffers':
        step.out.push({ to: 'self', event: { type: 'ReviveOffers' } });
        break;
      case 'dagScheduler':
        step.out.push({ to: 'peer', endpoint: ENDPOINT.DAGScheduler, event: e.event });
        break;
    }
  }
}

/** makeOffers() for every active executor, or makeOffers(executorId) for one (if active). */
function makeOffers(step: Step, executorId?: string): void {
  const ids = executorId === undefined ? executorIdsInOrder(step.ctx) : [executorId];
  const offers = ids.filter((id) => isExecutorActive(step.ctx, id)).map((id) => {
    const e = step.ctx.executors[id]!;
    return { executorId: id, host: e.host, cores: freeCoresOf(step, e) };
  });
  if (offers.length > 0) applyScheduler(step, scheduler.resourceOffers(step.ctx.scheduler, offers, step.now));
}

/**
 * DriverEndpoint.removeExecutor. Known: forget it (executorDataMap, pending sets); the effective
 * reason is ExecutorKilled if the driver asked to kill it without counting failures; book the
 * removal; scheduler.executorLost; SparkListenerExecutorRemoved (the HeartbeatReceiver stops
 * tracking it). Unknown: SparkListenerExecutorRemoved only (SPARK-35011).
 */
function removeExecutor(step: Step, executorId: string, reason: ExecutorLossReason): void {
  const exec = step.ctx.executors[executorId];
  if (exec) {
    const killedByDriver = step.ctx.pendingToRemove[executorId] ?? false;
    const effective: ExecutorLossReason = killedByDriver ? { kind: 'ExecutorKilled' } : reason;
    update(step, (d) => {
      delete d.executors[executorId];
      delete d.pendingLossReason[executorId];
      delete d.pendingToRemove[executorId];
      d.removed.push({ executorId, host: exec.host, totalCores: exec.totalCores, registrationTs: exec.registrationTs, removedTs: step.now, removedReason: lossReasonMessage(effective) });
      if (d.removed.length > RETAINED_REMOVED_EXECUTORS) d.removed.splice(0, d.removed.length - RETAINED_REMOVED_EXECUTORS);
    });
    applyScheduler(step, scheduler.executorLost(step.ctx.scheduler, executorId, effective, step.now));
    step.out.push({ to: 'listenerBus', event: { type: 'SparkListenerExecutorRemoved', time: step.now, executorId, reason: lossReasonMessage(effective) } });
  } else {
    // SPARK-15262: a block manager re-registered by a late heartbeat may be known to the master
    // though not to the scheduler: blockManager.master.removeExecutorAsync(executorId).
    step.out.push({ to: 'peer', endpoint: ENDPOINT.BlockManagerMaster, event: { type: 'BlockManagerRemoveExecutor', execId: executorId } });
    step.out.push({ to: 'listenerBus', event: { type: 'SparkListenerExecutorRemoved', time: step.now, executorId, reason: lossReasonMessage(reason) } });
  }
  step.out.push({ to: 'peer', endpoint: ENDPOINT.HeartbeatReceiver, event: { type: 'ExecutorRemoved', executorId } });
}

/**
 * killExecutors (3.6): unknown ids are skipped ("does not exist"); an executor already pending
 * removal is not killed again (SPARK-9795); a busy one only with force (SPARK-9552). Each one
 * killed becomes pending to remove with the value !countFailures. With adjustTargetNumExecutors
 * the target drops by one per killed executor (to 0 when none was ever requested) and goes to the
 * Master (RequestExecutors); then KillExecutors, both through the AppClient.
 */
function killExecutors(step: Step, e: BackendKillExecutors): void {
  const { ctx } = step;
  const toKill = e.executorIds
    .filter((id) => ctx.executors[id] !== undefined)
    .filter((id) => ctx.pendingToRemove[id] === undefined)
    .filter((id) => e.force || !isExecutorBusy(ctx, id));
  if (toKill.length === 0) return;
  update(step, (d) => {
    for (const id of toKill) d.pendingToRemove[id] = !e.countFailures;
    if (!e.adjustTargetNumExecutors) return;
    // adjustExecutors, per executor: 0 if no total was ever requested, else one fewer (not below 0).
    let total = d.requestedTotal;
    for (let i = 0; i < toKill.length; i++) total = total === undefined ? 0 : Math.max(total - 1, 0);
    d.requestedTotal = total;
  });
  const appId = step.ctx.appId ?? '';
  if (e.adjustTargetNumExecutors) clusterManagerClient(step, { type: 'RequestExecutors', appId, resourceProfileToTotalExecs: { 0: step.ctx.requestedTotal ?? 0 } });
  clusterManagerClient(step, { type: 'KillExecutors', appId, executorIds: toKill });
}

/**
 * requestTotalExecutors (3.6): the whole target map is replaced and sent to the cluster manager
 * (doRequestTotalExecutors). The request-time queue and locality hints are not modelled.
 */
function requestTotalExecutors(step: Step, e: BackendRequestTotalExecutors): void {
  const total = e.resourceProfileIdToNumExecutors[0] ?? 0;
  update(step, (d) => { d.requestedTotal = total; });
  clusterManagerClient(step, { type: 'RequestExecutors', appId: step.ctx.appId ?? '', resourceProfileToTotalExecs: { ...e.resourceProfileIdToNumExecutors } });
}

/**
 * doRequestTotalExecutors / doKillExecutors: the one place that sends a request or kill to the
 * cluster manager. Standalone (StandaloneSchedulerBackend): through the StandaloneAppClient, which
 * asks the Master (RequestExecutors, KillExecutors). YARN (YarnSchedulerBackend): through the
 * YarnSchedulerEndpoint, which asks the ApplicationMaster.
 */
function clusterManagerClient(step: Step, message: RequestExecutors | KillExecutors): void {
  step.out.push({ to: 'peer', endpoint: clusterManagerEndpoint(step.ctx), event: message });
}

type Handler<E extends SchedulerBackendEvent['type']> = (step: Step, event: Extract<SchedulerBackendEvent, { type: E }>) => void;

const HANDLERS: { [E in SchedulerBackendEvent['type']]: Handler<E> } = {
  ReviveOffers: (step) => makeOffers(step),
  RegisterExecutor: (step, e) => {
    if (step.ctx.executors[e.executorId]) {
      step.out.push({ to: 'network', address: e.executorRef, message: { type: 'RegisterExecutorFailed', message: `Duplicate executor ID: ${e.executorId}` } });
      return;
    }
    const data: ExecutorData = { executorId: e.executorId, address: e.executorRef, host: e.hostname, totalCores: e.cores, freeCores: 0, registrationTs: step.now };
    step.ctx = { ...step.ctx, executors: { ...step.ctx.executors, [e.executorId]: data } };
    step.out.push({ to: 'peer', endpoint: ENDPOINT.HeartbeatReceiver, event: { type: 'ExecutorRegistered', executorId: e.executorId } });
    step.out.push({ to: 'listenerBus', event: { type: 'SparkListenerExecutorAdded', time: step.now, executorId: e.executorId, executorInfo: { executorHost: e.hostname, totalCores: e.cores, resourceProfileId: DEFAULT_RESOURCE_PROFILE_ID } } });
    step.out.push({ to: 'network', address: e.executorRef, message: { type: 'RegisteredExecutor' } });
  },
  LaunchedExecutor: (step, e) => {
    const exec = step.ctx.executors[e.executorId];
    if (exec) addFreeCores(step, e.executorId, exec.totalCores - freeCoresOf(step, exec));
    makeOffers(step, e.executorId);
  },
  StatusUpdate: (step, e) => {
    applyScheduler(step, scheduler.statusUpdate(step.ctx.scheduler, e.taskId, e.state, e.data.reason, step.now));
    if (!isTaskFinished(e.state) || !step.ctx.executors[e.executorId]) return;
    // Spark returns the cpus of every finished-state update from a known executor, even one the
    // TaskScheduler ignored (a duplicate): CoarseGrainedSchedulerBackend's StatusUpdate case.
    addFreeCores(step, e.executorId, e.taskCpus);
    makeOffers(step, e.executorId);
  },
  KillTask: (step, e) => {
    const exec = step.ctx.executors[e.executor];
    if (exec) step.out.push({ to: 'network', address: exec.address, message: { type: 'KillTask', taskId: e.taskId, executor: e.executor, interruptThread: e.interruptThread, reason: e.reason } });
  },
  RemoveExecutor: (step, e) => {
    const exec = step.ctx.executors[e.executorId];
    // SPARK-13519: tell a still-connected executor to stop itself.
    if (exec) step.out.push({ to: 'network', address: exec.address, message: { type: 'StopExecutor' } });
    removeExecutor(step, e.executorId, e.reason);
  },
  onDisconnected: (step, e) => {
    const id = executorIdOfAddress(step.ctx, e.remoteAddress);
    if (step.ctx.clusterManager === 'yarn') {
      // YarnDriverEndpoint.onDisconnected: disableExecutor (no more offers; executorLost(LossReasonPending)
      // changes nothing in the scheduler), then ask the AM why (YarnSchedulerEndpoint).
      if (id === undefined) return;
      const shouldDisable = isExecutorActive(step.ctx, id) || step.ctx.pendingToRemove[id] !== undefined;
      if (!shouldDisable) return;
      if (isExecutorActive(step.ctx, id)) update(step, (d) => { d.pendingLossReason[id] = true; });
      step.out.push({ to: 'peer', endpoint: ENDPOINT.YarnScheduler, event: { type: 'yarnScheduler.executorDisconnected', executorId: id } });
      return;
    }
    if (id === undefined || step.ctx.pendingLossReason[id]) return;
    update(step, (d) => { d.pendingLossReason[id] = true; });
    step.out.push({ to: 'selfLater', event: { type: 'backend.removeAfterDisconnect', executorId: id }, delayMs: step.ctx.removeDelayMs, id: removeAfterDisconnectId(id) });
  },
  'backend.removeAfterDisconnect': (step, e) => {
    if (!step.ctx.pendingLossReason[e.executorId]) return;
    step.out.push({ to: 'self', event: { type: 'RemoveExecutor', executorId: e.executorId, reason: { kind: 'ExecutorProcessLost', message: DISCONNECT_MESSAGE, causedByApp: true } } });
  },
  'backend.killExecutors': killExecutors,
  'backend.requestTotalExecutors': requestTotalExecutors,
  // The BlockManagerMaster's lazy isExecutorAlive of a re-registration (receiveAndReply IsExecutorAlive).
  IsExecutorAlive: (step, e) => {
    step.out.push({ to: 'peer', endpoint: ENDPOINT.BlockManagerMaster, event: { type: 'IsExecutorAliveReply', executorId: e.executorId, isAlive: isExecutorActive(step.ctx, e.executorId) } });
  },
  // The machine handles backend.stop (StopExecutors to itself) and StopExecutors (StopExecutor to each, StopAppClient, stopped) itself.
  'backend.stop': () => undefined,
  StopExecutors: () => undefined,
  'taskScheduler.submitTasks': (step, e) => applyScheduler(step, scheduler.submitTasks(step.ctx.scheduler, e.taskSet)),
  // DAGScheduler.cancelRunningIndependentStages: interruptThread = spark.job.interruptOnCancel, false by default.
  'taskScheduler.cancelTasks': (step, e) => applyScheduler(step, scheduler.killAllTaskAttempts(step.ctx.scheduler, e.stageId, false, e.reason)),
  'appClient.connected': (step, e) => {
    const first = step.ctx.appId === undefined;
    update(step, (d) => { d.appId = e.appId; });
    if (first) step.out.push({ to: 'peer', endpoint: ENDPOINT.SparkContext, event: { type: 'sparkContext.schedulerBackendStarted' } });
  },
  'appClient.disconnected': () => undefined,
  'appClient.dead': (step, e) => {
    applyScheduler(step, scheduler.error(step.ctx.scheduler, e.reason));
    step.out.push({ to: 'peer', endpoint: ENDPOINT.SparkContext, event: { type: 'sparkContext.stop', reason: e.reason } });
  },
  'appClient.executorAdded': () => undefined,
  'appClient.executorRemoved': (step, e) => {
    const executorId = e.fullId.split('/')[1] ?? e.fullId;
    step.out.push({ to: 'self', event: { type: 'RemoveExecutor', executorId, reason: standaloneLossReason(e.message, e.exitStatus, e.workerHost) } });
  },
  'appClient.workerRemoved': () => undefined,
};

/** The scheduled removal's id, one per executor (cancelled when the backend stops). */
export const removeAfterDisconnectId = (executorId: string): string => `removeAfterDisconnect-${executorId}`;

/** The DriverEndpoint's handling of one event: the next context (the same object if nothing changed) and what it sends. */
export function backendStep(context: SchedulerBackendContext, event: SchedulerBackendEvent, now: number): BackendStep {
  const step: Step = { ctx: context, now, out: [] };
  const handler = HANDLERS[event.type] as Handler<typeof event.type> | undefined;
  if (handler) handler(step, event as never);
  applyFreeCores(step);
  return { context: step.ctx, out: step.out };
}
