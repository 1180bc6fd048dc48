/**
 * What one machine's coverage says was reached, as the renderers use it: from runtime/coverage.ts's
 * CoverageData (state ids, `<source> on <event>` keys and, when recorded, which guarded branch).
 */
import { branchKey, type CoverageData } from '../coverage.js';
import type { DiagramTransition } from './model.js';

export interface Visited { states: ReadonlySet<string>; transitions: ReadonlySet<string>; branches?: ReadonlySet<string> }

export function visitedIn(coverage: CoverageData, machineId: string): Visited {
  const branches = coverage.branches?.[machineId];
  return {
    states: new Set(coverage.states[machineId] ?? []),
    transitions: new Set(coverage.transitions[machineId] ?? []),
    ...(branches ? { branches: new Set(branches) } : {}),
  };
}

/** Whether the run took this transition: its own branch when recorded, else any branch of its event. */
export function taken(visited: Visited, t: DiagramTransition): boolean {
  return visited.branches ? visited.branches.has(branchKey(t.key, t.branch)) : visited.transitions.has(t.key);
}
