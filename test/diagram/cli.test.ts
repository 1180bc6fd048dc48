/** `spark-statecharts diagram` and `--coverage-file` as a user runs them: real processes, exit codes, files. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { drawableMachines } from '../../runtime/diagram/machines.js';
import { toDot } from '../../runtime/diagram/dot.js';
import { diagramModel } from '../../runtime/diagram/model.js';
import { findMachine } from '../../runtime/diagram/machines.js';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'spark-statecharts-diagram-'));

function cli(...args: string[]) {
  const result = spawnSync(tsx, [join(root, 'runtime', 'cli.ts'), ...args], { encoding: 'utf8', cwd: root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Fill colour of each Graphviz node (by title) in an SVG. */
function svgFills(svg: string): Map<string, string> {
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as Record<string, unknown>;
  const fills = new Map<string, string>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const g = value as Record<string, unknown>;
    if (g['class'] === 'node') {
      const shape = (g['path'] ?? g['polygon'] ?? g['ellipse']) as { fill?: string } | Array<{ fill?: string }>;
      fills.set(String(g['title']), (Array.isArray(shape) ? shape[0]! : shape).fill ?? '');
    }
    Object.values(g).forEach(walk);
  };
  walk(parsed['svg']);
  return fills;
}

describe('spark-statecharts diagram', () => {
  it('--list prints every machine of the registry', () => {
    const { code, stdout } = cli('diagram', '--list');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(drawableMachines().map((m) => m.id));
  });

  it('prints a machine as Mermaid by default and writes SVG or DOT with --out', () => {
    const mermaid = cli('diagram', 'ExecutorRunner');
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^stateDiagram-v2\n/);
    expect(mermaid.stdout).toContain('ExecutorRunner_LAUNCHING --> ExecutorRunner_RUNNING : process.started');
    const svgFile = join(dir, 'runner.svg');
    expect(cli('diagram', 'executorrunner', '--format', 'svg', '--out', svgFile)).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(svgFile, 'utf8')).toMatch(/<svg[\s\S]*<title>ExecutorRunner.KILLED.terminating<\/title>/);
    const all = join(dir, 'all');
    expect(cli('diagram', '--format', 'dot', '--out', all).code).toBe(0);
    expect(readdirSync(all).sort()).toEqual(drawableMachines().map((m) => `${m.id}.dot`).sort());
  });

  it('exits 2 with one line for bad input: unknown machine (with the list), bad format, no machine, bad coverage file', () => {
    const unknown = cli('diagram', 'Executor');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(`diagram: MACHINE: unknown machine "Executor"; one of: ${drawableMachines().map((m) => m.id).join(', ')}\n`);
    const format = cli('diagram', 'Worker', '--format', 'png');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('expected one of mermaid, svg, dot, got "png"');
    expect(cli('diagram').stderr).toMatch(/^diagram: MACHINE: name a machine \(one of: AppClient, /);
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{');
    expect(cli('diagram', 'Worker', '--coverage', notJson)).toMatchObject({ code: 2, stderr: expect.stringMatching(new RegExp(`^${notJson}: not JSON`)) });
    const wrongShape = join(dir, 'shape.json');
    writeFileSync(wrongShape, JSON.stringify({ states: { Worker: 'registered' }, transitions: {} }));
    expect(cli('diagram', 'Worker', '--coverage', wrongShape)).toMatchObject({ code: 2, stderr: expect.stringMatching(new RegExp(`^${wrongShape}: states.Worker: .*expected array`)) });
    expect(cli('diagram', 'Worker', '--coverage', join(dir, 'missing.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
    expect(cli('run', '--coverage-file', join(dir, 'no', 'such', 'dir.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') });
  });
});

describe('diagram --coverage', () => {
  it("colours what a run reached: run --coverage-file, then the Worker's SVG and Mermaid", () => {
    const coverageFile = join(dir, 'coverage.json');
    expect(cli('run', '--until', '60s', '--coverage-file', coverageFile).code).toBe(0);
    const coverage = JSON.parse(readFileSync(coverageFile, 'utf8')) as { states: Record<string, string[]>; transitions: Record<string, string[]> };
    // In the first minute every worker registers and none exits.
    expect(coverage.states['Worker']).toEqual(expect.arrayContaining(['Worker.registering', 'Worker.registered']));
    expect(coverage.states['Worker']).not.toContain('Worker.exited');
    // Guarded alternatives are told apart: LaunchExecutor from the active Master (branch 0) was taken, the ignored one (branch 1) was not.
    const branches = (coverage as { branches?: Record<string, string[]> }).branches!;
    expect(branches['Worker']).toContain('Worker on LaunchExecutor #0');
    expect(branches['Worker']).not.toContain('Worker on LaunchExecutor #1');

    const svg = cli('diagram', 'Worker', '--format', 'svg', '--coverage', coverageFile);
    expect(svg.code).toBe(0);
    const fills = svgFills(svg.stdout);
    expect(fills.get('Worker.registered')).toBe('#b7e4c7');
    expect(fills.get('Worker.registering')).toBe('#b7e4c7');
    expect(fills.get('Worker.exited')).toBe('#f1f1f1');
    expect(svg.stdout).toMatch(/coverage: 3\/4 states, \d+\/\d+ transitions/);

    const mermaid = cli('diagram', 'Worker', '--coverage', coverageFile).stdout;
    expect(mermaid).toContain('class Worker_registering,Worker_registered visited');
    expect(mermaid).toContain('class Worker_exited unvisited');

    const dot = cli('diagram', 'Worker', '--format', 'dot', '--coverage', coverageFile).stdout;
    expect(dot).toContain('<FONT POINT-SIZE="9" COLOR="#2d6a4f">LaunchExecutor [fromActiveMaster]</FONT>');
    expect(dot).toContain('<FONT POINT-SIZE="9" COLOR="#868e96"><I>LaunchExecutor (ignored)</I></FONT>');
  });

  it('sweep --coverage-file writes the merged coverage of its seeds, which diagram --coverage reads', () => {
    const coverageFile = join(dir, 'sweep-coverage.json');
    expect(cli('sweep', '--seeds', '1,2', '--mode', 'liveness', '--jobs', '1', '--coverage-file', coverageFile, '--out', join(dir, 'failures')).code).toBe(0);
    const coverage = JSON.parse(readFileSync(coverageFile, 'utf8')) as { states: Record<string, string[]>; transitions: Record<string, string[]> };
    expect(coverage.states['TaskRunner']).toEqual(expect.arrayContaining(['TaskRunner.RUNNING', 'TaskRunner.FINISHED']));
    expect(coverage.transitions['TaskRunner']).toContain('TaskRunner.RUNNING on work.succeeded');
    const dot = cli('diagram', 'TaskRunner', '--format', 'dot', '--coverage', coverageFile);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('"TaskRunner.RUNNING" -> "TaskRunner.FINISHED" [label="work.succeeded", color="#2d6a4f"');
  });

  it('colours taken transitions and leaves the rest grey (DOT)', () => {
    const model = diagramModel(findMachine('ExecutorRunner')!);
    const dot = toDot(model, {
      states: new Set(['ExecutorRunner', 'ExecutorRunner.LAUNCHING', 'ExecutorRunner.RUNNING']),
      transitions: new Set(['ExecutorRunner.LAUNCHING on process.started']),
    });
    expect(dot).toContain('"ExecutorRunner.LAUNCHING" -> "ExecutorRunner.RUNNING" [label="process.started", color="#2d6a4f", fontcolor="#2d6a4f", penwidth=2];');
    expect(dot).toContain('"ExecutorRunner.RUNNING" -> "ExecutorRunner.EXITED" [label="process.exited", color="#adb5bd", fontcolor="#868e96"];');
    expect(dot).toMatch(/"ExecutorRunner\.RUNNING" \[label=<<TABLE .*<TD>RUNNING<\/TD>.*>, fillcolor="#b7e4c7"/);
    expect(dot).toContain('"ExecutorRunner.FAILED" [label="FAILED", peripheries=2, fillcolor="#f1f1f1"');
    expect(dot).toContain('label="coverage: 3/8 states, 1/');
    // An internal transition's line in its state is coloured too.
    expect(dot).toContain('<FONT POINT-SIZE="9" COLOR="#868e96"><I>process.started (ignored)</I></FONT>');
  });
});
