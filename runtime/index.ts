/** spark-statecharts: run a simulated Spark cluster from a scenario. */
export { createCluster, Cluster, type ClusterOptions, type RunResult, MASTER_ADDRESS } from './cluster.js';
export { parseScenario, parseScenarioText, loadScenario, ScenarioError, DEFAULT_START_TIME, FAULT_KINDS } from './scenario.js';
export type { Scenario, ApplicationSpec, WorkerSpec, JobSpec, StageSpecInput, TaskDurationSpec, FaultSpec, PartitionEndpoint } from './scenario.js';
export { buildReport, driverEvents, summaryLines, type Report, type ApplicationReport, type ExecutorReport, type WorkerReport } from './report.js';
export { checkInvariants, violations, traceViolations, CHECKERS, InvariantViolation, type Checker } from './checkers.js';
export { timelineLines } from './timeline.js';
export { Trace, type TraceEntry, type TraceMessage, type TraceFault } from './trace.js';
export { VirtualClock, ClockBoundError } from './clock.js';
export { SeededRandom } from './random.js';
export {
  runWithEventLogs, ListenerBusRecorder, writeEventLogs, eventLogText, readEventLog, checkComplete, EventLogError, SPARK_VERSION,
  type ApplicationEventLog, type EventLog, type EventLogLine, type WrittenLog,
} from './eventLog/index.js';
export * from './diagram/index.js';
export { Coverage, type CoverageData } from './coverage.js';
export { runUntilPaced, speedPacer, stepPacer, parseSpeed, systemRealTime, type Pacer, type RealTime } from './pacing.js';
export { SparkInspection, sparkActorName, startInspection, type Inspection, type InspectTarget } from './inspect.js';
