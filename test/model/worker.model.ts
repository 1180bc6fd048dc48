/**
 * The standalone Worker's registration, walked on the assembled cluster: worker 0 registers with
 * the Master at once; a partition between them makes its ReregisterWithMaster retries run out
 * (exited, System.exit(1)), or heals so the held RegisterWorker gets through after a retry; a
 * partition longer than spark.worker.timeout makes the Master remove the worker, and when it heals
 * the worker's held heartbeats reach a Master that knows it DEAD, which answers ReconnectWorker.
 * Registration retries are shortened by conf (1 at the short interval, 2 in all) so the retry
 * schedule stays a small graph.
 */
import { assign } from 'xstate';
import { resolveConf } from '../../machines/conf.js';
import { workerMachine, type WorkerContext } from '../../machines/worker.js';
import { MASTER_ADDRESS, MASTER_PROCESS, type Cluster } from '../../runtime/cluster.js';
import { smallScenario, type ModelAdapter } from '../support/modelBased.js';

const REGISTRATION_CONF = { 'spark.worker.initialRegistrationRetries': 1, 'spark.worker.maxRegistrationRetries': 2 };
/** Longer than spark.worker.timeout (60 s) plus one CheckForWorkerTimeOut period, so the Master removes the worker. */
const LONG_PARTITION_MS = 150_000;

/** Whether each cluster's master <-> worker 0 link is cut (the walk's own bookkeeping: faults have no query). */
const partitioned = new WeakMap<Cluster, boolean>();

export const workerAdapter: ModelAdapter = {
  machine: workerMachine,
  // The effects become their context updates only: no network, no ticker, no runners. A ReregisterWithMaster
  // tick in `registered` (countAttempt) is kept out of the graph, which would otherwise count for ever;
  // UNREACHABLE_PATHS proves the cluster never takes it.
  model: workerMachine.provide({
    actions: {
      registerWithMaster: assign({ connectionAttemptCount: 0 }),
      retryRegistration: assign({ connectionAttemptCount: ({ context }) => context.connectionAttemptCount + 1 }),
      onRegistered: assign(({ event }) => (event.type === 'RegisteredWorker' ? { master: event.master, masterAddressToConnect: event.masterAddress, connected: true, heartbeatScheduled: true } : {})),
      countAttempt: () => undefined,
      runShutdownHooks: () => undefined,
      exitProcess: () => undefined,
    } as never,
  }),
  input: {
    address: '10.0.0.1/Worker', workerId: 'worker-0', host: '10.0.0.1', port: 7078, cores: 2, memory: 2048, masterAddress: MASTER_ADDRESS,
    conf: resolveConf(REGISTRATION_CONF).conf, registrationRetryFuzzMultiplier: 1,
  },
  events: [
    { type: 'RegisteredWorker', master: MASTER_ADDRESS, masterWebUiUrl: 'http://master:8080', masterAddress: MASTER_ADDRESS, duplicate: false },
    { type: 'RegisterWorkerFailed', message: 'Attempted to re-register worker at same address: 10.0.0.1/Worker' },
    { type: 'ReconnectWorker', masterUrl: MASTER_ADDRESS },
    { type: 'onDisconnected', remoteAddress: MASTER_ADDRESS },
    { type: 'ReregisterWithMaster' },
  ],
  // Long tasks keep the application (and its executor on the worker) alive through the walk.
  scenario: () => ({ ...smallScenario({ taskDuration: '30min' }), conf: REGISTRATION_CONF, stopAt: '60min' }),
  pick: (context) => (context as WorkerContext).host === '10.0.0.1',
  stepBoundMs: 900_000,
  stimulate(event, cluster, context) {
    const host = (context as WorkerContext).host;
    const cut = partitioned.get(cluster) ?? false;
    const at = cluster.clock.now() - cluster.scenario.startTimeMs;
    const between: [{ kind: 'master' }, { kind: 'worker'; worker: number }] = [{ kind: 'master' }, { kind: 'worker', worker: 0 }];
    switch (event.type) {
      case 'ReregisterWithMaster':
        // The Master must not answer: RegisterWorker (already on the wire) is held by the partition.
        if (!cut) cluster.faults.inject({ kind: 'partition', atMs: at, between });
        partitioned.set(cluster, true);
        return;
      case 'RegisteredWorker':
        // The partition heals: TCP delivers the held RegisterWorker(s), the Master registers the worker.
        if (cut) cluster.network({ type: 'network.heal', a: MASTER_PROCESS, b: host });
        partitioned.set(cluster, false);
        return;
      case 'ReconnectWorker':
        cluster.faults.inject({ kind: 'partition', atMs: at, between, durationMs: LONG_PARTITION_MS });
        return;
    }
  },
};

/**
 * Edges the assembled cluster cannot take, each with the reason; the tests prove they stay
 * unreachable (on the shortest model path to each), so this list cannot go stale.
 */
export const UNREACHABLE: Array<{ edge: RegExp; why: string }> = [
  { edge: /--RegisterWorkerFailed-->/, why: 'the Master refuses only a new worker id at the address of a live worker; each host runs one Worker, whose id never changes' },
  { edge: /--onDisconnected-->/, why: 'the Master process never exits (no fault ends it), and only an exiting process makes the network send onDisconnected' },
];
