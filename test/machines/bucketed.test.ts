import { describe, expect, it } from 'vitest';
import * as bucketed from '../../machines/bucketed.js';

describe('bucketed: a record cheap to update immutably when it holds an entry per executor', () => {
  it('agrees with a plain record over a long sequence of sets and removals', () => {
    let b: bucketed.Bucketed<number> = bucketed.empty();
    const record: Record<string, number> = {};
    const keys = [...Array.from({ length: 300 }, (_, i) => String(i)), 'driver', '7@host-1:7079', 'rdd_3_14'];
    let x = 1;
    for (let step = 0; step < 5_000; step++) {
      x = (x * 48271) % 2147483647; // a fixed sequence (Lehmer), so the test is the same every run
      const key = keys[x % keys.length]!;
      if (x % 7 === 0) {
        b = bucketed.remove(b, [key]);
        delete record[key];
      } else {
        b = bucketed.set(b, key, step);
        record[key] = step;
      }
    }
    expect(bucketed.toRecord(b)).toEqual(record);
    expect(bucketed.keys(b).sort()).toEqual(Object.keys(record).sort());
    expect(bucketed.values(b).sort()).toEqual(Object.values(record).sort());
    expect(bucketed.size(b)).toBe(Object.keys(record).length);
    for (const key of keys) expect([bucketed.has(b, key), bucketed.get(b, key)]).toEqual([key in record, record[key]]);
  });

  it('never changes a value it was given: an older snapshot keeps its entries', () => {
    const before = bucketed.set(bucketed.set(bucketed.empty<number>(), '1', 10), '2', 20);
    const after = bucketed.remove(bucketed.set(before, '1', 30), ['2']);
    expect(bucketed.toRecord(before)).toEqual({ '1': 10, '2': 20 });
    expect(bucketed.toRecord(after)).toEqual({ '1': 30 });
    expect(bucketed.remove(after, ['unknown'])).toBe(after);
  });
});
