/**
 * The benchmark's cluster shapes as scenario objects (the same JSON a user writes), so the
 * benchmark measures exactly what `spark-statecharts run` would run.
 *
 * The Spark-sized cluster: workers of 16 cores, one application whose executors have 4 cores,
 * one stage of tasks of 1-3 s (uniform). Heartbeats use Spark's defaults (10 s executor
 * heartbeats, 60 s worker heartbeats), so they are on in every run.
 */
export const CORES_PER_WORKER = 16;
export const CORES_PER_EXECUTOR = 4;
export const EXECUTORS_PER_WORKER = CORES_PER_WORKER / CORES_PER_EXECUTOR;

export interface ClusterShape {
  executors: number;
  /** Tasks of the one stage; 0 leaves the executors idle (no job). */
  tasks: number;
  /** Simulated run length bound. */
  stopAt: string;
  name: string;
}

/** A scenario object for `parseScenario`: executors/4 workers of 16 cores, one application. */
export function benchScenario(shape: ClusterShape): Record<string, unknown> {
  const workers = Math.ceil(shape.executors / EXECUTORS_PER_WORKER);
  return {
    name: shape.name,
    seed: 1,
    workers: [{ count: workers, cores: CORES_PER_WORKER, memory: '64g' }],
    applications: [
      {
        name: 'bench',
        conf: {
          'spark.executor.cores': CORES_PER_EXECUTOR,
          'spark.executor.memory': '8g',
          'spark.cores.max': shape.executors * CORES_PER_EXECUTOR,
        },
        stopWhenDone: shape.tasks > 0,
        jobs: shape.tasks > 0 ? [{ stages: [{ id: 0, tasks: shape.tasks, taskDuration: { distribution: 'uniform', min: '1s', max: '3s' } }] }] : [],
      },
    ],
    stopAt: shape.stopAt,
  };
}
