/**
 * What one machine's coverage says was reached, as the renderers use it: from runtime/coverage.ts's
 * CoverageData (state ids and `<source> on <event>` keys per machine id).
 */
import type { CoverageData } from '../coverage.js';

export interface Visited { states: ReadonlySet<string>; transitions: ReadonlySet<string> }

export function visitedIn(coverage: CoverageData, machineId: string): Visited {
  return { states: new Set(coverage.states[machineId] ?? []), transitions: new Set(coverage.transitions[machineId] ?? []) };
}
