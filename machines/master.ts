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
import { applicationId, processOf } from './ids.js';
import { nowOf } from './clock.js';
import type {
  Address, ApplicationDescription, CheckForWorkerTimeOut, ElectedLeader, ExecutorStateChanged, KillExecutors, OnDisconnected,
  RegisterApplication, RegisterWorker, RequestExecutors, UnregisterApplication, WorkerHeartbeat, WorkerLatestState,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import * as bucketed from './bucketed.js';
import { byId, fullId, startExecutorsOnWorkers as schedule } from './masterSchedule.js';
import { MasterWriter } from './masterWriter.js';
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
  /**
   * Spark's `workers`: registered workers by id, DEAD ones included until culled (idToWorker = the
   * non-DEAD ones). Bucketed (bucketed.ts): a WorkerHeartbeat changes one worker, and a copy of a
   * plain record of 250 workers cost ~47 µs per heartbeat. Its order is not Spark's: every use that
   * needs an order sorts by id, as Spark's own (sortBy id, or a total order ending in the id) does.
   */
  workers: bucketed.Bucketed<WorkerInfo>;
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
// Master.scala's operations, on the message's writer (masterWriter.ts: records are copied the
// first time they change); each appends the messages it sends to `m.out`.

/** ApplicationInfo.removeExecutor, on an owned app and executor. */
function removeExecutorFromApp(m: MasterWriter, app: ApplicationInfo, exec: ExecutorDesc): void {
  if (!app.executors[exec.id]) return;
  delete m.ownExecutors(app)[exec.id];
  const removed = m.ownRemovedExecutors(app);
  removed.push(exec);
  if (removed.length > RETAINED_REMOVED_EXECUTORS) removed.shift();
  app.coresGranted -= exec.cores;
}

/** WorkerInfo.removeExecutor: only if the worker (still listed) books the executor. */
function removeExecutorFromWorker(m: MasterWriter, exec: ExecutorDesc): void {
  const listed = m.worker(exec.workerId);
  if (!listed) return;
  const index = listed.executors.indexOf(fullId(exec));
  if (index < 0) return;
  const worker = m.ownWorker(listed.id);
  worker.executors.splice(index, 1);
  worker.coresUsed -= exec.cores;
  worker.memoryUsed -= exec.memory;
}

/** Master.killExecutor (on an owned executor): free the worker's resources, KillExecutor to the worker, state KILLED. */
function killExecutor(m: MasterWriter, exec: ExecutorDesc): void {
  const worker = m.worker(exec.workerId);
  removeExecutorFromWorker(m, exec);
  if (worker) m.out.push({ to: worker.address, message: { type: 'KillExecutor', masterUrl: m.ctx.address, appId: exec.appId, execId: exec.id } });
  exec.state = 'KILLED';
}

/**
 * Master.removeApplication(app, state): a no-op unless the app is still registered (in `apps`).
 * Order as in Spark: retain it among the completed apps (trimming the oldest), kill its executors,
 * markFinished, ApplicationRemoved to the driver unless FINISHED, schedule(), and only then
 * ApplicationFinished to every listed worker (DEAD ones included: Spark iterates `workers`).
 */
function removeApplication(m: MasterWriter, appId: string, state: ApplicationState, now: number): void {
  const ctx = m.ctx;
  if (isApplicationFinished(ctx.apps[appId]!.state)) return;
  if (ctx.completedApps.length >= ctx.retainedApplications) {
    const drop = Math.max(Math.floor(ctx.retainedApplications / 10), 1);
    for (const id of ctx.completedApps.slice(0, drop)) m.forgetApp(id);
    ctx.completedApps = ctx.completedApps.slice(drop);
  }
  ctx.completedApps = [...ctx.completedApps, appId];
  ctx.waitingApps = ctx.waitingApps.filter((id) => id !== appId);
  const app = m.ownApp(appId);
  // Executors stay in app.executors (KILLED): Spark keeps them for the UI of a finished app.
  // Ascending id: the record's integer keys iterate in that order (as the Immer draft did).
  for (const exec of Object.values(app.executors)) killExecutor(m, m.ownExecutor(app, exec.id));
  app.state = state;
  app.endTime = now;
  if (state !== 'FINISHED') m.out.push({ to: app.driver, message: { type: 'ApplicationRemoved', message: state } });
  schedule(m);
  for (const worker of m.workers().sort(byId)) m.out.push({ to: worker.address, message: { type: 'ApplicationFinished', id: appId } });
}

/**
 * Master.removeWorker(worker, msg): DEAD; each executor is reported LOST to its driver (with the
 * worker's host, so the driver drops the host's shuffle outputs) and removed from its app, without
 * touching retryCount; every running app's driver hears WorkerRemoved; schedule(). Like Spark, the
 * DEAD WorkerInfo keeps its executor list and booked resources (it is no longer schedulable).
 */
function removeWorker(m: MasterWriter, workerId: string, msg: string): void {
  const ctx = m.ctx;
  const worker = m.ownWorker(workerId);
  worker.state = 'DEAD';
  for (const id of worker.executors) {
    const [appId, execId] = splitFullId(id);
    const listed = ctx.apps[appId];
    if (!listed || !listed.executors[execId]) continue;
    const app = m.ownApp(appId);
    const exec = m.ownExecutor(app, execId);
    m.out.push({ to: app.driver, message: { type: 'ExecutorUpdated', id: exec.id, state: 'LOST', message: `worker lost: ${msg}`, workerHost: worker.host } });
    exec.state = 'LOST';
    exec.message = `worker lost: ${msg}`;
    removeExecutorFromApp(m, app, exec);
  }
  // Spark iterates `apps` (registration order: the record's string keys keep insertion order).
  for (const app of Object.values(ctx.apps)) {
    if (!isApplicationFinished(app.state)) m.out.push({ to: app.driver, message: { type: 'WorkerRemoved', id: worker.id, host: worker.host, message: msg } });
  }
  schedule(m);
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
  const w = bucketed.get(ctx.workers, id);
  return w && w.state !== 'DEAD' ? w : undefined;
};
/** addressToApp: Spark keys it by the driver's RpcAddress, i.e. its process. */
const runningAppOfDriver = (ctx: MasterContext, driver: Address) =>
  Object.values(ctx.apps).find((a) => processOf(a.driver) === processOf(driver) && !isApplicationFinished(a.state));
/** addressToWorker: the non-DEAD worker whose RpcAddress (process) this is (at most one: registerWorker refuses a second). */
const liveWorkerAt = (ctx: MasterContext, address: Address) =>
  bucketed.values(ctx.workers).find((w) => processOf(w.address) === processOf(address) && w.state !== 'DEAD');

// ---------------------------------------------------------------------------------------------
// Message handlers (Master.receive / receiveAndReply)

type Handler<E extends MasterEvent['type']> = (m: MasterWriter, event: Extract<MasterEvent, { type: E }>, now: number) => void;

const onRegisterWorker: Handler<'RegisterWorker'> = (m, e, now) => {
  const ctx = m.ctx;
  const known = liveWorkerById(ctx, e.id);
  if (known) {
    // SPARK-23191: a worker that re-registers (e.g. after a network blip) is told it is a duplicate.
    if (known.state === 'UNKNOWN') m.ownWorker(known.id).state = 'ALIVE';
    m.out.push({ to: e.worker, message: { type: 'RegisteredWorker', master: ctx.address, masterWebUiUrl: MASTER_WEB_UI_URL, masterAddress: e.masterAddress, duplicate: true } });
    return;
  }
  // registerWorker: forget DEAD workers on the same host and port; then addressToWorker, the live
  // worker at this address (found in the same pass: the DEAD ones forgotten are not live).
  const listed = m.workers();
  m.forgetWorkers(listed.filter((w) => w.state === 'DEAD' && w.host === e.host && w.port === e.port).map((w) => w.id));
  const at = processOf(e.worker);
  const sameAddress = listed.find((w) => processOf(w.address) === at && w.state !== 'DEAD');
  if (sameAddress) {
    if (sameAddress.state !== 'UNKNOWN') {
      m.out.push({ to: e.worker, message: { type: 'RegisterWorkerFailed', message: `Attempted to re-register worker at same address: ${e.worker}` } });
      return;
    }
    removeWorker(m, sameAddress.id, 'Worker replaced by a new worker with same address');
  }
  m.addWorker({ id: e.id, host: e.host, port: e.port, address: e.worker, cores: e.cores, memory: e.memory, coresUsed: 0, memoryUsed: 0, state: 'ALIVE', lastHeartbeat: now, executors: [] });
  m.out.push({ to: e.worker, message: { type: 'RegisteredWorker', master: ctx.address, masterWebUiUrl: MASTER_WEB_UI_URL, masterAddress: e.masterAddress, duplicate: false } });
  schedule(m);
};

const onRegisterApplication: Handler<'RegisterApplication'> = (m, e, now) => {
  const ctx = m.ctx;
  // createApplication takes the next id (newApplicationId) before registerApplication runs.
  const id = applicationId(now, ctx.nextAppNumber++);
  // registerApplication returns early for a driver address that already has an app ("Attempted to
  // re-register application at same address"), but the handler goes on regardless: Spark still
  // answers RegisteredApplication with the fresh, unregistered id and calls schedule().
  if (!runningAppOfDriver(ctx, e.driver)) {
    m.addApp({
      id, desc: e.appDescription, driver: e.driver, state: 'WAITING', startTime: now, executors: {}, removedExecutors: [],
      coresGranted: 0, nextExecutorId: 0, retryCount: 0, executorLimit: e.appDescription.initialExecutorLimit ?? INT_MAX,
    });
    ctx.waitingApps = [...ctx.waitingApps, id];
  }
  m.out.push({ to: e.driver, message: { type: 'RegisteredApplication', appId: id, master: ctx.address } });
  schedule(m);
};

const onExecutorStateChanged: Handler<'ExecutorStateChanged'> = (m, e, now) => {
  const ctx = m.ctx;
  const listed = ctx.apps[e.appId];
  // "Got status update for unknown executor": normal for executors the Master killed itself, and
  // for every executor of a removed application (no longer in idToApp).
  if (!listed || !listed.executors[e.execId] || isApplicationFinished(listed.state)) return;
  const app = m.ownApp(e.appId);
  const exec = m.ownExecutor(app, e.execId);
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
  m.out.push({ to: app.driver, message: { type: 'ExecutorUpdated', id: exec.id, state: e.state, message: e.message, exitStatus: e.exitStatus } });
  if (isExecutorFinished(e.state)) {
    if (!isApplicationFinished(app.state)) removeExecutorFromApp(m, app, exec);
    removeExecutorFromWorker(m, exec);
    const normalExit = e.exitStatus === 0;
    // Short-circuit as in Spark: the count only grows for abnormal exits of non-decommissioned executors.
    if (!normalExit && oldState !== 'DECOMMISSIONED' && ++app.retryCount >= ctx.maxExecutorRetries && ctx.maxExecutorRetries >= 0) {
      // "Application {name} with ID {id} failed {retryCount} times; removing it" (logError).
      if (!Object.values(app.executors).some((x) => x.state === 'RUNNING')) removeApplication(m, app.id, 'FAILED', now);
    }
  }
  // Spark calls schedule() here in every case, also right after removeApplication (which schedules too).
  schedule(m);
};

const onWorkerHeartbeat: Handler<'WorkerHeartbeat'> = (m, e, now) => {
  const ctx = m.ctx;
  const live = liveWorkerById(ctx, e.workerId);
  if (live) {
    // The most frequent message (every worker, every timeout / 4): one bucket of `workers` is copied.
    m.ownWorker(live.id).lastHeartbeat = now;
  } else if (m.worker(e.workerId)) {
    // A DEAD worker still listed: tell it to register again.
    m.out.push({ to: e.worker, message: { type: 'ReconnectWorker', masterUrl: ctx.address } });
  }
  // Otherwise: "Got heartbeat from unregistered worker ... This worker was never registered": ignored.
};

const onCheckForWorkerTimeOut: Handler<'CheckForWorkerTimeOut'> = (m, _e, now) => {
  const ctx = m.ctx;
  // timeOutDeadWorkers: the workers silent for longer than the timeout, picked before any removal.
  const toRemove = m.workers().filter((w) => w.lastHeartbeat < now - ctx.workerTimeoutMs).sort(byId);
  for (const picked of toRemove) {
    // Read again: removing a worker changes nothing of another's state or lastHeartbeat, but the writer's copy is current.
    const worker = m.worker(picked.id)!;
    if (worker.state !== 'DEAD') {
      // TimeUnit.MILLISECONDS.toSeconds truncates.
      removeWorker(m, worker.id, `Not receiving heartbeat for ${Math.trunc(ctx.workerTimeoutMs / 1000)} seconds`);
    } else if (worker.lastHeartbeat < now - (ctx.reaperIterations + 1) * ctx.workerTimeoutMs) {
      m.forgetWorkers([worker.id]);
    }
  }
};

const onUnregisterApplication: Handler<'UnregisterApplication'> = (m, e, now) => {
  if (m.ctx.apps[e.appId]) removeApplication(m, e.appId, 'FINISHED', now);
};

const onRequestExecutors: Handler<'RequestExecutors'> = (m, e) => {
  const listed = m.ctx.apps[e.appId];
  if (!listed || isApplicationFinished(listed.state)) return;
  const total = e.resourceProfileToTotalExecs[0];
  if (total !== undefined) m.ownApp(e.appId).executorLimit = total;
  schedule(m);
};

const onKillExecutors: Handler<'KillExecutors'> = (m, e) => {
  const listed = m.ctx.apps[e.appId];
  if (!listed || isApplicationFinished(listed.state)) return;
  for (const text of e.executorIds) {
    // formatExecutorIds: non-integer ids are logged and dropped; unknown ids are warned about.
    const id = parseJavaInt(text);
    if (id === undefined) continue;
    // Read again: an id listed twice was removed by its first kill.
    if (!m.ctx.apps[e.appId]!.executors[id]) continue;
    const app = m.ownApp(e.appId);
    const exec = m.ownExecutor(app, id);
    removeExecutorFromApp(m, app, exec);
    killExecutor(m, exec);
  }
  schedule(m);
};

const onWorkerLatestState: Handler<'WorkerLatestState'> = (m, e) => {
  const worker = liveWorkerById(m.ctx, e.id);
  if (!worker) return;
  for (const exec of e.executors) {
    // SPARK-13604: executors the Master does not know on that worker are killed.
    if (!worker.executors.includes(`${exec.appId}/${exec.execId}`)) {
      m.out.push({ to: worker.address, message: { type: 'KillExecutor', masterUrl: m.ctx.address, appId: exec.appId, execId: exec.execId } });
    }
  }
};

const onDisconnected: Handler<'onDisconnected'> = (m, e, now) => {
  const worker = liveWorkerAt(m.ctx, e.remoteAddress);
  if (worker) removeWorker(m, worker.id, `${e.remoteAddress} got disassociated`);
  const app = runningAppOfDriver(m.ctx, e.remoteAddress);
  if (app) removeApplication(m, app.id, 'FINISHED', now);
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
      // Copy-on-write: only the records a handler touches are copied (masterWriter.ts).
      const m = new MasterWriter(context);
      (HANDLERS[event.type] as Handler<typeof event.type>)(m, event as never, now);
      enqueue.assign(() => m.ctx);
      for (const o of m.out) enqueue.sendTo(networkOf(system), rpc(context.address, o.to, o.message));
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
    workers: bucketed.empty(),
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
