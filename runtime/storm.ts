/**
 * Seeded fault storms: a scenario file with a random plan of faults over every fault kind, in two
 * modes, as simulation testers do it. `safety`: faults throughout the run, invariants checked after
 * every message. `liveness`: faults only in a window, then quiet; once faults stop and a worker can
 * host executors, every application must finish (its jobs succeed or fail by Spark's rules).
 * The result is a plain scenario object: written to a file, it replays the run exactly.
 */
import { SeededRandom } from './random.js';
import { CONTAINER_KILL_STATUSES, type ClusterManagerKind } from './scenario.js';

export type StormMode = 'safety' | 'liveness';

/** What a storm's cluster runs besides its seed and mode (the sweep's flags). */
export interface StormVariant {
  /** Run the `etl` application with dynamic allocation (its executors come and go with the backlog). */
  dynamicAllocation?: boolean;
  /** Standalone Master and Workers (default), or a YARN ResourceManager and NodeManagers. */
  clusterManager?: ClusterManagerKind;
}

export interface StormOptions extends StormVariant {
  seed: number;
  mode: StormMode;
  /** Number of faults (default: 3 to 8, drawn). */
  faults?: number;
}

/** The `etl` application's dynamic allocation settings in a storm: a short idle timeout so executors are removed within the run. */
const STORM_DYNAMIC_ALLOCATION = {
  'spark.dynamicAllocation.enabled': true,
  'spark.dynamicAllocation.minExecutors': 1,
  'spark.dynamicAllocation.maxExecutors': 4,
  'spark.dynamicAllocation.executorIdleTimeout': '20s',
};

type Json = Record<string, unknown>;

/** Workers, or NodeManagers on YARN. */
const HOSTS = 4;
const EXIT_CODES = [1, 137, 143, 56, 0, 52];

/** The scenario name of a storm; a failing storm is written under it. */
export const stormName = (seed: number, mode: StormMode, variant: StormVariant = {}): string =>
  `storm-${mode}${variant.dynamicAllocation ? '-da' : ''}${variant.clusterManager === 'yarn' ? '-yarn' : ''}-${seed}`;

/**
 * The cluster and workload every storm runs on. The etl application caches its first stage and
 * its second job reads a broadcast that is unpersisted when the job ends, so the block managers'
 * books (block locations, removal fan-outs) are checked under the faults too.
 */
export function stormBase(seed: number, mode: StormMode, variant: StormVariant = {}): Json {
  const yarn = variant.clusterManager === 'yarn';
  return {
    name: stormName(seed, mode, variant),
    seed,
    conf: { 'spark.deploy.maxExecutorRetries': 10 },
    // A YARN container also holds the executor's memory overhead (384 MiB at least) and each application has an AM container.
    ...(yarn ? { clusterManager: 'yarn', nodeManagers: [{ count: HOSTS, cores: 4, memory: '4g' }] } : { workers: [{ count: HOSTS, cores: 4, memory: '2g' }] }),
    applications: [
      {
        name: 'etl',
        // On YARN spark.cores.max does not apply: the AM asks for spark.executor.instances containers.
        conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '512m', ...(yarn ? { 'spark.executor.instances': 4 } : { 'spark.cores.max': 8 }), ...(variant.dynamicAllocation ? STORM_DYNAMIC_ALLOCATION : {}) },
        jobs: [
          { stages: [{ id: 0, tasks: 24, taskDuration: { distribution: 'uniform', min: '2s', max: '8s' }, cache: true }, { id: 1, tasks: 8, taskDuration: '3s', parents: [0] }] },
          { submitAt: '40s', broadcast: { size: '4m', unpersistAfterJob: true }, stages: [{ id: 0, tasks: 16, taskDuration: { distribution: 'exponential', mean: '4s' } }] },
        ],
      },
      {
        name: 'report',
        submitAt: '5s',
        conf: { 'spark.executor.cores': 1, 'spark.executor.memory': '256m', ...(yarn ? { 'spark.executor.instances': 4 } : { 'spark.cores.max': 4 }) },
        jobs: [{ stages: [{ id: 0, tasks: 12, taskDuration: '5s' }] }],
      },
    ],
    stopAt: mode === 'liveness' ? '40min' : '10min',
  };
}

const STANDALONE_KINDS = ['executor-launch-failure', 'executor-launch-delay', 'executor-crash', 'executor-hang', 'worker-crash', 'partition', 'task-failure'] as const;
const YARN_KINDS = ['executor-crash', 'executor-hang', 'node-manager-crash', 'container-killed', 'partition', 'task-failure'] as const;

/** Faults are drawn in [0, window]; liveness storms give every fault an end before the quiet period. */
export function stormScenario(options: StormOptions): Json {
  const { seed, mode } = options;
  const yarn = options.clusterManager === 'yarn';
  const random = new SeededRandom(seed, 'fault-storm', mode);
  const pick = <T>(items: readonly T[]): T => items[random.int(0, items.length - 1)]!;
  const windowS = mode === 'liveness' ? 120 : 400;
  const count = options.faults ?? random.int(3, 8);
  const faults: Json[] = [];
  let hostsCrashed = 0;
  for (let i = 0; i < count; i++) {
    const at = `${random.int(0, windowS * 1000)}ms`;
    const app = pick(['etl', 'report']);
    const executor = random.int(0, 6);
    const lasting = () => `${random.int(10, mode === 'liveness' ? 120 : 300)}s`;
    const kind = pick<(typeof STANDALONE_KINDS)[number] | (typeof YARN_KINDS)[number]>(yarn ? YARN_KINDS : STANDALONE_KINDS);
    switch (kind) {
      case 'executor-launch-failure':
        faults.push({ kind, at, worker: random.int(0, HOSTS - 1), times: random.int(1, 4) });
        break;
      case 'executor-launch-delay':
        faults.push({ kind, at, worker: random.int(0, HOSTS - 1), times: random.int(1, 3), duration: `${random.int(1, 90)}s` });
        break;
      case 'executor-crash':
        faults.push({ kind, at, app, executor, exitCode: pick(EXIT_CODES) });
        break;
      case 'executor-hang':
        // A hang for ever is fine for liveness too: the HeartbeatReceiver expires the executor.
        faults.push({ kind, at, app, executor, ...(random.next() < 0.5 ? { duration: lasting() } : {}) });
        break;
      case 'worker-crash':
      case 'node-manager-crash': {
        // Liveness needs hosts left that can run executors.
        if (mode === 'liveness' && hostsCrashed >= HOSTS - 2) break;
        hostsCrashed++;
        const host = random.int(0, HOSTS - 1);
        faults.push(kind === 'worker-crash' ? { kind, at, worker: host } : { kind, at, nodeManager: host });
        break;
      }
      case 'container-killed':
        faults.push({ kind, at, app, executor, exitStatus: pick(CONTAINER_KILL_STATUSES) });
        break;
      case 'partition': {
        // On YARN there is no Master or Worker to cut off: a driver from an executor, or two executors.
        const endpoints = yarn
          ? [`driver:${app}`, `executor:${app}:${executor}`, `executor:${app}:${(executor + 1 + random.int(0, 5)) % 7}`]
          : ['master', `worker:${random.int(0, HOSTS - 1)}`, `driver:${app}`, `executor:${app}:${executor}`];
        const a = random.int(0, endpoints.length - 1);
        let b = random.int(0, endpoints.length - 2);
        if (b >= a) b++;
        faults.push({ kind, at, between: [endpoints[a], endpoints[b]], ...(mode === 'liveness' || random.next() < 0.7 ? { duration: lasting() } : {}) });
        break;
      }
      case 'task-failure':
        faults.push({ kind, app: 'etl', job: 0, stage: 0, partition: random.int(0, 23), attempts: random.next() < 0.2 ? 'all' : random.int(1, 3) });
        break;
    }
  }
  return { ...stormBase(seed, mode, options), faults };
}
