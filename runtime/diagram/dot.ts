/**
 * Graphviz DOT of a statechart: compound states (and the machine itself) are clusters whose
 * initial pseudo-state (a point) carries the compound state's id, so every state id is a DOT node;
 * edges to or from a compound state meet its cluster's border (`compound=true`, lhead/ltail).
 * Targetless transitions (the state only acts, or ignores the message on purpose) are listed
 * inside their state, UML's internal-transition compartment: as self-loops they pile up unreadably.
 */
import { allStates, transitionLabel, type DiagramModel, type DiagramState, type DiagramTransition } from './model.js';
import { taken, type Visited } from './visited.js';

const q = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** Graphviz HTML-like label text. */
export const html = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const clusterId = (stateId: string): string => `cluster_${stateId}`;

const COLOURS = {
  visitedFill: '#b7e4c7', visitedLine: '#2d6a4f', missedFill: '#f1f1f1', missedLine: '#adb5bd', missedText: '#868e96',
} as const;

function stateStyle(state: DiagramState, visited: Visited | undefined): string[] {
  if (!visited) return [];
  const reached = visited.states.has(state.id);
  return reached
    ? [`fillcolor=${q(COLOURS.visitedFill)}`, `color=${q(COLOURS.visitedLine)}`]
    : [`fillcolor=${q(COLOURS.missedFill)}`, `color=${q(COLOURS.missedLine)}`, `fontcolor=${q(COLOURS.missedText)}`];
}

/** A state's name, and under a rule its internal (targetless) transitions, one per line. */
function stateLabel(state: DiagramState, internal: readonly DiagramTransition[], visited: Visited | undefined): string {
  if (internal.length === 0) return q(state.key);
  const rows = internal.map((t) => {
    const colour = visited ? (taken(visited, t) ? COLOURS.visitedLine : COLOURS.missedText) : t.ignored ? COLOURS.missedText : '#000000';
    const text = html(transitionLabel(t));
    return `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="${colour}">${t.ignored ? `<I>${text}</I>` : text}</FONT></TD></TR>`;
  });
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD>${html(state.key)}</TD></TR><HR/>${rows.join('')}</TABLE>>`;
}

function stateLines(state: DiagramState, indent: string, visited: Visited | undefined, internal: ReadonlyMap<string, DiagramTransition[]>, out: string[]): void {
  const label = stateLabel(state, internal.get(state.id) ?? [], visited);
  if (state.children.length === 0) {
    const attrs = [`label=${label}`, ...(state.kind === 'final' ? ['peripheries=2'] : []), ...stateStyle(state, visited)];
    out.push(`${indent}${q(state.id)} [${attrs.join(', ')}];`);
    return;
  }
  const inner = `${indent}  `;
  out.push(`${indent}subgraph ${q(clusterId(state.id))} {`);
  out.push(`${inner}label=${label}; style="rounded${visited ? ',filled' : ''}";`);
  if (visited) {
    const reached = visited.states.has(state.id);
    out.push(`${inner}fillcolor=${q(reached ? '#e9f5ee' : '#f8f9fa')}; color=${q(reached ? COLOURS.visitedLine : COLOURS.missedLine)};`);
  }
  // The initial pseudo-state stands for the compound state itself.
  out.push(`${inner}${q(state.id)} [shape=point, width=0.12, label=""];`);
  if (state.initial) out.push(`${inner}${q(state.id)} -> ${q(state.initial)};`);
  for (const child of state.children) stateLines(child, inner, visited, internal, out);
  out.push(`${indent}}`);
}

function edgeLines(model: DiagramModel, visited: Visited | undefined, out: string[]): void {
  const compound = new Set(allStates(model).filter((s) => s.children.length > 0).map((s) => s.id));
  const inside = (id: string, ancestor: string) => id.startsWith(`${ancestor}.`);
  const style = (t: DiagramTransition): string[] => {
    if (!visited) return [];
    return taken(visited, t)
      ? [`color=${q(COLOURS.visitedLine)}`, `fontcolor=${q(COLOURS.visitedLine)}`, 'penwidth=2']
      : [`color=${q(COLOURS.missedLine)}`, `fontcolor=${q(COLOURS.missedText)}`];
  };
  for (const t of model.transitions) {
    for (const target of t.targets) {
      const attrs = [`label=${q(transitionLabel(t))}`, ...style(t)];
      if (target !== t.source) {
        if (compound.has(t.source) && !inside(target, t.source)) attrs.push(`ltail=${q(clusterId(t.source))}`);
        if (compound.has(target) && !inside(t.source, target)) attrs.push(`lhead=${q(clusterId(target))}`);
      }
      out.push(`  ${q(t.source)} -> ${q(target)} [${attrs.join(', ')}];`);
    }
  }
}

/** A one-line coverage tally for the graph's title. */
export function coverageTally(model: DiagramModel, visited: Visited): string {
  const states = allStates(model);
  const reachedStates = states.filter((s) => visited.states.has(s.id)).length;
  const keys = new Set(model.transitions.map((t) => t.key));
  const reachedTransitions = [...keys].filter((k) => visited.transitions.has(k)).length;
  return `coverage: ${reachedStates}/${states.length} states, ${reachedTransitions}/${keys.size} transitions`;
}

export function toDot(model: DiagramModel, visited?: Visited): string {
  const out = [`digraph ${q(model.machine)} {`];
  out.push(`  compound=true; rankdir=TB; fontname="Helvetica"; fontsize=12;`);
  // The machine's name is on its outer box; the graph's title is only the coverage tally.
  if (visited) out.push(`  label=${q(coverageTally(model, visited))}; labelloc=t;`);
  out.push(`  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];`);
  out.push(`  edge [fontname="Helvetica", fontsize=9];`);
  const internal = new Map<string, DiagramTransition[]>();
  for (const t of model.transitions) if (t.targets.length === 0) internal.set(t.source, [...(internal.get(t.source) ?? []), t]);
  stateLines(model.root, '  ', visited, internal, out);
  edgeLines(model, visited, out);
  out.push('}');
  return `${out.join('\n')}\n`;
}
