/** A small run for the HTML report's tests: a launch failure, an executor crash while it runs tasks, and a task whose first attempt throws. */
import { buildReport, type Report } from '../../runtime/report.js';
import { parseScenario, type Scenario } from '../../runtime/scenario.js';
import { runWithEventLogs, type ApplicationEventLog } from '../../runtime/eventLog/index.js';
import type { HtmlReportInput } from '../../runtime/html/index.js';
import type { TraceEntry } from '../../runtime/trace.js';

export const SMALL_SCENARIO = {
  name: 'html-small',
  seed: 7,
  workers: [{ count: 2, cores: 4, memory: '2g' }],
  applications: [{
    name: 'etl',
    conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '512m', 'spark.cores.max': 6 },
    jobs: [{ submitAt: '0s', stages: [{ id: 0, tasks: 12, taskDuration: '2s', parents: [] }, { id: 1, tasks: 4, taskDuration: '1s', parents: [0] }] }],
  }],
  faults: [
    { at: '0s', kind: 'executor-launch-failure', worker: 1, times: 1 },
    { at: '3s', kind: 'executor-crash', app: 0, executor: 1, exitCode: 137 },
    { kind: 'task-failure', app: 0, job: 0, stage: 0, partition: 3, attempts: 1 },
  ],
};

export interface SmallRun { scenario: Scenario; report: Report; trace: readonly TraceEntry[]; logs: ApplicationEventLog[]; input: HtmlReportInput }

/** Runs the small scenario with the listener-bus recorder, as `run --html` does. */
export function runSmall(): SmallRun {
  const scenario = parseScenario(SMALL_SCENARIO, 'html-small.json');
  const { cluster, result, logs } = runWithEventLogs(scenario, { checked: true });
  const report = buildReport(cluster, result);
  const trace = cluster.trace.entries;
  return { scenario, report, trace, logs, input: { report, trace, eventLogs: logs, startTimeMs: scenario.startTimeMs } };
}
