/** The fault-storm sweep with dynamic allocation on for the `etl` application: executors requested and removed by the allocation manager under faults. */
import { describe, expect, it } from 'vitest';
import { runSeed } from '../../runtime/sweep.js';

const SEEDS = 30;

describe('fault-storm sweep with dynamic allocation', () => {
  for (const mode of ['safety', 'liveness'] as const) {
    it(`${SEEDS} seeded ${mode} storms with dynamic allocation: no invariant violated${mode === 'liveness' ? ', every application finishes' : ''}`, () => {
      const failures = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        const result = runSeed(seed, mode, { dynamicAllocation: true, checkDeterminism: seed % 10 === 0 });
        if (result.failure) failures.push(`seed ${seed} (${result.failure.kind}): ${result.failure.detail}`);
      }
      expect(failures).toEqual([]);
    }, 180_000);
  }
});
