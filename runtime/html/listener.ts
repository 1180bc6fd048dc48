/**
 * Task attempts, job times and the driver's executor additions and removals for the HTML report,
 * read from each application's listener events: the same events Spark's own UI builds its
 * timelines from (AppStatusListener), read with the event-log schemas, so a field read here is
 * one Spark writes. Times become simulated milliseconds since the scenario's start.
 */
import type { z } from 'zod';
import type { ApplicationEventLog } from '../eventLog/listenerBus.js';
import { EVENT_SCHEMAS } from '../eventLog/schema.js';
import type { DriverExecutorEvent } from './lifecycle.js';
import type { HtmlTask, TaskOutcome } from './types.js';

type TaskEndReasonJson = z.infer<typeof EVENT_SCHEMAS.SparkListenerTaskEnd>['Task End Reason'];

/** The outcome colour class of a TaskEndReason (TaskEndReason.scala's classes). */
function outcomeOf(reason: string): TaskOutcome {
  switch (reason) {
    case 'Success': return 'success';
    case 'TaskKilled': return 'killed';
    case 'ExecutorLostFailure': return 'executor-lost';
    default: return 'failed';
  }
}

/** The text Spark's UI shows for a failed attempt (TaskFailedReason.toErrorString, shortened to its first line). */
function reasonText(reason: TaskEndReasonJson): string {
  const r = reason as Record<string, unknown>;
  switch (reason.Reason) {
    case 'ExceptionFailure': return `${String(r['Class Name'])}: ${String(r['Description'])}`;
    case 'ExecutorLostFailure': return `ExecutorLostFailure (executor ${String(r['Executor ID'])} exited ${r['Exit Caused By App'] === false ? 'unrelated to the running tasks' : 'caused by one of the running tasks'})${r['Loss Reason'] !== undefined ? ` Reason: ${String(r['Loss Reason'])}` : ''}`;
    case 'TaskKilled': return `TaskKilled (${String(r['Kill Reason'] ?? '')})`;
    default: return reason.Reason === 'Success' ? '' : reason.Reason;
  }
}

export interface ListenerData {
  tasks: HtmlTask[];
  jobs: Map<number, { submittedAtMs: number | null; completedAtMs: number | null }>;
  executorEvents: DriverExecutorEvent[];
}

/** The executor key (HtmlExecutor.key) of an executor of application `app`. */
export const executorKey = (app: number, executorId: number | string) => `app${app}-${executorId}`;

/** One application's task attempts (in launch order), job times and executor events. */
export function listenerData(log: ApplicationEventLog, startTimeMs: number): ListenerData {
  const rel = (epochMs: number | undefined) => (epochMs === undefined ? null : epochMs - startTimeMs);
  const tasks = new Map<number, HtmlTask>();
  const jobs = new Map<number, { submittedAtMs: number | null; completedAtMs: number | null }>();
  const executorEvents: DriverExecutorEvent[] = [];
  for (const event of log.events) {
    switch (event.Event) {
      case 'SparkListenerTaskStart': {
        const e = EVENT_SCHEMAS.SparkListenerTaskStart.parse(event);
        const info = e['Task Info'];
        tasks.set(info['Task ID'], {
          app: log.appIndex, executor: executorKey(log.appIndex, info['Executor ID']), taskId: info['Task ID'], stageId: e['Stage ID'], stageAttemptId: e['Stage Attempt ID'] ?? 0,
          index: info.Index, attempt: info.Attempt, launchMs: info['Launch Time'] - startTimeMs, finishMs: null, outcome: 'running', reason: '', detail: '',
        });
        break;
      }
      case 'SparkListenerTaskEnd': {
        const e = EVENT_SCHEMAS.SparkListenerTaskEnd.parse(event);
        const task = tasks.get(e['Task Info']['Task ID']);
        if (!task) break;
        const reason = e['Task End Reason'];
        Object.assign(task, { finishMs: e['Task Info']['Finish Time'] - startTimeMs, outcome: outcomeOf(reason.Reason), reason: reason.Reason, detail: reasonText(reason) });
        break;
      }
      case 'SparkListenerJobStart': {
        const e = EVENT_SCHEMAS.SparkListenerJobStart.parse(event);
        jobs.set(e['Job ID'], { submittedAtMs: rel(e['Submission Time']), completedAtMs: null });
        break;
      }
      case 'SparkListenerJobEnd': {
        const e = EVENT_SCHEMAS.SparkListenerJobEnd.parse(event);
        const job = jobs.get(e['Job ID']);
        if (job) job.completedAtMs = rel(e['Completion Time']);
        break;
      }
      case 'SparkListenerExecutorAdded': {
        const e = EVENT_SCHEMAS.SparkListenerExecutorAdded.parse(event);
        executorEvents.push({ atMs: e.Timestamp - startTimeMs, executorId: e['Executor ID'], event: 'SparkListenerExecutorAdded', detail: `the driver registered it: ${e['Executor Info']['Total Cores']} cores on ${e['Executor Info'].Host}` });
        break;
      }
      case 'SparkListenerExecutorRemoved': {
        const e = EVENT_SCHEMAS.SparkListenerExecutorRemoved.parse(event);
        executorEvents.push({ atMs: e.Timestamp - startTimeMs, executorId: e['Executor ID'], event: 'SparkListenerExecutorRemoved', detail: `the driver removed it: ${e['Removed Reason']}` });
        break;
      }
    }
  }
  return { tasks: [...tasks.values()], jobs, executorEvents };
}
