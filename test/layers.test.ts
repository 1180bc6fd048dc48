/**
 * DESIGN.md's layering and purity rules, enforced: imports go test -> runtime -> actors ->
 * machines only, and machines/ and actors/ use no real time, randomness, printing or I/O.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Code without comments, so a comment citing Spark's `System.exit` or `Date` is not a hit. */
function code(file: string): string {
  return readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** Code without comments and string contents (an event named 'process.exited' is not process). */
function codeWithoutStrings(file: string): string {
  return code(file).replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

const FORBIDDEN_IMPORTS: Record<string, RegExp> = {
  machines: /from\s+['"](\.\.\/)+(actors|runtime|test)\//,
  actors: /from\s+['"](\.\.\/)+(runtime|test)\//,
  runtime: /from\s+['"](\.\.\/)+test\//,
};

const IMPURE = [
  { name: 'Date.now', pattern: /\bDate\.now\b|\bnew Date\(\s*\)/ },
  { name: 'Math.random', pattern: /\bMath\.random\b/ },
  // A call passes a function or a name; a method declaration such as Clock's `setTimeout(fn: ...)` does not match.
  { name: 'real timers', pattern: /(^|[^.\w])(setTimeout|setInterval|setImmediate)\s*\(\s*(\(|function\b|[\w.]+\s*[,)])/m },
  { name: 'performance.now', pattern: /\bperformance\.now\b/ },
  { name: 'console', pattern: /\bconsole\./ },
  { name: 'process', pattern: /\bprocess\.(env|exit|stdout|stderr|argv|hrtime)/ },
  { name: 'fs', pattern: /from\s+['"](node:)?fs(\/promises)?['"]/ },
];

describe('layers', () => {
  for (const layer of Object.keys(FORBIDDEN_IMPORTS)) {
    it(`${layer}/ imports only from the layers below it`, () => {
      const offenders = sources(layer).filter((f) => FORBIDDEN_IMPORTS[layer]!.test(code(f)));
      expect(offenders).toEqual([]);
    });
  }

  for (const layer of ['machines', 'actors']) {
    it(`${layer}/ uses no real time, randomness, printing or I/O`, () => {
      const offenders = sources(layer).flatMap((f) => IMPURE.filter((rule) => rule.pattern.test(codeWithoutStrings(f))).map((rule) => `${f}: ${rule.name}`));
      expect(offenders).toEqual([]);
    });
  }

  it('the checks themselves catch a planted violation', () => {
    const planted = "import { x } from '../runtime/cluster.js';\nconst t = Date.now(); setTimeout(() => 1, 5); console.log(Math.random());";
    expect(FORBIDDEN_IMPORTS['machines']!.test(planted)).toBe(true);
    expect(IMPURE.filter((rule) => rule.pattern.test(planted)).map((r) => r.name)).toEqual(['Date.now', 'Math.random', 'real timers', 'console']);
    expect(IMPURE.some((rule) => rule.pattern.test('clock.setTimeout(fn, 5)'))).toBe(false);
    expect(IMPURE.some((rule) => rule.pattern.test('  setTimeout(fn: (...args: any[]) => void, timeout: number): any;'))).toBe(false);
    expect(IMPURE.some((rule) => rule.pattern.test('setTimeout(loop, 0)'))).toBe(true);
  });
});
