/** The command line as a user runs it: real processes, exit codes, stdout and stderr. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';


const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-cli-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const valid = { workers: [{ count: 2, cores: 4, memory: '1g' }], applications: [{ name: 'etl', conf: { 'spark.executor.cores': 2 } }], stopAt: '2min' };

describe('spark-statecharts run', () => {
  it('runs the built-in default scenario and prints a timeline and a summary', () => {
    const { code, stdout, stderr } = cli('run', '--until', '30s');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('scenario "default", seed 1');
    expect(stdout).toMatch(/RegisterApplication/);
    expect(stdout).toMatch(/FAULT executor-launch-failure/);
    expect(stdout).toMatch(/state=FAILED message="Error running executor/);
    expect(stdout).toMatch(/^application etl \(app-20260101000001-0000\)/m);
  });

  it('prints only the report JSON with --json, identical for the same seed, different for another', () => {
    const path = file('valid.json', valid);
    const a = cli('run', path, '--json');
    const b = cli('run', path, '--json');
    expect(a.code).toBe(0);
    const report = JSON.parse(a.stdout);
    expect(Object.keys(report)).toEqual(['scenario', 'seed', 'simulatedMs', 'outcome', 'applications', 'workers', 'messages']);
    expect(report).toMatchObject({ scenario: 'valid', seed: 1, simulatedMs: 120_000, outcome: 'stopped' });
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(cli('run', path, '--json', '--seed', '9').stdout).seed).toBe(9);
  });

  it('exits 2 with one line naming the file, the field and the rule for a bad scenario', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...valid, workers: undefined }, 'workers: required'],
      [{ ...valid, workers: [{ cores: 'ten', memory: '1g' }] }, 'workers[0].cores: expected an integer >= 1, got "ten"'],
      [{ ...valid, workers: [{ cores: -4, memory: '1g' }] }, 'workers[0].cores: expected an integer >= 1, got -4'],
      [{ ...valid, faults: [{ at: '1s', kind: 'meteor' }] }, 'faults[0].kind: unknown fault kind "meteor"'],
      [{ ...valid, stopAt: '10 minutes' }, 'stopAt: "10 minutes" is not a time'],
    ];
    cases.forEach(([content, expected], i) => {
      const path = file(`bad-${i}.json`, content);
      const { code, stdout, stderr } = cli('run', path);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`${path}: ${expected}`);
      expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });
  });

  it('exits 2 for a missing file, invalid JSON and bad flags', () => {
    expect(cli('run', join(dir, 'nope.json'))).toMatchObject({ code: 2, stdout: '' });
    const broken = cli('run', file('broken.json', '{ "workers": [ }'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json: line 1 column \d+: /);
    expect(cli('run', '--seed', '-3').code).toBe(2);
    expect(cli('run', '--until', 'soon').code).toBe(2);
    expect(cli('explode').code).toBe(2);
  });

  it('sweeps seeded fault storms on worker threads and prints a summary table, on standalone or YARN', () => {
    const { code, stdout } = cli('sweep', '--seeds', '1..4', '--mode', 'both', '--jobs', '2', '--out', join(dir, 'failures'));
    expect(code).toBe(0);
    const yarn = cli('sweep', '--seeds', '1..2', '--mode', 'safety', '--jobs', '2', '--cluster-manager', 'yarn');
    expect(yarn.code).toBe(0);
    expect(yarn.stdout).toMatch(/^safety\s+2\s+0\s/m);
    expect(stdout).toMatch(/^mode\s+seeds\s+failures/);
    expect(stdout).toMatch(/^safety\s+4\s+0\s/m);
    expect(stdout).toMatch(/^liveness\s+4\s+0\s/m);
    expect(cli('sweep', '--seeds', '9..1').code).toBe(2);
    expect(cli('sweep', '--mode', 'chaos').code).toBe(2);
    const mesos = cli('sweep', '--cluster-manager', 'mesos');
    expect(mesos.code).toBe(2);
    expect(mesos.stderr).toMatch(/Allowed choices are standalone, yarn/);
  });
});
