/**
 * Spark configuration: the keys this project models, with Spark's defaults and value formats,
 * resolved once into plain numbers (ms, MiB) and handed to machines as input.
 *
 * Formats follow Spark's ConfigBuilder: time values are JavaUtils.timeStringAs strings
 * ("100ms", "120s", "5min", "1h"; a bare number is in the key's own unit), sizes are
 * JavaUtils.byteStringAs strings ("512m", "2g"; a bare number is in the key's own unit).
 * Defaults: Spark 4.1.1 (see shared/spark-semantics.md section 0.1).
 */

export type ConfKind = 'time' | 'size' | 'int' | 'double' | 'boolean';
type TimeUnit = 'ms' | 's';
type SizeUnit = 'b' | 'k' | 'm';

interface ConfEntry {
  readonly kind: ConfKind;
  /** Unit of a bare number, and of the resolved value (time: ms always; size: MiB always). */
  readonly unit?: TimeUnit | SizeUnit;
  /** Spark's default, in Spark's format; undefined = unset (Option in Spark). */
  readonly default?: string | number | boolean;
  /** Spark's fallback key, used when this key is unset. */
  readonly fallback?: string;
  readonly doc: string;
}

const INT_MAX = 2147483647;

export const CONF_TABLE = {
  // Network, heartbeats (HeartbeatReceiver.scala, executor/Executor.scala)
  'spark.network.timeout': { kind: 'time', unit: 's', default: '120s', doc: 'executor expiry in HeartbeatReceiver; RPC ask timeout fallback' },
  'spark.network.timeoutInterval': { kind: 'time', unit: 'ms', default: '60s', doc: 'period of ExpireDeadHosts' },
  'spark.storage.blockManagerHeartbeatTimeoutMs': { kind: 'time', unit: 'ms', doc: 'overrides spark.network.timeout for executor expiry when set' },
  'spark.executor.heartbeatInterval': { kind: 'time', unit: 'ms', default: '10s', doc: 'executor heartbeat period and heartbeat ask timeout' },
  'spark.executor.heartbeat.maxFailures': { kind: 'int', default: 60, doc: 'consecutive heartbeat failures before the executor exits with 56' },
  'spark.rpc.askTimeout': { kind: 'time', unit: 's', fallback: 'spark.network.timeout', doc: 'ask timeout' },
  // Scheduler (CoarseGrainedSchedulerBackend, TaskSchedulerImpl)
  'spark.scheduler.revive.interval': { kind: 'time', unit: 'ms', default: '1s', doc: 'period of ReviveOffers' },
  'spark.task.maxFailures': { kind: 'int', default: 4, doc: 'failures of one task before its task set aborts' },
  'spark.task.cpus': { kind: 'int', default: 1, doc: 'cores per task' },
  'spark.standalone.executorRemoveDelayOnDisconnection': { kind: 'time', unit: 'ms', default: '5s', doc: 'delay of RemoveExecutor after an executor disconnects (standalone)' },
  // Application (SparkConf of the driver)
  'spark.executor.cores': { kind: 'int', doc: 'cores per executor; unset in standalone: one executor per worker takes all free cores' },
  'spark.executor.memory': { kind: 'size', unit: 'm', default: '1g', doc: 'memory per executor' },
  'spark.broadcast.blockSize': { kind: 'size', unit: 'k', default: '4m', doc: 'size of a TorrentBroadcast piece' },
  'spark.cores.max': { kind: 'int', doc: 'cap on the cores an application gets in standalone mode' },
  'spark.executor.instances': { kind: 'int', doc: 'executors to request; with dynamic allocation it raises the initial target (Utils.getDynamicAllocationInitialExecutors)' },
  // Dynamic allocation (ExecutorAllocationManager.scala, dynalloc/ExecutorMonitor.scala, internal/config/package.scala).
  // Spark reads the backlog and idle timeouts as whole seconds (timeConf(SECONDS)); allocationConf.ts truncates them.
  'spark.dynamicAllocation.enabled': { kind: 'boolean', default: false, doc: 'scale the number of executors with the workload (ExecutorAllocationManager)' },
  'spark.dynamicAllocation.minExecutors': { kind: 'int', default: 0, doc: 'lower bound of the allocation target; idle executors are not removed below it' },
  'spark.dynamicAllocation.maxExecutors': { kind: 'int', default: INT_MAX, doc: 'upper bound of the allocation target' },
  'spark.dynamicAllocation.initialExecutors': { kind: 'int', fallback: 'spark.dynamicAllocation.minExecutors', doc: 'initial target (the largest of this, minExecutors and spark.executor.instances)' },
  'spark.dynamicAllocation.executorAllocationRatio': { kind: 'double', default: 1.0, doc: 'fraction of the executors needed for full parallelism that are requested, in (0, 1]' },
  'spark.dynamicAllocation.schedulerBacklogTimeout': { kind: 'time', unit: 's', default: '1s', doc: 'backlog age before the first executor request' },
  'spark.dynamicAllocation.sustainedSchedulerBacklogTimeout': { kind: 'time', unit: 's', fallback: 'spark.dynamicAllocation.schedulerBacklogTimeout', doc: 'interval of the following requests while the backlog lasts' },
  'spark.dynamicAllocation.executorIdleTimeout': { kind: 'time', unit: 's', default: '60s', doc: 'idle time before an executor is removed' },
  'spark.dynamicAllocation.cachedExecutorIdleTimeout': { kind: 'time', unit: 's', default: INT_MAX, doc: 'idle time before an executor holding cached blocks is removed (Integer.MAX_VALUE seconds: practically never)' },
  'spark.dynamicAllocation.shuffleTracking.enabled': { kind: 'boolean', default: true, doc: 'keep executors holding shuffle data of active jobs; lets dynamic allocation run without the external shuffle service' },
  'spark.dynamicAllocation.shuffleTracking.timeout': { kind: 'time', unit: 'ms', doc: 'idle time before an executor holding shuffle data is removed; unset = Long.MaxValue (never)' },
  'spark.shuffle.service.enabled': { kind: 'boolean', default: false, doc: 'external shuffle service: shuffle files outlive their executor (dynamic allocation then needs no shuffle tracking)' },
  // Standalone Master and Worker (deploy/master/Master.scala, deploy/worker/Worker.scala)
  // Spark reads this as a plain number of seconds; "60s" is accepted too (resolved to ms).
  'spark.worker.timeout': { kind: 'time', unit: 's', default: 60, doc: 'time without heartbeat before the Master removes a worker; workers heartbeat every timeout/4' },
  'spark.dead.worker.persistence': { kind: 'int', default: 15, doc: 'DEAD workers are listed for (this + 1) x timeout' },
  'spark.deploy.maxExecutorRetries': { kind: 'int', default: 10, doc: 'counted executor failures before the Master removes the application; -1 disables' },
  'spark.deploy.spreadOutApps': { kind: 'boolean', fallback: 'spark.deploy.spreadOut', doc: 'spread executors over workers (true) or consolidate them' },
  'spark.deploy.spreadOut': { kind: 'boolean', default: true, doc: 'old name of spark.deploy.spreadOutApps' },
  'spark.deploy.retainedApplications': { kind: 'int', default: 200, doc: 'completed applications the Master keeps; it drops max(this / 10, 1) oldest when full' },
  'spark.deploy.defaultCores': { kind: 'int', default: INT_MAX, doc: 'core cap of applications that do not set spark.cores.max' },
  'spark.worker.initialRegistrationRetries': { kind: 'int', default: 6, doc: 'registration attempts at the short interval' },
  'spark.worker.maxRegistrationRetries': { kind: 'int', default: 16, doc: 'registration attempts before the worker gives up' },
  'spark.worker.ui.retainedExecutors': { kind: 'int', default: 1000, doc: 'finished executors a Worker keeps; it drops max(size / 10, 1) oldest when over' },
  // Spark on YARN (resource-managers/yarn/.../config.scala)
  'spark.yarn.scheduler.heartbeat.interval-ms': { kind: 'time', unit: 'ms', default: '3s', doc: 'ApplicationMaster reporter: interval between allocate calls to the ResourceManager' },
  'spark.yarn.scheduler.initial-allocation.interval': { kind: 'time', unit: 'ms', default: '200ms', doc: 'first interval between allocate calls while containers are pending; doubles up to the heartbeat interval' },
} as const satisfies Record<string, ConfEntry>;

export type ConfKey = keyof typeof CONF_TABLE;

export function isConfKey(key: string): key is ConfKey {
  return Object.prototype.hasOwnProperty.call(CONF_TABLE, key);
}

/** A malformed configuration value; `key` names the offending key. */
export class ConfError extends Error {
  constructor(readonly key: string, message: string) {
    super(`${key}: ${message}`);
    this.name = 'ConfError';
  }
}

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS_B: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/** JavaUtils.timeStringAs: "120s", "5min", "100ms"; a bare number is in `unit`. Returns ms. */
export function parseTime(value: string | number, unit: TimeUnit = 'ms'): number {
  const text = String(value).trim().toLowerCase();
  const match = /^(-?[0-9]+)([a-z]+)?$/.exec(text);
  if (!match) throw new Error(`"${value}" is not a time (use a number with a unit such as 100ms, 120s, 5min, 1h)`);
  const suffix = match[2] ?? unit;
  const factor = TIME_UNITS_MS[suffix];
  if (factor === undefined) throw new Error(`"${value}" has an unknown time unit "${suffix}" (us, ms, s, m, min, h, d)`);
  return Number(match[1]) * factor;
}

/** JavaUtils.byteStringAs: "512m", "2g"; a bare number is in `unit`. Returns MiB. */
export function parseSizeMb(value: string | number, unit: SizeUnit = 'm'): number {
  const text = String(value).trim().toLowerCase();
  const match = /^([0-9]+)([a-z]+)?$/.exec(text);
  if (!match) throw new Error(`"${value}" is not a size (use a number with a unit such as 512m, 2g)`);
  const suffix = match[2] ?? unit;
  const factor = SIZE_UNITS_B[suffix];
  if (factor === undefined) throw new Error(`"${value}" has an unknown size unit "${suffix}" (b, k, m, g, t)`);
  return Math.floor((Number(match[1]) * factor) / 1024 ** 2);
}

function parseValue(key: ConfKey, raw: string | number | boolean): number | boolean {
  const entry: ConfEntry = CONF_TABLE[key];
  try {
    switch (entry.kind) {
      case 'time':
        if (typeof raw === 'boolean') throw new Error('expected a time');
        return parseTime(raw, entry.unit as TimeUnit);
      case 'size':
        if (typeof raw === 'boolean') throw new Error('expected a size');
        return parseSizeMb(raw, entry.unit as SizeUnit);
      case 'int': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?[0-9]+$/.test(raw.trim()) ? Number(raw) : NaN;
        if (!Number.isInteger(n)) throw new Error(`"${raw}" is not an integer`);
        return n;
      }
      case 'double': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
        if (!Number.isFinite(n)) throw new Error(`"${raw}" is not a number`);
        return n;
      }
      case 'boolean':
        if (typeof raw === 'boolean') return raw;
        if (raw === 'true' || raw === 'false') return raw === 'true';
        throw new Error(`"${raw}" is not a boolean (true or false)`);
    }
  } catch (e) {
    throw new ConfError(key, (e as Error).message);
  }
}

/** Raw settings as a user writes them: Spark's keys, Spark's value formats. */
export type RawConf = Readonly<Record<string, string | number | boolean>>;

/** Resolved settings: every known key set (to its value or Spark's default) or undefined when unset. */
export type ResolvedConf = { readonly [K in ConfKey]: number | boolean | undefined };

/**
 * Resolves raw settings against Spark's defaults and fallbacks. Unknown keys are kept (and
 * listed in `warnings`); a malformed value throws ConfError naming the key.
 */
export function resolveConf(raw: RawConf): { conf: ResolvedConf; unknown: Record<string, string | number | boolean>; warnings: string[] } {
  const warnings: string[] = [];
  const parsed: Partial<Record<ConfKey, number | boolean>> = {};
  const unknown: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (isConfKey(key)) parsed[key] = parseValue(key, value);
    else {
      unknown[key] = value;
      warnings.push(`unknown configuration key ${key} is kept but not modelled`);
    }
  }
  const resolved: Partial<Record<ConfKey, number | boolean | undefined>> = {};
  const resolve = (key: ConfKey): number | boolean | undefined => {
    if (key in resolved) return resolved[key];
    const entry: ConfEntry = CONF_TABLE[key];
    let value: number | boolean | undefined = parsed[key];
    if (value === undefined && entry.fallback) value = resolve(entry.fallback as ConfKey);
    if (value === undefined && entry.default !== undefined) value = parseValue(key, entry.default);
    resolved[key] = value;
    return value;
  };
  for (const key of Object.keys(CONF_TABLE) as ConfKey[]) resolve(key);
  return { conf: resolved as ResolvedConf, unknown, warnings };
}

/** A resolved numeric setting (ms for times, MiB for sizes); throws if unset. */
export function num(conf: ResolvedConf, key: ConfKey): number {
  const value = conf[key];
  if (typeof value !== 'number') throw new ConfError(key, 'is not set');
  return value;
}

export function optNum(conf: ResolvedConf, key: ConfKey): number | undefined {
  const value = conf[key];
  return typeof value === 'number' ? value : undefined;
}

export function bool(conf: ResolvedConf, key: ConfKey): boolean {
  const value = conf[key];
  if (typeof value !== 'boolean') throw new ConfError(key, 'is not set');
  return value;
}
