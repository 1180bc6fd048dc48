/**
 * The event log this project writes has the shape of Spark's own: for each event type written,
 * every field path (recursively, with its JSON type) is one Spark wrote in the shipped logs, and
 * every field the newest shipped log of that type has is written, except the differences listed
 * below, each checked against Spark 4.1.1's JsonProtocol.scala (the version written in LogStart).
 */
import { describe, expect, it } from 'vitest';
import { readEventLog } from '../../runtime/eventLog/read.js';
import { SPARK_VERSION } from '../../runtime/eventLog/events.js';
import { compareSparkVersions, covered, shapeOf, type JsonType } from '../support/eventLogShape.js';
import { defaultRun, failingRun, killingRun, sharedLogFiles } from './fixtures.js';

/**
 * Written, but in no shipped log: fields Spark added after the newest shipped log of the type
 * (3.3/3.4), and an end reason no shipped log has; each with the JSON type JsonProtocol.scala
 * 4.1.1 writes (writeBooleanField -> boolean, writeNumberField -> number, writeStringField -> string).
 */
const STAGE_INFO_4X = (prefix: string): Record<string, JsonType> => ({
  [`${prefix}RDD Info[]/Storage Level/Use Off Heap`]: 'boolean', // storageLevelToJson
  [`${prefix}Shuffle Push Enabled`]: 'boolean', // stageInfoToJson
  [`${prefix}Shuffle Push Mergers Count`]: 'number',
});
const WRITTEN_BEYOND_SHIPPED_LOGS: Record<string, Record<string, JsonType>> = {
  SparkListenerApplicationEnd: { ExitCode: 'number' }, // applicationEndToJson: exitCode.foreach (SparkContext.stop posts Some(0))
  SparkListenerJobStart: STAGE_INFO_4X('Stage Infos[]/'),
  SparkListenerStageSubmitted: STAGE_INFO_4X('Stage Info/'),
  SparkListenerStageCompleted: STAGE_INFO_4X('Stage Info/'),
  SparkListenerTaskEnd: {
    'Task Executor Metrics/ConcurrentGCCount': 'number', // ExecutorMetricType.GarbageCollectionMetrics names
    'Task Executor Metrics/ConcurrentGCTime': 'number',
    'Task Metrics/Peak On Heap Execution Memory': 'number', // taskMetricsToJson
    'Task Metrics/Peak Off Heap Execution Memory': 'number',
    'Task Metrics/Shuffle Read Metrics/Remote Requests Duration': 'number',
    'Task Metrics/Shuffle Read Metrics/Push Based Shuffle/Merged Remote Requests Duration': 'number',
    // taskEndReasonToJson, case ExecutorLostFailure: no shipped log has one (SOURCE.md).
    'Task End Reason<ExecutorLostFailure>': 'object',
    'Task End Reason<ExecutorLostFailure>/Reason': 'string',
    'Task End Reason<ExecutorLostFailure>/Executor ID': 'string',
    'Task End Reason<ExecutorLostFailure>/Exit Caused By App': 'boolean',
    'Task End Reason<ExecutorLostFailure>/Loss Reason': 'string',
  },
};

/** In the newest shipped log of the type, deliberately not written. */
const NOT_WRITTEN: Record<string, string[]> = {
  SparkListenerApplicationStart: [
    'App Attempt ID', 'Driver Logs', 'Driver Logs{}', 'Driver Attributes', 'Driver Attributes{}', // YARN cluster mode only; optional (Option.foreach)
  ],
  SparkListenerEnvironmentUpdate: [
    'JVM Information{}', 'Hadoop Properties{}', 'System Properties{}', 'Metrics Properties{}', 'Classpath Entries{}', // no JVM: written as empty maps
  ],
  SparkListenerExecutorAdded: [
    'Executor Info/Log Urls{}', // the modelled executor registers with no log URLs (RegisterExecutor logUrls {})
    'Executor Info/Attributes{}', // YARN container attributes
  ],
  SparkListenerJobStart: ['Stage Infos[]/RDD Info[]/Scope', 'Properties{}'], // no RDDOperationScope (optional), no local properties
  SparkListenerStageSubmitted: ['Stage Info/RDD Info[]/Scope', 'Properties{}'],
  SparkListenerStageCompleted: ['Stage Info/RDD Info[]/Scope', 'Stage Info/Accumulables[]'], // no accumulators simulated
  SparkListenerTaskEnd: ['Task Info/Accumulables[]'],
};

describe('event log shape against the real Spark logs', () => {
  const written = [defaultRun(), failingRun(), killingRun()].flatMap((r) => r.logs.flatMap((l) => l.events));
  const shipped = sharedLogFiles().map((f) => readEventLog(f)).flatMap((log) => log.events.map((e) => ({ version: log.sparkVersion ?? '1.2.0', name: e.name, event: e.event })));
  const types = [...new Set(written.map((e) => e.Event))].sort();

  it('writes every event type the issue asks for, each one Spark itself logs', () => {
    expect(types).toEqual(expect.arrayContaining([
      'SparkListenerLogStart', 'SparkListenerApplicationStart', 'SparkListenerApplicationEnd', 'SparkListenerExecutorAdded', 'SparkListenerExecutorRemoved',
      'SparkListenerBlockManagerAdded', 'SparkListenerBlockManagerRemoved', 'SparkListenerJobStart', 'SparkListenerJobEnd',
      'SparkListenerStageSubmitted', 'SparkListenerStageCompleted', 'SparkListenerTaskStart', 'SparkListenerTaskEnd', 'SparkListenerEnvironmentUpdate',
    ]));
    const shippedTypes = new Set(shipped.map((s) => s.name));
    expect(types.filter((t) => !shippedTypes.has(t))).toEqual([]);
    // The runs exercise each task end reason and job result the model produces.
    const reasons = new Set(written.filter((e) => e.Event === 'SparkListenerTaskEnd').map((e) => (e['Task End Reason'] as { Reason: string }).Reason));
    expect([...reasons].sort()).toEqual(['ExceptionFailure', 'ExecutorLostFailure', 'Success', 'TaskKilled']);
    const results = new Set(written.filter((e) => e.Event === 'SparkListenerJobEnd').map((e) => (e['Job Result'] as { Result: string }).Result));
    expect([...results].sort()).toEqual(['JobFailed', 'JobSucceeded']);
  });

  it('writes LogStart with the Spark version the project models', () => {
    expect(written.filter((e) => e.Event === 'SparkListenerLogStart').map((e) => e['Spark Version'])).toContain(SPARK_VERSION);
    expect(SPARK_VERSION).toBe('4.1.1');
  });

  describe.each(types)('%s', (type) => {
    const ours = shapeOf(written.filter((e) => e.Event === type));
    const real = shipped.filter((s) => s.name === type);
    const all = shapeOf(real.map((r) => r.event));
    const newestVersion = real.map((r) => r.version).sort(compareSparkVersions).at(-1)!;
    const newest = shapeOf(real.filter((r) => r.version === newestVersion).map((r) => r.event));

    it('every field written, with its JSON type, is a field Spark wrote (or a documented 4.x field)', () => {
      const beyond = WRITTEN_BEYOND_SHIPPED_LOGS[type] ?? {};
      const expected = (p: string) => all.get(p) ?? (beyond[p] !== undefined ? new Set([beyond[p]]) : undefined);
      const unknown = [...ours.keys()].filter((p) => expected(p) === undefined);
      expect(unknown, `fields written that no shipped ${type} has`).toEqual([]);
      const mistyped = [...ours].filter(([p, t]) => [...t].some((x) => !expected(p)?.has(x))).map(([p, t]) => `${p}: ${[...t]} (Spark: ${[...(expected(p) ?? [])]})`);
      expect(mistyped, 'fields written with another JSON type than Spark').toEqual([]);
      // Every documented difference is still a difference (the list stays true).
      const stale = Object.keys(beyond).filter((p) => !ours.has(p) || all.has(p));
      expect(stale, 'documented differences that no longer hold').toEqual([]);
    });

    it(`every field of the newest shipped log of the type is written (or documented as left out)`, () => {
      const left = NOT_WRITTEN[type] ?? [];
      const missing = [...newest.keys()].filter((p) => !ours.has(p) && !covered(p, left));
      expect(missing, `fields of Spark ${newestVersion}'s ${type} not written`).toEqual([]);
      const stale = left.filter((p) => !newest.has(p) || ours.has(p));
      expect(stale, 'documented omissions that no longer hold').toEqual([]);
    });

    it('every written line alone has only fields Spark wrote for the type', () => {
      const beyond = WRITTEN_BEYOND_SHIPPED_LOGS[type] ?? {};
      const bad = written.filter((e) => e.Event === type).flatMap((e) => [...shapeOf([e]).keys()].filter((p) => !all.has(p) && beyond[p] === undefined));
      expect(bad).toEqual([]);
    });
  });

  it('the comparison notices a field Spark never wrote and a wrong JSON type', () => {
    const real = shapeOf(shipped.filter((s) => s.name === 'SparkListenerTaskEnd').map((s) => s.event));
    const renamed = shapeOf([{ Event: 'SparkListenerTaskEnd', 'Task Info': { 'Task Id': 1 } }]);
    expect(real.has('Task Info/Task Id')).toBe(false);
    expect(renamed.has('Task Info/Task Id')).toBe(true);
    const retyped = shapeOf([{ Event: 'SparkListenerTaskEnd', 'Task Info': { 'Task ID': '1' } }]);
    expect(real.get('Task Info/Task ID')!.has('string')).toBe(false);
    expect(retyped.get('Task Info/Task ID')!.has('string')).toBe(true);
  });
});
