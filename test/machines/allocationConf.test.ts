import { describe, expect, it } from 'vitest';
import { allocationConf, initialNumExecutors, validateAllocationConf } from '../../machines/allocationConf.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';

const conf = (raw: RawConf = {}) => resolveConf({ 'spark.dynamicAllocation.enabled': true, ...raw }).conf;

describe('dynamic allocation settings', () => {
  it("resolves Spark's defaults: min 0, max Int.MaxValue, initial = min, ratio 1, backlog 1s, sustained = backlog, idle 60s, cached Integer.MAX_VALUE s, shuffle tracking on", () => {
    expect(allocationConf(conf())).toEqual({
      minExecutors: 0, maxExecutors: 2147483647, initialExecutors: 0, executorAllocationRatio: 1, tasksPerExecutor: 1,
      schedulerBacklogTimeoutMs: 1000, sustainedSchedulerBacklogTimeoutMs: 1000, executorIdleTimeoutMs: 60_000,
      cachedExecutorIdleTimeoutMs: 2147483647 * 1000, shuffleTrackingEnabled: true, shuffleTrackingTimeoutMs: Infinity,
    });
    expect(resolveConf({}).conf['spark.dynamicAllocation.enabled']).toBe(false);
    expect(allocationConf(conf({ 'spark.dynamicAllocation.schedulerBacklogTimeout': '5s' })).sustainedSchedulerBacklogTimeoutMs).toBe(5000);
  });

  it('takes the initial target as the largest of minExecutors, initialExecutors and spark.executor.instances', () => {
    expect(initialNumExecutors(conf({ 'spark.dynamicAllocation.minExecutors': 2 }))).toBe(2);
    expect(initialNumExecutors(conf({ 'spark.dynamicAllocation.minExecutors': 2, 'spark.dynamicAllocation.initialExecutors': 1 }))).toBe(2);
    expect(initialNumExecutors(conf({ 'spark.dynamicAllocation.minExecutors': 2, 'spark.dynamicAllocation.initialExecutors': 4 }))).toBe(4);
    expect(initialNumExecutors(conf({ 'spark.dynamicAllocation.initialExecutors': 4, 'spark.executor.instances': 6 }))).toBe(6);
  });

  it('reads the backlog and idle timeouts as whole seconds, as timeConf(SECONDS) does', () => {
    const c = allocationConf(conf({ 'spark.dynamicAllocation.schedulerBacklogTimeout': '1500ms', 'spark.dynamicAllocation.executorIdleTimeout': 30 }));
    expect(c.schedulerBacklogTimeoutMs).toBe(1000);
    expect(c.executorIdleTimeoutMs).toBe(30_000);
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.schedulerBacklogTimeout': '500ms' }))).toBe('spark.dynamicAllocation.schedulerBacklogTimeout must be > 0!');
  });

  it('tasks per executor: spark.executor.cores (1 when unset) over spark.task.cpus', () => {
    expect(allocationConf(conf({ 'spark.executor.cores': 4 })).tasksPerExecutor).toBe(4);
    expect(allocationConf(conf({ 'spark.executor.cores': 4, 'spark.task.cpus': 2 })).tasksPerExecutor).toBe(2);
    expect(allocationConf(conf({ 'spark.executor.cores': 5, 'spark.task.cpus': 2 })).tasksPerExecutor).toBe(2);
  });

  it("rejects what validateSettings rejects, with Spark's messages, in Spark's order", () => {
    expect(validateAllocationConf(conf())).toBeUndefined();
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.minExecutors': -1 }))).toBe('spark.dynamicAllocation.minExecutors and spark.dynamicAllocation.maxExecutors must be positive!');
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.maxExecutors': 0 }))).toBe('spark.dynamicAllocation.maxExecutors cannot be 0!');
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.minExecutors': 3, 'spark.dynamicAllocation.maxExecutors': 2 }))).toBe(
      'spark.dynamicAllocation.minExecutors (3) must be less than or equal to spark.dynamicAllocation.maxExecutors (2)!');
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.sustainedSchedulerBacklogTimeout': 0 }))).toBe('sspark.dynamicAllocation.sustainedSchedulerBacklogTimeout must be > 0!');
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.executorAllocationRatio': 0 }))).toBe('spark.dynamicAllocation.executorAllocationRatio must be > 0 and <= 1.0');
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.executorAllocationRatio': 1.5 }))).toBe('spark.dynamicAllocation.executorAllocationRatio must be > 0 and <= 1.0');
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.executorAllocationRatio': 0.5 }))).toBeUndefined();
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.executorIdleTimeout': -1 }))).toBe('spark.dynamicAllocation.executorIdleTimeout: Timeout must be >= 0.');
    expect(validateAllocationConf(conf({ 'spark.executor.cores': 1, 'spark.task.cpus': 2 }))).toBe(
      'spark.executor.cores: The number of cores per executor (=1) has to be >= the number of cpus per task = 2.');
  });

  it('requires shuffle tracking or the external shuffle service; initialExecutors below minExecutors is only a warning in Spark', () => {
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.shuffleTracking.enabled': false }))).toMatch(/Dynamic allocation of executors requires one of the following conditions/);
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.shuffleTracking.enabled': false, 'spark.shuffle.service.enabled': true }))).toBeUndefined();
    expect(allocationConf(conf({ 'spark.shuffle.service.enabled': true })).shuffleTrackingEnabled).toBe(false);
    expect(validateAllocationConf(conf({ 'spark.dynamicAllocation.minExecutors': 3, 'spark.dynamicAllocation.initialExecutors': 1 }))).toBeUndefined();
  });

  it('checks nothing when dynamic allocation is off', () => {
    expect(validateAllocationConf(resolveConf({ 'spark.dynamicAllocation.maxExecutors': 0 }).conf)).toBeUndefined();
  });
});
