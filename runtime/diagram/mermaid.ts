/**
 * Mermaid `stateDiagram-v2` text of a statechart (GitHub renders it in Markdown). The machine
 * itself is the outer composite state. A targetless transition of a simple state is a line of
 * that state's description (inside its box, like UML's internal transitions); Mermaid shows no
 * description on a composite state, so there (the machine's own handlers) it is a self-loop.
 */
import { allStates, transitionLabel, type DiagramModel, type DiagramState } from './model.js';
import type { Visited } from './visited.js';

/** Mermaid ids allow letters, digits and `_` only; XState ids are dotted paths. */
export const mermaidId = (stateId: string): string => stateId.replace(/[^A-Za-z0-9_]/g, '_');

/** Mermaid reads `:` `;` `#` in labels as syntax. */
const label = (text: string): string => text.replace(/[:;#]/g, ' ');

function stateLines(state: DiagramState, indent: string, out: string[]): void {
  const id = mermaidId(state.id);
  out.push(`${indent}state "${label(state.key)}" as ${id}`);
  if (state.children.length === 0) return;
  out.push(`${indent}state ${id} {`);
  const inner = `${indent}  `;
  if (state.initial) out.push(`${inner}[*] --> ${mermaidId(state.initial)}`);
  for (const child of state.children) stateLines(child, inner, out);
  for (const child of state.children) if (child.kind === 'final') out.push(`${inner}${mermaidId(child.id)} --> [*]`);
  out.push(`${indent}}`);
}

export function toMermaid(model: DiagramModel, visited?: Visited): string {
  const out = ['stateDiagram-v2'];
  const root: DiagramState = { ...model.root, key: model.machine };
  out.push(`  [*] --> ${mermaidId(root.id)}`);
  stateLines(root, '  ', out);
  const composite = new Set(allStates(model).filter((s) => s.children.length > 0).map((s) => s.id));
  for (const t of model.transitions) {
    if (t.targets.length === 0 && !composite.has(t.source)) {
      out.push(`  ${mermaidId(t.source)} : ${label(transitionLabel(t))}`);
      continue;
    }
    for (const target of t.targets.length > 0 ? t.targets : [t.source]) {
      out.push(`  ${mermaidId(t.source)} --> ${mermaidId(target)} : ${label(transitionLabel(t))}`);
    }
  }
  if (visited) {
    out.push('  classDef visited fill:#b7e4c7,stroke:#2d6a4f,color:#1b4332');
    out.push('  classDef unvisited fill:#f1f1f1,stroke:#adb5bd,color:#868e96');
    const atomic = allStates(model).filter((s) => s.children.length === 0);
    const reached = atomic.filter((s) => visited.states.has(s.id)).map((s) => mermaidId(s.id));
    const missed = atomic.filter((s) => !visited.states.has(s.id)).map((s) => mermaidId(s.id));
    if (reached.length > 0) out.push(`  class ${reached.join(',')} visited`);
    if (missed.length > 0) out.push(`  class ${missed.join(',')} unvisited`);
  }
  return `${out.join('\n')}\n`;
}
