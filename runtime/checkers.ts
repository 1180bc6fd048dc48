/**
 * Invariant checkers: Spark's safety rules and the model's bookkeeping agreements, evaluated on
 * the actors' snapshots after every delivered message when a cluster runs in checked mode (and
 * once at the end of every CLI run). Each has a name; a violation names it and says what broke.
 */
import type { RemoveExecutor } from '../machines/protocol.js';
import type { AllocationManagerContext } from '../machines/allocationManager.js';
import { num } from '../machines/conf.js';
import { ENDPOINT, processOf } from '../machines/ids.js';
import { runningEntries } from '../machines/runningTasks.js';
import * as bucketed from '../machines/bucketed.js';
import type { MasterContext } from '../machines/master.js';
import { byId } from '../machines/masterSchedule.js';
import type { WorkerContext } from '../machines/worker.js';
import type { SchedulerBackendContext } from '../machines/schedulerBackend.js';
import type { HeartbeatReceiverContext } from '../machines/heartbeatReceiver.js';
import type { BlockManagerMasterContext } from '../machines/blockManagerMaster.js';
import type { Cluster } from './cluster.js';
import { RESOURCE_MANAGER_ADDRESS, amAddress } from '../machines/yarn/ids.js';
import type { ResourceManagerContext } from '../machines/yarn/resourceManager.js';
import type { ApplicationMasterContext } from '../machines/yarn/applicationMaster.js';
import { isExecutorActive } from '../machines/driverEndpoint.js';
import { yarnIds } from './cluster.js';

export interface Checker {
  name: string;
  /** Violations found now (empty when the invariant holds). */
  check(cluster: Cluster): string[];
  /**
   * Everything `check` reads (snapshot contexts and statuses), when it reads nothing else. Contexts
   * are replaced on change, never mutated, so while these are the same values (===) the result is
   * the same, and a checked run skips the check (CheckRunner).
   */
  inputs?(cluster: Cluster): readonly unknown[];
}

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
  constructor(readonly checker: string, readonly atMs: number, readonly detail: string) {
    super(`${checker} at ${(atMs / 1000).toFixed(3)} s: ${detail}`);
  }
}

const master = (c: Cluster) => c.actor('master/Master')?.getSnapshot().context as MasterContext | undefined;
const liveWorkers = (c: Cluster) => c.scenario.workers
  .map((w) => c.actor(`${w.host}/Worker`))
  .filter((a) => a !== undefined && a.getSnapshot().status === 'active')
  .map((a) => a!.getSnapshot().context as WorkerContext);
const backends = (c: Cluster) => c.scenario.applications
  .map((app) => ({ app, backend: c.driverEndpoint(app.index, ENDPOINT.CoarseGrainedScheduler)?.getSnapshot() }))
  .filter((x) => x.backend !== undefined && x.backend.status === 'active')
  .map(({ app, backend }) => ({ app, ctx: backend!.context as SchedulerBackendContext }));
/** The snapshot (status and context) of one driver endpoint per application. */
const driverSnapshots = (c: Cluster, endpoint: (typeof ENDPOINT)[keyof typeof ENDPOINT]) => c.scenario.applications.flatMap((app) => {
  const s = c.driverEndpoint(app.index, endpoint)?.getSnapshot();
  return [s?.status, s?.context];
});
const backendInputs = (c: Cluster) => driverSnapshots(c, ENDPOINT.CoarseGrainedScheduler);

/** Executors a worker runs that the Master does not book on that worker (awaiting SPARK-13604's kill). */
function staleExecutors(c: Cluster, w: WorkerContext): Array<{ cores: number; memory: number }> {
  const info = master(c) && bucketed.get(master(c)!.workers, w.workerId);
  const booked = new Set(info?.state === 'ALIVE' ? info.executors : []);
  return Object.entries(w.executors).filter(([id]) => !booked.has(id)).map(([, e]) => e);
}

export const CHECKERS: readonly Checker[] = [
  {
    name: 'worker-resources',
    inputs: (c) => [...liveWorkers(c), master(c)],
    check: (c) => liveWorkers(c).flatMap((w) => {
      const cores = Object.values(w.executors).reduce((s, e) => s + e.cores, 0);
      const memory = Object.values(w.executors).reduce((s, e) => s + e.memory, 0);
      const out: string[] = [];
      if (w.coresUsed !== cores || w.memoryUsed !== memory) out.push(`worker ${w.workerId} books ${w.coresUsed} cores / ${w.memoryUsed} MB used, its executors hold ${cores} / ${memory}`);
      // A worker may run more than it has only by executors the Master no longer books on it:
      // after a partition outlives spark.worker.timeout, the Master marks the worker's executors
      // LOST, and when the worker re-registers it schedules new executors there at once, before
      // WorkerLatestState lets it kill the stale ones (SPARK-13604). Spark's Worker does not check
      // its capacity on LaunchExecutor, so it over-commits until those kills arrive.
      const stale = staleExecutors(c, w);
      const bookedCores = w.coresUsed - stale.reduce((s, e) => s + e.cores, 0);
      const bookedMemory = w.memoryUsed - stale.reduce((s, e) => s + e.memory, 0);
      if (bookedCores > w.cores || bookedMemory > w.memory) out.push(`worker ${w.workerId} uses ${w.coresUsed}/${w.cores} cores, ${w.memoryUsed}/${w.memory} MB${stale.length > 0 ? ` (${stale.length} executors the Master no longer books here)` : ''}`);
      return out;
    }),
  },
  {
    name: 'master-resources',
    inputs: (c) => [master(c)],
    check: (c) => {
      const m = master(c);
      if (!m) return [];
      // By id: the Master's bucketed record has no order of its own.
      return bucketed.values(m.workers).filter((w) => w.state === 'ALIVE').sort(byId).flatMap((w) => {
        let cores = 0;
        let memory = 0;
        for (const id of w.executors) {
          const slash = id.lastIndexOf('/');
          const e = m.apps[id.slice(0, slash)]?.executors[Number(id.slice(slash + 1))];
          cores += e?.cores ?? 0;
          memory += e?.memory ?? 0;
        }
        const out: string[] = [];
        if (w.coresUsed !== cores || w.memoryUsed !== memory) out.push(`the Master books ${w.coresUsed} cores / ${w.memoryUsed} MB on ${w.id}, its executors hold ${cores} / ${memory}`);
        if (w.coresUsed > w.cores || w.memoryUsed > w.memory) out.push(`the Master over-allocated ${w.id}: ${w.coresUsed}/${w.cores} cores, ${w.memoryUsed}/${w.memory} MB`);
        return out;
      });
    },
  },
  {
    name: 'driver-free-cores',
    inputs: backendInputs,
    check: (c) => backends(c).flatMap(({ app, ctx }) => Object.values(ctx.executors)
      .filter((e) => e.freeCores < 0 || e.freeCores > e.totalCores)
      .map((e) => `${app.name}: executor ${e.executorId} has ${e.freeCores} free of ${e.totalCores} cores`)),
  },
  {
    name: 'no-task-on-removed-executor',
    inputs: backendInputs,
    check: (c) => backends(c).flatMap(({ app, ctx }) => runningEntries(ctx.scheduler.tasks)
      .filter(([, t]) => ctx.executors[t.executorId] === undefined)
      .map(([tid, t]) => `${app.name}: task ${tid} runs on executor ${t.executorId}, which the driver removed`)),
  },
  {
    name: 'finished-task-set-has-no-running-attempts',
    inputs: backendInputs,
    check: (c) => backends(c).flatMap(({ app, ctx }) => runningEntries(ctx.scheduler.tasks)
      .filter(([, t]) => ctx.scheduler.taskSets[t.taskSetKey] === undefined)
      .map(([tid, t]) => `${app.name}: task ${tid} still runs for task set ${t.taskSetKey}, which has finished`)),
  },
  {
    name: 'heartbeat-tracking',
    inputs: (c) => [...driverSnapshots(c, ENDPOINT.HeartbeatReceiver), ...backendInputs(c)],
    check: (c) => c.scenario.applications.flatMap((app) => {
      const hr = c.driverEndpoint(app.index, ENDPOINT.HeartbeatReceiver)?.getSnapshot();
      const backend = c.driverEndpoint(app.index, ENDPOINT.CoarseGrainedScheduler)?.getSnapshot();
      if (!hr || !backend || hr.status !== 'active' || backend.status !== 'active') return [];
      const tracked = bucketed.keys((hr.context as HeartbeatReceiverContext).executorLastSeen);
      const registered = (backend.context as SchedulerBackendContext).executors;
      return tracked.filter((id) => registered[id] === undefined).map((id) => `${app.name}: HeartbeatReceiver tracks executor ${id}, which the driver does not know`);
    }),
  },
  {
    name: 'yarn-node-resources',
    // The ResourceManager's books: a node's used resources are its live containers', within its capacity.
    check: (c) => {
      const rm = c.actor(RESOURCE_MANAGER_ADDRESS)?.getSnapshot().context as ResourceManagerContext | undefined;
      if (!rm) return [];
      return Object.values(rm.nodes).filter((n) => n.state === 'RUNNING').flatMap((n) => {
        const held = Object.values(rm.containers).filter((x) => x.container.nodeId === n.nodeId).map((x) => x.container.resource);
        const memory = held.reduce((sum, r) => sum + r.memory, 0);
        const vCores = held.reduce((sum, r) => sum + r.vCores, 0);
        const out: string[] = [];
        if (n.used.memory !== memory || n.used.vCores !== vCores) out.push(`the ResourceManager books ${n.used.vCores} vcores / ${n.used.memory} MB on ${n.nodeId}, its containers hold ${vCores} / ${memory}`);
        if (n.used.memory > n.resource.memory || n.used.vCores > n.resource.vCores) out.push(`the ResourceManager over-allocated ${n.nodeId}: ${n.used.vCores}/${n.resource.vCores} vcores, ${n.used.memory}/${n.resource.memory} MB`);
        return out;
      });
    },
  },
  {
    name: 'yarn-executor-has-container',
    // Every executor the driver offers work to runs in a container the ApplicationMaster books, once
    // messages in flight are delivered: a completed container leaves the AM's books when it sends
    // the driver RemoveExecutor, and until that arrives the driver may still count it active (when
    // a partition holds the executor's own disconnect, nothing else tells the driver sooner).
    check: (c) => {
      if (c.scenario.clusterManager !== 'yarn') return [];
      // The AM sends it to the driver's YarnScheduler endpoint, which hands it to the DriverEndpoint.
      // Looked up only when the books disagree (rarely): this runs after every delivered message.
      const removalOnItsWay = (driver: string, id: string) => c.messagesInFlight()
        .some((e) => e.message.type === 'RemoveExecutor' && (e.message as RemoveExecutor).executorId === id && processOf(e.to) === processOf(driver));
      return backends(c).flatMap(({ app, ctx }) => {
        const am = c.actor(amAddress(yarnIds(c.scenario, app).appAttemptId))?.getSnapshot();
        if (!am || am.status !== 'active') return [];
        const books = (am.context as ApplicationMasterContext).allocator.executorIdToContainer;
        return Object.keys(ctx.executors).filter((id) => isExecutorActive(ctx, id) && books[id] === undefined && !removalOnItsWay(ctx.address, id))
          .map((id) => `${app.name}: executor ${id} is active on the driver but has no container in the ApplicationMaster's books`);
      });
    },
  },
  {
    // ExecutorAllocationManager: every target it sets lies in [minExecutors, maxExecutors]. The
    // initial target may exceed maxExecutors (Spark does not check initialExecutors against it)
    // until the first stage or idle timeout ends the initializing state.
    name: 'allocation-target',
    inputs: (c) => driverSnapshots(c, ENDPOINT.ExecutorAllocationManager),
    check: (c) => c.scenario.applications.flatMap((app) => {
      const eam = c.driverEndpoint(app.index, ENDPOINT.ExecutorAllocationManager)?.getSnapshot().context as AllocationManagerContext | undefined;
      if (!eam) return [];
      const { minExecutors, maxExecutors, initialExecutors } = eam.conf;
      const untouchedInitial = eam.initializing && eam.target === initialExecutors;
      if (eam.target >= minExecutors && (eam.target <= maxExecutors || untouchedInitial)) return [];
      return [`${app.name}: allocation target ${eam.target} outside [${minExecutors}, ${maxExecutors}]`];
    }),
  },
  {
    // BlockManagerMasterEndpoint's maps agree: a location names a registered block manager that
    // holds the block, each held block is located, and a removed executor leaves nothing behind.
    name: 'block-manager-books',
    // The three books, not the context: every BlockManagerHeartbeat replaces the context (lastSeenMs).
    inputs: (c) => c.scenario.applications.flatMap((app) => {
      const bmm = c.driverEndpoint(app.index, ENDPOINT.BlockManagerMaster)?.getSnapshot().context as BlockManagerMasterContext | undefined;
      return [bmm?.blockLocations, bmm?.blockManagerInfo, bmm?.blockManagerIdByExecutor];
    }),
    check: (c) => c.scenario.applications.flatMap((app) => {
      const bmm = c.driverEndpoint(app.index, ENDPOINT.BlockManagerMaster)?.getSnapshot().context as BlockManagerMasterContext | undefined;
      return bmm ? blockManagerBookViolations(bmm).map((v) => `${app.name}: ${v}`) : [];
    }),
  },
  {
    name: 'retry-rule',
    inputs: (c) => [master(c)],
    check: (c) => {
      const m = master(c);
      if (!m) return [];
      const max = num(c.scenario.clusterConf, 'spark.deploy.maxExecutorRetries');
      return Object.values(m.apps)
        .filter((a) => a.state === 'FAILED' && (max < 0 || a.retryCount < max))
        .map((a) => `application ${a.id} removed as FAILED with retry count ${a.retryCount} (spark.deploy.maxExecutorRetries ${max})`);
    },
  },
];

/** Disagreements between the BlockManagerMaster's blockLocations, blockManagerInfo and blockManagerIdByExecutor. */
export function blockManagerBookViolations(m: BlockManagerMasterContext): string[] {
  const out: string[] = [];
  for (const [blockId, holders] of bucketed.entries(m.blockLocations)) {
    for (const key of holders) {
      const info = bucketed.get(m.blockManagerInfo, key);
      if (!info) out.push(`block ${blockId} is located at block manager ${key}, which is not registered`);
      else if (!info.blocks[blockId]) out.push(`block ${blockId} is located at block manager ${key}, which does not hold it`);
    }
  }
  for (const [key, info] of bucketed.entries(m.blockManagerInfo)) {
    for (const blockId of Object.keys(info.blocks)) {
      if (!(bucketed.get(m.blockLocations, blockId) ?? []).includes(key)) out.push(`block manager ${key} holds ${blockId}, which has no location there`);
    }
    if (bucketed.get(m.blockManagerIdByExecutor, info.blockManagerId.executorId) !== key) out.push(`block manager ${key} is not the one booked for executor ${info.blockManagerId.executorId}`);
  }
  for (const [execId, key] of bucketed.entries(m.blockManagerIdByExecutor)) {
    if (!bucketed.has(m.blockManagerInfo, key)) out.push(`executor ${execId} is booked with block manager ${key}, which is not registered`);
  }
  return out;
}

/** Every violation now, as "checker: detail". */
export function violations(cluster: Cluster, checkers: readonly Checker[] = CHECKERS): string[] {
  return checkers.flatMap((checker) => checker.check(cluster).map((detail) => `${checker.name}: ${detail}`));
}

/**
 * `violations` for a checked run, which asks after every delivered message: a checker whose
 * inputs are the same values as at its last run is not run again, its last result stands. A
 * message changes one or two actors, and the checks walk whole books (a fault storm spent 14 % of
 * its time in the block-manager check alone).
 */
export class CheckRunner {
  private readonly last = new Map<Checker, { inputs: readonly unknown[]; found: string[] }>();

  constructor(private readonly checkers: readonly Checker[] = CHECKERS) {}

  violations(cluster: Cluster): string[] {
    return this.checkers.flatMap((checker) => {
      const inputs = checker.inputs?.(cluster);
      const last = this.last.get(checker);
      if (inputs && last && sameValues(inputs, last.inputs)) return last.found;
      const found = checker.check(cluster).map((detail) => `${checker.name}: ${detail}`);
      if (inputs) this.last.set(checker, { inputs, found });
      return found;
    });
  }
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Checks over the whole trace, at the end of a run: executor ids are never reused within an application. */
export function traceViolations(cluster: Cluster): string[] {
  const out: string[] = [];
  const launched = new Set<string>();
  for (const m of cluster.trace.messages()) {
    if (m.message.type !== 'LaunchExecutor' || m.from !== 'master/Master') continue;
    const key = `${m.message.appId}/${m.message.execId}`;
    if (launched.has(key)) out.push(`executor-ids-unique: executor id ${key} was launched twice`);
    launched.add(key);
  }
  return out;
}

/** Everything checkable at the end of a run. */
export function checkInvariants(cluster: Cluster): string[] {
  return [...violations(cluster), ...traceViolations(cluster)];
}
