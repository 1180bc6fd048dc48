import { describe, expect, it } from 'vitest';
import { shrinkFaults } from '../../runtime/shrink.js';

describe('shrinkFaults', () => {
  it('keeps only the faults the failure needs (1-minimal)', () => {
    const faults = ['a', 'b', 'c', 'd', 'e'].map((kind) => ({ kind }));
    const fails = (s: Record<string, unknown>) => {
      const kinds = (s['faults'] as Array<{ kind: string }>).map((f) => f.kind);
      return kinds.includes('b') && kinds.includes('d');
    };
    const { scenario, runs } = shrinkFaults({ name: 'x', faults }, fails);
    expect(scenario).toEqual({ name: 'x', faults: [{ kind: 'b' }, { kind: 'd' }] });
    expect(runs).toBeLessThanOrEqual(5);
  });

  it('returns the plan unchanged when every fault is needed, and stops at its run bound', () => {
    const faults = [{ kind: 'a' }, { kind: 'b' }];
    expect(shrinkFaults({ faults }, (s) => (s['faults'] as unknown[]).length === 2).scenario).toEqual({ faults });
    expect(shrinkFaults({ faults: Array.from({ length: 50 }, (_, i) => ({ i })) }, () => false, 10).runs).toBe(10);
  });
});
