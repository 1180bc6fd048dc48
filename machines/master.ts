/**
 * The standalone Master: worker and application registration, executor placement (schedule()),
 * executor state changes with the application retry rule, worker liveness, application removal.
 *
 * Models core/src/main/scala/org/apache/spark/deploy/master/Master.scala (with ApplicationInfo,
 * WorkerInfo, ExecutorDesc), Spark 3.5/4.x; shared/spark-semantics.md section 5.3.
 * Recovery mode NONE: the MonarchyLeaderAgent elects this Master at once (STANDBY -> ALIVE).
 * Per-application and per-worker states are data (Spark keeps them in ApplicationInfo and
 * WorkerInfo); the Master's own states are Spark's RecoveryState.
 */
import { enqueueActions, raise, setup, spawnChild } from 'xstate';
import { bool, num, type ResolvedConf } from './conf.js';
import { applicationId } from './ids.js';
import { nowOf } from './clock.js';
import type {
  Address, ApplicationDescription, CheckForWorkerTimeOut, ExecutorStateChanged, KillExecutors, OnDisconnected,
  RegisterApplication, RegisterWorker, RequestExecutors, RpcMessage, UnregisterApplication, WorkerHeartbeat, WorkerLatestState,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { scheduleExecutorsOnWorkers } from './masterSchedule.js';
import { isApplicationFinished, isExecutorFinished, type ApplicationState, type ExecutorState, type WorkerState } from './states.js';
import { tickerPlaceholder } from './ticker.js';

/** Int.MaxValue: ApplicationInfo's executor limit when no initial limit is given. */
const INT_MAX = 2147483647;
/** spark.deploy.retainedApplications (Master keeps this many completed applications). */
export const RETAINED_APPLICATIONS = 200;
/** Bound on the removed executors an application remembers (for reports). */
export const RETAINED_REMOVED_EXECUTORS = 10_000;

export interface ExecutorDesc {
  id: number;
  appId: string;
  workerId: string;
  cores: number;
  memory: number;
  state: ExecutorState;
  /** The last ExecutorStateChanged's exit status and message. */
  exitStatus?: number;
  message?: string;
}

export interface WorkerInfo {
  id: string;
  host: string;
  port: number;
  address: Address;
  cores: number;
  memory: number;
  coresUsed: number;
  memoryUsed: number;
  state: WorkerState;
  lastHeartbeat: number;
  /** Full ids `appId/execId` of its executors. */
  executors: string[];
}

export interface ApplicationInfo {
  id: string;
  desc: ApplicationDescription;
  driver: Address;
  state: ApplicationState;
  startTime: number;
  endTime?: number;
  executors: Record<number, ExecutorDesc>;
  removedExecutors: ExecutorDesc[];
  coresGranted: number;
  nextExecutorId: number;
  retryCount: number;
  /** Executor limit of the default resource profile (targetNumExecutorsPerResourceProfileId). */
  executorLimit: number;
}

export interface MasterContext {
  address: Address;
  workerTimeoutMs: number;
  reaperIterations: number;
  maxExecutorRetries: number;
  spreadOutApps: boolean;
  defaultCores: number;
  workers: Record<string, WorkerInfo>;
  apps: Record<string, ApplicationInfo>;
  /** Applications in registration order, kept while they run (Spark's waitingApps). */
  waitingApps: string[];
  /** Finished applications still retained, oldest first. */
  completedApps: string[];
  nextAppNumber: number;
}

export interface MasterInput { address: Address; conf: ResolvedConf }

export type MasterEvent =
  | { type: 'ElectedLeader' }
  | RegisterWorker | RegisterApplication | UnregisterApplication | ExecutorStateChanged | WorkerHeartbeat
  | CheckForWorkerTimeOut | RequestExecutors | KillExecutors | WorkerLatestState | OnDisconnected;

interface Out { to: Address; message: RpcMessage }

// ---------------------------------------------------------------------------------------------
// Derived views

export const coresFree = (w: WorkerInfo) => w.cores - w.coresUsed;
export const memoryFree = (w: WorkerInfo) => w.memory - w.memoryUsed;
/** ApplicationInfo.coresLeft. */
export const coresLeft = (app: ApplicationInfo, defaultCores: number) => (app.desc.maxCores ?? defaultCores) - app.coresGranted;
export const hostPort = (w: WorkerInfo) => `${w.host}:${w.port}`;
const fullId = (e: ExecutorDesc) => `${e.appId}/${e.id}`;
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Master.scala's operations, on a draft of the context; each returns the messages to send.

function removeExecutorFromApp(app: ApplicationInfo, exec: ExecutorDesc): void {
  if (!app.executors[exec.id]) return;
  delete app.executors[exec.id];
  app.removedExecutors.push(exec);
  if (app.removedExecutors.length > RETAINED_REMOVED_EXECUTORS) app.removedExecutors.shift();
  app.coresGranted -= exec.cores;
}

function removeExecutorFromWorker(worker: WorkerInfo | undefined, exec: ExecutorDesc): void {
  if (!worker) return;
  const index = worker.executors.indexOf(fullId(exec));
  if (index < 0) return;
  worker.executors.splice(index, 1);
  worker.coresUsed -= exec.cores;
  worker.memoryUsed -= exec.memory;
}

/** Master.killExecutor: free the worker's resources, KillExecutor to the worker, state KILLED. */
function killExecutor(ctx: MasterContext, exec: ExecutorDesc, out: Out[]): void {
  const worker = ctx.workers[exec.workerId];
  removeExecutorFromWorker(worker, exec);
  if (worker) out.push({ to: worker.address, message: { type: 'KillExecutor', masterUrl: ctx.address, appId: exec.appId, execId: exec.id } });
  exec.state = 'KILLED';
}

/** Master.schedule -> startExecutorsOnWorkers (drivers are not modelled: client deploy mode). */
export function schedule(ctx: MasterContext, out: Out[]): void {
  for (const appId of [...ctx.waitingApps]) {
    const app = ctx.apps[appId]!;
    const coresPerExecutor = app.desc.coresPerExecutor ?? 1;
    if (coresLeft(app, ctx.defaultCores) < coresPerExecutor) continue;
    const mem = app.desc.memoryPerExecutorMB;
    // spark.deploy.workerSelectionPolicy CORES_FREE_DESC: by (coresFree, id) descending.
    const usable = Object.values(ctx.workers)
      .filter((w) => w.state === 'ALIVE' && memoryFree(w) >= mem && coresFree(w) >= coresPerExecutor)
      .sort((a, b) => coresFree(b) - coresFree(a) || -byId(a, b));
    const assigned = scheduleExecutorsOnWorkers(
      { coresLeft: coresLeft(app, ctx.defaultCores), coresPerExecutor: app.desc.coresPerExecutor, memoryPerExecutorMB: mem, executorCount: Object.keys(app.executors).length, executorLimit: app.executorLimit },
      usable.map((w) => ({ coresFree: coresFree(w), memoryFree: memoryFree(w) })),
      ctx.spreadOutApps,
    );
    usable.forEach((worker, pos) => {
      const cores = assigned[pos]!;
      if (cores > 0) allocateWorkerResourceToExecutors(ctx, app, cores, worker, out);
    });
  }
}

function allocateWorkerResourceToExecutors(ctx: MasterContext, app: ApplicationInfo, assignedCores: number, worker: WorkerInfo, out: Out[]): void {
  const perExecutor = app.desc.coresPerExecutor;
  const numExecutors = perExecutor === undefined ? 1 : Math.floor(assignedCores / perExecutor);
  const cores = perExecutor ?? assignedCores;
  for (let i = 0; i < numExecutors; i++) {
    const exec: ExecutorDesc = { id: app.nextExecutorId++, appId: app.id, workerId: worker.id, cores, memory: app.desc.memoryPerExecutorMB, state: 'LAUNCHING' };
    app.executors[exec.id] = exec;
    app.coresGranted += cores;
    // launchExecutor
    worker.executors.push(fullId(exec));
    worker.coresUsed += cores;
    worker.memoryUsed += exec.memory;
    out.push({ to: worker.address, message: { type: 'LaunchExecutor', masterUrl: ctx.address, appId: app.id, execId: exec.id, rpId: 0, appDesc: app.desc, cores, memory: exec.memory } });
    out.push({ to: app.driver, message: { type: 'ExecutorAdded', id: exec.id, workerId: worker.id, hostPort: hostPort(worker), cores, memory: exec.memory } });
    app.state = 'RUNNING';
  }
}

/** Master.removeApplication(app, state). */
function removeApplication(ctx: MasterContext, app: ApplicationInfo, state: ApplicationState, now: number, out: Out[]): void {
  if (isApplicationFinished(app.state)) return;
  ctx.waitingApps = ctx.waitingApps.filter((id) => id !== app.id);
  if (ctx.completedApps.length >= RETAINED_APPLICATIONS) {
    const drop = Math.max(Math.floor(RETAINED_APPLICATIONS / 10), 1);
    for (const id of ctx.completedApps.splice(0, drop)) delete ctx.apps[id];
  }
  ctx.completedApps.push(app.id);
  for (const exec of Object.values(app.executors)) killExecutor(ctx, exec, out);
  app.state = state;
  app.endTime = now;
  if (state !== 'FINISHED') out.push({ to: app.driver, message: { type: 'ApplicationRemoved', message: state } });
  for (const worker of Object.values(ctx.workers).sort(byId)) out.push({ to: worker.address, message: { type: 'ApplicationFinished', id: app.id } });
  schedule(ctx, out);
}

/** Master.removeWorker(worker, msg): its executors are LOST, every running driver hears WorkerRemoved. */
function removeWorker(ctx: MasterContext, worker: WorkerInfo, msg: string, out: Out[]): void {
  worker.state = 'DEAD';
  for (const id of worker.executors) {
    const [appId, execId] = splitFullId(id);
    const app = ctx.apps[appId];
    const exec = app?.executors[execId];
    if (!app || !exec) continue;
    out.push({ to: app.driver, message: { type: 'ExecutorUpdated', id: exec.id, state: 'LOST', message: `worker lost: ${msg}`, workerHost: worker.host } });
    exec.state = 'LOST';
    exec.message = `worker lost: ${msg}`;
    removeExecutorFromApp(app, exec);
  }
  worker.executors = [];
  worker.coresUsed = 0;
  worker.memoryUsed = 0;
  for (const app of Object.values(ctx.apps)) {
    if (!isApplicationFinished(app.state)) out.push({ to: app.driver, message: { type: 'WorkerRemoved', id: worker.id, host: worker.host, message: msg } });
  }
  schedule(ctx, out);
}

function splitFullId(id: string): [string, number] {
  const slash = id.lastIndexOf('/');
  return [id.slice(0, slash), Number(id.slice(slash + 1))];
}

const liveWorkerById = (ctx: MasterContext, id: string) => {
  const w = ctx.workers[id];
  return w && w.state !== 'DEAD' ? w : undefined;
};
const runningAppOfDriver = (ctx: MasterContext, driver: Address) => Object.values(ctx.apps).find((a) => a.driver === driver && !isApplicationFinished(a.state));

// ---------------------------------------------------------------------------------------------
// Message handlers (Master.receive / receiveAndReply)

type Handler<E extends MasterEvent['type']> = (ctx: MasterContext, event: Extract<MasterEvent, { type: E }>, now: number, out: Out[]) => void;

const onRegisterWorker: Handler<'RegisterWorker'> = (ctx, e, now, out) => {
  const known = liveWorkerById(ctx, e.id);
  if (known) {
    // SPARK-23191: a worker that re-registers (e.g. after a network blip) is told it is a duplicate.
    if (known.state === 'UNKNOWN') known.state = 'ALIVE';
    out.push({ to: e.worker, message: { type: 'RegisteredWorker', master: ctx.address, masterWebUiUrl: 'http://master:8080', masterAddress: e.masterAddress, duplicate: true } });
    return;
  }
  // registerWorker: forget DEAD workers on the same host and port.
  for (const w of Object.values(ctx.workers)) {
    if (w.state === 'DEAD' && w.host === e.host && w.port === e.port) delete ctx.workers[w.id];
  }
  const sameAddress = Object.values(ctx.workers).find((w) => w.address === e.worker && w.state !== 'DEAD');
  if (sameAddress) {
    if (sameAddress.state !== 'UNKNOWN') {
      out.push({ to: e.worker, message: { type: 'RegisterWorkerFailed', message: `Attempted to re-register worker at same address: ${e.worker}` } });
      return;
    }
    removeWorker(ctx, sameAddress, 'Worker replaced by a new worker with same address', out);
  }
  ctx.workers[e.id] = { id: e.id, host: e.host, port: e.port, address: e.worker, cores: e.cores, memory: e.memory, coresUsed: 0, memoryUsed: 0, state: 'ALIVE', lastHeartbeat: now, executors: [] };
  out.push({ to: e.worker, message: { type: 'RegisteredWorker', master: ctx.address, masterWebUiUrl: 'http://master:8080', masterAddress: e.masterAddress, duplicate: false } });
  schedule(ctx, out);
};

const onRegisterApplication: Handler<'RegisterApplication'> = (ctx, e, now, out) => {
  // registerApplication ignores a second registration from the same driver.
  if (runningAppOfDriver(ctx, e.driver)) return;
  const id = applicationId(now, ctx.nextAppNumber++);
  ctx.apps[id] = {
    id, desc: e.appDescription, driver: e.driver, state: 'WAITING', startTime: now, executors: {}, removedExecutors: [],
    coresGranted: 0, nextExecutorId: 0, retryCount: 0, executorLimit: e.appDescription.initialExecutorLimit ?? INT_MAX,
  };
  ctx.waitingApps.push(id);
  out.push({ to: e.driver, message: { type: 'RegisteredApplication', appId: id, master: ctx.address } });
  schedule(ctx, out);
};

const onExecutorStateChanged: Handler<'ExecutorStateChanged'> = (ctx, e, now, out) => {
  const app = ctx.apps[e.appId];
  const exec = app?.executors[e.execId];
  // "Got status update for unknown executor": normal for executors the Master killed itself, and
  // for every executor of a removed application (no longer in idToApp).
  if (!app || !exec || isApplicationFinished(app.state)) return;
  const oldState = exec.state;
  exec.state = e.state;
  if (e.message !== undefined) exec.message = e.message;
  if (e.exitStatus !== undefined) exec.exitStatus = e.exitStatus;
  if (e.state === 'RUNNING') {
    // Spark asserts LAUNCHING -> RUNNING after setting the state; a failed assert ends the handler.
    if (oldState !== 'LAUNCHING') return;
    app.retryCount = 0;
  }
  out.push({ to: app.driver, message: { type: 'ExecutorUpdated', id: exec.id, state: e.state, message: e.message, exitStatus: e.exitStatus } });
  if (isExecutorFinished(e.state)) {
    if (!isApplicationFinished(app.state)) removeExecutorFromApp(app, exec);
    removeExecutorFromWorker(ctx.workers[exec.workerId], exec);
    const normalExit = e.exitStatus === 0;
    // Short-circuit as in Spark: the count only grows for abnormal exits of non-decommissioned executors.
    if (!normalExit && oldState !== 'DECOMMISSIONED' && ++app.retryCount >= ctx.maxExecutorRetries && ctx.maxExecutorRetries >= 0) {
      if (!Object.values(app.executors).some((x) => x.state === 'RUNNING')) {
        removeApplication(ctx, app, 'FAILED', now, out);
        return;
      }
    }
  }
  schedule(ctx, out);
};

const onWorkerHeartbeat: Handler<'WorkerHeartbeat'> = (ctx, e, now, out) => {
  const live = liveWorkerById(ctx, e.workerId);
  if (live) {
    live.lastHeartbeat = now;
  } else if (ctx.workers[e.workerId]) {
    // A DEAD worker still listed: tell it to register again.
    out.push({ to: e.worker, message: { type: 'ReconnectWorker', masterUrl: ctx.address } });
  }
  // Otherwise: "Got heartbeat from unregistered worker ... This worker was never registered": ignored.
};

const onCheckForWorkerTimeOut: Handler<'CheckForWorkerTimeOut'> = (ctx, _e, now, out) => {
  for (const worker of Object.values(ctx.workers).sort(byId)) {
    if (worker.lastHeartbeat >= now - ctx.workerTimeoutMs) continue;
    if (worker.state !== 'DEAD') {
      removeWorker(ctx, worker, `Not receiving heartbeat for ${ctx.workerTimeoutMs / 1000} seconds`, out);
    } else if (worker.lastHeartbeat < now - (ctx.reaperIterations + 1) * ctx.workerTimeoutMs) {
      delete ctx.workers[worker.id];
    }
  }
};

const onUnregisterApplication: Handler<'UnregisterApplication'> = (ctx, e, now, out) => {
  const app = ctx.apps[e.appId];
  if (app) removeApplication(ctx, app, 'FINISHED', now, out);
};

const onRequestExecutors: Handler<'RequestExecutors'> = (ctx, e, _now, out) => {
  const app = ctx.apps[e.appId];
  if (!app || isApplicationFinished(app.state)) return;
  const total = e.resourceProfileToTotalExecs[0];
  if (total !== undefined) app.executorLimit = total;
  schedule(ctx, out);
};

const onKillExecutors: Handler<'KillExecutors'> = (ctx, e, _now, out) => {
  const app = ctx.apps[e.appId];
  if (!app || isApplicationFinished(app.state)) return;
  for (const text of e.executorIds) {
    // Non-integer ids are logged and dropped by Spark; unknown ids are warned about.
    if (!/^[0-9]+$/.test(text)) continue;
    const exec = app.executors[Number(text)];
    if (!exec) continue;
    removeExecutorFromApp(app, exec);
    killExecutor(ctx, exec, out);
  }
  schedule(ctx, out);
};

const onWorkerLatestState: Handler<'WorkerLatestState'> = (ctx, e, _now, out) => {
  const worker = liveWorkerById(ctx, e.id);
  if (!worker) return;
  for (const exec of e.executors) {
    // SPARK-13604: executors the Master does not know on that worker are killed.
    if (!worker.executors.includes(`${exec.appId}/${exec.execId}`)) {
      out.push({ to: worker.address, message: { type: 'KillExecutor', masterUrl: ctx.address, appId: exec.appId, execId: exec.execId } });
    }
  }
};

const onDisconnected: Handler<'onDisconnected'> = (ctx, e, now, out) => {
  const worker = Object.values(ctx.workers).find((w) => w.address === e.remoteAddress && w.state !== 'DEAD');
  if (worker) removeWorker(ctx, worker, `${e.remoteAddress} got disassociated`, out);
  const app = runningAppOfDriver(ctx, e.remoteAddress);
  if (app) removeApplication(ctx, app, 'FINISHED', now, out);
};

const HANDLERS: { [E in Exclude<MasterEvent['type'], 'ElectedLeader'>]: Handler<E> } = {
  RegisterWorker: onRegisterWorker,
  RegisterApplication: onRegisterApplication,
  UnregisterApplication: onUnregisterApplication,
  ExecutorStateChanged: onExecutorStateChanged,
  WorkerHeartbeat: onWorkerHeartbeat,
  CheckForWorkerTimeOut: onCheckForWorkerTimeOut,
  RequestExecutors: onRequestExecutors,
  KillExecutors: onKillExecutors,
  WorkerLatestState: onWorkerLatestState,
  onDisconnected: onDisconnected,
};

export const masterMachine = setup({
  types: {
    input: {} as MasterInput,
    context: {} as MasterContext,
    events: {} as MasterEvent,
  },
  actors: { ticker: tickerPlaceholder },
  actions: {
    /** Runs Master.scala's handler for the event on a copy of the context and sends what it sends. */
    handle: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type === 'ElectedLeader') return;
      const draft = structuredClone(context);
      const out: Out[] = [];
      (HANDLERS[event.type] as Handler<typeof event.type>)(draft, event as never, nowOf(system), out);
      enqueue.assign(() => draft);
      for (const o of out) enqueue.sendTo(networkOf(system), rpc(context.address, o.to, o.message));
    }),
    replyStandby: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'RegisterWorker') return;
      enqueue.sendTo(networkOf(system), rpc(context.address, event.worker, { type: 'MasterInStandby' }));
    }),
  },
}).createMachine({
  id: 'Master',
  context: ({ input }) => ({
    address: input.address,
    workerTimeoutMs: num(input.conf, 'spark.worker.timeout'),
    reaperIterations: num(input.conf, 'spark.dead.worker.persistence'),
    maxExecutorRetries: num(input.conf, 'spark.deploy.maxExecutorRetries'),
    spreadOutApps: bool(input.conf, 'spark.deploy.spreadOutApps'),
    defaultCores: num(input.conf, 'spark.deploy.defaultCores'),
    workers: {},
    apps: {},
    waitingApps: [],
    completedApps: [],
    nextAppNumber: 0,
  }),
  entry: spawnChild('ticker', {
    id: 'CheckForWorkerTimeOut',
    input: ({ context }: { context: MasterContext }) => ({ event: { type: 'CheckForWorkerTimeOut' }, initialDelayMs: 0, periodMs: context.workerTimeoutMs }),
  }),
  initial: 'STANDBY',
  states: {
    STANDBY: {
      description: 'Not the leader yet: RegisterWorker is answered MasterInStandby, RegisterApplication is ignored, schedule() does nothing.',
      entry: raise({ type: 'ElectedLeader' }),
      on: {
        ElectedLeader: {
          target: 'ALIVE',
          description: 'Recovery mode NONE: MonarchyLeaderAgent elects this Master at once; nothing persisted, so ALIVE (no RECOVERING).',
        },
        RegisterWorker: { actions: 'replyStandby' },
      },
    },
    ALIVE: {
      description: 'The leader: registers workers and applications and schedules executors (Master.scala receive/receiveAndReply).',
      on: {
        RegisterWorker: { actions: 'handle', description: 'Register the worker (or answer a duplicate), reply RegisteredWorker, schedule().' },
        RegisterApplication: { actions: 'handle', description: 'Create the application (id app-<date>-<n>), reply RegisteredApplication, schedule().' },
        UnregisterApplication: { actions: 'handle', description: 'removeApplication(app, FINISHED): kill its executors, ApplicationFinished to every worker.' },
        ExecutorStateChanged: { actions: 'handle', description: 'Update the executor, ExecutorUpdated to the driver; a finished executor is removed and counted toward spark.deploy.maxExecutorRetries.' },
        WorkerHeartbeat: { actions: 'handle', description: 'Refresh lastHeartbeat; a DEAD worker is told ReconnectWorker.' },
        CheckForWorkerTimeOut: { actions: 'handle', description: 'timeOutDeadWorkers: remove workers silent for spark.worker.timeout; forget long-DEAD ones.' },
        RequestExecutors: { actions: 'handle', description: "Set the application's executor limit and schedule()." },
        KillExecutors: { actions: 'handle', description: 'Remove and kill the executors (limit unchanged), schedule().' },
        WorkerLatestState: { actions: 'handle', description: 'Kill executors a worker reports that the Master does not know (SPARK-13604).' },
        onDisconnected: { actions: 'handle', description: 'A worker that disconnects is removed; a driver that disconnects finishes its application.' },
      },
    },
  },
});

