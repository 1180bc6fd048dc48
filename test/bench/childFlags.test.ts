import { describe, expect, it } from 'vitest';
import { childFlags } from '../../bench/run.js';

describe("the benchmark's child processes", () => {
  it("run with the parent's heap sizes and tsx, nothing else (so a heap option given to the benchmark is measured)", () => {
    expect(childFlags(['--max-semi-space-size=128', '--inspect', '--import', 'tsx'])).toEqual(['--max-semi-space-size=128', '--import', 'tsx']);
    expect(childFlags(['--max-old-space-size=4096'])).toEqual(['--max-old-space-size=4096', '--import', 'tsx']);
    expect(childFlags([])).toEqual(['--import', 'tsx']);
  });
});
