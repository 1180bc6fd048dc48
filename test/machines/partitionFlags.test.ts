import { describe, expect, it } from 'vitest';
import { FLAG_CHUNK, isFlagged, noFlags, withFlag } from '../../machines/partitionFlags.js';

describe('partition flags: which partitions of a stage (or indices of a task set) succeeded', () => {
  it('sets flags across chunk borders, counts them, and never changes the value it was given', () => {
    const n = 2 * FLAG_CHUNK + 5;
    const none = noFlags(n);
    expect(none.join('')).toBe('0'.repeat(n));
    let f = none;
    const set = [0, FLAG_CHUNK - 1, FLAG_CHUNK, 2 * FLAG_CHUNK + 4];
    for (const i of set) f = withFlag(f, i);
    expect(set.every((i) => isFlagged(f, i))).toBe(true);
    expect([1, FLAG_CHUNK + 1, n].some((i) => isFlagged(f, i))).toBe(false);
    expect(f.join('').split('1').length - 1).toBe(set.length);
    expect(f.join('').length).toBe(n);
    expect(none.join('')).toBe('0'.repeat(n));
    expect(withFlag(f, 0)).toBe(f);
  });
});
