/**
 * A bounded fault-storm sweep: seeded clusters under random faults of every kind, invariants
 * checked after every message (safety), and every application finishing once faults stop
 * (liveness). A failure names its seed; `runtime/storm.ts` rebuilds its scenario for replay.
 */
import { describe, expect, it } from 'vitest';
import { runSeed } from '../../runtime/sweep.js';

const SEEDS = 100;

describe('fault-storm sweep', () => {
  for (const mode of ['safety', 'liveness'] as const) {
    it(`${SEEDS} seeded ${mode} storms: no invariant violated${mode === 'liveness' ? ', every application finishes' : ''}`, () => {
      const failures = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        const result = runSeed(seed, mode, { checkDeterminism: seed % 10 === 0 });
        if (result.failure) failures.push(`seed ${seed} (${result.failure.kind}): ${result.failure.detail}`);
      }
      expect(failures).toEqual([]);
    }, 180_000);
  }
});
