/** The benchmark harness (bench/) on a tiny size: it runs every scenario and reports sane numbers (no timing assertions). */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../runtime/scenario.js';
import { createCluster } from '../../runtime/cluster.js';
import { runBaseline } from '../../bench/baseline.js';
import { benchScenario } from '../../bench/scenarios.js';
import { runBench, table } from '../../bench/run.js';
import { summarise } from '../../bench/profileSummary.js';

describe('bench harness', () => {
  it('the baseline runs the same task flow as the statecharts: every task once, about as many messages, the same simulated time', () => {
    const shape = { name: 'tiny', executors: 8, tasks: 100, stopAt: '1h' };
    const scenario = parseScenario(benchScenario(shape), 'tiny.json');
    const cluster = createCluster(scenario, { keepTrace: false });
    const result = cluster.run();
    const delivered = [...cluster.trace.delivered.values()].reduce((a, b) => a + b, 0);
    const base = runBaseline(scenario);
    expect(result.outcome).toBe('completed');
    expect(cluster.trace.delivered.get('LaunchTask')).toBe(100);
    expect(base.tasks).toBe(100);
    expect(Math.abs(base.delivered - delivered) / delivered).toBeLessThan(0.1);
    expect(Math.abs(base.simulatedMs - result.simulatedMs)).toBeLessThan(1000);
  });

  it('runs every scenario in child processes and prints a row per metric with finite medians inside their min-max', () => {
    const { rows, raw } = runBench({ full: false, tiny: true, repeats: 1, out: '' }, () => undefined);
    expect(new Set(rows.map((r) => r.scenario.split(' ')[0]))).toEqual(new Set(['1', '2', '3', '4', '5', '6', '7']));
    for (const r of rows) {
      expect(Number.isFinite(r.value.median), `${r.scenario} ${r.metric}`).toBe(true);
      expect(r.value.min <= r.value.median && r.value.median <= r.value.max).toBe(true);
    }
    expect(raw['scale']![0]!.tasks).toBe(64);
    expect(raw['inspected']![0]!.transitions).toBeGreaterThan(raw['scale']![0]!.delivered);
    expect(raw['sweep']![0]!.seeds).toBe(2);
    // The floor runs Spark's heartbeat period: 8 executors for 2 minutes beat 12 times each.
    expect(raw['floor']![0]!.heartbeats).toBe(8 * 12);
    expect(table(rows).split('\n')).toHaveLength(rows.length + 2);
  }, 120_000);

  it('the profile summary ranks functions by self and total time', () => {
    const frame = (functionName: string) => ({ functionName, url: 'file:///x/m.ts', lineNumber: 0 });
    const lines = summarise({
      nodes: [{ id: 1, callFrame: frame('(root)'), children: [2] }, { id: 2, callFrame: frame('outer'), children: [3] }, { id: 3, callFrame: frame('inner') }],
      samples: [3, 3, 2],
      timeDeltas: [1000, 1000, 1000],
    });
    expect(lines[0]).toBe('total 3 ms');
    expect(lines[2]).toContain('inner');
    expect(lines.find((l) => l.includes('outer') && l.includes('100.0%'))).toBeDefined();
  });
});
