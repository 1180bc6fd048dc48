/**
 * Dynamic allocation's settings, resolved once from the application's conf and checked as Spark
 * checks them when SparkContext creates the ExecutorAllocationManager (validateSettings) and its
 * ExecutorMonitor. A failed check is a SparkException and the SparkContext does not start.
 *
 * Models core/src/main/scala/org/apache/spark/ExecutorAllocationManager.scala (validateSettings,
 * the fields read in the constructor), scheduler/dynalloc/ExecutorMonitor.scala (timeouts),
 * util/Utils.scala (isDynamicAllocationEnabled, getDynamicAllocationInitialExecutors),
 * internal/config/package.scala (the keys and their checkValue rules), Spark 4.1.1;
 * shared/spark-semantics.md section 6.
 */
import { bool, num, optNum, type ResolvedConf } from './conf.js';

export interface AllocationConf {
  minExecutors: number;
  maxExecutors: number;
  /** getDynamicAllocationInitialExecutors: max(minExecutors, initialExecutors, spark.executor.instances or 0). */
  initialExecutors: number;
  executorAllocationRatio: number;
  /** ResourceProfile.maxTasksPerExecutor of the default profile: spark.executor.cores (default 1) / spark.task.cpus. */
  tasksPerExecutor: number;
  schedulerBacklogTimeoutMs: number;
  sustainedSchedulerBacklogTimeoutMs: number;
  executorIdleTimeoutMs: number;
  /** Spark's default Integer.MAX_VALUE seconds is kept as a number (about 68 years): practically never. */
  cachedExecutorIdleTimeoutMs: number;
  /** !spark.shuffle.service.enabled && spark.dynamicAllocation.shuffleTracking.enabled. */
  shuffleTrackingEnabled: boolean;
  /** Infinity when unset (Spark's Long.MaxValue). */
  shuffleTrackingTimeoutMs: number;
}

/** The allocation manager's polling interval (intervalMillis): the schedule() tick. */
export const ALLOCATION_INTERVAL_MS = 100;

/** Utils.isDynamicAllocationEnabled (the local-master exception does not apply: the model has no local mode). */
export const isDynamicAllocationEnabled = (conf: ResolvedConf): boolean => bool(conf, 'spark.dynamicAllocation.enabled');

/** timeConf(SECONDS): Spark reads these keys as whole seconds (timeStringAsSeconds truncates "1500ms" to 1). */
const wholeSecondsMs = (conf: ResolvedConf, key: Parameters<typeof num>[1]): number => Math.trunc(num(conf, key) / 1000) * 1000;

/** spark.executor.cores of the default resource profile: 1 when unset (ResourceProfile's default). */
const executorCores = (conf: ResolvedConf): number => optNum(conf, 'spark.executor.cores') ?? 1;

/** Utils.getDynamicAllocationInitialExecutors (initialExecutors below minExecutors is only a warning in Spark). */
export function initialNumExecutors(conf: ResolvedConf): number {
  return Math.max(num(conf, 'spark.dynamicAllocation.minExecutors'), num(conf, 'spark.dynamicAllocation.initialExecutors'), optNum(conf, 'spark.executor.instances') ?? 0);
}

/**
 * The checks, in Spark's order, with Spark's messages; each message starts with the key it is
 * about, so a caller can name the field. Undefined when the settings are valid or dynamic
 * allocation is off (Spark creates no allocation manager then and checks nothing).
 */
export function validateAllocationConf(conf: ResolvedConf): string | undefined {
  if (!isDynamicAllocationEnabled(conf)) return undefined;
  // internal/config checkValue rules, applied when the key is read.
  for (const key of ['spark.dynamicAllocation.executorIdleTimeout', 'spark.dynamicAllocation.cachedExecutorIdleTimeout', 'spark.dynamicAllocation.shuffleTracking.timeout'] as const) {
    const value = optNum(conf, key);
    if (value !== undefined && value < 0) return `${key}: Timeout must be >= 0.`;
  }
  const min = num(conf, 'spark.dynamicAllocation.minExecutors');
  const max = num(conf, 'spark.dynamicAllocation.maxExecutors');
  if (min < 0 || max < 0) return `spark.dynamicAllocation.minExecutors and spark.dynamicAllocation.maxExecutors must be positive!`;
  if (max === 0) return 'spark.dynamicAllocation.maxExecutors cannot be 0!';
  if (min > max) return `spark.dynamicAllocation.minExecutors (${min}) must be less than or equal to spark.dynamicAllocation.maxExecutors (${max})!`;
  if (wholeSecondsMs(conf, 'spark.dynamicAllocation.schedulerBacklogTimeout') <= 0) return 'spark.dynamicAllocation.schedulerBacklogTimeout must be > 0!';
  // Spark's message really starts with "ss" (a stray s before the interpolated key).
  if (wholeSecondsMs(conf, 'spark.dynamicAllocation.sustainedSchedulerBacklogTimeout') <= 0) return 'sspark.dynamicAllocation.sustainedSchedulerBacklogTimeout must be > 0!';
  if (!bool(conf, 'spark.shuffle.service.enabled') && !bool(conf, 'spark.dynamicAllocation.shuffleTracking.enabled')) {
    return 'spark.dynamicAllocation.shuffleTracking.enabled: Dynamic allocation of executors requires one of the following conditions: 1) enabling external shuffle service through spark.shuffle.service.enabled. 2) enabling shuffle tracking through spark.dynamicAllocation.shuffleTracking.enabled. 3) enabling shuffle blocks decommission through spark.decommission.enabled and spark.storage.decommission.shuffleBlocks.enabled. 4) (Experimental) configuring spark.shuffle.sort.io.plugin.class to use a custom ShuffleDataIO who\'s ShuffleDriverComponents supports reliable storage.';
  }
  const ratio = num(conf, 'spark.dynamicAllocation.executorAllocationRatio');
  if (ratio > 1.0 || ratio <= 0.0) return 'spark.dynamicAllocation.executorAllocationRatio must be > 0 and <= 1.0';
  const cores = executorCores(conf);
  const taskCpus = num(conf, 'spark.task.cpus');
  if (cores < taskCpus) return `spark.executor.cores: The number of cores per executor (=${cores}) has to be >= the number of cpus per task = ${taskCpus}.`;
  return undefined;
}

/** The resolved settings; call validateAllocationConf first (this does not check). */
export function allocationConf(conf: ResolvedConf): AllocationConf {
  const shuffleTimeout = optNum(conf, 'spark.dynamicAllocation.shuffleTracking.timeout');
  return {
    minExecutors: num(conf, 'spark.dynamicAllocation.minExecutors'),
    maxExecutors: num(conf, 'spark.dynamicAllocation.maxExecutors'),
    initialExecutors: initialNumExecutors(conf),
    executorAllocationRatio: num(conf, 'spark.dynamicAllocation.executorAllocationRatio'),
    tasksPerExecutor: Math.max(1, Math.floor(executorCores(conf) / num(conf, 'spark.task.cpus'))),
    schedulerBacklogTimeoutMs: wholeSecondsMs(conf, 'spark.dynamicAllocation.schedulerBacklogTimeout'),
    sustainedSchedulerBacklogTimeoutMs: wholeSecondsMs(conf, 'spark.dynamicAllocation.sustainedSchedulerBacklogTimeout'),
    executorIdleTimeoutMs: wholeSecondsMs(conf, 'spark.dynamicAllocation.executorIdleTimeout'),
    cachedExecutorIdleTimeoutMs: wholeSecondsMs(conf, 'spark.dynamicAllocation.cachedExecutorIdleTimeout'),
    shuffleTrackingEnabled: !bool(conf, 'spark.shuffle.service.enabled') && bool(conf, 'spark.dynamicAllocation.shuffleTracking.enabled'),
    shuffleTrackingTimeoutMs: shuffleTimeout ?? Infinity,
  };
}
