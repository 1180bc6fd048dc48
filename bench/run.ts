/**
 * `npm run bench`: the performance and scale benchmark (BENCHMARKS.md describes the method).
 * Every measurement runs in a fresh child process (clean heap, its own peak RSS), is repeated,
 * and is reported as the median with min-max. Each comparison (XState vs the plain baseline,
 * inspected vs not, 1,000 vs 10 executors) is a ratio of medians measured in this same run.
 *
 * Options: --full (scenario 1 at its full 200,000 tasks, and 10,000 executors in the scaling
 * curve), --tiny (seconds-long sizes, for the harness test), --repeats N, --out FILE (JSON).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORES_PER_EXECUTOR, type ClusterShape } from './scenarios.js';
import type { Measurement, MeasureResult } from './measure.js';

export interface Stat { median: number; min: number; max: number }
export interface Row { scenario: string; metric: string; value: Stat; unit: string; target?: string; met?: boolean }
export interface BenchOptions { full: boolean; tiny: boolean; repeats: number; out: string }

const MEASURE = fileURLToPath(new URL('./measure.ts', import.meta.url));

/** A child's Node flags: tsx's loader, and this process's heap sizes (`npm run bench` gives them the CLI's young generation). */
export const childFlags = (execArgv: readonly string[]) => [...execArgv.filter((a) => /^--max-(semi|old)-space-size=/.test(a)), '--import', 'tsx'];

function stat(values: number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Runs one measurement `repeats` times, each in a new Node process. */
function repeat(m: Measurement, repeats: number, log: (s: string) => void): MeasureResult[] {
  const out: MeasureResult[] = [];
  for (let i = 0; i < repeats; i++) {
    const stdout = execFileSync(process.execPath, [...childFlags(process.execArgv), MEASURE, JSON.stringify(m)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    out.push(JSON.parse(stdout.trim().split('\n').pop()!) as MeasureResult);
    log(`  ${m.kind} ${'shape' in m ? `${m.shape.name} ` : ''}run ${i + 1}/${repeats}: ${(out[i]!.wallMs / 1000).toFixed(2)} s`);
  }
  return out;
}

const of = (runs: MeasureResult[], f: (r: MeasureResult) => number) => stat(runs.map(f));

export function sizes(o: Pick<BenchOptions, 'full' | 'tiny'>) {
  if (o.tiny) return { executors: 8, tasks: 64, idle: '2min', curve: [2, 4], tasksPerCore: 2, curveIdle: '2min', sweepSeeds: 2 };
  return {
    executors: 1000,
    tasks: o.full ? 200_000 : 20_000,
    idle: '1h',
    curve: o.full ? [10, 100, 1000, 10_000] : [10, 100, 1000],
    tasksPerCore: 5,
    curveIdle: '10min',
    sweepSeeds: 100,
  };
}

export function runBench(o: BenchOptions, log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): { rows: Row[]; raw: Record<string, MeasureResult[]> } {
  const z = sizes(o);
  const rows: Row[] = [];
  const raw: Record<string, MeasureResult[]> = {};
  const row = (r: Row) => rows.push(r);
  const n = o.repeats;

  // 1. Scale.
  const s1: ClusterShape = { name: `scale-${z.executors}x${z.tasks}`, executors: z.executors, tasks: z.tasks, stopAt: '2h' };
  const label1 = `1 scale: ${z.executors} executors, ${z.tasks} tasks${o.full ? '' : ' (scaled; --full: 200,000)'}`;
  const scale = (raw['scale'] = repeat({ kind: 'cluster', shape: s1 }, n, log));
  // 6. The same run inspected: also counts transitions (the run is deterministic, so the counts hold for every run above).
  const inspected = (raw['inspected'] = repeat({ kind: 'cluster', shape: s1, inspect: true }, n, log));
  const transitions = inspected[0]!.transitions!;
  row({ scenario: label1, metric: 'wall time', value: of(scale, (r) => r.wallMs / 1000), unit: 's' });
  row({ scenario: label1, metric: 'CPU time', value: of(scale, (r) => r.cpuMs / 1000), unit: 's' });
  row({ scenario: label1, metric: 'simulated / wall', value: of(scale, (r) => r.simulatedMs / r.wallMs), unit: 'x' });
  const speed = of(scale, (r) => r.simulatedMs / r.cpuMs);
  row({ scenario: label1, metric: 'simulated / CPU', value: speed, unit: 'x', target: '>= 3', met: speed.median >= 3 });
  row({ scenario: label1, metric: 'delivered messages', value: of(scale, (r) => r.delivered / (r.wallMs / 1000)), unit: 'msg/s' });
  row({ scenario: label1, metric: 'transitions', value: of(scale, (r) => transitions / (r.wallMs / 1000)), unit: '/s' });
  const rss = of(scale, (r) => r.peakRssMb);
  row({ scenario: label1, metric: 'peak RSS', value: rss, unit: 'MiB', target: '< 1024', met: rss.max < 1024 });

  // 2. Idle cluster.
  const idle = (raw['idle'] = repeat({ kind: 'cluster', shape: { name: 'idle', executors: z.executors, tasks: 0, stopAt: z.idle } }, n, log));
  const idleSpeed = of(idle, (r) => r.simulatedMs / r.cpuMs);
  const label2 = `2 idle: ${z.executors} executors for ${z.idle}`;
  row({ scenario: label2, metric: 'wall time', value: of(idle, (r) => r.wallMs / 1000), unit: 's' });
  row({ scenario: label2, metric: 'simulated / wall', value: of(idle, (r) => r.simulatedMs / r.wallMs), unit: 'x' });
  row({ scenario: label2, metric: 'simulated / CPU', value: idleSpeed, unit: 'x', target: '>= 360', met: idleSpeed.median >= 360 });

  // 3. Sweep throughput on 2 threads.
  const sweep = (raw['sweep'] = repeat({ kind: 'sweep', seeds: z.sweepSeeds, jobs: 2 }, n, log));
  row({ scenario: `3 sweep: ${z.sweepSeeds} safety storms, 2 threads`, metric: 'throughput', value: of(sweep, (r) => r.seeds! / (r.wallMs / 60_000)), unit: 'seeds/min' });

  // 4. Scaling curve: tasks scaled with cores; heartbeats measured on the idle cluster.
  const perTask: Record<number, Stat> = {};
  for (const executors of z.curve) {
    const tasks = executors * CORES_PER_EXECUTOR * z.tasksPerCore;
    const busy = (raw[`curve-${executors}`] = repeat({ kind: 'cluster', shape: { name: `curve-${executors}`, executors, tasks, stopAt: '2h' } }, n, log));
    const quiet = (raw[`curve-idle-${executors}`] = repeat({ kind: 'cluster', shape: { name: `curve-idle-${executors}`, executors, tasks: 0, stopAt: z.curveIdle } }, n, log));
    perTask[executors] = of(busy, (r) => (r.cpuMs * 1000) / r.tasks);
    const label4 = `4 curve: ${executors} executors, ${tasks} tasks`;
    row({ scenario: label4, metric: 'CPU per task', value: perTask[executors]!, unit: 'µs' });
    row({ scenario: label4, metric: `CPU per heartbeat (idle ${z.curveIdle})`, value: of(quiet, (r) => (r.cpuMs * 1000) / Math.max(1, r.heartbeats)), unit: 'µs' });
  }
  const [small, large] = [z.curve[0]!, z.curve.includes(1000) ? 1000 : z.curve[z.curve.length - 1]!];
  const growth = perTask[large]!.median / perTask[small]!.median;
  row({ scenario: `4 curve: CPU per task, ${large} / ${small} executors`, metric: 'ratio of medians', value: { median: growth, min: growth, max: growth }, unit: 'x', target: '<= 1.5', met: growth <= 1.5 });

  // 5. Baseline (plain TypeScript) on scenario 1's shape.
  const base = (raw['baseline'] = repeat({ kind: 'baseline', shape: s1 }, n, log));
  const perMsg = of(scale, (r) => (r.cpuMs * 1000) / r.delivered);
  const basePerMsg = of(base, (r) => (r.cpuMs * 1000) / r.delivered);
  row({ scenario: '5 baseline: plain TypeScript, scenario 1 shape', metric: 'CPU per delivered message', value: basePerMsg, unit: 'µs' });
  row({ scenario: '5 XState (scenario 1)', metric: 'CPU per delivered message', value: perMsg, unit: 'µs' });
  const xsRatio = perMsg.median / basePerMsg.median;
  row({ scenario: '5 XState / baseline', metric: 'ratio of medians', value: { median: xsRatio, min: xsRatio, max: xsRatio }, unit: 'x', target: '<= 5', met: xsRatio <= 5 });

  // 6. Inspection cost.
  const inspectedCpu = of(inspected, (r) => r.cpuMs / 1000);
  row({ scenario: '6 scenario 1 with an inspect hook', metric: 'CPU time', value: inspectedCpu, unit: 's' });
  const inspectRatio = inspectedCpu.median / of(scale, (r) => r.cpuMs / 1000).median;
  row({ scenario: '6 inspected / not inspected', metric: 'ratio of medians', value: { median: inspectRatio, min: inspectRatio, max: inspectRatio }, unit: 'x' });

  // 7. The XState floor of the heartbeat flow, against the idle cluster.
  const floorMs = z.curveIdle === '2min' ? 120_000 : 600_000;
  const floor = (raw['floor'] = repeat({ kind: 'floor', executors: z.executors, simulatedMs: floorMs }, n, log));
  const label7 = `7 XState floor: ${z.executors} executors' heartbeats through minimal actors`;
  const floorPerBeat = of(floor, (r) => (r.cpuMs * 1000) / r.heartbeats);
  row({ scenario: label7, metric: 'CPU per heartbeat', value: floorPerBeat, unit: 'µs' });
  row({ scenario: label7, metric: 'simulated / CPU (bound for 2)', value: of(floor, (r) => r.simulatedMs / r.cpuMs), unit: 'x' });
  const idlePerBeat = of(idle, (r) => (r.cpuMs * 1000) / Math.max(1, r.heartbeats));
  const floorRatio = idlePerBeat.median / floorPerBeat.median;
  row({ scenario: '7 idle cluster (2) / floor', metric: 'CPU per heartbeat, ratio', value: { median: floorRatio, min: floorRatio, max: floorRatio }, unit: 'x' });
  return { rows, raw };
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.scenario, r.metric, `${fmt(r.value.median)} ${r.unit}`, r.value.min === r.value.max ? '' : `${fmt(r.value.min)}-${fmt(r.value.max)}`, r.target ? `${r.target}: ${r.met ? 'met' : 'NOT met'}` : '']);
  const head = ['scenario', 'metric', 'median', 'min-max', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { full: false, tiny: false, repeats: 3, out: 'bench/results/latest.json' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--full') o.full = true;
    else if (a === '--tiny') o.tiny = true;
    else if (a === '--repeats' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) o.repeats = Number(argv[++i]);
    else if (a === '--out' && argv[i + 1]) o.out = argv[++i]!;
    else throw new Error(`bench: unknown or incomplete option "${a}" (options: --full, --tiny, --repeats N, --out FILE)`);
  }
  return o;
}

if (process.argv[1]?.endsWith('run.ts')) {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const started = performance.now();
  const { rows, raw } = runBench(options);
  process.stdout.write(`${table(rows)}\n`);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify({ options, node: process.version, cpus: availableParallelism(), loadAverageAtEnd: loadavg(), totalWallS: (performance.now() - started) / 1000, rows, raw }, null, 2)}\n`);
  process.stderr.write(`results: ${options.out} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
