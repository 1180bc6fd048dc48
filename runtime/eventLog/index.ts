/** Spark event logs: the listener-bus recorder, the writer and the reader (README "Spark event logs"). */
import { createCluster, type Cluster, type ClusterOptions, type RunResult } from '../cluster.js';
import type { Scenario } from '../scenario.js';
import { ListenerBusRecorder, type ApplicationEventLog } from './listenerBus.js';

export { ListenerBusRecorder, type ApplicationEventLog } from './listenerBus.js';
export { writeEventLogs, eventLogText, eventLogFileName, type WrittenLog } from './write.js';
export { readEventLog, checkComplete, incompleteMessage, EventLogError, COMPRESSION_CODECS, IN_PROGRESS, type EventLog, type EventLogLine } from './read.js';
export { EVENT_SCHEMAS, KNOWN_EVENTS, TASK_END_REASONS } from './schema.js';
export { SPARK_VERSION } from './events.js';

/** Runs a scenario with the listener-bus recorder attached: the run's result and each application's event log. */
export function runWithEventLogs(scenario: Scenario, options: Omit<ClusterOptions, 'inspect'> & { untilMs?: number } = {}): { cluster: Cluster; result: RunResult; logs: ApplicationEventLog[] } {
  const bus = new ListenerBusRecorder(scenario);
  const { untilMs, ...clusterOptions } = options;
  const cluster = createCluster(scenario, { ...clusterOptions, inspect: bus.observe });
  const result = cluster.run(untilMs);
  return { cluster, result, logs: bus.logs() };
}
