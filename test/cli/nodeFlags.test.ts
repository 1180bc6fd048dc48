/**
 * The entry points run Node with a 128 MiB young generation (BENCHMARKS.md: the idle cluster's
 * snapshots then die young instead of being promoted; measured 1.4x less CPU for 10 idle minutes at
 * 1,000 executors). The flag is a Node command-line option, so each entry point carries it: the
 * bin's shebang, the npm scripts, and the benchmark's child processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childFlags } from '../../bench/run.js';
import { root } from '../support/cli.js';

const FLAG = /--max-semi-space-size=(\d+)/;

describe('Node flags of the entry points', () => {
  it('the bin and the start, sim and bench scripts give Node the same young-generation size', () => {
    const shebang = readFileSync(join(root, 'runtime', 'cli.ts'), 'utf8').split('\n')[0]!;
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node /);
    const size = shebang.match(FLAG)?.[1];
    expect(size).toBe('128');
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'sim', 'bench']) expect(scripts[name]?.match(FLAG)?.[1], name).toBe(size);
  });

  it("the benchmark's child processes get the parent's heap sizes and tsx, nothing else", () => {
    expect(childFlags(['--max-semi-space-size=128', '--inspect', '--import', 'tsx'])).toEqual(['--max-semi-space-size=128', '--import', 'tsx']);
    expect(childFlags([])).toEqual(['--import', 'tsx']);
  });
});
