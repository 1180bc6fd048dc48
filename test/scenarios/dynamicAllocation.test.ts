/**
 * Dynamic allocation end to end (scenarios/dynamic-allocation.json): an application with no
 * executors but minExecutors 1 gets a 1,000-task stage; the ExecutorAllocationManager ramps the
 * target on Spark's schedule, the Master launches executors up to the target, and once the stage
 * is done the idle executors are killed by the driver, down to minExecutors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../runtime/checkers.js';
import { createCluster } from '../../runtime/cluster.js';
import { buildReport } from '../../runtime/report.js';
import { parseScenario } from '../../runtime/scenario.js';
import type { MasterContext } from '../../machines/master.js';

const FILE = new URL('../../scenarios/dynamic-allocation.json', import.meta.url);
const raw = () => JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, any>;

function run(edit: (s: Record<string, any>) => void = () => undefined) {
  const scenario = raw();
  edit(scenario);
  const cluster = createCluster(parseScenario(scenario, 'dynamic-allocation.json'), { checked: true });
  const result = cluster.run();
  return { cluster, result, report: buildReport(cluster, result) };
}

describe('dynamic allocation', () => {
  const { cluster, result, report } = run();
  const app = report.applications[0]!;

  it('ExecutorAllocationManager: a backlogged 1,000-task stage ramps the target 1 -> 2 -> 4 -> 8 -> 10 (maxExecutors), one step per backlog timeout', () => {
    expect(result.violation).toBeUndefined();
    expect(checkInvariants(cluster)).toEqual([]);
    const ramp = app.executorTargets.slice(0, 5);
    expect(ramp.map((t) => t.target)).toEqual([1, 2, 4, 8, 10]);
    // The first raise comes schedulerBacklogTimeout (1 s) after the stage was submitted (at 0 s),
    // on a schedule() tick; the next ones sustainedSchedulerBacklogTimeout (1 s) apart.
    expect(ramp[1]!.atMs).toBeGreaterThanOrEqual(1000);
    expect(ramp[1]!.atMs).toBeLessThan(1100);
    for (let i = 2; i < 5; i++) expect(ramp[i]!.atMs - ramp[i - 1]!.atMs).toBe(1000);
  });

  it('Master: launches no executor before the first request (initial limit 0) and never more than the target', () => {
    expect(Math.min(...app.executors.map((e) => e.launchedAtMs ?? Infinity))).toBeGreaterThanOrEqual(app.executorTargets[0]!.atMs);
    expect(app.executors).toHaveLength(10);
    expect(app.jobs).toEqual([{ id: 0, result: 'succeeded', failureReason: null, tasks: 1000, attempts: 1000, failedAttempts: 0 }]);
  });

  it('after the stage, the target falls to minExecutors and the idle executors are killed by the driver executorIdleTimeout later, down to minExecutors', () => {
    const last = app.executorTargets.at(-1)!;
    expect(last.target).toBe(1);
    const removed = app.executors.filter((e) => e.removedAtMs !== null);
    expect(removed).toHaveLength(9);
    expect(new Set(removed.map((e) => e.removedReason))).toEqual(new Set(['Executor killed by driver.']));
    expect(removed.map((e) => e.state)).toEqual(removed.map(() => 'KILLED'));
    // The job ended when the target started to fall; no executor was removed sooner than 60 s after that.
    const fallStart = app.executorTargets[5]!.atMs;
    for (const e of removed) expect(e.removedAtMs! - fallStart).toBeGreaterThanOrEqual(60_000);
    const master = cluster.actor('master/Master')!.getSnapshot().context as MasterContext;
    const live = Object.values(master.apps[app.id!]!.executors);
    expect(live).toHaveLength(1);
    expect(master.apps[app.id!]!.executorLimit).toBe(1);
  });

  it('gives a byte-identical report for the same scenario and seed', () => {
    expect(JSON.stringify(run().report)).toBe(JSON.stringify(report));
  });

  it('stops the ramp at maxExecutors 3: 1 -> 2 -> 3, and the Master launches 3 executors', () => {
    const capped = run((s) => { s.applications[0].conf['spark.dynamicAllocation.maxExecutors'] = 3; }).report.applications[0]!;
    expect(capped.executorTargets.slice(0, 3).map((t) => t.target)).toEqual([1, 2, 3]);
    expect(capped.executors).toHaveLength(3);
  });
});

/**
 * Dynamic allocation and the block manager control plane together: the stage caches its output
 * (`"cache": true`), so every executor's BlockManager reports rdd blocks, the BlockManagerMaster
 * posts SparkListenerBlockUpdated and the ExecutorMonitor holds those executors under
 * spark.dynamicAllocation.cachedExecutorIdleTimeout instead of executorIdleTimeout.
 */
describe('dynamic allocation with cached blocks', () => {
  const cached = (timeout?: string) => run((s) => {
    s.applications[0].jobs[0].stages[0].cache = true;
    if (timeout) s.applications[0].conf['spark.dynamicAllocation.cachedExecutorIdleTimeout'] = timeout;
  });

  it('executors holding cached blocks outlive executorIdleTimeout: with the default (infinity) none is killed', () => {
    const { result, report } = cached();
    expect(result.violation).toBeUndefined();
    const app = report.applications[0]!;
    expect(app.executorTargets.at(-1)!.target).toBe(1);
    expect(app.blockManagers!.cachedRddBlocks).toBe(1000);
    expect(app.executors.filter((e) => e.removedAtMs !== null)).toEqual([]);
  });

  it('with cachedExecutorIdleTimeout 150s they are killed by the driver that long after going idle, not 60 s after', () => {
    const { result, report } = cached('150s');
    expect(result.violation).toBeUndefined();
    const app = report.applications[0]!;
    const fallStart = app.executorTargets[5]!.atMs;
    const removed = app.executors.filter((e) => e.removedAtMs !== null);
    expect(removed).toHaveLength(9);
    expect(new Set(removed.map((e) => e.removedReason))).toEqual(new Set(['Executor killed by driver.']));
    for (const e of removed) expect(e.removedAtMs! - fallStart).toBeGreaterThanOrEqual(150_000);
    // Killed executors take their cached blocks with them: the master drops their locations.
    expect(app.blockManagers!.removed.map((r) => r.executorId).sort()).toEqual(removed.map((e) => String(e.id)).sort());
  });
});
