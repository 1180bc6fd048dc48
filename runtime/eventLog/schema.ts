/**
 * zod schemas of the Spark listener events this project writes, as Spark's JsonProtocol
 * (core/src/main/scala/org/apache/spark/util/JsonProtocol.scala) writes and reads them. They
 * accept every version Spark has written since 1.2: a field that older versions did not write is
 * optional here, as JsonProtocol's `*FromJson` reads it with `jsonOption` (its rule: "Any new JSON
 * fields should be optional"). Unknown fields are kept (loose objects): newer Spark versions add
 * fields, and readers must not fail on them.
 */
import { z } from 'zod';

const str = z.string();
const num = z.number();
const bool = z.boolean();
/** A map written with writeMapField / propertiesToJson: string keys, string values. */
const stringMap = z.record(z.string(), z.string());

const blockManagerId = z.looseObject({ 'Executor ID': str, Host: str, Port: num });

const storageLevel = z.looseObject({ 'Use Disk': bool, 'Use Memory': bool, 'Use Off Heap': bool.optional(), Deserialized: bool, Replication: num });

const rddInfo = z.looseObject({
  'RDD ID': num,
  Name: str,
  Scope: str.optional(),
  Callsite: str.optional(),
  'Parent IDs': z.array(num).optional(),
  'Storage Level': storageLevel,
  Barrier: bool.optional(),
  DeterministicLevel: str.optional(),
  'Number of Partitions': num,
  'Number of Cached Partitions': num,
  'Memory Size': num,
  'Disk Size': num,
});

const accumulable = z.looseObject({ ID: num, Name: str.optional(), Internal: bool.optional(), 'Count Failed Values': bool.optional() });

export const stageInfoSchema = z.looseObject({
  'Stage ID': num,
  'Stage Attempt ID': num,
  'Stage Name': str,
  'Number of Tasks': num,
  'RDD Info': z.array(rddInfo),
  'Parent IDs': z.array(num).optional(),
  Details: str,
  'Submission Time': num.optional(),
  'Completion Time': num.optional(),
  'Failure Reason': str.optional(),
  Accumulables: z.array(accumulable),
  'Resource Profile Id': num.optional(),
  'Shuffle Push Enabled': bool.optional(),
  'Shuffle Push Mergers Count': num.optional(),
});

export const taskInfoSchema = z.looseObject({
  'Task ID': num,
  Index: num,
  Attempt: num,
  'Partition ID': num.optional(),
  'Launch Time': num,
  'Executor ID': str,
  Host: str,
  Locality: z.enum(['PROCESS_LOCAL', 'NODE_LOCAL', 'NO_PREF', 'RACK_LOCAL', 'ANY']),
  Speculative: bool,
  'Getting Result Time': num,
  'Finish Time': num,
  Failed: bool,
  Killed: bool.optional(),
  Accumulables: z.array(accumulable),
});

const stackTrace = z.array(z.looseObject({ 'Declaring Class': str, 'Method Name': str, 'File Name': str.nullable(), 'Line Number': num }));

/** The extra fields of each TaskEndReason (taskEndReasonToJson); reasons without extra fields are just `Reason`. */
const END_REASON_FIELDS: Record<string, z.ZodType> = {
  ExceptionFailure: z.looseObject({ 'Class Name': str, Description: str, 'Stack Trace': stackTrace, 'Full Stack Trace': str.nullable().optional(), 'Accumulator Updates': z.array(accumulable).optional() }),
  ExecutorLostFailure: z.looseObject({ 'Executor ID': str.optional(), 'Exit Caused By App': bool.optional(), 'Loss Reason': str.optional() }),
  TaskKilled: z.looseObject({ 'Kill Reason': str.optional(), 'Accumulator Updates': z.array(accumulable).optional() }),
  FetchFailed: z.looseObject({ 'Block Manager Address': blockManagerId.optional(), 'Shuffle ID': num, 'Map ID': num, 'Reduce ID': num, Message: str.optional() }),
  TaskCommitDenied: z.looseObject({ 'Job ID': num.optional(), 'Partition ID': num.optional(), 'Attempt Number': num.optional() }),
};

/** Spark's TaskEndReason class names (TaskEndReason.scala, Utils.getFormattedClassName). */
export const TASK_END_REASONS = ['Success', 'Resubmitted', 'FetchFailed', 'ExceptionFailure', 'TaskResultLost', 'TaskKilled', 'TaskCommitDenied', 'ExecutorLostFailure', 'UnknownReason'] as const;

export const taskEndReasonSchema = z.looseObject({ Reason: z.enum(TASK_END_REASONS) }).superRefine((reason, ctx) => {
  const fields = END_REASON_FIELDS[reason.Reason];
  const result = fields?.safeParse(reason);
  if (result && !result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
});

/** The events this project writes, by their `Event` name. */
export const EVENT_SCHEMAS = {
  SparkListenerLogStart: z.looseObject({ 'Spark Version': str }),
  SparkListenerResourceProfileAdded: z.looseObject({ 'Resource Profile Id': num, 'Executor Resource Requests': z.record(z.string(), z.looseObject({ 'Resource Name': str, Amount: num })), 'Task Resource Requests': z.record(z.string(), z.looseObject({ 'Resource Name': str, Amount: num })) }),
  SparkListenerEnvironmentUpdate: z.looseObject({ 'JVM Information': stringMap, 'Spark Properties': stringMap, 'Hadoop Properties': stringMap.optional(), 'System Properties': stringMap, 'Metrics Properties': stringMap.optional(), 'Classpath Entries': stringMap }),
  SparkListenerApplicationStart: z.looseObject({ 'App Name': str, 'App ID': str.optional(), Timestamp: num, User: str, 'App Attempt ID': str.optional(), 'Driver Logs': stringMap.optional(), 'Driver Attributes': stringMap.optional() }),
  SparkListenerApplicationEnd: z.looseObject({ Timestamp: num, ExitCode: num.optional() }),
  SparkListenerExecutorAdded: z.looseObject({
    Timestamp: num,
    'Executor ID': str,
    'Executor Info': z.looseObject({
      Host: str, 'Total Cores': num, 'Log Urls': stringMap, Attributes: stringMap.optional(), Resources: z.record(z.string(), z.unknown()).optional(),
      'Resource Profile Id': num.optional(), 'Registration Time': num.optional(), 'Request Time': num.optional(),
    }),
  }),
  SparkListenerExecutorRemoved: z.looseObject({ Timestamp: num, 'Executor ID': str, 'Removed Reason': str }),
  SparkListenerBlockManagerAdded: z.looseObject({ 'Block Manager ID': blockManagerId, 'Maximum Memory': num, Timestamp: num.optional(), 'Maximum Onheap Memory': num.optional(), 'Maximum Offheap Memory': num.optional() }),
  SparkListenerBlockManagerRemoved: z.looseObject({ 'Block Manager ID': blockManagerId, Timestamp: num.optional() }),
  SparkListenerJobStart: z.looseObject({ 'Job ID': num, 'Submission Time': num.optional(), 'Stage Infos': z.array(stageInfoSchema).optional(), 'Stage IDs': z.array(num), Properties: stringMap.optional() }),
  SparkListenerJobEnd: z.looseObject({
    'Job ID': num,
    'Completion Time': num.optional(),
    'Job Result': z.union([z.looseObject({ Result: z.literal('JobSucceeded') }), z.looseObject({ Result: z.literal('JobFailed'), Exception: z.looseObject({ Message: str.nullable(), 'Stack Trace': stackTrace }) })]),
  }),
  SparkListenerStageSubmitted: z.looseObject({ 'Stage Info': stageInfoSchema, Properties: stringMap.optional() }),
  SparkListenerStageCompleted: z.looseObject({ 'Stage Info': stageInfoSchema }),
  SparkListenerTaskStart: z.looseObject({ 'Stage ID': num, 'Stage Attempt ID': num.optional(), 'Task Info': taskInfoSchema }),
  SparkListenerTaskEnd: z.looseObject({
    'Stage ID': num,
    'Stage Attempt ID': num.optional(),
    'Task Type': str,
    'Task End Reason': taskEndReasonSchema,
    'Task Info': taskInfoSchema,
    'Task Executor Metrics': z.record(z.string(), num).optional(),
    'Task Metrics': z.looseObject({ 'Executor Run Time': num }).optional(),
  }),
} as const;

export type KnownEventName = keyof typeof EVENT_SCHEMAS;
export const KNOWN_EVENTS = Object.keys(EVENT_SCHEMAS) as KnownEventName[];

export function isKnownEvent(name: string): name is KnownEventName {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMAS, name);
}
