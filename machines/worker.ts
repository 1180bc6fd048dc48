/**
 * The standalone Worker: registers with the Master (with Spark's fuzzed retry schedule),
 * heartbeats, launches and kills ExecutorRunners, and forwards their state changes.
 *
 * Models core/src/main/scala/org/apache/spark/deploy/worker/Worker.scala
 * (shared/spark-semantics.md section 5.4), Spark 3.5/4.x.
 */
import { assign, enqueueActions, setup, spawnChild, stopChild, type AnyActorRef } from 'xstate';
import { num, type ResolvedConf } from './conf.js';
import { executorRunnerMachine } from './executorRunner.js';
import type {
  Address, ApplicationFinished, ExecutorDescription, ExecutorStateChanged, KillExecutor, LaunchExecutor, MasterInStandby,
  OnDisconnected, ReconnectWorker, RegisteredWorker, RegisterWorkerFailed, ReregisterWithMaster, SendHeartbeat,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { isExecutorFinished } from './states.js';
import { tickerPlaceholder } from './ticker.js';

/** spark.worker.ui.retainedExecutors and retainedDrivers: finished entries the Worker keeps. */
export const RETAINED_FINISHED = 1000;

export interface WorkerInput {
  address: Address;
  workerId: string;
  host: string;
  port: number;
  cores: number;
  /** MiB. */
  memory: number;
  masterAddress: Address;
  conf: ResolvedConf;
  /** REGISTRATION_RETRY_FUZZ_MULTIPLIER: random in [0, 1) + 0.5, drawn once per Worker. */
  registrationRetryFuzzMultiplier: number;
}

export interface WorkerContext extends Omit<WorkerInput, 'conf' | 'registrationRetryFuzzMultiplier'> {
  coresUsed: number;
  memoryUsed: number;
  /** The master that registered this worker (activeMasterUrl); LaunchExecutor from another is ignored. */
  activeMasterUrl: Address | undefined;
  connected: boolean;
  connectionAttemptCount: number;
  initialRegistrationRetries: number;
  totalRegistrationRetries: number;
  initialRetryIntervalMs: number;
  prolongedRetryIntervalMs: number;
  heartbeatMs: number;
  heartbeatScheduled: boolean;
  /** Live executors by full id `appId/execId`. */
  executors: Record<string, ExecutorDescription>;
  finishedExecutors: string[];
  finishedApps: string[];
  exitCode: number | undefined;
}

export type WorkerEvent =
  | RegisteredWorker | RegisterWorkerFailed | MasterInStandby | ReconnectWorker | ReregisterWithMaster | SendHeartbeat
  | LaunchExecutor | KillExecutor | ExecutorStateChanged | ApplicationFinished | OnDisconnected;

export const coresFree = (c: WorkerContext) => c.cores - c.coresUsed;
export const memoryFree = (c: WorkerContext) => c.memory - c.memoryUsed;

const bounded = (list: string[], item: string): string[] => {
  const next = [...list, item];
  // Spark trims max(size / 10, 1) of the oldest once the retained number is exceeded.
  return next.length > RETAINED_FINISHED ? next.slice(Math.max(Math.floor(next.length / 10), 1)) : next;
};

export const workerMachine = setup({
  types: {
    input: {} as WorkerInput,
    context: {} as WorkerContext,
    events: {} as WorkerEvent,
    output: {} as { exitCode: number },
  },
  actors: { ticker: tickerPlaceholder, executorRunner: executorRunnerMachine },
  guards: {
    registrationExhausted: ({ context }) => context.connectionAttemptCount + 1 > context.totalRegistrationRetries,
    fromActiveMaster: ({ context, event }) => 'masterUrl' in event && event.masterUrl === context.activeMasterUrl,
    masterDisconnected: ({ context, event }) => event.type === 'onDisconnected' && (event.remoteAddress === context.activeMasterUrl || event.remoteAddress === context.masterAddress),
  },
  actions: {
    sendRegisterWorker: enqueueActions(({ context, enqueue, system }) => {
      enqueue.sendTo(networkOf(system), rpc(context.address, context.activeMasterUrl ?? context.masterAddress, {
        type: 'RegisterWorker', id: context.workerId, host: context.host, port: context.port, worker: context.address,
        cores: context.cores, memory: context.memory, workerWebUiUrl: `http://${context.host}:8081`, masterAddress: context.activeMasterUrl ?? context.masterAddress,
      }));
    }),
    /** handleRegisterResponse(RegisteredWorker): connected, heartbeats (once per lifetime, SPARK-54312), WorkerLatestState. */
    onRegistered: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'RegisteredWorker') return;
      enqueue.assign({ activeMasterUrl: event.master, connected: true, heartbeatScheduled: true });
      if (!context.heartbeatScheduled) {
        enqueue.spawnChild('ticker', { id: 'SendHeartbeat', input: { event: { type: 'SendHeartbeat' }, initialDelayMs: context.heartbeatMs, periodMs: context.heartbeatMs } });
      }
      enqueue.sendTo(networkOf(system), rpc(context.address, event.master, {
        type: 'WorkerLatestState', id: context.workerId, executors: Object.values(context.executors), driverIds: [],
      }));
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
    coresUsed: 0,
    memoryUsed: 0,
    masterAddress: input.masterAddress,
    activeMasterUrl: undefined,
    connected: false,
    connectionAttemptCount: 0,
    initialRegistrationRetries: num(input.conf, 'spark.worker.initialRegistrationRetries'),
    totalRegistrationRetries: num(input.conf, 'spark.worker.maxRegistrationRetries'),
    initialRetryIntervalMs: Math.round(10 * input.registrationRetryFuzzMultiplier) * 1000,
    prolongedRetryIntervalMs: Math.round(60 * input.registrationRetryFuzzMultiplier) * 1000,
    heartbeatMs: num(input.conf, 'spark.worker.timeout') / 4,
    heartbeatScheduled: false,
    executors: {},
    finishedExecutors: [],
    finishedApps: [],
    exitCode: undefined,
  }),
  initial: 'registering',
  on: {
    SendHeartbeat: {
      description: 'Heartbeat(workerId, self) to the master, if connected.',
      actions: enqueueActions(({ context, enqueue, system }) => {
        if (!context.connected || !context.activeMasterUrl) return;
        enqueue.sendTo(networkOf(system), rpc(context.address, context.activeMasterUrl, { type: 'WorkerHeartbeat', workerId: context.workerId, worker: context.address }));
      }),
    },
    LaunchExecutor: {
      guard: 'fromActiveMaster',
      description: 'Create an ExecutorRunner (state LAUNCHING), start it, account its cores and memory. From a non-active master: ignored.',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const id = `${event.appId}/${event.execId}`;
        if (context.executors[id]) return;
        enqueue.spawnChild('executorRunner', {
          id,
          input: { appId: event.appId, execId: event.execId, appDesc: event.appDesc, cores: event.cores, memory: event.memory, workerId: context.workerId, host: context.host, workerAddress: context.address },
        });
        enqueue.assign({
          executors: { ...context.executors, [id]: { appId: event.appId, execId: event.execId, cores: event.cores, memory: event.memory, state: 'LAUNCHING' } },
          coresUsed: context.coresUsed + event.cores,
          memoryUsed: context.memoryUsed + event.memory,
        });
      }),
    },
    KillExecutor: {
      guard: 'fromActiveMaster',
      description: 'runner.kill() for a known executor; unknown ones are ignored ("Asked to kill unknown executor").',
      actions: enqueueActions(({ context, event, enqueue, self }) => {
        const runner = self.getSnapshot().children[`${event.appId}/${event.execId}`] as AnyActorRef | undefined;
        if (runner && context.executors[`${event.appId}/${event.execId}`]) enqueue.sendTo(runner, { type: 'runner.kill' });
      }),
    },
    ExecutorStateChanged: {
      description: 'handleExecutorStateChanged: sync with the master; a finished executor is removed and its resources freed.',
      actions: enqueueActions(({ context, event, enqueue, system }) => {
        const id = `${event.appId}/${event.execId}`;
        const master = context.activeMasterUrl;
        // syncExecutorStateWithMaster (an ask with up to 5 attempts in 3.x; its retries are not modelled).
        if (master) enqueue.sendTo(networkOf(system), rpc(context.address, master, event));
        const exec = context.executors[id];
        if (!exec) return;
        if (!isExecutorFinished(event.state)) {
          enqueue.assign({ executors: { ...context.executors, [id]: { ...exec, state: event.state } } });
          return;
        }
        const { [id]: _gone, ...rest } = context.executors;
        enqueue.stopChild(id);
        enqueue.assign({
          executors: rest,
          coresUsed: context.coresUsed - exec.cores,
          memoryUsed: context.memoryUsed - exec.memory,
          finishedExecutors: bounded(context.finishedExecutors, id),
        });
      }),
    },
    ApplicationFinished: {
      description: 'Remember the application as finished (its directories would be cleaned once no executor remains).',
      actions: assign({ finishedApps: ({ context, event }) => bounded(context.finishedApps, event.id) }),
    },
    MasterInStandby: { description: 'Ignored: the worker keeps retrying until a leader answers.' },
  },
  states: {
    registering: {
      description: 'registerWithMaster: RegisterWorker, then ReregisterWithMaster every round(10 x fuzz) s; round(60 x fuzz) s after the 6th attempt; give up after 16.',
      entry: [
        'sendRegisterWorker',
        assign({ connectionAttemptCount: 0, connected: false }),
        spawnChild('ticker', { id: 'ReregisterWithMaster', input: ({ context }) => ({ event: { type: 'ReregisterWithMaster' }, initialDelayMs: context.initialRetryIntervalMs, periodMs: context.initialRetryIntervalMs }) }),
      ],
      exit: stopChild('ReregisterWithMaster'),
      on: {
        ReregisterWithMaster: [
          {
            guard: 'registrationExhausted',
            target: 'exited',
            description: '"All masters are unresponsive! Giving up." System.exit(1).',
            actions: assign({ connectionAttemptCount: ({ context }) => context.connectionAttemptCount + 1, exitCode: 1 }),
          },
          {
            description: 'Re-send RegisterWorker; at the 6th attempt switch to the prolonged interval.',
            actions: enqueueActions(({ context, enqueue }) => {
              const count = context.connectionAttemptCount + 1;
              enqueue.assign({ connectionAttemptCount: count });
              enqueue('sendRegisterWorker');
              if (count === context.initialRegistrationRetries) {
                enqueue.stopChild('ReregisterWithMaster');
                enqueue.spawnChild('ticker', { id: 'ReregisterWithMaster', input: { event: { type: 'ReregisterWithMaster' }, initialDelayMs: context.prolongedRetryIntervalMs, periodMs: context.prolongedRetryIntervalMs } });
              }
            }),
          },
        ],
        RegisteredWorker: { target: 'connected', actions: 'onRegistered' },
        RegisterWorkerFailed: {
          target: 'exited',
          description: 'Not registered: "Worker registration failed", System.exit(1).',
          actions: assign({ exitCode: 1 }),
        },
        ReconnectWorker: { description: 'A retry timer is already running: registerWithMaster does nothing more.' },
      },
    },
    connected: {
      description: 'Registered and connected: heartbeats flow to the master.',
      on: {
        RegisteredWorker: { actions: 'onRegistered', description: 'A duplicate registration response: handled again (changeMaster, WorkerLatestState).' },
        RegisterWorkerFailed: { description: 'Already registered: ignored.' },
        ReconnectWorker: { target: 'registering', description: 'The master lost this worker: registerWithMaster() again.' },
        onDisconnected: { guard: 'masterDisconnected', target: 'registering', description: 'Master disconnected: connected = false, registerWithMaster().' },
        ReregisterWithMaster: { description: 'Registered: the retry timer is cancelled.' },
      },
    },
    exited: {
      type: 'final',
      description: 'The worker process exited (System.exit(1)).',
    },
  },
  output: ({ context }) => ({ exitCode: context.exitCode ?? 0 }),
});
