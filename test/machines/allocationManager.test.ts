/**
 * ExecutorAllocationManager and ExecutorMonitor as pure steps (machines/allocationManager.ts,
 * machines/executorMonitor.ts), reproducing the numbers of Spark's ExecutorAllocationManagerSuite
 * and ExecutorMonitorSuite.
 */
import { describe, expect, it } from 'vitest';
import { allocationConf } from '../../machines/allocationConf.js';
import {
  initialAllocationContext, maxNumExecutorsNeeded, onListenerEvent, schedule, type AllocationManagerContext, type AllocationOutput,
} from '../../machines/allocationManager.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import { timedOutExecutors } from '../../machines/executorMonitor.js';
import type { TaskEndReason } from '../../machines/protocol.js';
import type { SparkListenerEvent } from '../../machines/sparkListener.js';

const manager = (raw: RawConf = {}) => initialAllocationContext('driver-0/ExecutorAllocationManager', allocationConf(resolveConf({ 'spark.dynamicAllocation.enabled': true, ...raw }).conf), 0);

/** Feeds listener events at `now`. */
const post = (c: AllocationManagerContext, now: number, ...events: SparkListenerEvent[]) => events.reduce((x, e) => onListenerEvent(x, e, now), c);
const stageSubmitted = (stageId: number, numTasks: number): SparkListenerEvent =>
  ({ type: 'SparkListenerStageSubmitted', stageInfo: { stageId, attemptNumber: 0, numTasks, parentIds: [], resourceProfileId: 0 } });
const stageCompleted = (stageId: number): SparkListenerEvent =>
  ({ type: 'SparkListenerStageCompleted', stageInfo: { stageId, attemptNumber: 0, numTasks: 0, parentIds: [], resourceProfileId: 0 } });
const taskInfo = (index: number, executorId: string) => ({ taskId: index, index, attemptNumber: 0, partitionId: index, launchTime: 0, executorId, host: 'h', speculative: false });
const taskStart = (stageId: number, index: number, executorId = '1'): SparkListenerEvent => ({ type: 'SparkListenerTaskStart', stageId, stageAttemptId: 0, taskInfo: taskInfo(index, executorId) });
const taskEnd = (stageId: number, index: number, executorId = '1', reason: TaskEndReason = { kind: 'Success' }): SparkListenerEvent =>
  ({ type: 'SparkListenerTaskEnd', stageId, stageAttemptId: 0, taskType: 'ResultTask', reason, taskInfo: taskInfo(index, executorId) });
const executorAdded = (executorId: string): SparkListenerEvent => ({ type: 'SparkListenerExecutorAdded', time: 0, executorId, executorInfo: { executorHost: 'h', totalCores: 1, resourceProfileId: 0 } });

/** Runs schedule() every 100 ms from `from` to `to` (inclusive); returns the context and every output with its time. */
function tick(c: AllocationManagerContext, from: number, to: number) {
  const outs: Array<{ at: number; out: AllocationOutput }> = [];
  let ctx = c;
  for (let now = from; now <= to; now += 100) {
    const step = schedule(ctx, now);
    ctx = step.context;
    for (const out of step.out) outs.push({ at: now, out });
  }
  return { ctx, outs };
}
const targetsOf = (c: AllocationManagerContext) => c.targets.map((t) => [t.atMs, t.target]);

describe('ExecutorAllocationManager: adding executors', () => {
  it('ramps the target exponentially, 1 -> 2 -> 4 -> 8, one step per sustained backlog timeout, and stops at maxExecutors', () => {
    let c = manager({ 'spark.dynamicAllocation.minExecutors': 1, 'spark.dynamicAllocation.maxExecutors': 10 });
    c = post(c, 0, stageSubmitted(0, 1000));
    const { ctx, outs } = tick(c, 0, 10_000);
    expect(targetsOf(ctx)).toEqual([[0, 1], [1000, 2], [2000, 4], [3000, 8], [4000, 10]]);
    expect(outs.map(({ at, out }) => [at, out])).toEqual([1000, 2000, 3000, 4000].map((at, i) => [at, { type: 'backend.requestTotalExecutors', resourceProfileIdToNumExecutors: { 0: [2, 4, 8, 10][i] } }]));
    // Capped: numToAdd goes back to 1.
    expect(ctx.numToAdd).toBe(1);
  });

  it('waits schedulerBacklogTimeout for the first request and sustainedSchedulerBacklogTimeout for the next ones', () => {
    let c = manager({ 'spark.dynamicAllocation.schedulerBacklogTimeout': '3s', 'spark.dynamicAllocation.sustainedSchedulerBacklogTimeout': '2s' });
    c = post(c, 500, stageSubmitted(0, 100));
    expect(targetsOf(tick(c, 0, 8000).ctx)).toEqual([[0, 0], [3500, 1], [5500, 3], [7500, 7]]);
  });

  it('caps the target at the executors the pending and running tasks need (tasks per executor = executor cores / task cpus)', () => {
    let c = manager({ 'spark.dynamicAllocation.maxExecutors': 100 });
    c = post(c, 0, stageSubmitted(0, 5));
    expect(maxNumExecutorsNeeded(c)).toBe(5);
    // 1, 3 (1 + 2), then 7 would exceed the need: 5, and the ramp-up resets.
    const { ctx } = tick(c, 0, 6000);
    expect(targetsOf(ctx)).toEqual([[0, 0], [1000, 1], [2000, 3], [3000, 5]]);
    expect(ctx.numToAdd).toBe(1);
    const four = post(manager({ 'spark.executor.cores': 4, 'spark.task.cpus': 2 }), 0, stageSubmitted(0, 7));
    expect(maxNumExecutorsNeeded(four)).toBe(4);
  });

  it('requests only executorAllocationRatio of the executors full parallelism needs, rounded up', () => {
    const c = post(manager({ 'spark.executor.cores': 2, 'spark.dynamicAllocation.executorAllocationRatio': 0.5 }), 0, stageSubmitted(0, 101));
    expect(maxNumExecutorsNeeded(c)).toBe(26);
    expect(maxNumExecutorsNeeded(post(manager({ 'spark.executor.cores': 2 }), 0, stageSubmitted(0, 101)))).toBe(51);
  });

  it('counts started tasks as running, not pending; a failed task is pending again and restarts the backlog timer (SPARK-8366)', () => {
    let c = post(manager(), 0, stageSubmitted(0, 2), taskStart(0, 0), taskStart(0, 1));
    expect(c.addTimeMs).toBeUndefined();
    expect(maxNumExecutorsNeeded(c)).toBe(2);
    c = post(c, 5000, taskEnd(0, 0, '1', { kind: 'ExceptionFailure', className: 'java.lang.RuntimeException', description: 'boom' }));
    expect(c.addTimeMs).toBe(6000);
    expect(maxNumExecutorsNeeded(c)).toBe(2);
    c = post(c, 5000, taskEnd(0, 1, '1', { kind: 'TaskKilled', reason: 'x' }));
    expect(maxNumExecutorsNeeded(c)).toBe(1);
  });
});

describe('ExecutorAllocationManager: initial and minimum executors', () => {
  it('keeps the initial target, max(minExecutors, initialExecutors, spark.executor.instances), until a stage is submitted', () => {
    const c = manager({ 'spark.dynamicAllocation.minExecutors': 1, 'spark.dynamicAllocation.initialExecutors': 3, 'spark.executor.instances': 5 });
    expect(c.target).toBe(5);
    const idle = tick(c, 0, 5000).ctx;
    expect(idle.target).toBe(5);
    expect(idle.initializing).toBe(true);
    // A stage of 2 tasks ends initializing: the target drops to the need at the next tick.
    const { ctx, outs } = tick(post(idle, 5050, stageSubmitted(0, 2)), 5100, 5100);
    expect(ctx.target).toBe(2);
    expect(outs.map((o) => o.out)).toEqual([{ type: 'backend.requestTotalExecutors', resourceProfileIdToNumExecutors: { 0: 2 } }]);
  });

  it('never lowers the target below minExecutors when the queue drains', () => {
    let c = post(manager({ 'spark.dynamicAllocation.minExecutors': 2 }), 0, stageSubmitted(0, 100));
    c = tick(c, 0, 3000).ctx;
    // From minExecutors 2: 2 + 1, 3 + 2, 5 + 4.
    expect(targetsOf(c).map(([, t]) => t)).toEqual([2, 3, 5, 9]);
    c = post(c, 3050, stageCompleted(0));
    expect(tick(c, 3100, 3100).ctx.target).toBe(2);
  });
});

describe('ExecutorMonitor and idle removal', () => {
  const idleCluster = (raw: RawConf, executors: string[]) => {
    let c = post(manager(raw), 0, ...executors.map(executorAdded), stageSubmitted(0, 0), stageCompleted(0));
    c = tick(c, 0, 0).ctx;
    return c;
  };

  it('kills executors idle for executorIdleTimeout with adjustTargetNumExecutors, countFailures and force all false, and keeps minExecutors', () => {
    const c = idleCluster({ 'spark.dynamicAllocation.minExecutors': 2 }, ['1', '2', '3', '4']);
    expect(timedOutExecutors(c.monitor, 59_999)).toEqual([]);
    expect(timedOutExecutors(c.monitor, 60_000)).toEqual(['1', '2', '3', '4']);
    const { ctx, outs } = tick(c, 59_900, 60_100);
    expect(outs.map((o) => [o.at, o.out])).toEqual([
      [60_000, { type: 'backend.killExecutors', executorIds: ['1', '2'], adjustTargetNumExecutors: false, countFailures: false, force: false }],
      [60_000, { type: 'backend.requestTotalExecutors', resourceProfileIdToNumExecutors: { 0: 2 } }],
    ]);
    // Killed executors are pending removal: not reported again; the two left are kept for minExecutors.
    expect(timedOutExecutors(ctx.monitor, 60_100)).toEqual(['3', '4']);
    expect(tick(ctx, 60_200, 70_000).outs).toEqual([]);
  });

  it('leaves the target unchanged when it kills an idle executor, and never kills below the target', () => {
    let c = post(manager({ 'spark.dynamicAllocation.maxExecutors': 2 }), 0, executorAdded('1'), executorAdded('2'), stageSubmitted(0, 4), taskStart(0, 0, '1'), taskStart(0, 1, '1'));
    c = tick(c, 0, 2000).ctx;
    expect(c.target).toBe(2);
    // Executor 2 stays idle for 60 s while the stage still needs 2 executors: it is kept (target 2).
    const busy = tick(c, 2100, 61_000);
    expect(busy.outs).toEqual([]);
    // The stage ends: the target drops to 0, then executor 2 (idle since 0) goes, and the target stays 0.
    let ctx = post(busy.ctx, 61_050, taskEnd(0, 0, '1'), taskEnd(0, 1, '1'), stageCompleted(0));
    const after = tick(ctx, 61_100, 61_100);
    expect(after.outs.map((o) => o.out)).toEqual([
      { type: 'backend.requestTotalExecutors', resourceProfileIdToNumExecutors: { 0: 0 } },
      { type: 'backend.killExecutors', executorIds: ['2'], adjustTargetNumExecutors: false, countFailures: false, force: false },
      { type: 'backend.requestTotalExecutors', resourceProfileIdToNumExecutors: { 0: 0 } },
    ]);
    ctx = after.ctx;
    expect(ctx.target).toBe(0);
    // Executor 1 went idle at 61.05 s: removed 60 s later.
    const later = tick(ctx, 61_200, 121_100);
    expect(later.outs.map((o) => [o.at, o.out.type])).toEqual([[121_100, 'backend.killExecutors'], [121_100, 'backend.requestTotalExecutors']]);
    expect(later.ctx.target).toBe(0);
  });

  it('keeps an executor holding cached RDD blocks past executorIdleTimeout (cachedExecutorIdleTimeout, infinite by default) until the RDD is unpersisted', () => {
    const block = (blockId: string, useMemory: boolean): SparkListenerEvent => ({
      type: 'SparkListenerBlockUpdated',
      blockUpdatedInfo: { blockManagerId: { executorId: '1', host: 'h', port: 7079 }, blockId, storageLevel: { useDisk: false, useMemory, useOffHeap: false, deserialized: true, replication: 1 }, memSize: 10, diskSize: 0 },
    });
    let c = idleCluster({}, ['1', '2']);
    c = post(c, 100, block('rdd_4_0', true));
    expect(timedOutExecutors(c.monitor, 3_600_000)).toEqual(['2']);
    const unpersisted = post(c, 100, { type: 'SparkListenerUnpersistRDD', rddId: 4 });
    expect(timedOutExecutors(unpersisted.monitor, 60_000)).toEqual(['1', '2']);
    // A block dropped (invalid storage level) also frees the executor.
    expect(timedOutExecutors(post(c, 100, block('rdd_4_0', false)).monitor, 60_000)).toEqual(['1', '2']);
    // With a finite cachedExecutorIdleTimeout the executor goes after that time.
    const finite = post(idleCluster({ 'spark.dynamicAllocation.cachedExecutorIdleTimeout': '120s' }, ['1']), 100, block('rdd_4_0', true));
    expect(timedOutExecutors(finite.monitor, 119_999)).toEqual([]);
    expect(timedOutExecutors(finite.monitor, 120_000)).toEqual(['1']);
  });

  it('with shuffle tracking, an executor holding shuffle data of an active job is never idle, and after the job it waits shuffleTracking.timeout', () => {
    const stage = { stageId: 0, attemptNumber: 0, numTasks: 1, parentIds: [], shuffleDepId: 0, resourceProfileId: 0 };
    let c = post(manager({ 'spark.dynamicAllocation.shuffleTracking.timeout': '90s' }), 0, executorAdded('1'),
      { type: 'SparkListenerJobStart', jobId: 0, time: 0, stageInfos: [stage, { ...stage, stageId: 1, shuffleDepId: undefined as never, parentIds: [0] }] },
      { type: 'SparkListenerStageSubmitted', stageInfo: stage }, taskStart(0, 0, '1'));
    c = post(c, 1000, { ...(taskEnd(0, 0, '1') as object), taskType: 'ShuffleMapTask' } as SparkListenerEvent);
    expect(c.monitor.executors['1']!.hasActiveShuffle).toBe(true);
    expect(timedOutExecutors(c.monitor, 1_000_000)).toEqual([]);
    c = post(c, 2000, { type: 'SparkListenerJobEnd', jobId: 0, time: 2000, jobResult: { result: 'JobSucceeded' } });
    expect(timedOutExecutors(c.monitor, 90_999)).toEqual([]);
    expect(timedOutExecutors(c.monitor, 91_000)).toEqual(['1']);
  });

  it('does not count a task start on an executor it already asked to kill (SPARK-26927)', () => {
    let c = idleCluster({}, ['1']);
    c = tick(c, 60_000, 60_000).ctx;
    expect(c.monitor.executors['1']!.pendingRemoval).toBe(true);
    c = post(c, 60_050, taskStart(1, 0, '1'));
    expect(c.monitor.executors['1']!.runningTasks).toBe(0);
  });
});
