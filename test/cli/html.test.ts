/** `run --html FILE` as a user runs it: the file written, stdout unchanged, the same bytes on a re-run, a bad path refused. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_SCENARIO } from '../html/fixture.js';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-cli-html-'));
const scenario = join(dir, 'small.json');
writeFileSync(scenario, JSON.stringify(SMALL_SCENARIO));

describe('spark-statecharts run --html', () => {
  it('writes one page (creating its directory), says where, and writes the same bytes again; --json stays only the report', () => {
    const out = join(dir, 'nested', 'report.html');
    const first = cli('run', scenario, '--html', out);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^html report: ${out}$`, 'm'));
    const bytes = readFileSync(out);
    expect(bytes.toString('utf8')).toMatch(/^<!DOCTYPE html>\n/);
    const json = cli('run', scenario, '--json', '--html', out);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).scenario).toBe('html-small');
    expect(readFileSync(out).equals(bytes)).toBe(true);
  });

  it('refuses a directory as the file, with exit code 2, one line and nothing written', () => {
    const target = join(dir, 'a-directory');
    mkdirSync(target);
    const { code, stdout, stderr } = cli('run', scenario, '--html', target);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([`error: option '--html <file>' argument '${target}' is invalid. "${target}" is a directory, not a file`]);
    expect(existsSync(join(target, 'index.html'))).toBe(false);
  });
});
