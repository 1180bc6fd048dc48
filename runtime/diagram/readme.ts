/**
 * `npm run readme:diagrams`: rewrites the Mermaid blocks of README.md from the machines, and
 * draws the coverage example docs/diagrams/executor-runner-coverage.svg from a run of the
 * built-in scenario. A README block is
 *
 *     <!-- diagram: ExecutorRunner -->
 *     ```mermaid
 *     ...
 *     ```
 *     <!-- /diagram -->
 *
 * and only the blocks the README has are rewritten (test/diagram/readme.test.ts fails when one is stale).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { findMachine } from './machines.js';
import { diagramModel } from './model.js';
import { toMermaid } from './mermaid.js';
import { toSvg } from './svg.js';
import { visitedIn } from './visited.js';
import { Coverage } from '../coverage.js';
import { createCluster } from '../cluster.js';
import { loadScenario } from '../scenario.js';

const BLOCK = /<!-- diagram: ([A-Za-z0-9_]+) -->\n```mermaid\n[\s\S]*?```\n<!-- \/diagram -->/g;

/** The README text with every diagram block redrawn from its machine; throws on an unknown machine. */
export function readmeWithDiagrams(readme: string): string {
  return readme.replace(BLOCK, (_block, name: string) => {
    const machine = findMachine(name);
    if (!machine) throw new Error(`README.md: diagram block "${name}": no such machine`);
    return `<!-- diagram: ${name} -->\n\`\`\`mermaid\n${toMermaid(diagramModel(machine))}\`\`\`\n<!-- /diagram -->`;
  });
}

/** The machine names of the README's diagram blocks, in order. */
export function readmeDiagramNames(readme: string): string[] {
  return [...readme.matchAll(BLOCK)].map((m) => m[1]!);
}

/** ExecutorRunner coloured by the coverage of the built-in scenario (a failed launch, then running executors). */
export async function coverageExample(scenarioFile: string): Promise<string> {
  const coverage = new Coverage();
  createCluster(loadScenario(scenarioFile), { inspect: coverage.observe }).run();
  return toSvg(diagramModel(findMachine('ExecutorRunner')!), visitedIn(coverage.toJSON(), 'ExecutorRunner'));
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, readmeWithDiagrams(readFileSync(readmePath, 'utf8')));
  mkdirSync(join(root, 'docs', 'diagrams'), { recursive: true });
  writeFileSync(join(root, 'docs', 'diagrams', 'executor-runner-coverage.svg'), await coverageExample(join(root, 'scenarios', 'default.json')));
  process.stdout.write(`README.md: ${readmeDiagramNames(readFileSync(readmePath, 'utf8')).join(', ')}; docs/diagrams/executor-runner-coverage.svg\n`);
}
