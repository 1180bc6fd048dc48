/**
 * The report of a run: a projection of the actors' final snapshots (the Master's view of
 * applications, executors and workers) and of the trace (when executors were launched and
 * removed, message counts). Stable field names; see README "Report".
 */
import type { AllocationManagerContext } from '../machines/allocationManager.js';
import type { MasterContext, ExecutorDesc } from '../machines/master.js';
import * as bucketed from '../machines/bucketed.js';
import { ENDPOINT } from '../machines/ids.js';
import { jobSummaries, type DagSchedulerContext, type JobSummary } from '../machines/dagScheduler.js';
import type { SchedulerBackendContext } from '../machines/schedulerBackend.js';
import { MASTER_ADDRESS, type Cluster, type RunResult, workerAddress } from './cluster.js';
import type { TraceMessage } from './trace.js';
import type { DriverEvent } from './timeline.js';
import { yarnReport, yarnSummaryLines, type YarnReport } from './yarnReport.js';
import { blockManagerDriverEvents, blockManagersReport, removalText, type BlockManagersReport } from './blockManagerReport.js';
import type { BlockManagerMasterContext } from '../machines/blockManagerMaster.js';

const blockManagerMaster = (cluster: Cluster, appIndex: number) =>
  cluster.driverEndpoint(appIndex, ENDPOINT.BlockManagerMaster)?.getSnapshot().context as BlockManagerMasterContext | undefined;

export interface ExecutorReport {
  id: number;
  workerId: string;
  cores: number;
  memoryMb: number;
  state: string;
  exitCode: number | null;
  launchedAtMs: number | null;
  /** When the driver registered the executor (RegisterExecutor). */
  registeredAtMs: number | null;
  removedAtMs: number | null;
  removedReason: string | null;
}

export interface ApplicationReport {
  id: string | null;
  name: string;
  state: string | null;
  retryCount: number | null;
  executors: ExecutorReport[];
  jobs: JobSummary[];
  /** Dynamic allocation: every change of the allocation target, in order (the first entry is the initial target); [] without it. */
  executorTargets: Array<{ atMs: number; target: number }>;
  /** The driver's BlockManagerMaster at the end (null if the driver never started). */
  blockManagers: BlockManagersReport | null;
}

export interface WorkerReport {
  id: string;
  host: string;
  cores: number;
  memoryMb: number;
  state: string | null;
  coresUsed: number | null;
  memoryUsedMb: number | null;
}

export interface Report {
  scenario: string;
  seed: number;
  simulatedMs: number;
  outcome: RunResult['outcome'];
  applications: ApplicationReport[];
  workers: WorkerReport[];
  /** Only with clusterManager "yarn": containers and node managers (runtime/yarnReport.ts). */
  yarn?: YarnReport;
  messages: Record<string, number>;
}

const FINISHED_EXECUTOR_STATES = new Set(['KILLED', 'FAILED', 'LOST', 'EXITED']);

/** When the Master launched and removed each executor, from the messages it sent and received. */
function executorTimes(messages: readonly TraceMessage[]): Map<string, { launchedAtMs?: number; removedAtMs?: number }> {
  const times = new Map<string, { launchedAtMs?: number; removedAtMs?: number }>();
  const entry = (appId: string, execId: number) => {
    const key = `${appId}/${execId}`;
    let t = times.get(key);
    if (!t) times.set(key, (t = {}));
    return t;
  };
  for (const m of messages) {
    if (m.outcome !== 'delivered' && m.type !== 'LaunchExecutor') continue;
    const msg = m.message;
    if (msg.type === 'LaunchExecutor' && m.from === MASTER_ADDRESS) entry(msg.appId, msg.execId).launchedAtMs ??= m.sentAtMs;
    else if (msg.type === 'ExecutorStateChanged' && m.to === MASTER_ADDRESS && FINISHED_EXECUTOR_STATES.has(msg.state)) entry(msg.appId, msg.execId).removedAtMs ??= m.atMs;
    else if (msg.type === 'KillExecutor' && m.from === MASTER_ADDRESS) entry(msg.appId, msg.execId).removedAtMs ??= m.sentAtMs;
  }
  return times;
}

export function buildReport(cluster: Cluster, result: RunResult): Report {
  const master = cluster.actor(MASTER_ADDRESS)?.getSnapshot().context as MasterContext | undefined;
  const times = executorTimes(cluster.trace.messages());
  const start = cluster.scenario.startTimeMs;
  const yarn = cluster.scenario.clusterManager === 'yarn' ? yarnReport(cluster) : undefined;
  const applications = cluster.scenario.applications.map((spec): ApplicationReport => {
    const id = cluster.appId(spec.index) ?? null;
    const backend = cluster.driverEndpoint(spec.index, ENDPOINT.CoarseGrainedScheduler)?.getSnapshot().context as SchedulerBackendContext | undefined;
    const dag = cluster.driverEndpoint(spec.index, ENDPOINT.DAGScheduler)?.getSnapshot().context as DagSchedulerContext | undefined;
    const eam = cluster.driverEndpoint(spec.index, ENDPOINT.ExecutorAllocationManager)?.getSnapshot().context as AllocationManagerContext | undefined;
    const driverView = new Map<string, { registrationTs: number; removedReason?: string }>();
    for (const e of Object.values(backend?.executors ?? {})) driverView.set(e.executorId, { registrationTs: e.registrationTs });
    for (const e of backend?.removed ?? []) driverView.set(e.executorId, { registrationTs: e.registrationTs, removedReason: e.removedReason });
    const app = id !== null ? master?.apps[id] : undefined;
    const executors: ExecutorDesc[] = app ? [...app.removedExecutors, ...Object.values(app.executors)].sort((a, b) => a.id - b.id) : [];
    return {
      id,
      name: spec.name,
      state: app?.state ?? null,
      retryCount: app?.retryCount ?? null,
      executors: yarn ? yarnExecutors(yarn, id, driverView, start) : executors.map((e) => {
        const t = times.get(`${e.appId}/${e.id}`);
        const driver = driverView.get(String(e.id));
        return {
          id: e.id,
          workerId: e.workerId,
          cores: e.cores,
          memoryMb: e.memory,
          state: e.state,
          exitCode: e.exitStatus ?? null,
          launchedAtMs: t?.launchedAtMs ?? null,
          registeredAtMs: driver ? driver.registrationTs - start : null,
          removedAtMs: t?.removedAtMs ?? null,
          // The driver's loss reason (ExecutorLossReason text) where it has one, else the Master's message.
          removedReason: driver?.removedReason ?? e.message ?? null,
        };
      }),
      jobs: dag ? jobSummaries(dag) : [],
      executorTargets: (eam?.targets ?? []).map((t) => ({ atMs: t.atMs - start, target: t.target })),
      blockManagers: blockManagersReport(blockManagerMaster(cluster, spec.index), start),
    };
  });
  const workers = cluster.scenario.workers.map((spec): WorkerReport => {
    const own = cluster.actor(workerAddress(spec))?.getSnapshot().context as { workerId: string } | undefined;
    const seen = master ? bucketed.values(master.workers).find((w) => w.address === workerAddress(spec)) : undefined;
    return {
      id: seen?.id ?? own?.workerId ?? spec.host,
      host: spec.host,
      cores: spec.cores,
      memoryMb: spec.memoryMb,
      state: seen?.state ?? null,
      coresUsed: seen?.coresUsed ?? null,
      memoryUsedMb: seen?.memoryUsed ?? null,
    };
  });
  const messages = Object.fromEntries([...cluster.trace.delivered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { scenario: cluster.scenario.name, seed: cluster.seed, simulatedMs: result.simulatedMs, outcome: result.outcome, applications, workers, ...(yarn ? { yarn } : {}), messages };
}

/**
 * On YARN there is no Master and no ExecutorRunner: an application's executors are its containers.
 * `workerId` is the NodeManager's node id, `memoryMb` the container's (executor memory plus
 * overhead), `state` YARN's ContainerState (RUNNING, COMPLETE), `exitCode` the container's exit
 * status, `removedAtMs` when the AM learnt the container completed.
 */
function yarnExecutors(yarn: YarnReport, appId: string | null, driverView: Map<string, { registrationTs: number; removedReason?: string }>, start: number): ExecutorReport[] {
  return yarn.containers.filter((c) => c.appId === appId).sort((a, b) => Number(a.executorId) - Number(b.executorId)).map((c) => {
    const driver = driverView.get(c.executorId);
    return {
      id: Number(c.executorId),
      workerId: c.nodeId,
      cores: c.vCores,
      memoryMb: c.memoryMb,
      state: c.completedAtMs === null ? 'RUNNING' : 'COMPLETE',
      exitCode: c.exitStatus,
      launchedAtMs: c.launchedAtMs,
      registeredAtMs: driver ? driver.registrationTs - start : null,
      removedAtMs: c.completedAtMs,
      removedReason: driver?.removedReason ?? c.diagnostics,
    };
  });
}

export function summaryLines(report: Report): string[] {
  const lines = [`${report.outcome} after ${(report.simulatedMs / 1000).toFixed(3)} s simulated`];
  for (const app of report.applications) {
    const byState = new Map<string, number>();
    for (const e of app.executors) byState.set(e.state, (byState.get(e.state) ?? 0) + 1);
    const states = [...byState].map(([s, n]) => `${n} ${s}`).join(', ');
    lines.push(`application ${app.name} (${app.id ?? 'never registered'}): ${app.state ?? (report.yarn ? 'on YARN' : 'unknown to the Master')}, retry count ${app.retryCount ?? '-'}, ${app.executors.length} executor(s)${states ? `: ${states}` : ''}`);
    for (const job of app.jobs) {
      lines.push(`  job ${job.id}: ${job.result}, ${job.tasks} tasks, ${job.attempts} attempts, ${job.failedAttempts} failed${job.failureReason ? `: ${job.failureReason.split('\n')[0]}` : ''}`);
    }
    const bm = app.blockManagers;
    if (bm) {
      lines.push(`  block managers: ${bm.registered.length} registered, ${bm.removed.length} removed; ${bm.blocks} blocks located (${bm.cachedRddBlocks} cached RDD partitions)`);
      for (const r of bm.removals) lines.push(`  ${removalText(r)}`);
    }
  }
  for (const w of report.workers) {
    lines.push(`worker ${w.id}: ${w.state ?? 'unknown to the Master'}, ${w.coresUsed ?? '-'}/${w.cores} cores and ${w.memoryUsedMb ?? '-'}/${w.memoryMb} MB used`);
  }
  if (report.yarn) lines.push(...yarnSummaryLines(report.yarn));
  const total = Object.values(report.messages).reduce((a, b) => a + b, 0);
  lines.push(`${total} messages delivered: ${Object.entries(report.messages).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  return lines;
}

export { ENDPOINT };

/** Driver-side events for the timeline: executor removals (with Spark's loss reason) and job ends. */
export function driverEvents(cluster: Cluster): DriverEvent[] {
  const start = cluster.scenario.startTimeMs;
  const events: DriverEvent[] = [];
  for (const spec of cluster.scenario.applications) {
    const process = `driver-${spec.index}`;
    const backend = cluster.driverEndpoint(spec.index, ENDPOINT.CoarseGrainedScheduler)?.getSnapshot().context as SchedulerBackendContext | undefined;
    for (const e of backend?.removed ?? []) events.push({ atMs: e.removedTs - start, process, text: `executor ${e.executorId} removed: ${e.removedReason}` });
    const dag = cluster.driverEndpoint(spec.index, ENDPOINT.DAGScheduler)?.getSnapshot().context as DagSchedulerContext | undefined;
    events.push(...blockManagerDriverEvents(blockManagersReport(blockManagerMaster(cluster, spec.index), start), process));
    for (const job of Object.values(dag?.jobs ?? {})) {
      if (job.completionTime === undefined) continue;
      events.push({ atMs: job.completionTime - start, process, text: job.result === 'succeeded' ? `job ${job.jobId} succeeded` : `job ${job.jobId} failed: ${(job.failureReason ?? '').split('\n')[0]}` });
    }
  }
  return events;
}
