/**
 * Placement in Spark's standalone Master: schedule() -> startExecutorsOnWorkers ->
 * scheduleExecutorsOnWorkers -> allocateWorkerResourceToExecutors -> launchExecutor, exactly as
 * core/.../deploy/master/Master.scala does it (shared/spark-semantics.md section 5.3), plus the
 * derived views of WorkerInfo and ApplicationInfo it reads. `scheduleExecutorsOnWorkers` is the pure
 * core; the rest applies its result through the Master's copy-on-write writer (masterWriter.ts).
 */
import type { Address, RpcMessage } from './protocol.js';
import type { ApplicationInfo, ExecutorDesc, MasterContext, WorkerInfo } from './master.js';
import { MasterWriter } from './masterWriter.js';

/** A message the Master sends, collected while a handler runs. */
export interface Out { to: Address; message: RpcMessage }

// ---------------------------------------------------------------------------------------------
// Derived views

/** WorkerInfo.coresFree / memoryFree. */
export const coresFree = (w: WorkerInfo) => w.cores - w.coresUsed;
export const memoryFree = (w: WorkerInfo) => w.memory - w.memoryUsed;
/** ApplicationInfo.coresLeft. */
export const coresLeft = (app: ApplicationInfo, defaultCores: number) => (app.desc.maxCores ?? defaultCores) - app.coresGranted;
export const hostPort = (w: WorkerInfo) => `${w.host}:${w.port}`;
/** ExecutorDesc.fullId. */
export const fullId = (e: ExecutorDesc) => `${e.appId}/${e.id}`;
/** Orders by id as Scala's String ordering does (UTF-16 code units). */
export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// scheduleExecutorsOnWorkers (pure)

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

// ---------------------------------------------------------------------------------------------
// startExecutorsOnWorkers, on the Master's writer (masterWriter.ts)

/**
 * Master.schedule() as a pure function of the Master's context: the next context and the messages
 * it sends (for embedding and tests; the machine runs startExecutorsOnWorkers inside its handlers).
 */
export function schedule(context: MasterContext): { context: MasterContext; out: Out[] } {
  const m = new MasterWriter(context);
  startExecutorsOnWorkers(m);
  return { context: m.ctx, out: m.out };
}

/**
 * Master.schedule(): only called in ALIVE (the machine runs handlers only there). Drivers are not
 * modelled (client deploy mode), so it is startExecutorsOnWorkers(): each app of waitingApps in FIFO
 * order, default resource profile only.
 */
export function startExecutorsOnWorkers(m: MasterWriter): void {
  const ctx = m.ctx;
  for (const appId of ctx.waitingApps) {
    const app = ctx.apps[appId]!;
    const coresPerExecutor = app.desc.coresPerExecutor ?? 1;
    if (coresLeft(app, ctx.defaultCores) < coresPerExecutor) continue;
    const mem = app.desc.memoryPerExecutorMB;
    // spark.deploy.workerSelectionPolicy CORES_FREE_DESC: by (coresFree, id) descending (a total
    // order: the bucketed record's own order does not matter).
    const usable = m.workers()
      .filter((w) => w.state === 'ALIVE' && memoryFree(w) >= mem && coresFree(w) >= coresPerExecutor)
      .sort((a, b) => coresFree(b) - coresFree(a) || -byId(a, b));
    const assigned = scheduleExecutorsOnWorkers(
      { coresLeft: coresLeft(app, ctx.defaultCores), coresPerExecutor: app.desc.coresPerExecutor, memoryPerExecutorMB: mem, executorCount: Object.keys(app.executors).length, executorLimit: app.executorLimit },
      usable.map((w) => ({ coresFree: coresFree(w), memoryFree: memoryFree(w) })),
      ctx.spreadOutApps,
    );
    usable.forEach((worker, pos) => {
      const cores = assigned[pos]!;
      if (cores > 0) allocateWorkerResourceToExecutors(m, appId, cores, worker.id);
    });
  }
}

/** allocateWorkerResourceToExecutors + launchExecutor for each executor. */
function allocateWorkerResourceToExecutors(m: MasterWriter, appId: string, assignedCores: number, workerId: string): void {
  const app = m.ownApp(appId);
  const worker = m.ownWorker(workerId);
  const perExecutor = app.desc.coresPerExecutor;
  const numExecutors = perExecutor === undefined ? 1 : Math.floor(assignedCores / perExecutor);
  const cores = perExecutor ?? assignedCores;
  for (let i = 0; i < numExecutors; i++) {
    const exec: ExecutorDesc = { id: app.nextExecutorId++, appId: app.id, workerId: worker.id, cores, memory: app.desc.memoryPerExecutorMB, state: 'LAUNCHING' };
    m.addExecutor(app, exec);
    app.coresGranted += cores;
    // launchExecutor
    worker.executors.push(fullId(exec));
    worker.coresUsed += cores;
    worker.memoryUsed += exec.memory;
    m.out.push({ to: worker.address, message: { type: 'LaunchExecutor', masterUrl: m.ctx.address, appId: app.id, execId: exec.id, rpId: 0, appDesc: { ...app.desc }, cores, memory: exec.memory } });
    m.out.push({ to: app.driver, message: { type: 'ExecutorAdded', id: exec.id, workerId: worker.id, hostPort: hostPort(worker), cores, memory: exec.memory } });
    app.state = 'RUNNING';
  }
}
