/**
 * One measurement, run in its own child process by bench/run.ts so that peak RSS belongs to this
 * measurement alone. Reads a Measurement as JSON from argv[2], prints one JSON line of results.
 */
import { createCluster } from '../runtime/cluster.js';
import { parseScenario } from '../runtime/scenario.js';
import { runSweep } from '../runtime/sweepPool.js';
import { runBaseline } from './baseline.js';
import { runFloor } from './floor.js';
import { benchScenario, type ClusterShape } from './scenarios.js';

export type Measurement =
  | { kind: 'cluster'; shape: ClusterShape; inspect?: boolean }
  | { kind: 'baseline'; shape: ClusterShape }
  | { kind: 'sweep'; seeds: number; jobs: number }
  | { kind: 'floor'; executors: number; simulatedMs: number };

export interface MeasureResult {
  wallMs: number;
  /**
   * CPU time of the process (all its threads) during the measured run. The machine is shared, so
   * wall time also counts time spent waiting for a core; CPU time does not.
   */
  cpuMs: number;
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

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

const count = (m: ReadonlyMap<string, number>, type?: string) => (type ? m.get(type) ?? 0 : [...m.values()].reduce((a, b) => a + b, 0));

/**
 * Runs a small cluster (or baseline) first, untimed, so that the measured run is not charged with
 * loading and JIT-compiling the code: otherwise a 10-executor run is mostly warm-up and the
 * scaling curve compares warm-up with work.
 */
function warmUp(kind: 'cluster' | 'baseline'): void {
  const scenario = parseScenario(benchScenario({ name: 'warm-up', executors: 8, tasks: 400, stopAt: '1h' }), 'warm-up.json');
  if (kind === 'baseline') runBaseline(scenario);
  else createCluster(scenario, { keepTrace: false }).run();
}

export async function measure(m: Measurement): Promise<MeasureResult> {
  const rss = () => process.resourceUsage().maxRSS / 1024;
  if (m.kind === 'sweep') {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const results = await runSweep({ seeds: Array.from({ length: m.seeds }, (_, i) => i + 1), mode: 'safety', jobs: m.jobs, checkDeterminism: false });
    const wallMs = performance.now() - started;
    return { wallMs, cpuMs: cpuMsSince(cpu), simulatedMs: results.reduce((s, r) => s + r.simulatedMs, 0), delivered: 0, heartbeats: 0, tasks: 0, seeds: results.length, peakRssMb: rss() };
  }
  if (m.kind === 'floor') {
    runFloor(8, 600_000); // warm-up, as for the clusters
    const started = performance.now();
    const cpu = process.cpuUsage();
    const r = runFloor(m.executors, m.simulatedMs);
    return { wallMs: performance.now() - started, cpuMs: cpuMsSince(cpu), simulatedMs: r.simulatedMs, delivered: 2 * r.heartbeats, heartbeats: r.heartbeats, tasks: 0, peakRssMb: rss() };
  }
  const scenario = parseScenario(benchScenario(m.shape), `${m.shape.name}.json`);
  warmUp(m.kind);
  if (m.kind === 'baseline') {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const r = runBaseline(scenario);
    return { wallMs: performance.now() - started, cpuMs: cpuMsSince(cpu), simulatedMs: r.simulatedMs, delivered: r.delivered, heartbeats: r.heartbeats, tasks: r.tasks, peakRssMb: rss() };
  }
  let transitions = 0;
  let inspectionEvents = 0;
  const inspect = m.inspect ? (e: { type: string }) => {
    inspectionEvents++;
    if (e.type === '@xstate.snapshot') transitions++;
  } : undefined;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const cluster = createCluster(scenario, { keepTrace: false, checked: false, ...(inspect ? { inspect } : {}) });
  const result = cluster.run();
  const wallMs = performance.now() - started;
  return {
    wallMs,
    cpuMs: cpuMsSince(cpu),
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
