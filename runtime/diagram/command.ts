/**
 * `spark-statecharts diagram [MACHINE] [--format mermaid|svg|dot] [--out FILE] [--list] [--coverage FILE]`:
 * a machine's statechart from its own definition, optionally coloured by a run's coverage.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { ScenarioError } from '../scenario.js';
import type { CoverageData } from '../coverage.js';
import { readCoverageFile } from './coverageFile.js';
import { drawableMachines, findMachine } from './machines.js';
import { diagramModel } from './model.js';
import { toMermaid } from './mermaid.js';
import { toDot } from './dot.js';
import { toSvg } from './svg.js';
import { visitedIn } from './visited.js';

export const DIAGRAM_FORMATS = ['mermaid', 'svg', 'dot'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];
const EXTENSION: Record<DiagramFormat, string> = { mermaid: 'mmd', svg: 'svg', dot: 'dot' };

export interface DiagramOptions { format: DiagramFormat; out?: string; list?: boolean; coverage?: string }

/** One machine drawn in one format, coloured when coverage data is given. */
export async function renderMachine(machine: AnyStateMachine, format: DiagramFormat, coverage?: CoverageData): Promise<string> {
  const model = diagramModel(machine);
  const visited = coverage ? visitedIn(coverage, machine.id) : undefined;
  if (format === 'svg') return toSvg(model, visited);
  return format === 'dot' ? toDot(model, visited) : toMermaid(model, visited);
}

function machineList(): string {
  return drawableMachines().map((m) => m.id).join(', ');
}

export async function diagramCommand(name: string | undefined, options: DiagramOptions, out: (text: string) => void): Promise<void> {
  if (options.list) {
    out(`${drawableMachines().map((m) => m.id).join('\n')}\n`);
    return;
  }
  const coverage = options.coverage !== undefined ? readCoverageFile(options.coverage) : undefined;
  if (name === undefined) {
    // Every machine: one file each in the --out directory.
    if (options.out === undefined) throw new ScenarioError('diagram', 'MACHINE', `name a machine (one of: ${machineList()}), or give --out DIR to draw every machine, or --list`);
    if (existsSync(options.out) && !statSync(options.out).isDirectory()) throw new ScenarioError(options.out, '--out', 'without MACHINE, --out is a directory (one file per machine)');
    mkdirSync(options.out, { recursive: true });
    for (const machine of drawableMachines()) {
      const file = join(options.out, `${machine.id}.${EXTENSION[options.format]}`);
      writeFileSync(file, await renderMachine(machine, options.format, coverage));
      out(`${file}\n`);
    }
    return;
  }
  const machine = findMachine(name);
  if (!machine) throw new ScenarioError('diagram', 'MACHINE', `unknown machine "${name}"; one of: ${machineList()}`);
  const text = await renderMachine(machine, options.format, coverage);
  if (options.out === undefined) {
    out(text);
    return;
  }
  if (!existsSync(dirname(options.out))) throw new ScenarioError(options.out, '--out', `the directory ${dirname(options.out)} does not exist`);
  if (existsSync(options.out) && statSync(options.out).isDirectory()) throw new ScenarioError(options.out, '--out', 'is a directory; give a file name');
  writeFileSync(options.out, text);
}
