/**
 * Issue 4's narratives on YARN as on standalone: the shipped dynamic-allocation and
 * blocks-and-broadcast scenarios run unchanged but for the cluster manager (NodeManagers instead
 * of Workers), and a NodeManager crash drops the lost executors' block locations from the
 * driver's BlockManagerMaster.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as bucketed from '../../machines/bucketed.js';
import { checkInvariants } from '../../runtime/checkers.js';
import { createCluster } from '../../runtime/cluster.js';
import { buildReport } from '../../runtime/report.js';
import { parseScenario } from '../../runtime/scenario.js';
import type { BlockManagerMasterContext } from '../../machines/blockManagerMaster.js';
import type { SchedulerBackendContext } from '../../machines/schedulerBackend.js';

type Json = Record<string, any>;

/** A shipped scenario moved onto YARN: its workers become NodeManagers of the same shape. */
function onYarn(file: string, edit: (s: Json) => void = () => undefined) {
  const s = JSON.parse(readFileSync(new URL(`../../scenarios/${file}`, import.meta.url), 'utf8')) as Json;
  s.clusterManager = 'yarn';
  s.nodeManagers = s.workers;
  delete s.workers;
  edit(s);
  const cluster = createCluster(parseScenario(s, file), { checked: true });
  const result = cluster.run();
  expect(result.violation).toBeUndefined();
  expect(checkInvariants(cluster)).toEqual([]);
  return { cluster, report: buildReport(cluster, result) };
}

describe('dynamic allocation on YARN (scenarios/dynamic-allocation.json)', () => {
  const { cluster, report } = onYarn('dynamic-allocation.json');
  const app = report.applications[0]!;
  // On YARN the report's executors are the containers (report.yarn); the driver keeps the removals.
  const backend = cluster.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;

  it('a backlogged 1,000-task stage ramps the target 1 -> 2 -> 4 -> 8 -> 10 one backlog timeout apart, and the job succeeds', () => {
    const ramp = app.executorTargets.slice(0, 5);
    expect(ramp.map((t) => t.target)).toEqual([1, 2, 4, 8, 10]);
    for (let i = 2; i < 5; i++) expect(ramp[i]!.atMs - ramp[i - 1]!.atMs).toBe(1000);
    expect(app.jobs[0]).toMatchObject({ result: 'succeeded', tasks: 1000 });
    expect(report.yarn!.containers.length).toBe(10);
  });

  it('after the stage the executors drain to minExecutors, killed by the driver no sooner than executorIdleTimeout (60 s) after the target fell', () => {
    expect(app.executorTargets.at(-1)!.target).toBe(1);
    const fallStart = app.executorTargets[5]!.atMs;
    const start = Date.parse('2026-01-01T00:00:00Z');
    expect(backend.removed).toHaveLength(9);
    expect(new Set(backend.removed.map((e) => e.removedReason))).toEqual(new Set(['Executor killed by driver.']));
    for (const e of backend.removed) expect(e.removedTs - start - fallStart).toBeGreaterThanOrEqual(60_000);
    expect(Object.keys(backend.executors)).toHaveLength(1);
    // The report lists the containers as the application's executors, with the driver's loss reasons.
    const removed = app.executors.filter((e) => e.removedReason !== null);
    expect(app.executors).toHaveLength(10);
    expect(removed.map((e) => String(e.id)).sort()).toEqual(backend.removed.map((r) => r.executorId).sort());
    expect(new Set(removed.map((e) => e.removedReason))).toEqual(new Set(['Executor killed by driver.']));
    expect(new Set(removed.map((e) => e.state))).toEqual(new Set(['COMPLETE']));
    for (const e of removed) expect(e.removedAtMs! - fallStart).toBeGreaterThanOrEqual(60_000);
  });
});

describe('block managers on YARN (scenarios/blocks-and-broadcast.json)', () => {
  it('each broadcast unpersist reaches every live block manager and reports how many removed it', () => {
    const { report } = onYarn('blocks-and-broadcast.json', (s) => {
      s.applications[0].conf['spark.executor.instances'] = 8;
      s.faults = [];
    });
    const bm = report.applications[0]!.blockManagers!;
    const broadcasts = bm.removals.filter((r) => r.kind === 'RemoveBroadcast');
    expect(broadcasts).toHaveLength(2);
    for (const r of broadcasts) {
      expect(r.blockManagers).toBe(8);
      expect(Object.keys(r.byExecutor).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      expect(r.blocksRemoved).toBe(Object.values(r.byExecutor).reduce<number>((a, b) => a + Number(b), 0));
    }
  });

  it('a NodeManager crash: the lost executors are removed from the BlockManagerMaster and none of their cached blocks keeps a location', () => {
    const { cluster, report } = onYarn('blocks-and-broadcast.json', (s) => {
      s.applications[0].conf['spark.executor.instances'] = 4;
      s.faults = [{ at: '8s', kind: 'node-manager-crash', nodeManager: 0 }];
    });
    const app = report.applications[0]!;
    const onCrashedNode = report.yarn!.containers.filter((c) => c.nodeId.startsWith('10.0.0.1:')).map((c) => c.executorId);
    expect(onCrashedNode.length).toBeGreaterThan(0);
    expect(app.blockManagers!.removed.map((r) => r.executorId)).toEqual(expect.arrayContaining(onCrashedNode));
    // They had stored cached rdd blocks before the crash (UpdateBlockInfo to the master)...
    const updaters = new Set(cluster.trace.messages().filter((m) => m.message.type === 'UpdateBlockInfo').map((m) => (m.message as { blockManagerId: { executorId: string } }).blockManagerId.executorId));
    for (const id of onCrashedNode) expect(updaters.has(id)).toBe(true);
    // ...and the master no longer knows them nor locates any block at them.
    const bmm = cluster.driverEndpoint(0, 'BlockManagerMaster')!.getSnapshot().context as BlockManagerMasterContext;
    for (const id of onCrashedNode) expect(bucketed.get(bmm.blockManagerIdByExecutor, id)).toBeUndefined();
    const live = new Set(bucketed.keys(bmm.blockManagerInfo));
    for (const holders of bucketed.values(bmm.blockLocations)) for (const h of holders) expect(live.has(h)).toBe(true);
    expect(bucketed.values(bmm.blockManagerInfo).map((i) => i.blockManagerId.executorId)).not.toEqual(expect.arrayContaining([onCrashedNode[0]]));
    expect(app.jobs.every((j) => j.result === 'succeeded')).toBe(true);
  });
});
