/** The event-log reader on Spark's own logs, and on broken input: one `FILE:LINE: rule` error, never a crash. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkComplete, EventLogError, readEventLog } from '../../runtime/eventLog/read.js';
import { SHARED_LOGS, sharedLogFiles } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-eventlog-read-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
/** The error a log gives (fails the test if it reads, or throws anything but EventLogError). */
function errorOf(path: string): string {
  try {
    readEventLog(path);
  } catch (e) {
    expect(e).toBeInstanceOf(EventLogError);
    return (e as Error).message;
  }
  throw new Error(`${path} was read without an error`);
}

const logStart = '{"Event":"SparkListenerLogStart","Spark Version":"4.1.1"}';
const appStart = '{"Event":"SparkListenerApplicationStart","App Name":"etl","App ID":"app-1","Timestamp":1,"User":"spark"}';
const appEnd = '{"Event":"SparkListenerApplicationEnd","Timestamp":2}';
const taskEnd = (reason: object, taskId: unknown = 1) => JSON.stringify({
  Event: 'SparkListenerTaskEnd', 'Stage ID': 0, 'Stage Attempt ID': 0, 'Task Type': 'ResultTask', 'Task End Reason': reason,
  'Task Info': { 'Task ID': taskId, Index: 0, Attempt: 0, 'Launch Time': 1, 'Executor ID': '1', Host: 'h', Locality: 'PROCESS_LOCAL', Speculative: false, 'Getting Result Time': 0, 'Finish Time': 2, Failed: true, Killed: false, Accumulables: [] },
});

describe('reading the shipped Spark event logs', () => {
  const files = sharedLogFiles();

  it('finds all 23 shipped logs', () => {
    expect(files).toHaveLength(23);
  });

  it.each(files.map((f) => [f.slice(SHARED_LOGS.length + 1), f]))('reads %s, every event of the types the project writes matching its schema', (_name, path) => {
    const log = readEventLog(path);
    expect(log.events.length).toBeGreaterThan(0);
    expect(log.events[0]!.line).toBe(1);
    expect(log.appId).toMatch(/^(app-|application_|local-)/);
    expect(log.warnings).toEqual([]);
  });

  it('reads what each log holds: the dynamic-allocation log has 6 executor removals and a TaskKilled', () => {
    const log = readEventLog(join(SHARED_LOGS, 'application_1628109047826_1317105'));
    expect(log.sparkVersion).toBe('3.1.1.119');
    expect(log.counts).toMatchObject({ SparkListenerExecutorAdded: 10, SparkListenerExecutorRemoved: 6, SparkListenerBlockManagerRemoved: 6, SparkListenerTaskEnd: 5 });
    const reasons = log.events.filter((e) => e.name === 'SparkListenerTaskEnd').map((e) => (e.event['Task End Reason'] as { Reason: string; 'Kill Reason'?: string }));
    expect(reasons.filter((r) => r.Reason === 'TaskKilled')).toEqual([expect.objectContaining({ 'Kill Reason': 'another attempt succeeded' })]);
    expect(log.complete).toBe(true);
  });

  it('reads a Spark 1.2 log (no LogStart) and keeps event types it does not check (blacklisting, SQL) as unknown', () => {
    expect(readEventLog(join(SHARED_LOGS, 'local-1422981759269')).sparkVersion).toBeUndefined();
    const log = readEventLog(join(SHARED_LOGS, 'app-20161115172038-0000'));
    const unknown = log.events.filter((e) => !e.known).map((e) => e.name);
    expect(unknown).toContain('org.apache.spark.scheduler.SparkListenerExecutorBlacklisted');
    expect(log.events.filter((e) => e.known).every((e) => e.name.startsWith('SparkListener'))).toBe(true);
  });

  it('reads the broken (incomplete-attempt) logs, marks the attempt without ApplicationEnd incomplete and says so as FILE:LINE: rule', () => {
    const broken = files.filter((f) => f.includes('spark-events-broken'));
    expect(broken).toHaveLength(4);
    const incomplete = broken.filter((f) => !readEventLog(f).complete).map((f) => f.slice(SHARED_LOGS.length + 1));
    expect(incomplete).toEqual([
      'spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_2',
      'spark-events-broken/previous-attempt-incomplete/application_1656321732247_0006_1',
    ]);
    const path = join(SHARED_LOGS, incomplete[0]!);
    expect(() => checkComplete(readEventLog(path))).toThrow(new EventLogError(`${path}:9: incomplete: no SparkListenerApplicationEnd after the last event (the application was still running or its driver died; Spark's History Server lists it as an incomplete attempt)`));
    expect(checkComplete(readEventLog(broken.find((f) => f.endsWith('last-attempt-incomplete/application_1656321732247_0006_1'))!)).complete).toBe(true);
  });
});

describe('reading broken input', () => {
  it('a line that is not JSON: FILE:LINE and the parser\'s reason', () => {
    const path = file('bad-json', `${logStart}\n${appStart}\n{"Event":"SparkListenerApplicationEnd",\n`);
    expect(errorOf(path)).toMatch(new RegExp(`^${path}:3: not valid JSON \\(.+\\)$`));
  });

  it('a blank line in the middle is not JSON either', () => {
    const path = file('blank', `${logStart}\n\n${appEnd}\n`);
    expect(errorOf(path)).toMatch(new RegExp(`^${path}:2: not valid JSON`));
  });

  it('a line that is not an object, or has no "Event"', () => {
    expect(errorOf(file('array', `${logStart}\n[1,2]\n`))).toBe(`${join(dir, 'array')}:2: a line must be a JSON object, got an array`);
    expect(errorOf(file('no-event', '{"Timestamp":1}\n'))).toBe(`${join(dir, 'no-event')}:1: "Event": required, a non-empty string naming the listener event (got nothing)`);
  });

  it('a known event whose field has the wrong type names the event, the field path and the rule', () => {
    const path = file('bad-task-id', `${logStart}\n${taskEnd({ Reason: 'Success' }, '7')}\n`);
    expect(errorOf(path)).toBe(`${path}:2: SparkListenerTaskEnd: "Task Info"."Task ID": Invalid input: expected number, received string`);
  });

  it('a task end reason is checked by its kind: ExecutorLostFailure\'s "Exit Caused By App" is a boolean; an unknown reason is refused', () => {
    const lost = file('bad-lost', `${taskEnd({ Reason: 'ExecutorLostFailure', 'Executor ID': '1', 'Exit Caused By App': 'yes' })}\n`);
    expect(errorOf(lost)).toBe(`${lost}:1: SparkListenerTaskEnd: "Task End Reason"."Exit Caused By App": Invalid input: expected boolean, received string`);
    const bogus = file('bad-reason', `${taskEnd({ Reason: 'Bogus' })}\n`);
    expect(errorOf(bogus)).toMatch(new RegExp(`^${bogus}:1: SparkListenerTaskEnd: "Task End Reason"."Reason": Invalid option: expected one of "Success"\\|`));
  });

  it('keeps an event type it does not know, unchecked', () => {
    const log = readEventLog(file('custom', `${logStart}\n{"Event":"org.example.MyListenerEvent","anything":[1,{"x":null}]}\n${appEnd}\n`));
    expect(log.events.map((e) => [e.name, e.known])).toEqual([['SparkListenerLogStart', true], ['org.example.MyListenerEvent', false], ['SparkListenerApplicationEnd', true]]);
    expect(log.complete).toBe(true);
  });

  it('refuses compressed logs clearly, by extension or by magic bytes', () => {
    for (const codec of ['lz4', 'lzf', 'snappy', 'zstd']) {
      const path = file(`app-1.${codec}`, 'irrelevant');
      expect(errorOf(path)).toBe(`${path}: compressed with ${codec} (spark.eventLog.compression.codec): not supported; decompress it first (for example with the ${codec} command-line tool)`);
    }
    const zstd = file('app-2', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 1, 2]));
    expect(errorOf(zstd)).toBe(`${zstd}:1: compressed with zstd (the content starts with its magic bytes): not supported; decompress it first`);
  });

  it('skips a partial last line of an in-progress log (as ReplayListenerBus with maybeTruncated), but not of a finished one', () => {
    const content = `${logStart}\n${appStart}\n{"Event":"SparkListenerJobSta`;
    const log = readEventLog(file('app-3.inprogress', content));
    expect(log.events).toHaveLength(2);
    expect(log.inProgress).toBe(true);
    expect(log.complete).toBe(false);
    expect(log.warnings).toEqual([`${join(dir, 'app-3.inprogress')}:3: partial last line of an in-progress log skipped`]);
    expect(errorOf(file('app-3', content))).toMatch(/app-3:3: not valid JSON/);
  });

  it('reads a rolling event log directory in index order (events_2 after events_1, events_10 last)', () => {
    const rolling = join(dir, 'eventlog_v2_app-4');
    mkdirSync(rolling);
    writeFileSync(join(rolling, 'events_10_app-4'), `${appEnd}\n`);
    writeFileSync(join(rolling, 'events_1_app-4'), `${logStart}\n`);
    writeFileSync(join(rolling, 'events_2_app-4'), `${appStart}\n`);
    writeFileSync(join(rolling, 'appstatus_app-4'), '');
    const log = readEventLog(rolling);
    expect(log.events.map((e) => [basename(e.file), e.name])).toEqual([
      ['events_1_app-4', 'SparkListenerLogStart'], ['events_2_app-4', 'SparkListenerApplicationStart'], ['events_10_app-4', 'SparkListenerApplicationEnd'],
    ]);
    expect(log.complete).toBe(true);
    expect(log.inProgress).toBe(false);
  });

  it('a missing file or an empty directory', () => {
    expect(errorOf(join(dir, 'nope'))).toBe(`${join(dir, 'nope')}: cannot read: ENOENT`);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(errorOf(empty)).toBe(`${empty}: a directory without event files (events_<n>_<appId>): not a rolling Spark event log`);
  });
});
