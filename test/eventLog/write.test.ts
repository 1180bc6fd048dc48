/**
 * The event log of a simulated run: what Spark's listener bus would have logged, in Spark's
 * order, read back by the reader, byte-identical for the same seed.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventLogText, writeEventLogs } from '../../runtime/eventLog/write.js';
import { readEventLog } from '../../runtime/eventLog/read.js';
import { maxOnHeapMemory } from '../../runtime/eventLog/blockManagers.js';
import { runWithEventLogs } from '../../runtime/eventLog/index.js';
import { loadScenario, parseScenario } from '../../runtime/scenario.js';
import type { SparkEvent } from '../../runtime/eventLog/events.js';
import { defaultRun, eventsOf, failingRun, field, killingRun, root } from './fixtures.js';

const def = defaultRun();
const log = def.logs[0]!;
const events = log.events;
const index = (predicate: (e: SparkEvent) => boolean) => events.findIndex(predicate);
const taskEnds = eventsOf(events, 'SparkListenerTaskEnd');
const reasonOf = (e: SparkEvent) => e['Task End Reason'] as Record<string, unknown>;

/** The time an event happened at, for the events that carry one. */
function timeOf(e: SparkEvent): number | undefined {
  switch (e.Event) {
    case 'SparkListenerTaskStart': return field(e, 'Task Info', 'Launch Time') as number;
    case 'SparkListenerTaskEnd': return field(e, 'Task Info', 'Finish Time') as number;
    case 'SparkListenerStageSubmitted': return field(e, 'Stage Info', 'Submission Time') as number;
    case 'SparkListenerStageCompleted': return field(e, 'Stage Info', 'Completion Time') as number;
    case 'SparkListenerJobStart': return e['Submission Time'] as number;
    case 'SparkListenerJobEnd': return e['Completion Time'] as number;
    default: return typeof e['Timestamp'] === 'number' ? e['Timestamp'] : undefined;
  }
}

describe('the event log of the default scenario', () => {
  it('is one log named by the application id, complete, starting as Spark starts a log', () => {
    expect(def.logs).toHaveLength(1);
    expect(log).toMatchObject({ appId: 'app-20260101000001-0000', appName: 'etl', complete: true });
    expect(events.slice(0, 5).map((e) => e.Event)).toEqual([
      'SparkListenerLogStart', 'SparkListenerResourceProfileAdded', 'SparkListenerBlockManagerAdded', 'SparkListenerEnvironmentUpdate', 'SparkListenerApplicationStart',
    ]);
    expect(events[4]).toEqual({ Event: 'SparkListenerApplicationStart', 'App Name': 'etl', 'App ID': 'app-20260101000001-0000', Timestamp: Date.UTC(2026, 0, 1, 0, 0, 1), User: 'spark' });
    expect(events.at(-1)).toMatchObject({ Event: 'SparkListenerApplicationEnd', ExitCode: 0 });
    expect(eventsOf(events, 'SparkListenerApplicationEnd')).toHaveLength(1);
  });

  it('after ApplicationStart, events are in time order (the listener bus posts as things happen)', () => {
    const times = events.slice(5).map(timeOf);
    expect(times.every((t) => typeof t === 'number')).toBe(true);
    const decreasing = times.flatMap((t, i) => (i > 0 && t! < times[i - 1]! ? [`${events[i + 5]!.Event} at ${t} after ${times[i - 1]}`] : []));
    expect(decreasing).toEqual([]);
  });

  it('has one TaskEnd per TaskStart, with the same TaskInfo identity, and every task runs on an executor between its ExecutorAdded and ExecutorRemoved', () => {
    const starts = eventsOf(events, 'SparkListenerTaskStart');
    expect(starts).toHaveLength(122);
    expect(taskEnds).toHaveLength(122);
    for (const start of starts) {
      const id = field(start, 'Task Info', 'Task ID');
      const ends = taskEnds.filter((e) => field(e, 'Task Info', 'Task ID') === id);
      expect(ends).toHaveLength(1);
      for (const key of ['Index', 'Attempt', 'Partition ID', 'Launch Time', 'Executor ID', 'Host']) expect(field(ends[0]!, 'Task Info', key)).toBe(field(start, 'Task Info', key));
      expect(field(start, 'Task Info', 'Finish Time')).toBe(0);
      expect(field(ends[0]!, 'Task Info', 'Finish Time') as number).toBeGreaterThanOrEqual(field(start, 'Task Info', 'Launch Time') as number);
      const exec = field(start, 'Task Info', 'Executor ID');
      const added = index((e) => e.Event === 'SparkListenerExecutorAdded' && e['Executor ID'] === exec);
      const removed = index((e) => e.Event === 'SparkListenerExecutorRemoved' && e['Executor ID'] === exec);
      expect(added).toBeGreaterThanOrEqual(0);
      expect(added).toBeLessThan(events.indexOf(start));
      if (removed >= 0) expect(removed).toBeGreaterThan(events.indexOf(start));
    }
  });

  it('the hung executor 3 is removed with the HeartbeatReceiver\'s reason, its block manager first, then its two running tasks end with ExecutorLostFailure', () => {
    const bmRemoved = index((e) => e.Event === 'SparkListenerBlockManagerRemoved' && field(e, 'Block Manager ID', 'Executor ID') === '3');
    const removed = index((e) => e.Event === 'SparkListenerExecutorRemoved' && e['Executor ID'] === '3');
    expect(events[removed]).toEqual({ Event: 'SparkListenerExecutorRemoved', Timestamp: Date.UTC(2026, 0, 1, 0, 3, 1), 'Executor ID': '3', 'Removed Reason': 'Executor heartbeat timed out after 167618 ms' });
    expect(bmRemoved).toBe(removed - 1);
    const lost = taskEnds.filter((e) => reasonOf(e).Reason === 'ExecutorLostFailure');
    expect(lost).toHaveLength(2);
    for (const e of lost) {
      // ExecutorProcessLost(causedByApp = true) for a task the driver saw RUNNING: counted as the app's fault (TaskSetManager.executorLost).
      expect(reasonOf(e)).toEqual({ Reason: 'ExecutorLostFailure', 'Executor ID': '3', 'Exit Caused By App': true, 'Loss Reason': 'Executor heartbeat timed out after 167618 ms' });
      expect(events.indexOf(e)).toBeGreaterThan(removed);
      expect(field(e, 'Task Info')).toMatchObject({ 'Executor ID': '3', Failed: true, Killed: false, 'Finish Time': Date.UTC(2026, 0, 1, 0, 3, 1) });
      // No accumulator updates come back from a lost executor: no Task Metrics (DAGScheduler: taskMetrics = null).
      expect(e['Task Metrics']).toBeUndefined();
      expect(e['Task Executor Metrics']).toBeDefined();
      // The partition runs again (attempt 1) and succeeds.
      const retry = taskEnds.find((t) => field(t, 'Task Info', 'Index') === field(e, 'Task Info', 'Index') && field(t, 'Task Info', 'Attempt') === 1);
      expect(reasonOf(retry!)).toEqual({ Reason: 'Success' });
    }
  });

  it('an executor that failed to launch never registered: no ExecutorAdded, yet the later RemoveExecutor posts ExecutorRemoved (SPARK-35011)', () => {
    const removed = eventsOf(events, 'SparkListenerExecutorRemoved').filter((e) => e['Executor ID'] === '2');
    expect(removed).toHaveLength(1);
    expect(removed[0]!['Removed Reason']).toMatch(/^Error running executor: /);
    expect(eventsOf(events, 'SparkListenerExecutorAdded').filter((e) => e['Executor ID'] === '2')).toEqual([]);
  });

  it('a block manager registers per executor that created its Executor (LaunchedExecutor), plus the driver\'s, with (heap - 300 MiB) x 0.6 of memory', () => {
    const launched = def.cluster.trace.messages().filter((m) => m.type === 'LaunchedExecutor' && m.outcome === 'delivered').length;
    const added = eventsOf(events, 'SparkListenerBlockManagerAdded');
    expect(added).toHaveLength(launched + 1);
    expect(field(added[0]!, 'Block Manager ID', 'Executor ID')).toBe('driver');
    expect(maxOnHeapMemory(1024)).toBe(Math.floor((1024 - 300) * 1024 * 1024 * 0.6));
    for (const e of added) expect(e).toMatchObject({ 'Maximum Memory': maxOnHeapMemory(1024), 'Maximum Onheap Memory': maxOnHeapMemory(1024), 'Maximum Offheap Memory': 0 });
    // An executor's block manager registers after the executor was added.
    for (const e of added.slice(1)) {
      const exec = field(e, 'Block Manager ID', 'Executor ID');
      expect(index((x) => x.Event === 'SparkListenerExecutorAdded' && x['Executor ID'] === exec)).toBeLessThan(events.indexOf(e));
    }
  });

  it('the job starts with both stages, stage 0 (shuffle map) completes before stage 1 (result) is submitted, and the job ends after it', () => {
    const jobStart = eventsOf(events, 'SparkListenerJobStart');
    expect(jobStart).toHaveLength(1);
    expect(jobStart[0]).toMatchObject({ 'Job ID': 0, 'Stage IDs': [0, 1] });
    expect((jobStart[0]!['Stage Infos'] as Array<Record<string, unknown>>).map((s) => [s['Stage ID'], s['Number of Tasks'], s['Parent IDs']])).toEqual([[0, 96, []], [1, 24, [0]]]);
    const order = events.filter((e) => e.Event.startsWith('SparkListenerStage') || e.Event.startsWith('SparkListenerJob')).map((e) => `${e.Event.replace('SparkListener', '')} ${field(e, 'Stage Info', 'Stage ID') ?? e['Job ID']}`);
    expect(order).toEqual(['JobStart 0', 'StageSubmitted 0', 'StageCompleted 0', 'StageSubmitted 1', 'StageCompleted 1', 'JobEnd 0']);
    expect(eventsOf(events, 'SparkListenerJobEnd')[0]!['Job Result']).toEqual({ Result: 'JobSucceeded' });
    expect(new Set(taskEnds.filter((e) => e['Stage ID'] === 0).map((e) => e['Task Type']))).toEqual(new Set(['ShuffleMapTask']));
    expect(new Set(taskEnds.filter((e) => e['Stage ID'] === 1).map((e) => e['Task Type']))).toEqual(new Set(['ResultTask']));
    const firstStage1Task = index((e) => e.Event === 'SparkListenerTaskStart' && e['Stage ID'] === 1);
    expect(firstStage1Task).toBeGreaterThan(index((e) => e.Event === 'SparkListenerStageSubmitted' && field(e, 'Stage Info', 'Stage ID') === 1));
    const completed = eventsOf(events, 'SparkListenerStageCompleted')[0]!;
    expect(field(completed, 'Stage Info', 'Submission Time')).toBe(field(eventsOf(events, 'SparkListenerStageSubmitted')[0]!, 'Stage Info', 'Submission Time'));
  });

  it('round-trips through the reader: the written file is named by the application id and reads back event for event', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-eventlog-'));
    const written = writeEventLogs(dir, def.logs);
    expect(written).toEqual([{ appName: 'etl', path: join(dir, 'app-20260101000001-0000'), events: events.length, complete: true }]);
    expect(readdirSync(dir)).toEqual(['app-20260101000001-0000']);
    const text = readFileSync(written[0]!.path!, 'utf8');
    expect(text).toBe(eventLogText(log));
    expect(text.endsWith('}\n')).toBe(true);
    const read = readEventLog(written[0]!.path!);
    expect(read).toMatchObject({ sparkVersion: '4.1.1', appId: 'app-20260101000001-0000', appName: 'etl', complete: true, inProgress: false, warnings: [] });
    expect(read.events.every((e) => e.known)).toBe(true);
    expect(read.events.map((e) => e.event)).toEqual(JSON.parse(JSON.stringify(events)));
  });

  it('is byte-identical for the same seed and differs for another seed', () => {
    expect(eventLogText(defaultRun().logs[0]!)).toBe(eventLogText(log));
    expect(eventLogText(defaultRun(2).logs[0]!)).not.toBe(eventLogText(log));
  });

  it('does not change the run: the report with the recorder attached equals the report without it', async () => {
    const { buildReport } = await import('../../runtime/report.js');
    const { createCluster } = await import('../../runtime/cluster.js');
    const plain = createCluster(loadScenario(join(root, 'scenarios', 'default.json')));
    const result = plain.run();
    expect(JSON.stringify(buildReport(def.cluster, def.result))).toBe(JSON.stringify(buildReport(plain, result)));
  });
});

describe('event logs of failures', () => {
  const failing = failingRun().logs[0]!.events;
  const failingEnds = eventsOf(failing, 'SparkListenerTaskEnd');

  it('an executor exiting with code 56 (heartbeat failure) loses its tasks with Exit Caused By App false', () => {
    const lost = failingEnds.filter((e) => reasonOf(e).Reason === 'ExecutorLostFailure');
    expect(lost.length).toBeGreaterThan(0);
    for (const e of lost) expect(reasonOf(e)).toEqual({ Reason: 'ExecutorLostFailure', 'Executor ID': '0', 'Exit Caused By App': false, 'Loss Reason': 'Command exited with code 56' });
  });

  it('a task that always throws ends 4 times with ExceptionFailure, then its stage completes with the failure reason and the job ends JobFailed', () => {
    const thrown = failingEnds.filter((e) => reasonOf(e).Reason === 'ExceptionFailure');
    expect(thrown.map((e) => field(e, 'Task Info', 'Attempt'))).toEqual([0, 1, 2, 3]);
    expect(reasonOf(thrown[0]!)).toEqual({
      Reason: 'ExceptionFailure', 'Class Name': 'java.lang.RuntimeException', Description: 'Injected task failure (job 0, stage 0, partition 3, attempt 0)',
      'Stack Trace': [], 'Full Stack Trace': 'java.lang.RuntimeException: Injected task failure (job 0, stage 0, partition 3, attempt 0)', 'Accumulator Updates': [],
    });
    expect(field(thrown[0]!, 'Task Info')).toMatchObject({ Failed: true, Killed: false });
    expect(thrown[0]!['Task Metrics']).toBeDefined();
    const message = field(eventsOf(failing, 'SparkListenerJobEnd')[0]!, 'Job Result', 'Exception', 'Message') as string;
    expect(message).toMatch(/^Job aborted due to stage failure: Task 3 in stage 0\.0 failed 4 times, most recent failure: Lost task 3\.3 in stage 0\.0 \(TID \d+\) \(10\.0\.0\.\d executor \d\): java\.lang\.RuntimeException: Injected task failure/);
    expect(field(eventsOf(failing, 'SparkListenerStageCompleted')[0]!, 'Stage Info', 'Failure Reason')).toBe(message);
    // The result stage was never submitted: its parent failed.
    expect(eventsOf(failing, 'SparkListenerStageSubmitted').map((e) => field(e, 'Stage Info', 'Stage ID'))).toEqual([0]);
  });

  it('tasks still running when their job aborts end TaskKilled with the cancellation reason, Killed and not Failed', () => {
    const killed = eventsOf(killingRun().logs[0]!.events, 'SparkListenerTaskEnd').filter((e) => reasonOf(e).Reason === 'TaskKilled');
    expect(killed.length).toBeGreaterThan(0);
    for (const e of killed) {
      expect(reasonOf(e)['Kill Reason']).toMatch(/^Stage cancelled: Job aborted due to stage failure: Task 0 in stage 0\.0 failed 4 times/);
      expect(reasonOf(e)['Accumulator Updates']).toEqual([]);
      expect(field(e, 'Task Info')).toMatchObject({ Failed: false, Killed: true });
    }
  });

  it('a run stopped before the application ends writes Spark\'s in-progress log: no ApplicationEnd, named <appId>.inprogress, read as incomplete', () => {
    const stopped = runWithEventLogs(loadScenario(join(root, 'scenarios', 'default.json')), { untilMs: 30_000 });
    expect(stopped.logs[0]!.complete).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-eventlog-'));
    const [written] = writeEventLogs(dir, stopped.logs);
    expect(written!.path).toBe(join(dir, 'app-20260101000001-0000.inprogress'));
    const read = readEventLog(written!.path!);
    expect(read).toMatchObject({ complete: false, inProgress: true });
    expect(read.counts['SparkListenerApplicationEnd']).toBeUndefined();
    // The finished run's log replaces the in-progress one.
    writeEventLogs(dir, def.logs);
    expect(readdirSync(dir)).toEqual(['app-20260101000001-0000']);
  });
});

describe('several applications', () => {
  it('each gets its own log with its own id, executors and tasks', () => {
    const app = (name: string, submitAt: string) => ({ name, submitAt, conf: { 'spark.executor.cores': 2, 'spark.cores.max': 4 }, jobs: [{ stages: [{ id: 0, tasks: 8, taskDuration: '1s' }] }] });
    const { logs } = runWithEventLogs(parseScenario({ workers: [{ count: 2, cores: 4, memory: '4g' }], applications: [app('a', '0s'), app('b', '2s')], stopAt: '10min' }, 'two'));
    expect(logs.map((l) => [l.appName, l.appId, l.complete])).toEqual([['a', 'app-20260101000000-0000', true], ['b', 'app-20260101000002-0001', true]]);
    for (const l of logs) {
      expect(field(eventsOf(l.events, 'SparkListenerApplicationStart')[0]!, 'App ID')).toBe(l.appId);
      expect(eventsOf(l.events, 'SparkListenerExecutorAdded')).toHaveLength(2);
      expect(eventsOf(l.events, 'SparkListenerTaskEnd')).toHaveLength(8);
    }
    const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-eventlog-'));
    writeEventLogs(dir, logs);
    expect(readdirSync(dir).sort()).toEqual(['app-20260101000000-0000', 'app-20260101000002-0001']);
  });
});
