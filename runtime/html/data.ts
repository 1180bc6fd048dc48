/**
 * The HTML report's data, a projection of the run's report (the Master's and the driver's final
 * view), its trace (messages and faults) and the drivers' listener events (task attempts, job
 * times, executor additions and removals). Pure: the same inputs give the same data, so the same
 * scenario and seed give the same page.
 */
import { executorProcess } from '../../machines/ids.js';
import type { ApplicationEventLog } from '../eventLog/listenerBus.js';
import type { Report } from '../report.js';
import type { TraceEntry, TraceFault } from '../trace.js';
import { completeLifecycle, faultsHitting, lifecycleSteps, stateSpans } from './lifecycle.js';
import { executorKey, listenerData, type ListenerData } from './listener.js';
import { messageData } from './messages.js';
import type { HtmlExecutor, HtmlJob, HtmlReportData, HtmlTargets, HtmlTask } from './types.js';

export interface HtmlReportInput {
  report: Report;
  /** The run's trace entries (kept in full: `createCluster` keeps them by default). */
  trace: readonly TraceEntry[];
  /** Each application's listener events (ListenerBusRecorder.logs()), in application order. */
  eventLogs: readonly ApplicationEventLog[];
  /** The scenario's start in epoch milliseconds (listener events carry epoch times). */
  startTimeMs: number;
}

/** Bounds on what one page holds; beyond them the first ones are kept and the rest counted as omitted. */
export interface HtmlLimits { tasks: number; messages: number }
export const HTML_LIMITS: HtmlLimits = { tasks: 20_000, messages: 20_000 };

/**
 * How many executors the driver had registered over time: from its registration
 * (SparkListenerExecutorAdded) to its removal (SparkListenerExecutorRemoved), one point per change.
 */
export function registeredOverTime(executors: readonly HtmlExecutor[]): Array<{ atMs: number; count: number }> {
  const changes: Array<{ atMs: number; delta: number }> = [];
  for (const e of executors) {
    if (e.registeredAtMs === null) continue;
    changes.push({ atMs: e.registeredAtMs, delta: 1 });
    const removed = e.lifecycle.find((s) => s.event === 'SparkListenerExecutorRemoved');
    if (removed) changes.push({ atMs: removed.atMs, delta: -1 });
  }
  changes.sort((a, b) => a.atMs - b.atMs);
  const points: Array<{ atMs: number; count: number }> = [{ atMs: 0, count: 0 }];
  for (const c of changes) {
    const last = points[points.length - 1]!;
    if (last.atMs === c.atMs) last.count += c.delta;
    else points.push({ atMs: c.atMs, count: last.count + c.delta });
  }
  return points;
}

export function htmlReportData(input: HtmlReportInput, limits: HtmlLimits = HTML_LIMITS): HtmlReportData {
  const { report, trace, startTimeMs } = input;
  const apps = report.applications.map((a, index) => ({ index, id: a.id, driverProcess: `driver-${index}` }));
  const steps = lifecycleSteps(trace, apps);
  const faults = trace.filter((e): e is TraceFault => e.kind === 'fault');
  const listener = new Map<number, ListenerData>(input.eventLogs.map((log) => [log.appIndex, listenerData(log, startTimeMs)]));
  const hostOf = new Map(report.workers.map((w) => [w.id, w.host]));

  const executors: HtmlExecutor[] = report.applications.flatMap((app, index) => app.executors.map((e): HtmlExecutor => {
    const process = app.id === null ? '' : executorProcess(app.id, e.id);
    const own = steps.get(process) ?? [];
    const driverEvents = (listener.get(index)?.executorEvents ?? []).filter((d) => d.executorId === String(e.id));
    const hits = faultsHitting(faults, { process, workerId: e.workerId, workerHost: hostOf.get(e.workerId), removedAtMs: e.removedAtMs });
    const lifecycle = completeLifecycle(own, hits, driverEvents);
    return { key: executorKey(index, e.id), app: index, ...e, spans: stateSpans(lifecycle, e, report.simulatedMs), lifecycle };
  }));

  const allTasks: HtmlTask[] = report.applications.flatMap((_, index) => listener.get(index)?.tasks ?? []);
  const jobs: HtmlJob[] = report.applications.flatMap((app, index) => app.jobs.map((j) => {
    const times = listener.get(index)?.jobs.get(j.id);
    return { app: index, ...j, submittedAtMs: times?.submittedAtMs ?? null, completedAtMs: times?.completedAtMs ?? null };
  }));
  const targets: HtmlTargets[] = report.applications.flatMap((app, index) => {
    // Empty without dynamic allocation: no chart then.
    const points = app.executorTargets;
    return points.length > 0 ? [{ app: index, points: points.map((p) => ({ atMs: p.atMs, target: p.target })), registered: registeredOverTime(executors.filter((e) => e.app === index)) }] : [];
  });
  const { endpoints, messages, omitted } = messageData(trace, limits.messages);

  return {
    scenario: report.scenario,
    seed: report.seed,
    outcome: report.outcome,
    simulatedMs: report.simulatedMs,
    startTimeMs,
    applications: report.applications.map((a, index) => ({ index, name: a.name, id: a.id, state: a.state })),
    executors,
    tasks: allTasks.slice(0, limits.tasks),
    jobs,
    faults: faults.map((f) => ({ atMs: f.atMs, fault: f.fault, target: f.target, detail: f.detail })),
    endpoints,
    messages,
    targets,
    omitted: { tasks: Math.max(0, allTasks.length - limits.tasks), messages: omitted },
  };
}
