/** `run --event-log DIR` and `eventlog check` as a user runs them: real processes, exit codes, stdout and stderr. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { SHARED_LOGS } from '../eventLog/fixtures.js';


const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-cli-eventlog-'));

describe('spark-statecharts run --event-log', () => {
  it('writes the default scenario\'s log named by the application id, says where, and the same bytes again on a re-run', () => {
    const out = join(dir, 'logs');
    const first = cli('run', '--event-log', out);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^event log of application etl: ${out}/app-20260101000001-0000 \\(\\d+ events\\)$`, 'm'));
    expect(readdirSync(out)).toEqual(['app-20260101000001-0000']);
    const bytes = readFileSync(join(out, 'app-20260101000001-0000'));
    expect(bytes.toString('utf8').split('\n')[0]).toBe('{"Event":"SparkListenerLogStart","Spark Version":"4.1.1"}');
    expect(cli('run', '--json', '--event-log', out).code).toBe(0);
    expect(readFileSync(join(out, 'app-20260101000001-0000')).equals(bytes)).toBe(true);
  });

  it('works beside --coverage (both observe the same run)', () => {
    const out = join(dir, 'with-coverage');
    const { code, stdout } = cli('run', '--until', '60s', '--coverage', '--event-log', out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^event log of application etl: .*app-20260101000001-0000\.inprogress \(\d+ events, incomplete: the application had not ended\)$/m);
    expect(stdout).toMatch(/transitions/);
    expect(readdirSync(out)).toEqual(['app-20260101000001-0000.inprogress']);
  });

  it('refuses a path that is a file, with one line and exit 2, before running', () => {
    const path = join(dir, 'a-file');
    writeFileSync(path, 'x');
    const { code, stdout, stderr } = cli('run', '--event-log', path);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([`error: option '--event-log <dir>' argument '${path}' is invalid. "${path}" exists and is not a directory`]);
  });
});

describe('spark-statecharts eventlog check', () => {
  it('reads every shipped Spark log; the two incomplete attempts are named FILE:LINE and the exit code is 1', () => {
    const { code, stdout, stderr } = cli('eventlog', 'check', SHARED_LOGS);
    expect(stdout.trim().split('\n')).toHaveLength(23);
    expect(stdout).toContain(`${join(SHARED_LOGS, 'application_1628109047826_1317105')}: Spark 3.1.1.119, application application_1628109047826_1317105 "Spark shell", 52 events (0 of types not checked), 5 task ends, complete`);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/last-attempt-incomplete\/application_1656321732247_0006_2:9: incomplete: no SparkListenerApplicationEnd/),
      expect.stringMatching(/previous-attempt-incomplete\/application_1656321732247_0006_1:9: incomplete: no SparkListenerApplicationEnd/),
    ]);
    expect(code).toBe(1);
    expect(cli('eventlog', 'check', '--allow-incomplete', SHARED_LOGS)).toMatchObject({ code: 0, stderr: '' });
  });

  it('a malformed log gives one FILE:LINE: rule line on stderr and exit 2', () => {
    const path = join(dir, 'app-bad');
    writeFileSync(path, '{"Event":"SparkListenerLogStart","Spark Version":"4.1.1"}\n{"Event":"SparkListenerApplicationEnd","Timestamp":"soon"}\n');
    const { code, stdout, stderr } = cli('eventlog', 'check', path);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${path}:2: SparkListenerApplicationEnd: "Timestamp": Invalid input: expected number, received string\n`);
  });
});
