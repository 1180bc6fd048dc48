/**
 * The standalone Worker: registers with the Master on Spark's fuzzed retry schedule, heartbeats,
 * launches and kills ExecutorRunners, and forwards their state changes to the Master.
 *
 * Models core/src/main/scala/org/apache/spark/deploy/worker/Worker.scala
 * (shared/spark-semantics.md sections 5.4 and 5.9), Spark 4.1 (3.5 differs only where noted).
 *
 * States: `registering` is Spark's `registrationRetryTimer.isDefined` (registered = false, a
 * ReregisterWithMaster timer runs); `registered` is registered = true with no retry timer;
 * `exited` is System.exit(1). Spark's `connected` is a separate flag: ReconnectWorker starts a new
 * registration without clearing it, so heartbeats go on; only a master disconnect clears it.
 *
 * Not modelled: cluster-mode drivers (LaunchDriver, KillDriver, driverIds are always empty), Master
 * HA (MasterChanged, WorkerSchedulerStateResponse), decommissioning, work-dir cleanup and the
 * external shuffle service, worker resources (GPUs), a LaunchExecutor that fails inside the Worker
 * (directory creation), and the retries of the ExecutorStateChanged ask (see `ExecutorStateChanged`).
 */
import { assign, enqueueActions, setup, stopChild, type AnyActorRef } from 'xstate';
import { num, type ResolvedConf } from './conf.js';
import { executorRunnerMachine, type ExecutorRunnerInput } from './executorRunner.js';
import { processOf } from './ids.js';
import type {
  Address, ApplicationFinished, ExecutorDescription, ExecutorStateChanged, KillExecutor, LaunchExecutor, MasterInStandby,
  OnDisconnected, ReconnectWorker, RegisteredWorker, RegisterWorker, RegisterWorkerFailed, ReregisterWithMaster, SendHeartbeat,
} from './protocol.js';
import { closeConnections, networkOf, rpc } from './rpc.js';
import { isExecutorFinished } from './states.js';
import { tickerPlaceholder } from './ticker.js';

export interface WorkerInput {
  address: Address;
  workerId: string;
  host: string;
  port: number;
  cores: number;
  /** MiB. */
  memory: number;
  /** The configured master (masterRpcAddresses: one master, no HA). */
  masterAddress: Address;
  conf: ResolvedConf;
  /** REGISTRATION_RETRY_FUZZ_MULTIPLIER: random in [0, 1) + 0.5, drawn once per Worker by the runtime. */
  registrationRetryFuzzMultiplier: number;
}

export interface WorkerContext extends Omit<WorkerInput, 'conf' | 'registrationRetryFuzzMultiplier'> {
  coresUsed: number;
  /** MiB. */
  memoryUsed: number;
  /** Spark's `master` ref, set by changeMaster and never cleared; its URL is activeMasterUrl, which LaunchExecutor and KillExecutor must carry. */
  master: Address | undefined;
  /** masterAddressToConnect: the masterAddress of the last RegisteredWorker. */
  masterAddressToConnect: Address | undefined;
  connected: boolean;
  connectionAttemptCount: number;
  /** spark.worker.initialRegistrationRetries. */
  initialRegistrationRetries: number;
  /** spark.worker.maxRegistrationRetries (TOTAL_REGISTRATION_RETRIES). */
  totalRegistrationRetries: number;
  /** round(10 x fuzz) s. */
  initialRetryIntervalMs: number;
  /** round(60 x fuzz) s. */
  prolongedRetryIntervalMs: number;
  /** HEARTBEAT_MILLIS = spark.worker.timeout x 1000 / 4. */
  heartbeatMs: number;
  /** spark.worker.ui.retainedExecutors. */
  retainedExecutors: number;
  /** heartbeatTask.isDefined: the SendHeartbeat timer is scheduled once per lifetime (SPARK-54312). */
  heartbeatScheduled: boolean;
  /**
   * `executors`: the live ExecutorRunners by full id `appId/execId` (each is also a child actor with
   * that id). `state` is the runner's state as the Worker knows it: its reports, and KILLED as kill() sets it.
   */
  executors: Record<string, ExecutorDescription>;
  /** finishedExecutors, oldest first, bounded by retainedExecutors. */
  finishedExecutors: ExecutorDescription[];
  /** finishedApps: applications the Master reported finished that still have live executors here. */
  finishedApps: string[];
  exitCode: number | undefined;
}

export type WorkerEvent =
  | RegisteredWorker | RegisterWorkerFailed | MasterInStandby | ReconnectWorker | ReregisterWithMaster | SendHeartbeat
  | LaunchExecutor | KillExecutor | ExecutorStateChanged | ApplicationFinished | OnDisconnected;

export interface WorkerOutput { exitCode: number }

/** Worker.coresFree. */
export const coresFree = (c: WorkerContext) => c.cores - c.coresUsed;
/** Worker.memoryFree (MiB). */
export const memoryFree = (c: WorkerContext) => c.memory - c.memoryUsed;

const fullIdOf = (e: { appId: string; execId: number }) => `${e.appId}/${e.execId}`;

/** trimFinishedExecutorsIfNecessary: over the limit, drop max(size / 10, 1) of the oldest (LinkedHashMap order). */
export function addFinishedExecutor(list: ExecutorDescription[], exec: ExecutorDescription, retained: number): ExecutorDescription[] {
  const at = list.findIndex((e) => e.appId === exec.appId && e.execId === exec.execId);
  // LinkedHashMap: putting a key again replaces its value and keeps its place.
  const next = at >= 0 ? list.map((e, i) => (i === at ? exec : e)) : [...list, exec];
  return next.length > retained ? next.slice(Math.max(Math.floor(next.length / 10), 1)) : next;
}

/** maybeCleanupApplication: a finished application with no live executor left is cleaned up and forgotten. */
function cleanedUp(finishedApps: string[], executors: Record<string, ExecutorDescription>, appId: string): string[] {
  if (!finishedApps.includes(appId)) return finishedApps;
  if (Object.values(executors).some((e) => e.appId === appId)) return finishedApps;
  return finishedApps.filter((id) => id !== appId);
}

/** sendRegisterMessageToMaster: RegisterWorker, with the address it is sent to as masterAddress. */
function registerWorker(context: WorkerContext, to: Address): RegisterWorker {
  return {
    type: 'RegisterWorker', id: context.workerId, host: context.host, port: context.port, worker: context.address,
    cores: context.cores, memory: context.memory, workerWebUiUrl: `http://${context.host}:8081`, masterAddress: to,
  };
}

const RETRY_TIMER = 'ReregisterWithMaster';
const HEARTBEAT_TIMER = 'SendHeartbeat';

export const workerMachine = setup({
  types: {
    input: {} as WorkerInput,
    context: {} as WorkerContext,
    events: {} as WorkerEvent,
    output: {} as WorkerOutput,
  },
  actors: { ticker: tickerPlaceholder, executorRunner: executorRunnerMachine },
  guards: {
    /** reregisterWithMaster: connectionAttemptCount + 1 > TOTAL_REGISTRATION_RETRIES. */
    registrationExhausted: ({ context }) => context.connectionAttemptCount + 1 > context.totalRegistrationRetries,
    /** masterUrl == activeMasterUrl (an RpcEnv URL: compared by process). */
    fromActiveMaster: ({ context, event }) =>
      'masterUrl' in event && context.master !== undefined && processOf(event.masterUrl) === processOf(context.master),
    /** onDisconnected: master.exists(_.address == remoteAddress) || masterAddressToConnect.contains(remoteAddress). */
    masterDisconnected: ({ context, event }) => {
      if (event.type !== 'onDisconnected') return false;
      const remote = processOf(event.remoteAddress);
      return (context.master !== undefined && processOf(context.master) === remote)
        || (context.masterAddressToConnect !== undefined && processOf(context.masterAddressToConnect) === remote);
    },
  },
  actions: {
    /**
     * registerWithMaster with no retry timer: registered = false, RegisterWorker to every configured
     * master (tryRegisterAllMasters), connectionAttemptCount = 0, ReregisterWithMaster every
     * INITIAL_REGISTRATION_RETRY_INTERVAL_SECONDS (first after one interval).
     */
    registerWithMaster: enqueueActions(({ context, enqueue, system }) => {
      enqueue.sendTo(networkOf(system), rpc(context.address, context.masterAddress, registerWorker(context, context.masterAddress)));
      enqueue.assign({ connectionAttemptCount: 0 });
      enqueue.spawnChild('ticker', {
        id: RETRY_TIMER,
        input: { event: { type: 'ReregisterWithMaster' }, initialDelayMs: context.initialRetryIntervalMs, periodMs: context.initialRetryIntervalMs },
      });
    }),
    /**
     * reregisterWithMaster, not registered, count <= TOTAL: RegisterWorker to the known master (or
     * to all masters before the first registration); at count == INITIAL the timer is rescheduled
     * at PROLONGED_REGISTRATION_RETRY_INTERVAL_SECONDS (first after one prolonged interval).
     */
    retryRegistration: enqueueActions(({ context, enqueue, system }) => {
      const count = context.connectionAttemptCount + 1;
      const to = context.master ?? context.masterAddress;
      enqueue.assign({ connectionAttemptCount: count });
      enqueue.sendTo(networkOf(system), rpc(context.address, to, registerWorker(context, to)));
      if (count === context.initialRegistrationRetries) {
        enqueue.stopChild(RETRY_TIMER);
        enqueue.spawnChild('ticker', {
          id: RETRY_TIMER,
          input: { event: { type: 'ReregisterWithMaster' }, initialDelayMs: context.prolongedRetryIntervalMs, periodMs: context.prolongedRetryIntervalMs },
        });
      }
    }),
    countAttempt: assign({ connectionAttemptCount: ({ context }) => context.connectionAttemptCount + 1 }),
    /**
     * handleRegisterResponse(RegisteredWorker): registered = true; changeMaster (master,
     * masterAddressToConnect, connected = true; the retry timer is cancelled by leaving
     * `registering`); SendHeartbeat at a fixed rate, initial delay 0, only if not yet scheduled
     * (SPARK-54312); WorkerLatestState(workerId, executors, driverIds) to the master.
     */
    onRegistered: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'RegisteredWorker') return;
      enqueue.assign({ master: event.master, masterAddressToConnect: event.masterAddress, connected: true, heartbeatScheduled: true });
      if (!context.heartbeatScheduled) {
        enqueue.spawnChild('ticker', { id: HEARTBEAT_TIMER, input: { event: { type: 'SendHeartbeat' }, initialDelayMs: 0, periodMs: context.heartbeatMs } });
      }
      enqueue.sendTo(networkOf(system), rpc(context.address, event.master, {
        type: 'WorkerLatestState', id: context.workerId, executors: Object.values(context.executors), driverIds: [],
      }));
    }),
    /** masterDisconnected: connected = false (registerWithMaster is the target state's entry, or a no-op while a retry timer runs). */
    disconnect: assign({ connected: false }),
    giveUp: assign({ exitCode: 1 }),
    /**
     * System.exit(1) runs each live runner's ExecutorRunnerShutdownHook (killed runners removed
     * theirs): FAILED, killProcess("Worker shutting down"). The executor processes are terminated.
     */
    runShutdownHooks: enqueueActions(({ context, enqueue, self }) => {
      const children = self.getSnapshot().children as Record<string, AnyActorRef | undefined>;
      for (const id of Object.keys(context.executors)) {
        const runner = children[id];
        if (runner) enqueue.sendTo(runner, { type: 'runner.shutdown' });
      }
    }),
    /** The Worker is its own JVM: System.exit closes its connections (the Master hears onDisconnected). */
    exitProcess: enqueueActions(({ context, enqueue, system }) => {
      enqueue.sendTo(networkOf(system), closeConnections(processOf(context.address)));
    }),
  },
}).createMachine({
  id: 'Worker',
  context: ({ input }) => ({
    address: input.address,
    workerId: input.workerId,
    host: input.host,
    port: input.port,
    cores: input.cores,
    memory: input.memory,
    masterAddress: input.masterAddress,
    coresUsed: 0,
    memoryUsed: 0,
    master: undefined,
    masterAddressToConnect: undefined,
    connected: false,
    connectionAttemptCount: 0,
    initialRegistrationRetries: num(input.conf, 'spark.worker.initialRegistrationRetries'),
    totalRegistrationRetries: num(input.conf, 'spark.worker.maxRegistrationRetries'),
    // math.round(10 * REGISTRATION_RETRY_FUZZ_MULTIPLIER) seconds (Scala rounds half up, as Math.round does for positives).
    initialRetryIntervalMs: Math.round(10 * input.registrationRetryFuzzMultiplier) * 1000,
    prolongedRetryIntervalMs: Math.round(60 * input.registrationRetryFuzzMultiplier) * 1000,
    heartbeatMs: Math.floor(num(input.conf, 'spark.worker.timeout') / 4),
    retainedExecutors: num(input.conf, 'spark.worker.ui.retainedExecutors'),
    heartbeatScheduled: false,
    executors: {},
    finishedExecutors: [],
    finishedApps: [],
    exitCode: undefined,
  }),
  initial: 'registering',
  on: {
    SendHeartbeat: {
      description: 'if (connected) sendToMaster(Heartbeat(workerId, self)) (Worker.scala).',
      actions: enqueueActions(({ context, enqueue, system }) => {
        if (!context.connected || context.master === undefined) return;
        enqueue.sendTo(networkOf(system), rpc(context.address, context.master, { type: 'WorkerHeartbeat', workerId: context.workerId, worker: context.address }));
      }),
    },
    LaunchExecutor: [
      {
        guard: 'fromActiveMaster',
        description: 'new ExecutorRunner(..., LAUNCHING), executors(appId/execId) = runner, runner.start(), coresUsed += cores, memoryUsed += memory.',
        actions: enqueueActions(({ context, event, enqueue }) => {
          const id = fullIdOf(event);
          // Spark would replace a live runner of the same id (and count its resources twice); the Master
          // never sends one id twice, and one child per id is all XState allows: a duplicate is ignored.
          if (context.executors[id]) return;
          const input: ExecutorRunnerInput = {
            appId: event.appId, execId: event.execId, appDesc: event.appDesc, cores: event.cores, memory: event.memory,
            workerId: context.workerId, host: context.host, workerAddress: context.address,
          };
          enqueue.spawnChild('executorRunner', { id, input });
          enqueue.assign({
            executors: { ...context.executors, [id]: { appId: event.appId, execId: event.execId, cores: event.cores, memory: event.memory, state: 'LAUNCHING' } },
            coresUsed: context.coresUsed + event.cores,
            memoryUsed: context.memoryUsed + event.memory,
          });
        }),
      },
      { description: '"Invalid Master (<masterUrl>) attempted to launch executor.": ignored (also before any registration).' },
    ],
    KillExecutor: [
      {
        guard: 'fromActiveMaster',
        description: 'Known executor: runner.kill() (its state becomes KILLED at once). Unknown: "Asked to kill unknown executor", ignored.',
        actions: enqueueActions(({ context, event, enqueue, self }) => {
          const id = fullIdOf(event);
          const exec = context.executors[id];
          const runner = (self.getSnapshot().children as Record<string, AnyActorRef | undefined>)[id];
          if (!exec || !runner) return;
          enqueue.sendTo(runner, { type: 'runner.kill' });
          enqueue.assign({ executors: { ...context.executors, [id]: { ...exec, state: 'KILLED' } } });
        }),
      },
      { description: '"Invalid Master (<masterUrl>) attempted to kill executor": ignored.' },
    ],
    ExecutorStateChanged: {
      description:
        'handleExecutorStateChanged: syncExecutorStateWithMaster (dropped before any registration); a finished executor moves to ' +
        'finishedExecutors, its cores and memory are freed and its application cleaned up if finished and without executors.',
      actions: enqueueActions(({ context, event, enqueue, system }) => {
        // syncExecutorStateWithMaster: to `master` whenever one is known, connected or not. Spark 3.x+
        // asks (SPARK-34245) and retries a failed ask up to spark.worker.executorStateSync.maxAttempts
        // (5) times, then exits with 1; that ask and its retries are not modelled: this is one send.
        if (context.master !== undefined) {
          const { type, appId, execId, state, message, exitStatus } = event;
          const forwarded: ExecutorStateChanged = {
            type, appId, execId, state, ...(message !== undefined ? { message } : {}), ...(exitStatus !== undefined ? { exitStatus } : {}),
          };
          enqueue.sendTo(networkOf(system), rpc(context.address, context.master, forwarded));
        }
        const id = fullIdOf(event);
        const exec = context.executors[id];
        if (!isExecutorFinished(event.state)) {
          if (exec) enqueue.assign({ executors: { ...context.executors, [id]: { ...exec, state: event.state } } });
          return;
        }
        if (!exec) {
          // "Unknown Executor <id> finished with state ...": nothing to free.
          enqueue.assign({ finishedApps: cleanedUp(context.finishedApps, context.executors, event.appId) });
          return;
        }
        const { [id]: _finished, ...executors } = context.executors;
        enqueue.stopChild(id);
        enqueue.assign({
          executors,
          finishedExecutors: addFinishedExecutor(context.finishedExecutors, { ...exec, state: event.state }, context.retainedExecutors),
          coresUsed: context.coresUsed - exec.cores,
          memoryUsed: context.memoryUsed - exec.memory,
          finishedApps: cleanedUp(context.finishedApps, executors, event.appId),
        });
      }),
    },
    ApplicationFinished: {
      description: 'finishedApps += id; maybeCleanupApplication: with no executor of it left, it is cleaned up (directories: not modelled) and forgotten.',
      actions: assign({
        finishedApps: ({ context, event }) =>
          cleanedUp(context.finishedApps.includes(event.id) ? context.finishedApps : [...context.finishedApps, event.id], context.executors, event.id),
      }),
    },
    MasterInStandby: { description: 'handleRegisterResponse(MasterInStandby): ignored, the master is not ready yet.' },
  },
  states: {
    registering: {
      description:
        'registerWithMaster: RegisterWorker, then ReregisterWithMaster every round(10 x fuzz) s; from the initialRegistrationRetries-th ' +
        'attempt every round(60 x fuzz) s; after maxRegistrationRetries attempts "All masters are unresponsive! Giving up." (Worker.scala).',
      entry: 'registerWithMaster',
      exit: stopChild(RETRY_TIMER),
      on: {
        ReregisterWithMaster: [
          {
            guard: 'registrationExhausted',
            target: 'exited',
            description: 'connectionAttemptCount > TOTAL_REGISTRATION_RETRIES: "All masters are unresponsive! Giving up.", System.exit(1).',
            actions: ['countAttempt', 'giveUp'],
          },
          {
            description: 'connectionAttemptCount += 1; RegisterWorker again; at INITIAL_REGISTRATION_RETRIES switch to the prolonged interval.',
            actions: 'retryRegistration',
          },
        ],
        RegisteredWorker: { target: 'registered', description: 'Registered: changeMaster cancels the retry timer.', actions: 'onRegistered' },
        RegisterWorkerFailed: {
          target: 'exited',
          description: 'Not registered: "Worker registration failed: <message>", System.exit(1).',
          actions: 'giveUp',
        },
        ReconnectWorker: { description: 'registerWithMaster with a retry timer scheduled: "Not spawning another attempt to register with the master".' },
        onDisconnected: {
          guard: 'masterDisconnected',
          description: 'masterDisconnected: connected = false; registerWithMaster does nothing, a retry timer is already scheduled.',
          actions: 'disconnect',
        },
      },
    },
    registered: {
      description: 'Registered with the Master; heartbeats flow while connected.',
      on: {
        RegisteredWorker: {
          description: 'Another registration response (duplicate = true): changeMaster and WorkerLatestState again; the heartbeat timer is kept.',
          actions: 'onRegistered',
        },
        RegisterWorkerFailed: { description: 'Already registered: ignored.' },
        ReconnectWorker: {
          target: 'registering',
          description: 'The Master lost this worker: registerWithMaster() again (registered = false; connected is left as it is).',
        },
        onDisconnected: {
          guard: 'masterDisconnected',
          target: 'registering',
          description: 'masterDisconnected: "Connection to master failed! Waiting for master to reconnect...", connected = false, registerWithMaster().',
          actions: 'disconnect',
        },
        ReregisterWithMaster: { description: 'A tick already queued: connectionAttemptCount += 1; registered, so the (cancelled) timer stays cancelled.', actions: 'countAttempt' },
      },
    },
    exited: {
      type: 'final',
      description: 'System.exit(1): the worker process ends; the shutdown hooks of its live ExecutorRunners terminate their executors, and its connections close.',
      entry: ['runShutdownHooks', 'exitProcess'],
    },
  },
  output: ({ context }) => ({ exitCode: context.exitCode ?? 0 }),
});
