/**
 * The report of a run: a projection of the actors' final snapshots (the Master's view of
 * applications, executors and workers) and of the trace (when executors were launched and
 * removed, message counts). Stable field names; see README "Report".
 */
import type { MasterContext, ExecutorDesc } from '../machines/master.js';
import { ENDPOINT } from '../machines/ids.js';
import { MASTER_ADDRESS, type Cluster, type RunResult, workerAddress } from './cluster.js';
import type { TraceMessage } from './trace.js';

export interface ExecutorReport {
  id: number;
  workerId: string;
  cores: number;
  memoryMb: number;
  state: string;
  exitCode: number | null;
  launchedAtMs: number | null;
  removedAtMs: number | null;
  removedReason: string | null;
}

export interface ApplicationReport {
  id: string | null;
  name: string;
  state: string | null;
  retryCount: number | null;
  executors: ExecutorReport[];
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
  const applications = cluster.scenario.applications.map((spec): ApplicationReport => {
    const id = cluster.appId(spec.index) ?? null;
    const app = id !== null ? master?.apps[id] : undefined;
    const executors: ExecutorDesc[] = app ? [...app.removedExecutors, ...Object.values(app.executors)].sort((a, b) => a.id - b.id) : [];
    return {
      id,
      name: spec.name,
      state: app?.state ?? null,
      retryCount: app?.retryCount ?? null,
      executors: executors.map((e) => {
        const t = times.get(`${e.appId}/${e.id}`);
        return {
          id: e.id,
          workerId: e.workerId,
          cores: e.cores,
          memoryMb: e.memory,
          state: e.state,
          exitCode: e.exitStatus ?? null,
          launchedAtMs: t?.launchedAtMs ?? null,
          removedAtMs: t?.removedAtMs ?? null,
          removedReason: e.message ?? null,
        };
      }),
    };
  });
  const workers = cluster.scenario.workers.map((spec): WorkerReport => {
    const own = cluster.actor(workerAddress(spec))?.getSnapshot().context as { workerId: string } | undefined;
    const seen = master ? Object.values(master.workers).find((w) => w.address === workerAddress(spec)) : undefined;
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
  return { scenario: cluster.scenario.name, seed: cluster.seed, simulatedMs: result.simulatedMs, outcome: result.outcome, applications, workers, messages };
}

export function summaryLines(report: Report): string[] {
  const lines = [`${report.outcome} after ${(report.simulatedMs / 1000).toFixed(3)} s simulated`];
  for (const app of report.applications) {
    const byState = new Map<string, number>();
    for (const e of app.executors) byState.set(e.state, (byState.get(e.state) ?? 0) + 1);
    const states = [...byState].map(([s, n]) => `${n} ${s}`).join(', ');
    lines.push(`application ${app.name} (${app.id ?? 'never registered'}): ${app.state ?? 'unknown to the Master'}, retry count ${app.retryCount ?? '-'}, ${app.executors.length} executor(s)${states ? `: ${states}` : ''}`);
  }
  for (const w of report.workers) {
    lines.push(`worker ${w.id}: ${w.state ?? 'unknown to the Master'}, ${w.coresUsed ?? '-'}/${w.cores} cores and ${w.memoryUsedMb ?? '-'}/${w.memoryMb} MB used`);
  }
  const total = Object.values(report.messages).reduce((a, b) => a + b, 0);
  lines.push(`${total} messages delivered: ${Object.entries(report.messages).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  return lines;
}

export { ENDPOINT };
