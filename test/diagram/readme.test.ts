/** README's Mermaid diagrams are the machines' own: regenerate with `npm run readme:diagrams` when this fails. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeDiagramNames, readmeWithDiagrams } from '../../runtime/diagram/readme.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('README diagrams', () => {
  it('embeds the executor, task and application machines', () => {
    expect(readmeDiagramNames(readme)).toEqual(['ExecutorRunner', 'TaskRunner', 'AppClient']);
  });

  it('match the machines (run `npm run readme:diagrams` to refresh them)', () => {
    expect(readmeWithDiagrams(readme)).toBe(readme);
  });

  it('a stale or hand-edited block is redrawn, and an unknown machine is an error', () => {
    const stale = readme.replace('TaskRunner_RUNNING --> TaskRunner_FINISHED : work.succeeded\n', '');
    expect(stale).not.toBe(readme);
    expect(readmeWithDiagrams(stale)).toBe(readme);
    expect(() => readmeWithDiagrams('<!-- diagram: Nope -->\n```mermaid\n```\n<!-- /diagram -->')).toThrow('no such machine');
  });
});
