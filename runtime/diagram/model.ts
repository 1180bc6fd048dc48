/**
 * A statechart's drawing model, read from the machine's own definition (its StateNode tree,
 * `machine.root`), never from a hand-kept copy: the diagram changes when the machine does.
 *
 * Transitions carry the key that runtime/coverage.ts records (`<source id> on <event type>`,
 * `always` for eventless ones), so a coverage file colours exactly the edges a run took.
 */
import type { AnyStateMachine } from 'xstate';

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface DiagramState {
  /** XState's full id (`ExecutorRunner.KILLED.terminating`): unique in the machine, the coverage key. */
  id: string;
  /** Spark's state name as the machine spells it (`terminating`, `RUNNING`). */
  key: string;
  kind: StateKind;
  /** The child entered first (compound states). */
  initial?: string;
  children: DiagramState[];
}

export interface DiagramTransition {
  /** The coverage key: `<source id> on <event type>` (`always` for eventless transitions). */
  key: string;
  source: string;
  /** Target state ids; empty for a targetless transition (actions only, or an event the state ignores). */
  targets: string[];
  /** Spark's message or event name (`ExecutorStateChanged`), `after <delay>` for a named timeout, `always` for eventless. */
  event: string;
  /** The guard's name (`retriesExhausted`, `not masterDisconnected`), when the transition is guarded. */
  guard?: string;
  /** Targetless with no actions: the state swallows the event on purpose. */
  ignored: boolean;
  /** Index among the state's transitions for this event (guarded alternatives): with `key`, the coverage branch. */
  branch: number;
}

export interface DiagramModel {
  machine: string;
  root: DiagramState;
  /** In document order: state by state, each state's events in definition order. */
  transitions: DiagramTransition[];
}

interface GuardLike { type?: string; name?: string; guards?: unknown[] }
interface TransitionLike { eventType: string; target?: Array<{ id: string }>; guard?: unknown; actions: unknown[]; reenter?: boolean }
interface NodeLike {
  id: string;
  key: string;
  type: StateKind;
  states: Record<string, NodeLike>;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
  initial?: { target: Array<{ id: string }> };
  machine: { implementations?: { delays?: Record<string, unknown> } };
}

/**
 * A guard as text: a named guard's name, and/or/not spelled out (XState's combinators are
 * functions named `and`, `or`, `not` holding their operands in `guards`), an inline one `guarded`.
 */
export function guardText(guard: unknown): string {
  if (guard === undefined || guard === null) return '';
  if (typeof guard === 'string') return guard;
  const g = guard as GuardLike;
  if (typeof guard === 'function' && Array.isArray(g.guards)) {
    const operands = g.guards.map(guardText);
    if (g.name === 'not') return `not ${operands[0]}`;
    if (g.name === 'and' || g.name === 'or') return operands.map((o) => (/ (and|or) /.test(o) ? `(${o})` : o)).join(` ${g.name} `);
  }
  if (typeof g.type === 'string') return g.type;
  return 'guarded';
}

/** `xstate.after.REGISTRATION_TIMEOUT.AppClient.REGISTERING` -> `after REGISTRATION_TIMEOUT`. */
export function eventText(eventType: string, sourceId: string): string {
  if (eventType === '') return 'always';
  const prefix = 'xstate.after.';
  if (eventType.startsWith(prefix)) {
    const delay = eventType.slice(prefix.length, eventType.length - sourceId.length - 1);
    return `after ${delay}`;
  }
  return eventType;
}

function stateOf(node: NodeLike): DiagramState {
  const children = Object.values(node.states).map(stateOf);
  return {
    id: node.id,
    key: node.key,
    kind: node.type,
    ...(node.type === 'compound' && node.initial?.target[0] ? { initial: node.initial.target[0].id } : {}),
    children,
  };
}

function transitionsOf(node: NodeLike, out: DiagramTransition[]): void {
  const add = (eventType: string, t: TransitionLike, branch: number) => {
    const targets = (t.target ?? []).map((s) => s.id);
    const guard = guardText(t.guard);
    out.push({
      key: `${node.id} on ${eventType === '' ? 'always' : eventType}`,
      source: node.id,
      targets,
      event: eventText(eventType, node.id),
      ...(guard !== '' ? { guard } : {}),
      ignored: targets.length === 0 && t.actions.length === 0 && !t.reenter,
      branch,
    });
  };
  for (const [eventType, list] of node.transitions) list.forEach((t, i) => add(eventType, t, i));
  (node.always ?? []).forEach((t, i) => add('', t, i));
  for (const child of Object.values(node.states)) transitionsOf(child, out);
}

export function diagramModel(machine: AnyStateMachine): DiagramModel {
  const root = machine.root as unknown as NodeLike;
  const transitions: DiagramTransition[] = [];
  transitionsOf(root, transitions);
  return { machine: machine.id, root: stateOf(root), transitions };
}

/** Every state of the model, depth first, the root first. */
export function allStates(model: DiagramModel): DiagramState[] {
  const out: DiagramState[] = [];
  const walk = (s: DiagramState) => {
    out.push(s);
    s.children.forEach(walk);
  };
  walk(model.root);
  return out;
}

/** A transition's edge label: the event, then the guard in brackets (UML's `event [guard]`). */
export function transitionLabel(t: DiagramTransition): string {
  return `${t.event}${t.guard !== undefined ? ` [${t.guard}]` : ''}${t.ignored ? ' (ignored)' : ''}`;
}
