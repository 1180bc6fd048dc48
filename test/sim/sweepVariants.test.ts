/**
 * The fault-storm sweep on its other clusters: dynamic allocation for the `etl` application
 * (executors requested and removed by the allocation manager under faults), a YARN cluster
 * (ResourceManager, NodeManagers, an ApplicationMaster per application, with YARN's faults), and both.
 */
import { describe, expect, it } from 'vitest';
import { runSeed } from '../../runtime/sweep.js';
import { parseScenario } from '../../runtime/scenario.js';
import { stormScenario, type StormVariant } from '../../runtime/storm.js';

const SEEDS = 30;

const VARIANTS: Array<[string, StormVariant]> = [
  ['dynamic allocation', { dynamicAllocation: true }],
  ['YARN', { clusterManager: 'yarn' }],
  ['YARN with dynamic allocation', { clusterManager: 'yarn', dynamicAllocation: true }],
];

describe('fault-storm sweep variants', () => {
  for (const [label, variant] of VARIANTS) {
    for (const mode of ['safety', 'liveness'] as const) {
      it(`${SEEDS} seeded ${mode} storms, ${label}: no invariant violated${mode === 'liveness' ? ', every application finishes' : ''}`, () => {
        const failures = [];
        for (let seed = 1; seed <= SEEDS; seed++) {
          const result = runSeed(seed, mode, { variant, checkDeterminism: seed % 10 === 0 });
          if (result.failure) failures.push(`seed ${seed} (${result.failure.kind}): ${result.failure.detail}`);
        }
        expect(failures).toEqual([]);
      }, 180_000);
    }
  }

  it('YARN storms draw YARN faults only, valid for the scenario, and over 200 seeds every YARN fault kind', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const raw = stormScenario({ seed, mode: seed % 2 ? 'safety' : 'liveness', clusterManager: 'yarn' });
      expect(raw['name']).toBe(`storm-${seed % 2 ? 'safety' : 'liveness'}-yarn-${seed}`);
      expect(() => parseScenario(raw, 'storm.json')).not.toThrow();
      for (const f of raw['faults'] as Array<{ kind: string }>) kinds.add(f.kind);
    }
    expect([...kinds].sort()).toEqual(['container-killed', 'executor-crash', 'executor-hang', 'node-manager-crash', 'partition', 'task-failure']);
  });

  it('every storm caches a stage and unpersists a broadcast, so the block managers\' books are checked under faults', () => {
    const etl = (stormScenario({ seed: 1, mode: 'safety' })['applications'] as Array<{ jobs: Array<Record<string, unknown>> }>)[0]!;
    expect((etl.jobs[0]!['stages'] as Array<{ cache?: boolean }>)[0]!.cache).toBe(true);
    expect(etl.jobs[1]!['broadcast']).toEqual({ size: '4m', unpersistAfterJob: true });
  });
});
