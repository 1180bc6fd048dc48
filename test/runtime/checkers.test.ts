/** Each invariant checker catches a violation planted on purpose in a running cluster's books. */
import { describe, expect, it } from 'vitest';
import { CHECKERS, CheckRunner, checkInvariants, traceViolations, violations, type Checker } from '../../runtime/checkers.js';
import type { Cluster } from '../../runtime/cluster.js';
import { stormScenario } from '../../runtime/storm.js';
import { createCluster } from '../../runtime/cluster.js';
import { parseScenario } from '../../runtime/scenario.js';
import type { MasterContext } from '../../machines/master.js';
import type { WorkerContext } from '../../machines/worker.js';
import type { SchedulerBackendContext } from '../../machines/schedulerBackend.js';
import { runningEntries, runningTasksOf } from '../../machines/runningTasks.js';
import type { HeartbeatReceiverContext } from '../../machines/heartbeatReceiver.js';
import type { AllocationManagerContext } from '../../machines/allocationManager.js';
import type { BlockManagerMasterContext } from '../../machines/blockManagerMaster.js';
import * as bucketed from '../../machines/bucketed.js';

function runningCluster() {
  const cluster = createCluster(parseScenario({
    workers: [{ count: 2, cores: 4, memory: '1g' }],
    applications: [{ name: 'etl', conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '256m' }, jobs: [{ stages: [{ id: 0, tasks: 100, taskDuration: '10s' }] }] }],
  }, 'planted.json'), { checked: true });
  const result = cluster.run(30_000);
  expect(result.violation).toBeUndefined();
  expect(checkInvariants(cluster)).toEqual([]);
  return cluster;
}
const ctx = <T>(cluster: ReturnType<typeof runningCluster>, id: string) => cluster.actor(id)!.getSnapshot().context as T;
const names = (found: string[]) => [...new Set(found.map((v) => v.split(':')[0]))];

describe('invariant checkers', () => {
  it('catch a worker whose books disagree with its executors', () => {
    const c = runningCluster();
    ctx<WorkerContext>(c, '10.0.0.1/Worker').coresUsed += 1;
    expect(names(violations(c))).toEqual(['worker-resources']);
  });

  it('catch the Master over-allocating a worker', () => {
    const c = runningCluster();
    const w = bucketed.values(ctx<MasterContext>(c, 'master/Master').workers)[0]!;
    (w as { cores: number }).cores = 1;
    expect(names(violations(c))).toEqual(['master-resources']);
  });

  it('catch a dynamic allocation target outside [minExecutors, maxExecutors]', () => {
    const cluster = createCluster(parseScenario({
      workers: [{ count: 2, cores: 4, memory: '1g' }],
      applications: [{
        name: 'elastic',
        conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '256m', 'spark.dynamicAllocation.enabled': true, 'spark.dynamicAllocation.minExecutors': 1, 'spark.dynamicAllocation.maxExecutors': 3 },
        jobs: [{ stages: [{ id: 0, tasks: 100, taskDuration: '10s' }] }],
      }],
    }, 'planted.json'), { checked: true });
    expect(cluster.run(10_000).violation).toBeUndefined();
    expect(checkInvariants(cluster)).toEqual([]);
    const eam = cluster.driverEndpoint(0, 'ExecutorAllocationManager')!.getSnapshot().context as AllocationManagerContext;
    expect(eam.target).toBe(3);
    eam.target = 4;
    expect(names(violations(cluster))).toEqual(['allocation-target']);
    eam.target = 0;
    expect(violations(cluster)).toEqual(['allocation-target: elastic: allocation target 0 outside [1, 3]']);
  });

  it('catch negative free cores on the driver', () => {
    const c = runningCluster();
    const backend = c.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
    backend.executors['0']!.freeCores = -1;
    expect(names(violations(c))).toEqual(['driver-free-cores']);
  });

  it('catch a task still running on an executor the driver removed', () => {
    const c = runningCluster();
    const backend = c.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
    delete backend.executors['0'];
    expect(names(violations(c))).toContain('no-task-on-removed-executor');
  });

  it('catch an attempt still running for a task set that has finished', () => {
    const c = runningCluster();
    const backend = c.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
    const stray = { taskSetKey: '99.0', index: 0, executorId: '0', host: 'h', attemptNumber: 0, launchTime: 0, launching: false, killedByOtherAttempt: false };
    backend.scheduler.tasks = runningTasksOf([...runningEntries(backend.scheduler.tasks), [99_999, stray]]);
    expect(names(violations(c))).toEqual(['finished-task-set-has-no-running-attempts']);
  });

  it('catch HeartbeatReceiver tracking an executor the driver does not know', () => {
    const c = runningCluster();
    const hr = c.driverEndpoint(0, 'HeartbeatReceiver')!.getSnapshot().context as HeartbeatReceiverContext;
    hr.executorLastSeen = bucketed.set(hr.executorLastSeen, '42', 0);
    expect(names(violations(c))).toEqual(['heartbeat-tracking']);
  });

  it('catch the BlockManagerMaster locating a block at a block manager that was removed (RemoveExecutor left a location behind)', () => {
    const c = runningCluster();
    const bmm = c.driverEndpoint(0, 'BlockManagerMaster')!.getSnapshot().context as BlockManagerMasterContext;
    expect(bucketed.size(bmm.blockManagerInfo)).toBeGreaterThan(1);
    const key = bucketed.get(bmm.blockManagerIdByExecutor, '0')!;
    // Plant: the executor's block manager is forgotten, but its block location is kept.
    bmm.blockLocations = bucketed.set(bmm.blockLocations, 'rdd_0_0', [key]);
    bmm.blockManagerInfo = bucketed.remove(bmm.blockManagerInfo, [key]);
    expect(names(violations(c))).toEqual(['block-manager-books']);
    expect(violations(c)).toContain(`block-manager-books: etl: block rdd_0_0 is located at block manager ${key}, which is not registered`);
  });

  it('catch a block a block manager holds that the master does not locate there', () => {
    const c = runningCluster();
    const bmm = c.driverEndpoint(0, 'BlockManagerMaster')!.getSnapshot().context as BlockManagerMasterContext;
    const key = bucketed.get(bmm.blockManagerIdByExecutor, '1')!;
    bucketed.get(bmm.blockManagerInfo, key)!.blocks['rdd_0_1'] = { storageLevel: 'MEMORY_ONLY', memSize: 1, diskSize: 0 };
    expect(names(violations(c))).toEqual(['block-manager-books']);
  });

  it('catch an application removed as FAILED before the retry limit', () => {
    const c = runningCluster();
    const app = Object.values(ctx<MasterContext>(c, 'master/Master').apps)[0]!;
    app.state = 'FAILED';
    app.retryCount = 3;
    expect(names(violations(c))).toEqual(['retry-rule']);
  });

  it('catch an executor id launched twice', () => {
    const c = runningCluster();
    const launch = c.trace.messages().find((m) => m.type === 'LaunchExecutor')!;
    c.trace.entries.push({ ...launch });
    expect(traceViolations(c)).toEqual([expect.stringMatching(/^executor-ids-unique: executor id app-\S+\/0 was launched twice$/)]);
  });

  it('names every checker once', () => {
    expect(new Set(CHECKERS.map((c) => c.name)).size).toBe(CHECKERS.length);
  });
});

describe('CheckRunner: the checks of a checked run, skipping a checker whose inputs did not change', () => {
  it('re-runs a checker only when one of its inputs is a different value, and always runs one without inputs', () => {
    let input: object = {};
    let runs = 0;
    let plainRuns = 0;
    const memoised: Checker = { name: 'memoised', inputs: () => [input, 'same'], check: () => [`run ${++runs}`] };
    const plain: Checker = { name: 'plain', check: () => [`run ${++plainRuns}`] };
    const runner = new CheckRunner([memoised, plain]);
    const cluster = {} as Cluster;
    expect(runner.violations(cluster)).toEqual(['memoised: run 1', 'plain: run 1']);
    expect(runner.violations(cluster)).toEqual(['memoised: run 1', 'plain: run 2']);
    input = {};
    expect(runner.violations(cluster)).toEqual(['memoised: run 2', 'plain: run 3']);
  });

  it('finds what running every checker finds, at every simulated instant of fault storms (standalone, dynamic allocation, YARN)', () => {
    for (const variant of [{}, { dynamicAllocation: true }, { clusterManager: 'yarn' as const }]) for (const seed of [1, 2, 3, 7]) {
      const cluster = createCluster(parseScenario(stormScenario({ seed, mode: 'safety', ...variant }), 'storm.json'), { checked: false });
      const runner = new CheckRunner();
      cluster.start();
      let instants = 0;
      let found = 0;
      for (let next = cluster.clock.nextDeadline(); next !== undefined && next <= cluster.scenario.startTimeMs + cluster.scenario.stopAtMs; next = cluster.clock.nextDeadline()) {
        cluster.clock.runUntil(next);
        const all = violations(cluster);
        expect(runner.violations(cluster)).toEqual(all);
        instants++;
        found += all.length;
      }
      expect(instants).toBeGreaterThan(200);
      expect(found).toBe(0);
    }
  });

  it("whatever a checker's check reads of a context is among its inputs, or the context itself is (so unchanged inputs mean an unchanged result)", () => {
    for (const variant of [{}, { dynamicAllocation: true }, { clusterManager: 'yarn' as const }]) {
      const cluster = createCluster(parseScenario(stormScenario({ seed: 2, mode: 'safety', ...variant }), 'storm.json'), { checked: false });
      cluster.run(60_000);
      // The cluster as a checker sees it: every field read of a snapshot's context is recorded with its context.
      const read: Array<{ context: object; field: string; value: unknown }> = [];
      const recordingContext = (context: object) => new Proxy(context, {
        get: (target, field) => {
          const value = Reflect.get(target, field);
          if (typeof field === 'string') read.push({ context: target, field, value });
          return value;
        },
      });
      const recording = (ref: ReturnType<Cluster['actor']>) => ref && new Proxy(ref, {
        get: (target, key) => (key === 'getSnapshot'
          ? () => {
              const snapshot = target.getSnapshot();
              return snapshot.context ? { ...snapshot, status: snapshot.status, context: recordingContext(snapshot.context) } : snapshot;
            }
          : Reflect.get(target, key)),
      });
      const watched = Object.create(cluster) as Cluster;
      watched.actor = (id) => recording(cluster.actor(id));
      watched.driverEndpoint = (index, endpoint) => recording(cluster.driverEndpoint(index, endpoint));
      let reads = 0;
      for (const checker of CHECKERS.filter((c) => c.inputs)) {
        read.length = 0;
        const found = checker.check(watched);
        expect(found, checker.name).toEqual(checker.check(cluster));
        const inputs = new Set(checker.inputs!(cluster));
        const covered = (r: (typeof read)[number]) => inputs.has(r.context) || (typeof r.value === 'object' && r.value !== null && inputs.has(r.value));
        const uncovered = read.filter((r) => !covered(r)).map((r) => `${checker.name} reads ${r.field}`);
        expect(uncovered).toEqual([]);
        reads += read.length;
      }
      expect(reads).toBeGreaterThan(10);
    }
  });
});
