/**
 * The data of the HTML run report: everything the page draws, built by `data.ts` from the run's
 * report, trace and listener events. Times are simulated milliseconds since the scenario's start
 * (`startTimeMs` is that start in epoch milliseconds, for the time axis). The page script
 * (`page.js`) reads the same types through JSDoc.
 */
import type { ExecutorReport } from '../report.js';

/** One change of an executor's state, as the Master booked it, or one step of its life seen elsewhere. */
export interface LifecycleStep {
  atMs: number;
  /** A Spark ExecutorState (LAUNCHING, RUNNING, EXITED, ...) or, for steps that are not state changes, null. */
  state: string | null;
  /** What happened: Spark's message or listener event name (LaunchExecutor, ExecutorStateChanged, SparkListenerExecutorRemoved, ...). */
  event: string;
  detail: string;
}

/** A span of an executor's life in one Master state; terminal states have fromMs === toMs. */
export interface StateSpan { state: string; fromMs: number; toMs: number }

/** An executor of the report (the Master's and the driver's final view of it), with its life over time. */
export interface HtmlExecutor extends ExecutorReport {
  /** `app<index>-<executor id>`: unique over the run, used as the timeline group id. */
  key: string;
  app: number;
  spans: StateSpan[];
  lifecycle: LifecycleStep[];
}

/** How a task attempt ended, by Spark's TaskEndReason; `running` when it had not ended. */
export type TaskOutcome = 'success' | 'failed' | 'killed' | 'executor-lost' | 'running';

export interface HtmlTask {
  app: number;
  /** The executor's key (HtmlExecutor.key). */
  executor: string;
  taskId: number;
  stageId: number;
  stageAttemptId: number;
  index: number;
  attempt: number;
  launchMs: number;
  /** null while running at the end of the run. */
  finishMs: number | null;
  outcome: TaskOutcome;
  /** Spark's TaskEndReason class name (Success, ExceptionFailure, ...) or "" while running. */
  reason: string;
  /** The reason's text: exception, loss reason or kill reason. */
  detail: string;
}

export interface HtmlJob {
  app: number;
  id: number;
  result: 'succeeded' | 'failed' | 'running';
  submittedAtMs: number | null;
  completedAtMs: number | null;
  failureReason: string | null;
  tasks: number;
  attempts: number;
  failedAttempts: number;
}

export interface HtmlFault { atMs: number; fault: string; target: string; detail: string }

/** A message crossing the network, for the sequence view. */
export interface HtmlMessage {
  atMs: number;
  sentAtMs: number;
  /** Indices into HtmlReportData.endpoints. */
  from: number;
  to: number;
  type: string;
  /** Spark's message and its fields, made safe for a Mermaid message text. */
  label: string;
  outcome: 'delivered' | 'dropped' | 'dead-letter';
  /** Heartbeats, task launches and status updates: hidden unless asked for (as in the text timeline). */
  routine: boolean;
}

/**
 * The dynamic-allocation target of one application over time (report `executorTargets`), with the
 * number of executors registered with its driver over time to compare it with.
 */
export interface HtmlTargets { app: number; points: Array<{ atMs: number; target: number }>; registered: Array<{ atMs: number; count: number }> }

export interface HtmlApplication { index: number; name: string; id: string | null; state: string | null }

export interface HtmlReportData {
  scenario: string;
  seed: number;
  outcome: string;
  simulatedMs: number;
  startTimeMs: number;
  applications: HtmlApplication[];
  executors: HtmlExecutor[];
  tasks: HtmlTask[];
  jobs: HtmlJob[];
  faults: HtmlFault[];
  endpoints: string[];
  messages: HtmlMessage[];
  targets: HtmlTargets[];
  /** What was left out to keep the page bounded (counts of items not included). */
  omitted: { tasks: number; messages: number };
}
