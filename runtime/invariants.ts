/**
 * Invariants checked at the end of a run (the CLI exits 1 when one fails). Each reads snapshots
 * and the trace only. Resource accounting must hold in every process's own books and in the
 * Master's; executor ids are never reused within an application; an application is removed as
 * FAILED only after spark.deploy.maxExecutorRetries counted failures.
 */
import type { MasterContext } from '../machines/master.js';
import type { WorkerContext } from '../machines/worker.js';
import { num } from '../machines/conf.js';
import { MASTER_ADDRESS, type Cluster, workerAddress } from './cluster.js';

export function checkInvariants(cluster: Cluster): string[] {
  const violations: string[] = [];
  for (const spec of cluster.scenario.workers) {
    const actor = cluster.actor(workerAddress(spec));
    if (!actor || actor.getSnapshot().status !== 'active') continue;
    const w = actor.getSnapshot().context as WorkerContext;
    const cores = Object.values(w.executors).reduce((sum, e) => sum + e.cores, 0);
    const memory = Object.values(w.executors).reduce((sum, e) => sum + e.memory, 0);
    if (w.coresUsed !== cores || w.memoryUsed !== memory) violations.push(`worker ${w.workerId} accounts ${w.coresUsed} cores / ${w.memoryUsed} MB used but its executors hold ${cores} / ${memory}`);
    if (w.coresUsed > w.cores || w.memoryUsed > w.memory) violations.push(`worker ${w.workerId} uses more than it has: ${w.coresUsed}/${w.cores} cores, ${w.memoryUsed}/${w.memory} MB`);
  }
  const master = cluster.actor(MASTER_ADDRESS)?.getSnapshot().context as MasterContext | undefined;
  if (master) {
    for (const w of Object.values(master.workers)) {
      if (w.state !== 'ALIVE') continue;
      const [cores, memory] = w.executors.reduce(([c, m], id) => {
        const slash = id.lastIndexOf('/');
        const e = master.apps[id.slice(0, slash)]?.executors[Number(id.slice(slash + 1))];
        return [c + (e?.cores ?? 0), m + (e?.memory ?? 0)];
      }, [0, 0]);
      if (w.coresUsed !== cores || w.memoryUsed !== memory) violations.push(`the Master accounts ${w.coresUsed} cores / ${w.memoryUsed} MB used on ${w.id} but its executors hold ${cores} / ${memory}`);
      if (w.coresUsed > w.cores || w.memoryUsed > w.memory) violations.push(`the Master over-allocated ${w.id}: ${w.coresUsed}/${w.cores} cores, ${w.memoryUsed}/${w.memory} MB`);
    }
    const maxRetries = num(cluster.scenario.clusterConf, 'spark.deploy.maxExecutorRetries');
    for (const app of Object.values(master.apps)) {
      if (app.state === 'FAILED' && (maxRetries < 0 || app.retryCount < maxRetries)) violations.push(`application ${app.id} was removed as FAILED with retry count ${app.retryCount} (spark.deploy.maxExecutorRetries ${maxRetries})`);
    }
  }
  const launched = new Set<string>();
  for (const m of cluster.trace.messages()) {
    if (m.message.type !== 'LaunchExecutor' || m.from !== MASTER_ADDRESS) continue;
    const key = `${m.message.appId}/${m.message.execId}`;
    if (launched.has(key)) violations.push(`executor id ${key} was launched twice`);
    launched.add(key);
  }
  return violations;
}
