/**
 * Master.scheduleExecutorsOnWorkers: how many cores an application gets on each usable worker,
 * exactly as Spark's standalone Master decides it (core/.../deploy/master/Master.scala,
 * shared/spark-semantics.md section 5.3). Pure: the Master machine applies the result.
 */

export interface AppDemand {
  /** (spark.cores.max or spark.deploy.defaultCores) minus the cores already granted. */
  coresLeft: number;
  /** spark.executor.cores; undefined = one executor per worker takes all the cores it is assigned. */
  coresPerExecutor: number | undefined;
  memoryPerExecutorMB: number;
  /** Executors the application has now, and its executor limit. */
  executorCount: number;
  executorLimit: number;
}

export interface UsableWorker { coresFree: number; memoryFree: number }

/** Cores assigned to each usable worker (same order as `workers`). */
export function scheduleExecutorsOnWorkers(app: AppDemand, workers: readonly UsableWorker[], spreadOutApps: boolean): number[] {
  const minCores = app.coresPerExecutor ?? 1;
  const oneExecutorPerWorker = app.coresPerExecutor === undefined;
  const assignedCores = workers.map(() => 0);
  const assignedExecutors = workers.map(() => 0);
  let coresToAssign = Math.min(app.coresLeft, workers.reduce((sum, w) => sum + w.coresFree, 0));
  const assignedExecutorTotal = () => assignedExecutors.reduce((a, b) => a + b, 0);

  const canLaunchExecutor = (pos: number): boolean => {
    const worker = workers[pos]!;
    const keepScheduling = coresToAssign >= minCores;
    const enoughCores = worker.coresFree - assignedCores[pos]! >= minCores;
    const launchingNewExecutor = !oneExecutorPerWorker || assignedExecutors[pos] === 0;
    if (!launchingNewExecutor) return keepScheduling && enoughCores;
    const enoughMemory = worker.memoryFree - assignedExecutors[pos]! * app.memoryPerExecutorMB >= app.memoryPerExecutorMB;
    const underLimit = assignedExecutorTotal() + app.executorCount < app.executorLimit;
    return keepScheduling && enoughCores && enoughMemory && underLimit;
  };

  let freeWorkers = workers.map((_, pos) => pos).filter(canLaunchExecutor);
  while (freeWorkers.length > 0) {
    for (const pos of freeWorkers) {
      let keepScheduling = true;
      while (keepScheduling && canLaunchExecutor(pos)) {
        coresToAssign -= minCores;
        assignedCores[pos]! += minCores;
        if (oneExecutorPerWorker) assignedExecutors[pos] = 1;
        else assignedExecutors[pos]! += 1;
        // Spreading out: one step on this worker, then the next worker (round-robin).
        if (spreadOutApps) keepScheduling = false;
      }
    }
    freeWorkers = freeWorkers.filter(canLaunchExecutor);
  }
  return assignedCores;
}
