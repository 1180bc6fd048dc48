/**
 * Seeded fault storms: a scenario file with a random plan of faults over every fault kind, in two
 * modes, as simulation testers do it. `safety`: faults throughout the run, invariants checked after
 * every message. `liveness`: faults only in a window, then quiet; once faults stop and a worker can
 * host executors, every application must finish (its jobs succeed or fail by Spark's rules).
 * The result is a plain scenario object: written to a file, it replays the run exactly.
 */
import { SeededRandom } from './random.js';

export type StormMode = 'safety' | 'liveness';

export interface StormOptions {
  seed: number;
  mode: StormMode;
  /** Number of faults (default: 3 to 8, drawn). */
  faults?: number;
  /** Run the `etl` application with dynamic allocation (its executors come and go with the backlog). */
  dynamicAllocation?: boolean;
}

/** The `etl` application's dynamic allocation settings in a storm: a short idle timeout so executors are removed within the run. */
const STORM_DYNAMIC_ALLOCATION = {
  'spark.dynamicAllocation.enabled': true,
  'spark.dynamicAllocation.minExecutors': 1,
  'spark.dynamicAllocation.maxExecutors': 4,
  'spark.dynamicAllocation.executorIdleTimeout': '20s',
};

type Json = Record<string, unknown>;

const WORKERS = 4;
const EXIT_CODES = [1, 137, 143, 56, 0, 52];

/** The cluster and workload every storm runs on. */
export function stormBase(seed: number, mode: StormMode, dynamicAllocation = false): Json {
  return {
    name: `storm-${mode}${dynamicAllocation ? '-da' : ''}-${seed}`,
    seed,
    conf: { 'spark.deploy.maxExecutorRetries': 10 },
    workers: [{ count: WORKERS, cores: 4, memory: '2g' }],
    applications: [
      {
        name: 'etl',
        conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '512m', 'spark.cores.max': 8, ...(dynamicAllocation ? STORM_DYNAMIC_ALLOCATION : {}) },
        jobs: [
          { stages: [{ id: 0, tasks: 24, taskDuration: { distribution: 'uniform', min: '2s', max: '8s' } }, { id: 1, tasks: 8, taskDuration: '3s', parents: [0] }] },
          { submitAt: '40s', stages: [{ id: 0, tasks: 16, taskDuration: { distribution: 'exponential', mean: '4s' } }] },
        ],
      },
      {
        name: 'report',
        submitAt: '5s',
        conf: { 'spark.executor.cores': 1, 'spark.executor.memory': '256m', 'spark.cores.max': 4 },
        jobs: [{ stages: [{ id: 0, tasks: 12, taskDuration: '5s' }] }],
      },
    ],
    stopAt: mode === 'liveness' ? '40min' : '10min',
  };
}

/** Faults are drawn in [0, window]; liveness storms give every fault an end before the quiet period. */
export function stormScenario(options: StormOptions): Json {
  const { seed, mode } = options;
  const random = new SeededRandom(seed, 'fault-storm', mode);
  const pick = <T>(items: readonly T[]): T => items[random.int(0, items.length - 1)]!;
  const windowS = mode === 'liveness' ? 120 : 400;
  const count = options.faults ?? random.int(3, 8);
  const faults: Json[] = [];
  let workersCrashed = 0;
  for (let i = 0; i < count; i++) {
    const at = `${random.int(0, windowS * 1000)}ms`;
    const app = pick(['etl', 'report']);
    const executor = random.int(0, 6);
    const lasting = () => `${random.int(10, mode === 'liveness' ? 120 : 300)}s`;
    const kind = pick(['executor-launch-failure', 'executor-launch-delay', 'executor-crash', 'executor-hang', 'worker-crash', 'partition', 'task-failure'] as const);
    switch (kind) {
      case 'executor-launch-failure':
        faults.push({ kind, at, worker: random.int(0, WORKERS - 1), times: random.int(1, 4) });
        break;
      case 'executor-launch-delay':
        faults.push({ kind, at, worker: random.int(0, WORKERS - 1), times: random.int(1, 3), duration: `${random.int(1, 90)}s` });
        break;
      case 'executor-crash':
        faults.push({ kind, at, app, executor, exitCode: pick(EXIT_CODES) });
        break;
      case 'executor-hang':
        // A hang for ever is fine for liveness too: the HeartbeatReceiver expires the executor.
        faults.push({ kind, at, app, executor, ...(random.next() < 0.5 ? { duration: lasting() } : {}) });
        break;
      case 'worker-crash':
        // Liveness needs a worker left that can host executors.
        if (mode === 'liveness' && workersCrashed >= WORKERS - 2) break;
        workersCrashed++;
        faults.push({ kind, at, worker: random.int(0, WORKERS - 1) });
        break;
      case 'partition': {
        const endpoints = ['master', `worker:${random.int(0, WORKERS - 1)}`, `driver:${app}`, `executor:${app}:${executor}`];
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
  return { ...stormBase(seed, mode, options.dynamicAllocation), faults };
}
