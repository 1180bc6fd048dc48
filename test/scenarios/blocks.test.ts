/**
 * The block manager control plane end to end: every executor's BlockManager registers with the
 * driver's BlockManagerMaster, cached partitions and broadcast pieces are booked where they are
 * stored, a broadcast's unpersist reaches every live block manager, and a lost executor's block
 * locations are dropped from the master.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as bucketed from '../../machines/bucketed.js';
import { createCluster } from '../../runtime/cluster.js';
import { buildReport } from '../../runtime/report.js';
import { checkInvariants } from '../../runtime/checkers.js';
import { parseScenario } from '../../runtime/scenario.js';
import type { BlockManagerMasterContext } from '../../machines/blockManagerMaster.js';
import type { SchedulerBackendContext } from '../../machines/schedulerBackend.js';

type Json = Record<string, unknown>;
const EXEC_CONF = { 'spark.executor.cores': 2, 'spark.executor.memory': '512m', 'spark.cores.max': 8 };

function run(options: { jobs: Json[]; faults?: Json[]; untilMs?: number }) {
  const scenario = parseScenario({
    seed: 5,
    workers: [{ count: 4, cores: 2, memory: '1g' }],
    applications: [{ name: 'ml', conf: EXEC_CONF, jobs: options.jobs }],
    faults: options.faults ?? [],
    stopAt: '30min',
  }, 'test.json');
  const cluster = createCluster(scenario, { checked: true });
  const result = cluster.run(options.untilMs);
  const master = () => cluster.driverEndpoint(0, 'BlockManagerMaster')!.getSnapshot().context as BlockManagerMasterContext;
  const backend = () => cluster.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
  return { cluster, result, report: buildReport(cluster, result), master, backend };
}

const executorsHolding = (m: BlockManagerMasterContext, blockPrefix: string) =>
  [...new Set(bucketed.entries(m.blockLocations).filter(([b]) => b.startsWith(blockPrefix)).flatMap(([, keys]) => keys.map((k) => k.split('@')[0]!)))].sort();

describe('block managers', () => {
  it('BlockManagerMaster: a broadcast unpersisted after its job is removed from every live executor\'s block manager (not the driver\'s), and the report counts 4 blocks from each', () => {
    // 10m in 4m pieces: 3 pieces + the value = 4 blocks per executor that read it.
    const { cluster, result, report } = run({ jobs: [{ broadcast: { size: '10m', unpersistAfterJob: true }, stages: [{ id: 0, tasks: 16, taskDuration: '2s' }] }] });
    expect(result.violation).toBeUndefined();
    const appId = report.applications[0]!.id!;
    const asked = cluster.trace.messages().filter((m) => m.type === 'RemoveBroadcast' && m.outcome === 'delivered').map((m) => m.to).sort();
    expect(asked).toEqual(['0', '1', '2', '3'].map((e) => `${appId}/${e}/BlockManagerEndpoint1`));
    const bm = report.applications[0]!.blockManagers!;
    expect(bm.removals).toEqual([{ kind: 'RemoveBroadcast', id: 0, blockManagers: 4, blocksRemoved: 16, byExecutor: { 0: 4, 1: 4, 2: 4, 3: 4 }, completedAtMs: expect.any(Number) }]);
    // The driver keeps its copy (removeFromDriver = false): its 3 pieces stay located there.
    expect(bm.blocks).toBe(3);
    expect(checkInvariants(cluster)).toEqual([]);
  });

  it('BlockManagerMaster: the unpersist skips an executor that crashed before it (its block manager was removed), and SparkContext.stop waits for the answers', () => {
    const { cluster, report } = run({
      jobs: [{ broadcast: { size: '3m', unpersistAfterJob: true }, stages: [{ id: 0, tasks: 40, taskDuration: '3s' }] }],
      faults: [{ at: '6s', kind: 'executor-crash', app: 'ml', executor: 1, exitCode: 137 }],
    });
    const bm = report.applications[0]!.blockManagers!;
    expect(bm.removed.map((r) => r.executorId)).toEqual(['1']);
    expect(Object.keys(bm.removals[0]!.byExecutor)).not.toContain('1');
    expect(bm.removals[0]!.blockManagers).toBe(bm.registered.filter((e) => e !== 'driver').length);
    const removalDone = bm.removals[0]!.completedAtMs;
    const unregister = cluster.trace.messages().find((m) => m.type === 'UnregisterApplication')!;
    expect(unregister.sentAtMs).toBeGreaterThanOrEqual(removalDone);
  });

  it('DAGScheduler executor lost: a crashed executor\'s cached partitions are dropped from the master, the others stay located', () => {
    const { master, report } = run({
      jobs: [
        { stages: [{ id: 0, tasks: 8, taskDuration: '2s', cache: true }] },
        { submitAt: '30s', stages: [{ id: 0, tasks: 1, taskDuration: '1s' }] },
      ],
      faults: [{ at: '20s', kind: 'executor-crash', app: 'ml', executor: 2, exitCode: 137 }],
      untilMs: 25_000,
    });
    const m = master();
    expect(bucketed.values(m.blockManagerIdByExecutor).some((k) => k.startsWith('2@'))).toBe(false);
    expect(executorsHolding(m, 'rdd_0_')).toEqual(['0', '1', '3']);
    expect(bucketed.keys(m.blockLocations).filter((b) => b.startsWith('rdd_0_')).length).toBe(6);
    expect(report.applications[0]!.blockManagers!.removed.map((r) => r.executorId)).toEqual(['2']);
  });

  it('HeartbeatReceiver expiry of a hung executor: its block manager and block locations are dropped once the driver removes it', () => {
    const { master, backend } = run({
      jobs: [
        { stages: [{ id: 0, tasks: 8, taskDuration: '2s', cache: true }] },
        { submitAt: '400s', stages: [{ id: 0, tasks: 1, taskDuration: '1s' }] },
      ],
      faults: [{ at: '10s', kind: 'executor-hang', app: 'ml', executor: 3 }],
      untilMs: 300_000,
    });
    expect(backend().removed.map((r) => r.executorId)).toContain('3');
    expect(bucketed.keys(master().blockManagerIdByExecutor)).not.toContain('3');
    expect(executorsHolding(master(), 'rdd_0_')).not.toContain('3');
  });

  it('rdd.unpersist() after the job: the master drops the RDD\'s locations and asks every block manager RemoveRdd, which count the partitions they held', () => {
    const { master, report } = run({ jobs: [{ stages: [{ id: 0, tasks: 12, taskDuration: '2s', cache: { unpersistAfterJob: true } }] }] });
    expect(bucketed.keys(master().blockLocations).filter((b) => b.startsWith('rdd_'))).toEqual([]);
    const removal = report.applications[0]!.blockManagers!.removals.find((r) => r.kind === 'RemoveRdd')!;
    expect(removal.id).toBe(0);
    expect(removal.blocksRemoved).toBe(12);
    expect(removal.blockManagers).toBe(5); // the driver's block manager is asked too (it holds none)
    expect(removal.byExecutor['driver']).toBe(0);
  });

  it('scenario validation: cache and broadcast are checked with a clear message', () => {
    const parse = (job: Json) => () => parseScenario({ workers: [{ cores: 2, memory: '1g' }], applications: [{ name: 'a', jobs: [job] }] }, 'bad.json');
    expect(parse({ stages: [{ id: 0, tasks: 1, taskDuration: '1s', cache: 'yes' }] })).toThrow(/applications\[0\]\.jobs\[0\]\.stages\[0\]\.cache: .*true, false or \{ "unpersistAfterJob": true \}/);
    expect(parse({ broadcast: { size: 'big' }, stages: [{ id: 0, tasks: 1, taskDuration: '1s' }] })).toThrow(/applications\[0\]\.jobs\[0\]\.broadcast\.size: .*not a size/);
    expect(parse({ broadcast: { size: '1m', unpersist: true }, stages: [{ id: 0, tasks: 1, taskDuration: '1s' }] })).toThrow(/broadcast/);
  });

  it('the blocks-and-broadcast scenario file runs with its invariants intact and a stable report', () => {
    const text = readFileSync(new URL('../../scenarios/blocks-and-broadcast.json', import.meta.url), 'utf8');
    const once = () => {
      const cluster = createCluster(parseScenario(JSON.parse(text), 'blocks-and-broadcast.json'), { checked: true });
      const result = cluster.run();
      expect(result.violation).toBeUndefined();
      return JSON.stringify(buildReport(cluster, result));
    };
    const first = once();
    expect(once()).toBe(first);
    const bm = (JSON.parse(first) as { applications: Array<{ blockManagers: { removals: Array<{ kind: string; id: number; blocksRemoved: number }> } }> }).applications[0]!.blockManagers;
    expect(bm.removals.map((r) => `${r.kind} ${r.id}`)).toEqual(['RemoveBroadcast 0', 'RemoveBroadcast 1']);
  });
});
