import { describe, expect, it } from 'vitest';
import { forget, isTracked, lastSeenOf, lastSeenRecord, noneSeen, seen, trackedKeys, type LastSeen } from '../../machines/lastSeen.js';

describe('lastSeen: times by key that a heartbeat updates without copying every key', () => {
  it('agrees with a plain record over a long sequence of registrations, heartbeats and removals', () => {
    let s: LastSeen = noneSeen();
    const record: Record<string, number> = {};
    const keys = [...Array.from({ length: 300 }, (_, i) => String(i)), 'driver', '7@host-1:7079'];
    let x = 1;
    for (let step = 0; step < 5_000; step++) {
      x = (x * 48271) % 2147483647; // a fixed sequence (Lehmer), so the test is the same every run
      const key = keys[x % keys.length]!;
      if (x % 7 === 0) {
        s = forget(s, [key]);
        delete record[key];
      } else {
        s = seen(s, key, step);
        record[key] = step;
      }
    }
    expect(lastSeenRecord(s)).toEqual(record);
    expect(trackedKeys(s).sort()).toEqual(Object.keys(record).sort());
    for (const key of keys) expect([isTracked(s, key), lastSeenOf(s, key)]).toEqual([key in record, record[key]]);
  });

  it('never changes a value it was given: an older snapshot keeps its times', () => {
    const before = seen(seen(noneSeen(), '1', 10), '2', 20);
    const after = forget(seen(before, '1', 30), ['2']);
    expect(lastSeenRecord(before)).toEqual({ '1': 10, '2': 20 });
    expect(lastSeenRecord(after)).toEqual({ '1': 30 });
    expect(forget(after, ['unknown'])).toBe(after);
  });
});
