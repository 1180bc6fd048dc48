/**
 * Each executor's life for the HTML report, read from the trace (what the Master, its Worker, the
 * driver and the executor said to each other about it, and the faults that hit it) and from the
 * driver's listener events (when the driver added and removed it, with Spark's loss reason).
 * The Master's state spans follow Spark's Master: LaunchExecutor books the executor LAUNCHING,
 * ExecutorStateChanged from the Worker moves it on, Master.killExecutor books it KILLED when it
 * sends KillExecutor, and removeWorker books it LOST (told to the driver as ExecutorUpdated).
 */
import { executorProcess } from '../../machines/ids.js';
import { MASTER_ADDRESS } from '../cluster.js';
import type { ExecutorReport } from '../report.js';
import type { TraceEntry, TraceFault } from '../trace.js';
import type { LifecycleStep, StateSpan } from './types.js';

/** Messages between the driver and an executor that are about the executor itself, not its tasks. */
const EXECUTOR_MESSAGES: ReadonlySet<string> = new Set([
  'RegisterExecutor', 'RegisteredExecutor', 'RegisterExecutorFailed', 'LaunchedExecutor', 'StopExecutor', 'RemoveExecutor',
]);

/** Spark's ExecutorState.isFinished states: an executor's life ends in one of them. */
const TERMINAL_STATES: ReadonlySet<string> = new Set(['KILLED', 'FAILED', 'LOST', 'EXITED']);

/** A driver listener event about one executor, already in simulated time. */
export interface DriverExecutorEvent { atMs: number; executorId: string; event: 'SparkListenerExecutorAdded' | 'SparkListenerExecutorRemoved'; detail: string }

export interface ApplicationRef { index: number; id: string | null; driverProcess: string }

const fate = (outcome: string, detail: string | undefined) => (outcome === 'delivered' ? '' : ` [${outcome}${detail ? `: ${detail}` : ''}]`);

const processOf = (address: string) => address.slice(0, address.lastIndexOf('/'));

/** The lifecycle steps of every executor, by `${appId}/${execId}` (its process name), in trace order. */
export function lifecycleSteps(entries: readonly TraceEntry[], apps: readonly ApplicationRef[]): Map<string, LifecycleStep[]> {
  const steps = new Map<string, LifecycleStep[]>();
  const add = (process: string, step: LifecycleStep) => {
    let list = steps.get(process);
    if (!list) steps.set(process, (list = []));
    list.push(step);
  };
  const appIdOfDriver = new Map(apps.filter((a) => a.id !== null).map((a) => [a.driverProcess, a.id!]));
  for (const entry of entries) {
    if (entry.kind === 'fault') continue;
    const m = entry.message;
    const where = `${entry.from} → ${entry.to}${fate(entry.outcome, entry.detail)}`;
    if (m.type === 'LaunchExecutor' && entry.from === MASTER_ADDRESS) {
      add(executorProcess(m.appId, m.execId), { atMs: entry.sentAtMs, state: 'LAUNCHING', event: m.type, detail: `${where}: ${m.cores} cores, ${m.memory} MB` });
    } else if (m.type === 'KillExecutor' && entry.from === MASTER_ADDRESS) {
      add(executorProcess(m.appId, m.execId), { atMs: entry.sentAtMs, state: 'KILLED', event: m.type, detail: where });
    } else if (m.type === 'ExecutorStateChanged' && entry.to === MASTER_ADDRESS && entry.outcome === 'delivered') {
      const text = [m.message, m.exitStatus !== undefined ? `exit status ${m.exitStatus}` : undefined].filter(Boolean).join(', ');
      add(executorProcess(m.appId, m.execId), { atMs: entry.atMs, state: m.state, event: m.type, detail: `${where}${text ? `: ${text}` : ''}` });
    } else if ((m.type === 'ExecutorAdded' || m.type === 'ExecutorUpdated') && entry.from === MASTER_ADDRESS) {
      const appId = appIdOfDriver.get(processOf(entry.to));
      if (appId === undefined) continue;
      // What the Master tells the driver; an ExecutorUpdated for a state the Master set without
      // a message from the Worker (LOST when the worker is removed) is a state change itself.
      const state = m.type === 'ExecutorUpdated' ? m.state : null;
      const text = m.type === 'ExecutorUpdated' ? [m.state, m.message, m.exitStatus !== undefined ? `exit status ${m.exitStatus}` : undefined].filter(Boolean).join(', ') : `${m.cores} cores on ${m.hostPort}`;
      add(executorProcess(appId, m.id), { atMs: entry.sentAtMs, state, event: m.type, detail: `${where}: ${text}` });
    } else if (EXECUTOR_MESSAGES.has(m.type)) {
      const process = [entry.from, entry.to].map(processOf).find((p) => steps.has(p));
      if (process === undefined) continue;
      const text = m.type === 'RemoveExecutor' ? `: ${JSON.stringify(m.reason)}` : m.type === 'RegisterExecutorFailed' ? `: ${m.message}` : '';
      add(process, { atMs: entry.atMs, state: null, event: m.type, detail: `${where}${text}` });
    }
  }
  return steps;
}

/** Where an executor lives: its process, and its worker (by id and host, as fault targets name them). */
export interface ExecutorPlace { process: string; workerId: string; workerHost: string | undefined; removedAtMs: number | null }

/**
 * The faults that hit the executor: those aimed at its process (a crash, a hang, a partition),
 * at any time, and those aimed at its worker (a launch failure, the host vanishing, a partition)
 * until the executor was removed.
 */
export function faultsHitting(faults: readonly TraceFault[], place: ExecutorPlace): TraceFault[] {
  const worker = [place.workerId, place.workerHost];
  return faults.filter((f) => {
    const targets = f.target.split(' <-> ');
    if (targets.includes(place.process)) return true;
    return targets.some((t) => worker.includes(t)) && f.atMs <= (place.removedAtMs ?? Number.POSITIVE_INFINITY);
  });
}

/** The steps with the faults and the driver's listener events added, ordered by time (stable: equal times keep the order things happened in). */
export function completeLifecycle(steps: readonly LifecycleStep[], faults: readonly TraceFault[], driverEvents: readonly DriverExecutorEvent[]): LifecycleStep[] {
  const all = [...steps];
  for (const f of faults) all.push({ atMs: f.atMs, state: null, event: `fault ${f.fault}`, detail: `${f.target}: ${f.detail}` });
  for (const d of driverEvents) all.push({ atMs: d.atMs, state: null, event: d.event, detail: d.detail });
  return all.map((s, i) => ({ s, i })).sort((a, b) => a.s.atMs - b.s.atMs || a.i - b.i).map(({ s }) => s);
}

/**
 * The Master's states of the executor over time: a span per state it was booked in, from the
 * lifecycle's state changes (ordered by time; after a finished state the Master no longer knows
 * the executor, so later reports of it change nothing), ending in the report's final state (the Master's snapshot, the one
 * source of truth) at its removal; a live executor's last span runs to the end of the run.
 */
export function stateSpans(steps: readonly LifecycleStep[], executor: Pick<ExecutorReport, 'state' | 'launchedAtMs' | 'removedAtMs'>, endMs: number): StateSpan[] {
  const changes: Array<{ state: string; atMs: number }> = [];
  for (const s of steps) {
    if (s.state === null) continue;
    const last = changes[changes.length - 1];
    if (last && (last.state === s.state || TERMINAL_STATES.has(last.state))) continue;
    changes.push({ state: s.state, atMs: s.atMs });
  }
  const last = changes[changes.length - 1];
  if (!last || last.state !== executor.state) {
    changes.push({ state: executor.state, atMs: executor.removedAtMs ?? last?.atMs ?? executor.launchedAtMs ?? endMs });
  }
  return changes.map((c, i) => ({
    state: c.state,
    fromMs: c.atMs,
    toMs: TERMINAL_STATES.has(c.state) ? c.atMs : (changes[i + 1]?.atMs ?? endMs),
  }));
}
