/**
 * One measurement, run in its own child process by bench/run.ts so that peak RSS belongs to this
 * measurement alone. Reads a Measurement as JSON from argv[2], prints one JSON line of results.
 */
import { createCluster } from '../runtime/cluster.js';
import { parseScenario } from '../runtime/scenario.js';
import { runSweep } from '../runtime/sweepPool.js';
import { runBaseline } from './baseline.js';
import { benchScenario, type ClusterShape } from './scenarios.js';

export type Measurement =
  | { kind: 'cluster'; shape: ClusterShape; inspect?: boolean }
  | { kind: 'baseline'; shape: ClusterShape }
  | { kind: 'sweep'; seeds: number; jobs: number };

export interface MeasureResult {
  wallMs: number;
  simulatedMs: number;
  /** Messages delivered through the network. */
  delivered: number;
  /** Executor Heartbeats delivered to the driver. */
  heartbeats: number;
  tasks: number;
  /** XState inspection events seen (inspect runs only): '@xstate.snapshot' ones are transitions. */
  transitions?: number;
  inspectionEvents?: number;
  seeds?: number;
  peakRssMb: number;
}

const count = (m: ReadonlyMap<string, number>, type?: string) => (type ? m.get(type) ?? 0 : [...m.values()].reduce((a, b) => a + b, 0));

export async function measure(m: Measurement): Promise<MeasureResult> {
  const rss = () => process.resourceUsage().maxRSS / 1024;
  if (m.kind === 'sweep') {
    const started = performance.now();
    const results = await runSweep({ seeds: Array.from({ length: m.seeds }, (_, i) => i + 1), mode: 'safety', jobs: m.jobs, checkDeterminism: false });
    const wallMs = performance.now() - started;
    return { wallMs, simulatedMs: results.reduce((s, r) => s + r.simulatedMs, 0), delivered: 0, heartbeats: 0, tasks: 0, seeds: results.length, peakRssMb: rss() };
  }
  const scenario = parseScenario(benchScenario(m.shape), `${m.shape.name}.json`);
  if (m.kind === 'baseline') {
    const started = performance.now();
    const r = runBaseline(scenario);
    return { wallMs: performance.now() - started, simulatedMs: r.simulatedMs, delivered: r.delivered, heartbeats: r.heartbeats, tasks: r.tasks, peakRssMb: rss() };
  }
  let transitions = 0;
  let inspectionEvents = 0;
  const inspect = m.inspect ? (e: { type: string }) => {
    inspectionEvents++;
    if (e.type === '@xstate.snapshot') transitions++;
  } : undefined;
  const started = performance.now();
  const cluster = createCluster(scenario, { keepTrace: false, checked: false, ...(inspect ? { inspect } : {}) });
  const result = cluster.run();
  const wallMs = performance.now() - started;
  return {
    wallMs,
    simulatedMs: result.simulatedMs,
    delivered: count(cluster.trace.delivered),
    heartbeats: count(cluster.trace.delivered, 'Heartbeat'),
    tasks: count(cluster.trace.delivered, 'LaunchTask'),
    ...(inspect ? { transitions, inspectionEvents } : {}),
    peakRssMb: rss(),
  };
}

if (process.argv[1]?.endsWith('measure.ts')) {
  process.stdout.write(`${JSON.stringify(await measure(JSON.parse(process.argv[2]!) as Measurement))}\n`);
}
