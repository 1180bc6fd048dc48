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
import { produce } from './copyOnWrite.js';
import { enqueueActions, raise, setup, spawnChild } from 'xstate';
import { bool, num, type ResolvedConf } from './conf.js';
import { applicationId, processOf } from './ids.js';
import { nowOf } from './clock.js';
import type {
  Address, ApplicationDescription, CheckForWorkerTimeOut, ElectedLeader, ExecutorStateChanged, KillExecutors, OnDisconnected,
  RegisterApplication, RegisterWorker, RequestExecutors, UnregisterApplication, WorkerHeartbeat, WorkerLatestState,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { byId, fullId, schedule, type Out } from './masterSchedule.js';
import { isApplicationFinished, isExecutorFinished, type ApplicationState, type ExecutorState, type WorkerState } from './states.js';
import { tickerPlaceholder } from './ticker.js';

/** Int.MaxValue: ApplicationInfo's executor limit when no initial limit is given. */
const INT_MAX = 2147483647;
/** spark.deploy.retainedApplications's default (the Master keeps this many completed applications). */
export const RETAINED_APPLICATIONS = 200;
/**
 * Bound on the removed executors an application remembers (for reports). Spark's
 * ApplicationInfo.removedExecutors is unbounded; the model caps it (DESIGN.md rule 7), oldest dropped.
 */
export const RETAINED_REMOVED_EXECUTORS = 10_000;
/** Master's masterWebUiUrl, sent in RegisteredWorker (no web UI is modelled). */
export const MASTER_WEB_UI_URL = 'http://master:8080';

/** ExecutorDesc.scala, plus the last reported exit status and message (for reports). */
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

/** WorkerInfo.scala. A DEAD worker keeps its executors listed, as Spark's WorkerInfo does. */
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

/** ApplicationInfo.scala (default resource profile only). */
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
  retainedApplications: number;
  /** Spark's `workers`: registered workers by id, DEAD ones included until culled (idToWorker = the non-DEAD ones). */
  workers: Record<string, WorkerInfo>;
  /** Running applications and the retained completed ones (Spark's `apps` + `completedApps`). */
  apps: Record<string, ApplicationInfo>;
  /** Applications in registration order, kept while they run (Spark's waitingApps). */
  waitingApps: string[];
  /** Finished applications still retained, oldest first. */
  completedApps: string[];
  /** Master.nextAppNumber. */
  nextAppNumber: number;
}

export interface MasterInput { address: Address; conf: ResolvedConf }

export type MasterEvent =
  | ElectedLeader
  | RegisterWorker | RegisterApplication | UnregisterApplication | ExecutorStateChanged | WorkerHeartbeat
  | CheckForWorkerTimeOut | RequestExecutors | KillExecutors | WorkerLatestState | OnDisconnected;

// Derived views and placement live in masterSchedule.ts.
export { coresFree, memoryFree, coresLeft, hostPort, schedule } from './masterSchedule.js';

// ---------------------------------------------------------------------------------------------
// Master.scala's operations, on a draft of the context; each appends the messages it sends to `out`.

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

/**
 * Master.removeApplication(app, state): a no-op unless the app is still registered (in `apps`).
 * Order as in Spark: retain it among the completed apps (trimming the oldest), kill its executors,
 * markFinished, ApplicationRemoved to the driver unless FINISHED, schedule(), and only then
 * ApplicationFinished to every listed worker (DEAD ones included: Spark iterates `workers`).
 */
function removeApplication(ctx: MasterContext, app: ApplicationInfo, state: ApplicationState, now: number, out: Out[]): void {
  if (isApplicationFinished(app.state)) return;
  if (ctx.completedApps.length >= ctx.retainedApplications) {
    const drop = Math.max(Math.floor(ctx.retainedApplications / 10), 1);
    for (const id of ctx.completedApps.splice(0, drop)) delete ctx.apps[id];
  }
  ctx.completedApps.push(app.id);
  ctx.waitingApps = ctx.waitingApps.filter((id) => id !== app.id);
  // Executors stay in app.executors (KILLED): Spark keeps them for the UI of a finished app.
  for (const exec of Object.values(app.executors)) killExecutor(ctx, exec, out);
  app.state = state;
  app.endTime = now;
  if (state !== 'FINISHED') out.push({ to: app.driver, message: { type: 'ApplicationRemoved', message: state } });
  schedule(ctx, out);
  for (const worker of Object.values(ctx.workers).sort(byId)) out.push({ to: worker.address, message: { type: 'ApplicationFinished', id: app.id } });
}

/**
 * Master.removeWorker(worker, msg): DEAD; each executor is reported LOST to its driver (with the
 * worker's host, so the driver drops the host's shuffle outputs) and removed from its app, without
 * touching retryCount; every running app's driver hears WorkerRemoved; schedule(). Like Spark, the
 * DEAD WorkerInfo keeps its executor list and booked resources (it is no longer schedulable).
 */
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
  for (const app of Object.values(ctx.apps)) {
    if (!isApplicationFinished(app.state)) out.push({ to: app.driver, message: { type: 'WorkerRemoved', id: worker.id, host: worker.host, message: msg } });
  }
  schedule(ctx, out);
}

/**
 * Scala's String.toInt (java.lang.Integer.parseInt): optional sign, digits, 32-bit range; else undefined
 * (NumberFormatException). Java also takes non-ASCII Unicode digits; executor ids are ASCII here.
 */
export function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= -2147483648 && n <= INT_MAX ? n : undefined;
}

function splitFullId(id: string): [string, number] {
  const slash = id.lastIndexOf('/');
  return [id.slice(0, slash), Number(id.slice(slash + 1))];
}

const liveWorkerById = (ctx: MasterContext, id: string) => {
  const w = ctx.workers[id];
  return w && w.state !== 'DEAD' ? w : undefined;
};
/** addressToApp: Spark keys it by the driver's RpcAddress, i.e. its process. */
const runningAppOfDriver = (ctx: MasterContext, driver: Address) =>
  Object.values(ctx.apps).find((a) => processOf(a.driver) === processOf(driver) && !isApplicationFinished(a.state));
/** addressToWorker: the non-DEAD worker whose RpcAddress (process) this is. */
const liveWorkerAt = (ctx: MasterContext, address: Address) =>
  Object.values(ctx.workers).find((w) => processOf(w.address) === processOf(address) && w.state !== 'DEAD');

// ---------------------------------------------------------------------------------------------
// Message handlers (Master.receive / receiveAndReply)

type Handler<E extends MasterEvent['type']> = (ctx: MasterContext, event: Extract<MasterEvent, { type: E }>, now: number, out: Out[]) => void;

const onRegisterWorker: Handler<'RegisterWorker'> = (ctx, e, now, out) => {
  const known = liveWorkerById(ctx, e.id);
  if (known) {
    // SPARK-23191: a worker that re-registers (e.g. after a network blip) is told it is a duplicate.
    if (known.state === 'UNKNOWN') known.state = 'ALIVE';
    out.push({ to: e.worker, message: { type: 'RegisteredWorker', master: ctx.address, masterWebUiUrl: MASTER_WEB_UI_URL, masterAddress: e.masterAddress, duplicate: true } });
    return;
  }
  // registerWorker: forget DEAD workers on the same host and port.
  for (const w of Object.values(ctx.workers)) {
    if (w.state === 'DEAD' && w.host === e.host && w.port === e.port) delete ctx.workers[w.id];
  }
  const sameAddress = liveWorkerAt(ctx, e.worker);
  if (sameAddress) {
    if (sameAddress.state !== 'UNKNOWN') {
      out.push({ to: e.worker, message: { type: 'RegisterWorkerFailed', message: `Attempted to re-register worker at same address: ${e.worker}` } });
      return;
    }
    removeWorker(ctx, sameAddress, 'Worker replaced by a new worker with same address', out);
  }
  ctx.workers[e.id] = { id: e.id, host: e.host, port: e.port, address: e.worker, cores: e.cores, memory: e.memory, coresUsed: 0, memoryUsed: 0, state: 'ALIVE', lastHeartbeat: now, executors: [] };
  out.push({ to: e.worker, message: { type: 'RegisteredWorker', master: ctx.address, masterWebUiUrl: MASTER_WEB_UI_URL, masterAddress: e.masterAddress, duplicate: false } });
  schedule(ctx, out);
};

const onRegisterApplication: Handler<'RegisterApplication'> = (ctx, e, now, out) => {
  // createApplication takes the next id (newApplicationId) before registerApplication runs.
  const id = applicationId(now, ctx.nextAppNumber++);
  // registerApplication returns early for a driver address that already has an app ("Attempted to
  // re-register application at same address"), but the handler goes on regardless: Spark still
  // answers RegisteredApplication with the fresh, unregistered id and calls schedule().
  if (!runningAppOfDriver(ctx, e.driver)) {
    ctx.apps[id] = {
      id, desc: e.appDescription, driver: e.driver, state: 'WAITING', startTime: now, executors: {}, removedExecutors: [],
      coresGranted: 0, nextExecutorId: 0, retryCount: 0, executorLimit: e.appDescription.initialExecutorLimit ?? INT_MAX,
    };
    ctx.waitingApps.push(id);
  }
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
  if (e.state === 'RUNNING') {
    // Spark asserts oldState == LAUNCHING after setting the state; a failed assert throws out of the
    // handler (the ask fails): the state stays RUNNING and nothing else happens (no reset, no
    // ExecutorUpdated, no schedule()). The machine must not throw, so it stops here.
    if (oldState !== 'LAUNCHING') return;
    app.retryCount = 0;
  }
  if (e.message !== undefined) exec.message = e.message;
  if (e.exitStatus !== undefined) exec.exitStatus = e.exitStatus;
  out.push({ to: app.driver, message: { type: 'ExecutorUpdated', id: exec.id, state: e.state, message: e.message, exitStatus: e.exitStatus } });
  if (isExecutorFinished(e.state)) {
    if (!isApplicationFinished(app.state)) removeExecutorFromApp(app, exec);
    removeExecutorFromWorker(ctx.workers[exec.workerId], exec);
    const normalExit = e.exitStatus === 0;
    // Short-circuit as in Spark: the count only grows for abnormal exits of non-decommissioned executors.
    if (!normalExit && oldState !== 'DECOMMISSIONED' && ++app.retryCount >= ctx.maxExecutorRetries && ctx.maxExecutorRetries >= 0) {
      // "Application {name} with ID {id} failed {retryCount} times; removing it" (logError).
      if (!Object.values(app.executors).some((x) => x.state === 'RUNNING')) removeApplication(ctx, app, 'FAILED', now, out);
    }
  }
  // Spark calls schedule() here in every case, also right after removeApplication (which schedules too).
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
  // timeOutDeadWorkers: the workers silent for longer than the timeout, picked before any removal.
  const toRemove = Object.values(ctx.workers).filter((w) => w.lastHeartbeat < now - ctx.workerTimeoutMs).sort(byId);
  for (const worker of toRemove) {
    if (worker.state !== 'DEAD') {
      // TimeUnit.MILLISECONDS.toSeconds truncates.
      removeWorker(ctx, worker, `Not receiving heartbeat for ${Math.trunc(ctx.workerTimeoutMs / 1000)} seconds`, out);
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
    // formatExecutorIds: non-integer ids are logged and dropped; unknown ids are warned about.
    const id = parseJavaInt(text);
    if (id === undefined) continue;
    const exec = app.executors[id];
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
  const worker = liveWorkerAt(ctx, e.remoteAddress);
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

/** Events a STANDBY Master receives but has nothing for: with recovery mode NONE it knows no worker or app yet. */
const STANDBY_NOOPS = ['UnregisterApplication', 'ExecutorStateChanged', 'WorkerHeartbeat', 'CheckForWorkerTimeOut', 'RequestExecutors', 'KillExecutors', 'WorkerLatestState', 'onDisconnected'] as const;

export const masterMachine = setup({
  types: {
    input: {} as MasterInput,
    context: {} as MasterContext,
    events: {} as MasterEvent,
  },
  actors: { ticker: tickerPlaceholder },
  actions: {
    /** MonarchyLeaderAgent: the only Master is elected at once (a named action, so a test can withhold it). */
    electLeader: raise({ type: 'ElectedLeader' }),
    /** Runs Master.scala's handler for the event on a copy of the context and sends what it sends. */
    handle: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type === 'ElectedLeader') return;
      const now = nowOf(system);
      // The most frequent message (every worker, every timeout / 4) touches one field: no full copy.
      const live = event.type === 'WorkerHeartbeat' ? liveWorkerById(context, event.workerId) : undefined;
      if (live) {
        enqueue.assign({ workers: { ...context.workers, [live.id]: { ...live, lastHeartbeat: now } } });
        return;
      }
      const out: Out[] = [];
      // Copy-on-write: only the records a handler touches are copied (outgoing messages hold no drafts).
      const next = produce(context, (draft) => {
        (HANDLERS[event.type] as Handler<typeof event.type>)(draft as MasterContext, event as never, now, out);
      });
      enqueue.assign(() => next);
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
    retainedApplications: num(input.conf, 'spark.deploy.retainedApplications'),
    workers: {},
    apps: {},
    waitingApps: [],
    completedApps: [],
    nextAppNumber: 0,
  }),
  // Master.onStart: checkForWorkerTimeOutTask = scheduleAtFixedRate(CheckForWorkerTimeOut, 0, workerTimeoutMs).
  entry: spawnChild('ticker', {
    id: 'CheckForWorkerTimeOut',
    input: ({ context }: { context: MasterContext }) => ({ event: { type: 'CheckForWorkerTimeOut' }, initialDelayMs: 0, periodMs: context.workerTimeoutMs }),
  }),
  initial: 'STANDBY',
  states: {
    STANDBY: {
      description: 'RecoveryState.STANDBY, until the leader agent elects this Master (Master.scala): RegisterWorker is answered MasterInStandby, RegisterApplication is ignored, schedule() does nothing.',
      // Master.onStart: recovery mode NONE builds a MonarchyLeaderAgent, which calls electedLeader() at once.
      entry: 'electLeader',
      on: {
        ElectedLeader: {
          target: 'ALIVE',
          description: 'Recovery mode NONE: BlackHolePersistenceEngine has nothing stored, so the Master goes straight to ALIVE (no RECOVERING).',
        },
        RegisterWorker: { actions: 'replyStandby', description: 'handleRegisterWorker in STANDBY: MasterInStandby to the worker.' },
        RegisterApplication: { description: 'STANDBY: "ignore, don\'t send response" (Master.scala).' },
        ...Object.fromEntries(STANDBY_NOOPS.map((type) => [type, { description: 'Nothing registered yet: Spark\'s handler finds no such worker, app or executor.' }])),
      },
    },
    ALIVE: {
      description: 'RecoveryState.ALIVE, the leader: registers workers and applications and schedules executors (Master.scala receive/receiveAndReply).',
      on: {
        ElectedLeader: { description: 'Elected again: with nothing persisted the state stays ALIVE.' },
        RegisterWorker: { actions: 'handle', description: 'handleRegisterWorker: duplicate id -> RegisteredWorker(duplicate); else registerWorker (drop DEAD workers at host:port, refuse a live one at the same address), RegisteredWorker, schedule().' },
        RegisterApplication: { actions: 'handle', description: 'createApplication (id app-<yyyyMMddHHmmss>-<nnnn>), registerApplication, RegisteredApplication to the driver, schedule().' },
        UnregisterApplication: { actions: 'handle', description: 'finishApplication: removeApplication(app, FINISHED): kill its executors, ApplicationFinished to every worker; no ApplicationRemoved.' },
        ExecutorStateChanged: { actions: 'handle', description: 'Update the executor, ExecutorUpdated to the driver; a finished executor is removed and counted toward spark.deploy.maxExecutorRetries; schedule().' },
        WorkerHeartbeat: { actions: 'handle', description: 'Heartbeat: refresh lastHeartbeat; a DEAD worker still listed is told ReconnectWorker; an unknown one is ignored.' },
        CheckForWorkerTimeOut: { actions: 'handle', description: 'timeOutDeadWorkers: remove workers silent for spark.worker.timeout; forget DEAD ones after (spark.dead.worker.persistence + 1) timeouts.' },
        RequestExecutors: { actions: 'handle', description: "handleRequestExecutors: set the application's executor limit and schedule()." },
        KillExecutors: { actions: 'handle', description: 'handleKillExecutors: remove and kill the known executors (limit unchanged), schedule().' },
        WorkerLatestState: { actions: 'handle', description: 'Kill executors a worker reports that the Master does not know on it (SPARK-13604).' },
        onDisconnected: { actions: 'handle', description: 'onDisconnected: a worker that disconnects is removed; a driver that disconnects finishes its application.' },
      },
    },
  },
});
