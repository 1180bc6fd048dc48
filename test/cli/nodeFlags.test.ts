/**
 * The entry points run Node with a 128 MiB young generation (BENCHMARKS.md: the full scenario 1
 * 50-56 s -> 39-49 s by the clock at ~800 MiB peak instead of ~470). The flag is a Node
 * command-line option, so each entry point carries it: the bin's
 * shebang and the npm scripts (the benchmark's child processes inherit it, test/bench/childFlags).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
