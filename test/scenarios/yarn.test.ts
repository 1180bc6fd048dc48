/**
 * Spark on YARN end to end: the ApplicationMaster's allocator gets containers from the
 * ResourceManager, NodeManagers run the executors in them, the driver kills an executor through
 * the AM, and a lost NodeManager's executors are replaced.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../runtime/cluster.js';
import { buildReport, driverEvents } from '../../runtime/report.js';
import { loadScenario } from '../../runtime/scenario.js';
import { timelineLines } from '../../runtime/timeline.js';
import { checkInvariants } from '../../runtime/checkers.js';
import { parseScenario } from '../../runtime/scenario.js';
import type { SchedulerBackendContext } from '../../machines/schedulerBackend.js';
import type { ApplicationMasterContext } from '../../machines/yarn/applicationMaster.js';
import { amAddress } from '../../machines/yarn/ids.js';

type Json = Record<string, unknown>;

function yarnCluster(options: { appConf?: Json; stages: Json[]; faults?: Json[]; stopWhenDone?: boolean; stopAt?: string }) {
  const scenario = parseScenario({
    seed: 5,
    clusterManager: 'yarn',
    nodeManagers: [{ count: 3, cores: 4, memory: '4g' }],
    applications: [{ name: 'etl', submitAt: '1s', conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '1g', ...(options.appConf ?? {}) }, jobs: [{ stages: options.stages }], stopWhenDone: options.stopWhenDone ?? true }],
    faults: options.faults ?? [],
    stopAt: options.stopAt ?? '30min',
  }, 'yarn.json');
  // Checked: every invariant after every delivered message (the run stops at a violation).
  const cluster = createCluster(scenario, { checked: true });
  const backend = () => cluster.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
  const am = () => cluster.actor(amAddress('appattempt_1767225600000_0001_000001'))?.getSnapshot().context as ApplicationMasterContext;
  const sent = (type: string) => cluster.trace.messages().filter((m) => m.message.type === type);
  return { cluster, backend, am, sent };
}

describe('Spark on YARN', () => {
  it('the AM gets spark.executor.instances containers, the NodeManagers run the executors in them and the job succeeds', () => {
    const { cluster, sent } = yarnCluster({ appConf: { 'spark.executor.instances': 3 }, stages: [{ id: 0, tasks: 24, taskDuration: '2s' }] });
    const result = cluster.run();
    expect(result.outcome).toBe('completed');
    const report = buildReport(cluster, result);
    expect(report.applications[0]!.jobs[0]).toMatchObject({ result: 'succeeded', tasks: 24, failedAttempts: 0 });
    // The first allocate asks for 3 containers of 1g + 384m overhead and 2 vcores.
    expect(sent('AllocateRequest')[0]!.message).toMatchObject({ ask: { numContainers: 3, capability: { memory: 1408, vCores: 2 } } });
    const starts = sent('StartContainerRequest').map((m) => m.message as { container: { id: string; nodeHost: string }; launchContext: { executorId: string } });
    expect(starts.map((s) => s.launchContext.executorId)).toEqual(['1', '2', '3']);
    expect(starts.map((s) => s.container.id)).toEqual(['02', '03', '04'].map((n) => `container_1767225600000_0001_01_0000${n}`));
    // Each executor registers with the driver from its container's host.
    const registrations = sent('RegisterExecutor').map((m) => m.message as { executorId: string; hostname: string });
    expect(registrations.map((r) => [r.executorId, r.hostname])).toEqual(starts.map((s) => [s.launchContext.executorId, s.container.nodeHost]));
    expect(report.yarn!.containers.map((c) => c.executorId)).toEqual(['1', '2', '3']);
    expect(checkInvariants(cluster)).toEqual([]);
    expect(cluster.run().violation).toBeUndefined();
  });

  it('without spark.executor.instances the AM targets DEFAULT_NUMBER_EXECUTORS (2)', () => {
    const { cluster, sent } = yarnCluster({ stages: [{ id: 0, tasks: 4, taskDuration: '1s' }] });
    cluster.run();
    expect(sent('StartContainerRequest')).toHaveLength(2);
  });

  it('KillExecutors -> AM -> YarnAllocator.killExecutor: the container is released, the NodeManager kills it, and the driver removes the executor as killed by the driver, without a replacement', () => {
    const { cluster, backend, am, sent } = yarnCluster({ appConf: { 'spark.executor.instances': 2 }, stages: [{ id: 0, tasks: 1, taskDuration: '1s' }], stopWhenDone: false, stopAt: '60s' });
    cluster.clock.setTimeout(() => {
      cluster.driverEndpoint(0, 'CoarseGrainedScheduler')!.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: true, countFailures: false, force: true });
    }, 20_000);
    cluster.run();
    expect(sent('YarnRequestExecutors').map((m) => m.message)).toEqual([{ type: 'YarnRequestExecutors', resourceProfileToTotalExecs: { 0: 0 } }]);
    expect(sent('YarnKillExecutors').map((m) => m.message)).toEqual([{ type: 'YarnKillExecutors', executorIds: ['1'] }]);
    const container = 'container_1767225600000_0001_01_000002';
    expect(sent('AllocateRequest').some((m) => (m.message as { releaseList: string[] }).releaseList.includes(container))).toBe(true);
    expect(sent('NodeHeartbeatResponse').some((m) => (m.message as { containersToCleanup: string[] }).containersToCleanup.includes(container))).toBe(true);
    // The disconnect makes the driver ask the AM why; the AM answers with the released container's reason.
    expect(sent('GetExecutorLossReason').map((m) => (m.message as { executorId: string }).executorId)).toEqual(['1']);
    expect(sent('ExecutorLossReasonReply').map((m) => m.message)).toEqual([{
      type: 'ExecutorLossReasonReply', executorId: '1',
      reason: { kind: 'ExecutorExited', exitCode: -100, exitCausedByApp: false, message: `Container ${container} exited from explicit termination request.` },
    }]);
    expect(backend().removed.map((r) => [r.executorId, r.removedReason])).toEqual([['1', 'Executor killed by driver.']]);
    expect(Object.keys(backend().executors)).toEqual(['2']);
    // adjustTargetNumExecutors lowered the driver's total (0: none requested before), and nothing replaced executor 1.
    expect(sent('StartContainerRequest')).toHaveLength(2);
    expect(am().allocator.targetNumExecutors).toBe(0);
    expect(checkInvariants(cluster)).toEqual([]);
    expect(cluster.run().violation).toBeUndefined();
  });

  it('a preempted container: the AM sends RemoveExecutor with "was preempted" (not the app\'s fault) and launches a replacement', () => {
    const { cluster, backend, sent } = yarnCluster({
      appConf: { 'spark.executor.instances': 2 },
      stages: [{ id: 0, tasks: 8, taskDuration: '10s' }],
      faults: [{ kind: 'container-killed', at: '8s', app: 'etl', executor: 1, exitStatus: 'PREEMPTED' }],
    });
    const result = cluster.run();
    expect(result.outcome).toBe('completed');
    const removed = backend().removed.find((r) => r.executorId === '1');
    expect(removed?.removedReason).toMatch(/^Container container_1767225600000_0001_01_000002 on host: 10\.0\.0\.1 was preempted\.$/);
    expect(sent('RemoveExecutor').some((m) => m.from.endsWith('/YarnAM'))).toBe(true);
    expect(sent('StartContainerRequest').map((m) => (m.message as { launchContext: { executorId: string } }).launchContext.executorId)).toEqual(['1', '2', '3']);
    const report = buildReport(cluster, result);
    expect(report.applications[0]!.jobs[0]).toMatchObject({ result: 'succeeded' });
    expect(report.yarn!.containers[0]).toMatchObject({ executorId: '1', exitStatus: -102, exitStatusName: 'PREEMPTED' });
    expect(checkInvariants(cluster)).toEqual([]);
    expect(cluster.run().violation).toBeUndefined();
  });

  it('a NodeManager crash: its executors go silent, the HeartbeatReceiver expires them, the AM releases their containers and new executors start on the other NodeManagers', () => {
    const { cluster, backend, sent } = yarnCluster({
      appConf: { 'spark.executor.instances': 2 },
      stages: [{ id: 0, tasks: 40, taskDuration: '10s' }],
      faults: [{ kind: 'node-manager-crash', at: '10s', nodeManager: 0 }],
    });
    const result = cluster.run();
    expect(result.outcome).toBe('completed');
    const lost = backend().removed.filter((r) => r.host === '10.0.0.1');
    expect(lost.map((r) => r.executorId)).toEqual(['1', '2']);
    for (const r of lost) expect(r.removedReason).toMatch(/^Executor heartbeat timed out after \d+ ms$/);
    const starts = sent('StartContainerRequest').map((m) => m.message as { container: { nodeHost: string }; launchContext: { executorId: string } });
    expect(starts.slice(2).map((s) => [s.launchContext.executorId, s.container.nodeHost])).toEqual([['3', '10.0.0.2'], ['4', '10.0.0.2']]);
    expect(buildReport(cluster, result).applications[0]!.jobs[0]).toMatchObject({ result: 'succeeded', tasks: 40 });
    expect(checkInvariants(cluster)).toEqual([]);
    expect(cluster.run().violation).toBeUndefined();
  });

  it('scenarios/yarn.json: same seed, byte-identical report and timeline, with the fault and Spark\'s memory-limit reason on its lines', () => {
    const once = () => {
      const cluster = createCluster(loadScenario('scenarios/yarn.json'));
      const result = cluster.run();
      return { report: JSON.stringify(buildReport(cluster, result)), timeline: timelineLines(cluster.trace.entries, { driverEvents: driverEvents(cluster) }) };
    };
    const a = once();
    expect(once()).toEqual(a);
    expect(a.timeline.some((l) => /FAULT container-killed container_1767225600000_0001_01_000003: the container is killed with exit status KILLED_EXCEEDED_PMEM \(-104\)$/.test(l))).toBe(true);
    expect(a.timeline.some((l) => l.endsWith('driver-0  executor 2 removed: Container killed by YARN for exceeding physical memory limits. 1.5 GB of 1.4 GB physical memory used. Consider boosting spark.executor.memoryOverhead.'))).toBe(true);
    expect(JSON.parse(a.report).yarn.containers[1]).toMatchObject({ executorId: '2', exitStatus: -104, exitStatusName: 'KILLED_EXCEEDED_PMEM' });
  });

  it('dynamic allocation on YARN: the allocation manager\'s requestTotalExecutors reaches the AM, which launches executors up to the raised target', () => {
    const { cluster, sent } = yarnCluster({
      appConf: { 'spark.dynamicAllocation.enabled': true, 'spark.dynamicAllocation.initialExecutors': 1, 'spark.dynamicAllocation.maxExecutors': 4 },
      stages: [{ id: 0, tasks: 40, taskDuration: '5s' }],
    });
    const result = cluster.run();
    expect(result.outcome).toBe('completed');
    expect(result.violation).toBeUndefined();
    const totals = sent('YarnRequestExecutors').map((m) => (m.message as { resourceProfileToTotalExecs: Record<number, number> }).resourceProfileToTotalExecs[0] ?? 0);
    // The initial target max(min, initial, instances) = 1, then the backlog ramps it up to maxExecutors.
    expect(totals[0]).toBe(1);
    expect(Math.max(...totals)).toBe(4);
    expect(sent('StartContainerRequest').length).toBeGreaterThanOrEqual(4);
  });
});
