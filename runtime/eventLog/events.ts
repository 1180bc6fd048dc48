/**
 * Spark's listener events as its event log writes them: one JSON object per line, with the field
 * names, field order and value types of core/src/main/scala/org/apache/spark/util/JsonProtocol.scala
 * (Spark 4.1.1): `stageInfoToJson`, `taskInfoToJson`, `taskEndReasonToJson`, `taskMetricsToJson`,
 * `executorMetricsToJson`, `executorInfoToJson`, `blockManagerIdToJson`, `jobResultToJson`, ...
 * These builders turn what the simulation knows (task infos, end reasons, stage and job records)
 * into those objects; JSON.stringify keeps the insertion order, which is JsonProtocol's order.
 *
 * What the simulation has no data for is written as Spark writes an empty value: no accumulables,
 * no stack trace frames, zero metrics (except the run time, see `taskMetrics`), no RDD scope.
 */
import type { TaskEndReason, TaskInfo } from '../../machines/protocol.js';

/** The Spark version written in SparkListenerLogStart: the version this project models. */
export const SPARK_VERSION = '4.1.1';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** One event: `Event` is Spark's formatted class name (Utils.getFormattedClassName). */
export type SparkEvent = { Event: string } & { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Nested objects

/** ExecutorMetricType.metricToOffset (ExecutorMetricType.scala 4.1.1), in offset order. */
export const EXECUTOR_METRICS = [
  'JVMHeapMemory', 'JVMOffHeapMemory', 'OnHeapExecutionMemory', 'OffHeapExecutionMemory', 'OnHeapStorageMemory', 'OffHeapStorageMemory',
  'OnHeapUnifiedMemory', 'OffHeapUnifiedMemory', 'DirectPoolMemory', 'MappedPoolMemory',
  'ProcessTreeJVMVMemory', 'ProcessTreeJVMRSSMemory', 'ProcessTreePythonVMemory', 'ProcessTreePythonRSSMemory', 'ProcessTreeOtherVMemory', 'ProcessTreeOtherRSSMemory',
  'MinorGCCount', 'MinorGCTime', 'MajorGCCount', 'MajorGCTime', 'TotalGCTime', 'ConcurrentGCCount', 'ConcurrentGCTime',
] as const;

/** executorMetricsToJson of metrics never sampled: every metric 0 (the simulation has no JVM). */
export function executorMetrics(): { [key: string]: Json } {
  return Object.fromEntries(EXECUTOR_METRICS.map((m) => [m, 0]));
}

/** TaskLocality: tasks without preferred locations are dequeued from noPrefs and launched PROCESS_LOCAL (TaskSetManager.dequeueTask). */
export const LOCALITY = 'PROCESS_LOCAL';

/** What a task attempt's end tells TaskInfo.markFinished: FINISHED, FAILED or KILLED (TaskInfo.failed / killed). */
function finishedState(reason: TaskEndReason): 'FINISHED' | 'FAILED' | 'KILLED' {
  return reason.kind === 'Success' ? 'FINISHED' : reason.kind === 'TaskKilled' ? 'KILLED' : 'FAILED';
}

/** taskInfoToJson. A start event has Finish Time 0 and not failed / killed; accumulables are never logged for starts (SPARK-42205). */
export function taskInfoJson(info: TaskInfo, end?: { finishTime: number; reason: TaskEndReason }): { [key: string]: Json } {
  const state = end ? finishedState(end.reason) : undefined;
  return {
    'Task ID': info.taskId,
    Index: info.index,
    Attempt: info.attemptNumber,
    'Partition ID': info.partitionId,
    'Launch Time': info.launchTime,
    'Executor ID': info.executorId,
    Host: info.host,
    Locality: LOCALITY,
    Speculative: info.speculative,
    'Getting Result Time': 0,
    'Finish Time': end?.finishTime ?? 0,
    Failed: state === 'FAILED',
    Killed: state === 'KILLED',
    Accumulables: [],
  };
}

/** taskEndReasonToJson: `Reason` is the reason's class name, then the fields of that reason. */
export function taskEndReasonJson(reason: TaskEndReason): { [key: string]: Json } {
  switch (reason.kind) {
    case 'Success':
      return { Reason: 'Success' };
    case 'ExceptionFailure':
      return {
        Reason: 'ExceptionFailure',
        'Class Name': reason.className,
        Description: reason.description,
        'Stack Trace': [],
        // Utils.exceptionString: the throwable's toString, then its frames (none simulated).
        'Full Stack Trace': `${reason.className}: ${reason.description}`,
        'Accumulator Updates': [],
      };
    case 'ExecutorLostFailure':
      return {
        Reason: 'ExecutorLostFailure',
        'Executor ID': reason.execId,
        'Exit Caused By App': reason.exitCausedByApp,
        ...(reason.reason !== undefined ? { 'Loss Reason': reason.reason } : {}),
      };
    case 'TaskKilled':
      return { Reason: 'TaskKilled', 'Kill Reason': reason.reason, 'Accumulator Updates': [] };
    case 'TaskResultLost':
      return { Reason: 'TaskResultLost' };
    case 'UnknownReason':
      return { Reason: 'UnknownReason' };
  }
}

/**
 * taskMetricsToJson. Spark logs "Task Metrics" only when the task's accumulator updates reached
 * the driver (DAGScheduler.handleTaskCompletion: TaskMetrics.fromAccumulators, else null): a
 * success, an exception or a kill report them; a task lost with its executor reports nothing.
 * The simulation measures one thing, how long the attempt ran: written as Executor Run Time
 * (launch to finish as the driver saw it); every other metric is 0.
 */
export function taskMetricsJson(runTimeMs: number): { [key: string]: Json } {
  return {
    'Executor Deserialize Time': 0,
    'Executor Deserialize CPU Time': 0,
    'Executor Run Time': runTimeMs,
    'Executor CPU Time': 0,
    'Peak Execution Memory': 0,
    'Peak On Heap Execution Memory': 0,
    'Peak Off Heap Execution Memory': 0,
    'Result Size': 0,
    'JVM GC Time': 0,
    'Result Serialization Time': 0,
    'Memory Bytes Spilled': 0,
    'Disk Bytes Spilled': 0,
    'Shuffle Read Metrics': {
      'Remote Blocks Fetched': 0,
      'Local Blocks Fetched': 0,
      'Fetch Wait Time': 0,
      'Remote Bytes Read': 0,
      'Remote Bytes Read To Disk': 0,
      'Local Bytes Read': 0,
      'Total Records Read': 0,
      'Remote Requests Duration': 0,
      'Push Based Shuffle': {
        'Corrupt Merged Block Chunks': 0,
        'Merged Fetch Fallback Count': 0,
        'Merged Remote Blocks Fetched': 0,
        'Merged Local Blocks Fetched': 0,
        'Merged Remote Chunks Fetched': 0,
        'Merged Local Chunks Fetched': 0,
        'Merged Remote Bytes Read': 0,
        'Merged Local Bytes Read': 0,
        'Merged Remote Requests Duration': 0,
      },
    },
    'Shuffle Write Metrics': { 'Shuffle Bytes Written': 0, 'Shuffle Write Time': 0, 'Shuffle Records Written': 0 },
    'Input Metrics': { 'Bytes Read': 0, 'Records Read': 0 },
    'Output Metrics': { 'Bytes Written': 0, 'Records Written': 0 },
    'Updated Blocks': [],
  };
}

/** A stage as the event log describes it (StageInfo). */
export interface StageRecord {
  stageId: number;
  name: string;
  numTasks: number;
  /** The RDD the stage computes; its parents are the RDDs of the parent stages. */
  rddId: number;
  parentIds: number[];
  submissionTime?: number;
  completionTime?: number;
  failureReason?: string;
}

/** storageLevelToJson of StorageLevel.NONE (an RDD that is not cached). */
const STORAGE_NONE = { 'Use Disk': false, 'Use Memory': false, 'Use Off Heap': false, Deserialized: false, Replication: 1 };

/**
 * stageInfoToJson. Each simulated stage computes one RDD (rddInfoToJson; its parents are the
 * RDDs of the parent stages, as a shuffle dependency links them); attempt 0 (stage retries are
 * not modelled); the default resource profile; push-based shuffle off.
 */
export function stageInfoJson(s: StageRecord, parentRddIds: number[]): { [key: string]: Json } {
  return {
    'Stage ID': s.stageId,
    'Stage Attempt ID': 0,
    'Stage Name': s.name,
    'Number of Tasks': s.numTasks,
    'RDD Info': [{
      'RDD ID': s.rddId,
      Name: s.name,
      Callsite: s.name,
      'Parent IDs': parentRddIds,
      'Storage Level': STORAGE_NONE,
      Barrier: false,
      DeterministicLevel: 'DETERMINATE',
      'Number of Partitions': s.numTasks,
      'Number of Cached Partitions': 0,
      'Memory Size': 0,
      'Disk Size': 0,
    }],
    'Parent IDs': s.parentIds,
    Details: '',
    ...(s.submissionTime !== undefined ? { 'Submission Time': s.submissionTime } : {}),
    ...(s.completionTime !== undefined ? { 'Completion Time': s.completionTime } : {}),
    ...(s.failureReason !== undefined ? { 'Failure Reason': s.failureReason } : {}),
    Accumulables: [],
    'Resource Profile Id': 0,
    'Shuffle Push Enabled': false,
    'Shuffle Push Mergers Count': 0,
  };
}

/** blockManagerIdToJson. */
export function blockManagerIdJson(id: { executorId: string; host: string; port: number }): { [key: string]: Json } {
  return { 'Executor ID': id.executorId, Host: id.host, Port: id.port };
}

/** jobResultToJson: JobSucceeded, or JobFailed with its exception (exceptionToJson: Message, Stack Trace). */
export function jobResultJson(result: { failed: false } | { failed: true; message: string }): { [key: string]: Json } {
  return result.failed ? { Result: 'JobFailed', Exception: { Message: result.message, 'Stack Trace': [] } } : { Result: 'JobSucceeded' };
}
