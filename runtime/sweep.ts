/**
 * Runs many seeded fault storms and collects what went wrong: an invariant violated (safety),
 * or applications that never finished once the faults stopped (liveness). Each failure carries
 * the scenario that replays it.
 */
import { createCluster } from './cluster.js';
import { checkInvariants } from './checkers.js';
import { parseScenario } from './scenario.js';
import { stormScenario, type StormMode, type StormVariant } from './storm.js';
import { timelineLines } from './timeline.js';
import { shrinkFaults } from './shrink.js';
import { Coverage, type CoverageData } from './coverage.js';

export interface SweepFailure {
  seed: number;
  mode: StormMode;
  kind: 'safety' | 'liveness' | 'determinism';
  detail: string;
  /** The scenario file that replays this failure with `spark-statecharts run`. */
  scenario: Record<string, unknown>;
}

export interface SeedResult { seed: number; mode: StormMode; simulatedMs: number; failure?: SweepFailure; coverage?: CoverageData }

export interface SeedOptions { checkDeterminism?: boolean; coverage?: boolean; variant?: StormVariant }

/** One seed: build its storm, run it checked, judge it. */
export function runSeed(seed: number, mode: StormMode, options: SeedOptions = {}): SeedResult {
  return judge(stormScenario({ seed, mode, ...options.variant }), seed, mode, options);
}

/** Runs a storm scenario checked and judges it; shrinking calls this on smaller fault plans. */
export function judge(raw: Record<string, unknown>, seed: number, mode: StormMode, options: SeedOptions = {}): SeedResult {
  const coverage = options.coverage ? new Coverage() : undefined;
  const once = (observe = coverage?.observe) => {
    const cluster = createCluster(parseScenario(raw, `storm-${mode}-${seed}.json`), { checked: true, ...(observe ? { inspect: observe } : {}) });
    const result = cluster.run();
    return { cluster, result };
  };
  const { cluster, result } = once();
  const covered = coverage ? { coverage: coverage.toJSON() } : {};
  const fail = (kind: SweepFailure['kind'], detail: string): SeedResult => ({ seed, mode, simulatedMs: result.simulatedMs, failure: { seed, mode, kind, detail, scenario: raw }, ...covered });
  if (result.violation) return fail('safety', result.violation.message);
  const atEnd = checkInvariants(cluster);
  if (atEnd.length > 0) return fail('safety', atEnd[0]!);
  if (mode === 'liveness' && result.outcome !== 'completed') {
    const open = cluster.scenario.applications.filter((app) => cluster.driverEndpoint(app.index, 'AppClient')?.getSnapshot().status !== 'done').map((a) => a.name);
    return fail('liveness', `applications never finished after the faults stopped: ${open.join(', ')}`);
  }
  if (options.checkDeterminism) {
    const again = once(undefined);
    const a = timelineLines(cluster.trace.entries, { verbose: true }).join('\n');
    const b = timelineLines(again.cluster.trace.entries, { verbose: true }).join('\n');
    if (a !== b) return fail('determinism', 'the same seed gave two different traces');
  }
  return { seed, mode, simulatedMs: result.simulatedMs, ...covered };
}

/** The smallest fault plan that still fails the same way (see shrink.ts). */
export function shrinkFailure(failure: SweepFailure): Record<string, unknown> {
  return shrinkFaults(failure.scenario, (candidate) => judge(candidate, failure.seed, failure.mode).failure?.kind === failure.kind).scenario;
}
