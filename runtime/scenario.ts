/**
 * The scenario file (JSON): parsing, validation (zod) and normalisation into plain numbers.
 * Times and sizes use Spark's formats (machines/conf.ts: JavaUtils.timeStringAs/byteStringAs);
 * results hold ms relative to the start (epoch ms for startTimeMs) and MiB; conf is resolved with
 * Spark's defaults; application references are resolved to indexes.
 *
 * Every error is one line, `<file>: <field path>: <rule>`, thrown as ScenarioError. Checks run in
 * a fixed order and the first failure is reported: JSON syntax, duplicate keys, then the schema
 * (fields in the schema's order, depth first, so a field's own rules before its parent's: stage
 * graph, uniform min <= max), then the cross references (worker totals, HeartbeatReceiver's conf
 * check, faults' workers, applications, jobs, stages and partitions).
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { ConfError, isConfKey, parseSizeMb, parseTime, resolveConf, type RawConf, type ResolvedConf } from '../machines/conf.js';
import { validateAllocationConf } from '../machines/allocationConf.js';
import { validateHeartbeatConf } from '../machines/heartbeatReceiver.js';

export const DEFAULT_START_TIME = '2026-01-01T00:00:00Z';
/** What a scenario may expand into (DESIGN.md rule 7): workers over all groups, tasks per stage. */
export const SCENARIO_LIMITS = { workers: 10_000, tasksPerStage: 1_000_000 } as const;
export const FAULT_KINDS = ['executor-launch-failure', 'executor-launch-delay', 'executor-crash', 'executor-hang', 'worker-crash', 'partition', 'task-failure', 'node-manager-crash', 'container-killed'] as const;
/** Faults that need a standalone cluster (workers) or a YARN cluster (node managers). */
const STANDALONE_FAULTS: ReadonlySet<string> = new Set(['executor-launch-failure', 'executor-launch-delay', 'worker-crash']);
const YARN_FAULTS: ReadonlySet<string> = new Set(['node-manager-crash', 'container-killed']);
/** The ContainerExitStatus values a container-killed fault may give (machines/yarn/containerExitStatus.ts). */
export const CONTAINER_KILL_STATUSES = ['PREEMPTED', 'KILLED_EXCEEDED_PMEM', 'KILLED_EXCEEDED_VMEM', 'DISKS_FAILED', 'ABORTED', 'KILLED_BY_RESOURCEMANAGER'] as const;
export type ClusterManagerKind = 'standalone' | 'yarn';

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly file: string, readonly field: string, readonly rule: string) {
    super(field ? `${file}: ${field}: ${rule}` : `${file}: ${rule}`);
  }
}

export type TaskDurationSpec =
  | { distribution: 'constant'; valueMs: number }
  | { distribution: 'uniform'; minMs: number; maxMs: number }
  | { distribution: 'normal'; meanMs: number; stddevMs: number }
  | { distribution: 'exponential'; meanMs: number }
  | { distribution: 'pareto'; scaleMs: number; shape: number };
/**
 * `cache`: the stage's RDD is persisted (each task stores its partition as a block of
 * CACHED_PARTITION_MB); `unpersistAfterJob`: the program calls rdd.unpersist() when the job ends.
 */
export interface StageSpecInput { id: number; tasks: number; parents: number[]; taskDuration: TaskDurationSpec; cache: boolean; unpersistAfterJob?: boolean }
/** A job's broadcast variable: created before the job, unpersisted (blocking) when it ends if `unpersistAfterJob`. */
export interface BroadcastSpec { sizeMb: number; unpersistAfterJob: boolean }
/** `index`: position in the application's `jobs`; submitAtMs counts from the application's start (README). */
export interface JobSpec { index: number; submitAtMs: number; stages: StageSpecInput[]; broadcast?: BroadcastSpec }
export interface WorkerSpec { index: number; host: string; port: number; cores: number; memoryMb: number }
/** A YARN NodeManager: the same shape as a worker (its NodeId port is 8041). */
export type NodeManagerSpec = WorkerSpec;
export interface ApplicationSpec {
  index: number;
  name: string;
  submitAtMs: number;
  /** The driver's SparkConf as written: the cluster's `conf` overridden by the application's. */
  rawConf: RawConf;
  /** rawConf resolved against Spark's defaults. */
  conf: ResolvedConf;
  jobs: JobSpec[];
  /** SparkContext.stop once the last job ends. */
  stopWhenDone: boolean;
}
export type PartitionEndpoint = { kind: 'master' } | { kind: 'worker'; worker: number } | { kind: 'driver'; app: number } | { kind: 'executor'; app: number; executor: number };
export type FaultSpec =
  | { kind: 'executor-launch-failure'; atMs: number; worker: number; times: number }
  | { kind: 'executor-launch-delay'; atMs: number; worker: number; times: number; durationMs: number }
  | { kind: 'executor-crash'; atMs: number; app: number; executor: number; exitCode: number }
  | { kind: 'executor-hang'; atMs: number; app: number; executor: number; durationMs?: number }
  | { kind: 'worker-crash'; atMs: number; worker: number }
  | { kind: 'partition'; atMs: number; between: [PartitionEndpoint, PartitionEndpoint]; durationMs?: number }
  | { kind: 'task-failure'; atMs: number; app: number; job: number; stage: number; partition: number; attempts: number | 'all' }
  | { kind: 'node-manager-crash'; atMs: number; nodeManager: number }
  | { kind: 'container-killed'; atMs: number; app: number; executor: number; exitStatus: (typeof CONTAINER_KILL_STATUSES)[number] };

export interface Scenario {
  name: string;
  seed: number;
  startTimeMs: number;
  /** The cluster-wide conf as written. */
  conf: RawConf;
  clusterConf: ResolvedConf;
  networkLatencyMs: number;
  /** "standalone" (Master and Workers) or "yarn" (ResourceManager and NodeManagers). */
  clusterManager: ClusterManagerKind;
  /** Standalone only (empty on YARN). */
  workers: WorkerSpec[];
  /** YARN only (empty on standalone). */
  nodeManagers: NodeManagerSpec[];
  applications: ApplicationSpec[];
  /** Sorted by atMs (stable); task-failure faults have atMs 0. */
  faults: FaultSpec[];
  stopAtMs: number;
  /** `<file>: <field path>: <text>` lines, e.g. unknown configuration keys. */
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Messages

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

type RawIssue = z.core.$ZodRawIssue;
/** A schema's message for a value of the wrong type or out of range: "required" when it is missing. */
const got = (what: string) => (issue: RawIssue) => (issue.code === 'unrecognized_keys' ? undefined : issue.input === undefined ? 'required' : `expected ${what}, got ${describe(issue.input)}`);

/** The message of a discriminated union whose discriminator matches no option. */
const unknownOption = (label: string) => (issue: RawIssue) => {
  if (issue.code !== 'invalid_union' || !('options' in issue)) return undefined;
  const known = (issue.options as unknown[]).join(', ');
  const value = (issue.input as Record<string, unknown> | undefined)?.[String(issue['discriminator'])];
  return value === undefined ? `required (${label}s: ${known})` : `unknown ${label} ${describe(value)} (known: ${known})`;
};

const NOUNS: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', tuple: 'a list', object: 'an object', record: 'an object' };

/** Messages of the issues no schema words itself. */
function genericMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : `expected ${NOUNS[issue.expected] ?? issue.expected}, got ${describe(issue.input)}`;
    case 'unrecognized_keys': {
      const known = Object.keys((issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape ?? {});
      const near = closest(issue.keys[0] ?? '', known);
      return near ? `unknown field (did you mean "${near}"?)` : `unknown field (known: ${known.join(', ')})`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(issue.input)}`;
    default:
      return undefined;
  }
}

/** The known name `key` most likely misspells (one edit away, two for longer names), or undefined. */
function closest(key: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length]!;
  };
  let best: string | undefined;
  let bestDistance = key.length > 4 ? 3 : 2;
  for (const name of known) {
    const d = name.toLowerCase() === key.toLowerCase() ? 0 : distance(key, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/** `applications[0].conf.spark.executor.cores`; a key that is not a plain name is quoted. */
function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (!/^[A-Za-z_$][\w$.-]*$/.test(name)) return `${out}[${JSON.stringify(name)}]`;
    return out ? `${out}.${name}` : name;
  }, '');
}

const formatMs = (ms: number): string =>
  ms !== 0 && ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms !== 0 && ms % 60_000 === 0 ? `${ms / 60_000}min` : ms !== 0 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;

// ---------------------------------------------------------------------------------------------
// Schema. Durations, sizes and times are converted by transforms; a failed conversion aborts.

function issue(ctx: z.RefinementCtx, message: string, path: PropertyKey[] = []): never {
  ctx.addIssue({ code: 'custom', message, path, continue: false });
  return z.NEVER;
}

/** An integer >= min; `max` bounds a range ("from 0 to 255"), `limit` is this simulator's cap. */
function int(min: number, { max, limit }: { max?: number; limit?: number } = {}) {
  const what = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return z.number({ error: got(what) })
    .refine((n) => Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max), { error: got(what), abort: true })
    .refine((n) => limit === undefined || n <= limit, { error: got(`at most ${limit} (the simulator's limit)`), abort: true });
}

const duration = z.union([z.string(), z.number()], { error: got('a time such as "500ms", "2s" or "5min"') }).transform((value, ctx) => {
  let ms: number;
  try {
    // Java's TimeUnit conversions truncate ("1500us" is 1 ms).
    ms = Math.trunc(parseTime(value, 'ms')) + 0;
  } catch {
    return issue(ctx, `${describe(value)} is not a time (use a whole number with a unit: us, ms, s, m or min, h, d, as in "500ms", "2s", "5min"; a bare number is milliseconds)`);
  }
  if (ms < 0) return issue(ctx, `expected a time >= 0, got ${describe(value)}`);
  if (!Number.isSafeInteger(ms)) return issue(ctx, `expected a time below ${Number.MAX_SAFE_INTEGER}ms, got ${describe(value)}`);
  return ms;
});

const size = z.union([z.string(), z.number()], { error: got('a size such as "512m" or "2g"') }).transform((value, ctx) => {
  if (/^\s*-/.test(String(value))) return issue(ctx, `expected a size of at least 1m, got ${describe(value)}`);
  let mb: number;
  try {
    mb = parseSizeMb(value, 'm');
  } catch {
    return issue(ctx, `${describe(value)} is not a size (use a whole number with a unit: k, m, g, t, as in "512m", "2g"; a bare number is MiB)`);
  }
  if (mb < 1) return issue(ctx, `expected a size of at least 1m, got ${describe(value)}`);
  if (!Number.isSafeInteger(mb)) return issue(ctx, `expected a size below ${Number.MAX_SAFE_INTEGER}m, got ${describe(value)}`);
  return mb;
});

const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(?:Z|([+-])(\d\d):(\d\d))$/i;
/** Epoch ms of an ISO-8601 time with a zone, from 1970 on; undefined when it is not one. */
function isoEpochMs(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, zh, zm] = [1, 2, 3, 4, 5, 6, 9, 10].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59 || s > 59 || zh > 23 || zm > 59) return undefined;
  const offsetMs = (m[8] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  const epochMs = Date.UTC(y, mo - 1, d, h, mi, s, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3))) - offsetMs;
  return epochMs >= 0 ? epochMs : undefined;
}
const startTime = z.string({ error: got(`an ISO-8601 time with a zone such as "${DEFAULT_START_TIME}"`) }).transform(
  (text, ctx) => isoEpochMs(text) ?? issue(ctx, `expected an ISO-8601 time with a zone, from 1970 on, such as "${DEFAULT_START_TIME}", got ${describe(text)}`));

/** Spark settings: each value checked against CONF_TABLE (resolveConf) here; unknown keys pass. */
const conf = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: got('a string, number or boolean') }), { error: got('an object of Spark settings') })
  .superRefine((raw, ctx) => {
    try {
      resolveConf(raw);
    } catch (e) {
      if (!(e instanceof ConfError)) throw e;
      issue(ctx, e.message.slice(e.key.length + 2), [e.key]);
    }
  });

const distribution = z.discriminatedUnion('distribution', [
  z.strictObject({ distribution: z.literal('constant'), value: duration }).transform((d) => ({ distribution: 'constant' as const, valueMs: d.value })),
  z.strictObject({ distribution: z.literal('uniform'), min: duration, max: duration }).transform((d, ctx) =>
    d.min > d.max ? issue(ctx, `expected min <= max, got min ${formatMs(d.min)} and max ${formatMs(d.max)}`) : { distribution: 'uniform' as const, minMs: d.min, maxMs: d.max }),
  z.strictObject({ distribution: z.literal('normal'), mean: duration, stddev: duration }).transform((d) => ({ distribution: 'normal' as const, meanMs: d.mean, stddevMs: d.stddev })),
  z.strictObject({ distribution: z.literal('exponential'), mean: duration }).transform((d) => ({ distribution: 'exponential' as const, meanMs: d.mean })),
  z.strictObject({
    distribution: z.literal('pareto'),
    scale: duration,
    shape: z.number({ error: got('a number > 0') }).refine((n) => n > 0, { error: got('a number > 0'), abort: true }),
  }).transform((d) => ({ distribution: 'pareto' as const, scaleMs: d.scale, shape: d.shape })),
], { error: unknownOption('distribution') });
const taskDuration = z.union([duration.transform((valueMs): TaskDurationSpec => ({ distribution: 'constant', valueMs })), distribution], {
  error: got('a time such as "2s", or an object with a "distribution" (constant, uniform, normal, exponential, pareto)'),
});

const stage = z.strictObject({
  id: int(0), tasks: int(1, { limit: SCENARIO_LIMITS.tasksPerStage }), taskDuration, parents: z.array(int(0), { error: got('a list of stage ids') }).default([]),
  cache: z.union([z.boolean(), z.strictObject({ unpersistAfterJob: z.boolean({ error: got('true or false') }) })], { error: got('true, false or { "unpersistAfterJob": true }') }).default(false),
});
const broadcast = z.strictObject({ size, unpersistAfterJob: z.boolean({ error: got('true or false') }).default(true) }, { error: got('an object such as { "size": "10m", "unpersistAfterJob": true }') });
const job = z.strictObject({
  submitAt: duration.default(0),
  stages: z.array(stage, { error: got('a list of stages') }).min(1, { error: 'expected at least one stage, got none' }),
  broadcast: broadcast.optional(),
}).superRefine((j, ctx) => checkStageGraph(j.stages, ctx));

const application = z.strictObject({
  name: z.string({ error: got('a string') }).min(1, { error: 'expected a non-empty name, got ""' }),
  submitAt: duration.default(0),
  conf: conf.default({}),
  jobs: z.array(job, { error: got('a list of jobs') }).default([]),
  stopWhenDone: z.boolean({ error: got('true or false') }).default(true),
});
const worker = z.strictObject({ count: int(1, { limit: SCENARIO_LIMITS.workers }).default(1), cores: int(1), memory: size });

const appRef = z.union([int(0), z.string().min(1, { error: 'expected an application index or name, got ""' })], { error: got('an application index or name') });
const endpointText = z.string({ error: got('an endpoint such as "master", "worker:0", "driver:etl" or "executor:etl:1"') });
const fault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('executor-launch-failure'), at: duration, worker: int(0), times: int(1) }),
  z.strictObject({ kind: z.literal('executor-launch-delay'), at: duration, worker: int(0), times: int(1), duration }),
  z.strictObject({ kind: z.literal('executor-crash'), at: duration, app: appRef, executor: int(0), exitCode: int(0, { max: 255 }) }),
  z.strictObject({ kind: z.literal('executor-hang'), at: duration, app: appRef, executor: int(0), duration: duration.optional() }),
  z.strictObject({ kind: z.literal('worker-crash'), at: duration, worker: int(0) }),
  z.strictObject({ kind: z.literal('partition'), at: duration, between: z.tuple([endpointText, endpointText], { error: got('two endpoints such as ["master", "worker:0"]') }), duration: duration.optional() }),
  z.strictObject({ kind: z.literal('task-failure'), app: appRef, job: int(0), stage: int(0), partition: int(0), attempts: z.union([int(1), z.literal('all')], { error: got('an integer >= 1 or "all"') }) }),
  z.strictObject({ kind: z.literal('node-manager-crash'), at: duration, nodeManager: int(0) }),
  z.strictObject({ kind: z.literal('container-killed'), at: duration, app: appRef, executor: int(0), exitStatus: z.enum(CONTAINER_KILL_STATUSES) }),
], { error: unknownOption('fault kind') });

const scenarioSchema = z.strictObject({
  name: z.string({ error: got('a string') }).min(1, { error: 'expected a non-empty name, got ""' }).optional(),
  seed: int(0).default(1),
  startTime: startTime.default(Date.parse(DEFAULT_START_TIME)),
  conf: conf.default({}),
  network: z.strictObject({ latency: duration.default(1) }, { error: got('an object') }).default({ latency: 1 }),
  clusterManager: z.enum(['standalone', 'yarn']).default('standalone'),
  workers: z.array(worker, { error: got('a list of worker groups') }).min(1, { error: 'expected at least one worker group, got none' }).optional(),
  nodeManagers: z.array(worker, { error: got('a list of node manager groups') }).min(1, { error: 'expected at least one node manager group, got none' }).optional(),
  applications: z.array(application, { error: got('a list of applications') }).min(1, { error: 'expected at least one application, got none' }),
  faults: z.array(fault, { error: got('a list of faults') }).default([]),
  stopAt: duration.default(3_600_000),
}, { error: got('an object') });
type Parsed = z.output<typeof scenarioSchema>;

/** Stage ids unique in the job, parents naming other stages of the job once each, no cycle. */
function checkStageGraph(stages: ReadonlyArray<{ id: number; parents: number[] }>, ctx: z.RefinementCtx): void {
  const indexOf = new Map<number, number>();
  for (const [k, s] of stages.entries()) {
    const first = indexOf.get(s.id);
    if (first !== undefined) return issue(ctx, `duplicate stage id ${s.id} (stages[${first}] has it)`, ['stages', k, 'id']);
    indexOf.set(s.id, k);
  }
  for (const [k, s] of stages.entries()) {
    for (const [q, p] of s.parents.entries()) {
      if (!indexOf.has(p)) return issue(ctx, `expected the id of a stage of this job (${[...indexOf.keys()].join(', ')}), got ${p}`, ['stages', k, 'parents', q]);
      if (s.parents.indexOf(p) < q) return issue(ctx, `duplicate parent ${p}`, ['stages', k, 'parents', q]);
    }
  }
  // Depth-first walk along parents, iterative (a long chain must not overflow the stack).
  const state = new Map<number, 'visiting' | 'done'>();
  for (const root of stages) {
    if (state.has(root.id)) continue;
    const stack = [{ id: root.id, next: 0 }];
    state.set(root.id, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const k = indexOf.get(top.id)!;
      const parents = stages[k]!.parents;
      if (top.next >= parents.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const q = top.next++;
      const p = parents[q]!;
      if (state.get(p) === 'visiting') {
        const cycle = [top.id, ...stack.slice(stack.findIndex((f) => f.id === p)).map((f) => f.id)];
        return issue(ctx, `stage ${top.id} depends on itself: ${cycle.join(' -> ')} (each arrow leads to a parent; the stages must form an acyclic graph)`, ['stages', k, 'parents', q]);
      }
      if (!state.has(p)) {
        state.set(p, 'visiting');
        stack.push({ id: p, next: 0 });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Issues to one line

type Issue = z.core.$ZodIssue;
const isRequired = (i: Issue) => i.code === 'invalid_type' && i.message === 'required';
/** A union option that failed on the value's type itself: the value was meant for another option. */
const isTypeMismatch = (i: Issue) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_union' || i.code === 'invalid_value');

/**
 * The first issue, except that a missing field yields to an unknown field of the same object (most
 * likely its misspelling), and a failed union reports the one option the value was meant for.
 */
function firstIssue(issues: readonly Issue[], prefix: PropertyKey[] = []): { path: PropertyKey[]; rule: string } {
  let chosen = issues[0]!;
  if (isRequired(chosen)) {
    const parent = chosen.path.slice(0, -1);
    chosen = issues.find((i) => i.code === 'unrecognized_keys' && i.path.length === parent.length && i.path.every((k, n) => k === parent[n])) ?? chosen;
  }
  const path = [...prefix, ...chosen.path];
  if (chosen.code === 'unrecognized_keys') return { path: [...path, chosen.keys[0]!], rule: chosen.message };
  if (chosen.code === 'invalid_union') {
    const meant = chosen.errors.filter((option) => option.length > 0 && !isTypeMismatch(option[0]!));
    if (meant.length === 1) return firstIssue(meant[0]!, path);
  }
  return { path, rule: chosen.message };
}

// ---------------------------------------------------------------------------------------------

export function parseScenario(json: unknown, file = '<scenario>'): Scenario {
  const result = scenarioSchema.safeParse(json, { error: genericMessage });
  if (!result.success) {
    const { path, rule } = firstIssue(result.error.issues);
    throw new ScenarioError(file, fieldPath(path), rule);
  }
  return normalise(result.data, file);
}

export function parseScenarioText(text: string, file: string): Scenario {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (e) {
    throw syntaxError(source, file, (e as Error).message);
  }
  rejectDuplicateKeys(source, file);
  return parseScenario(json, file);
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    const reason = /^[A-Z]+: (.*?)(?:, \w+(?: '.*')?)?$/.exec(message)?.[1] ?? message;
    throw new ScenarioError(path, '', `cannot read: ${reason}${code ? ` (${code})` : ''}`);
  }
  return parseScenarioText(text, path);
}

const lineColumn = (text: string, offset: number): string => {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length} column ${offset - before.lastIndexOf('\n')}`;
};

/** JSON.parse says what but not always where; jsonc-parser (strict JSON) locates the first error. */
function syntaxError(text: string, file: string, parserMessage: string): ScenarioError {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) {
    const position = /at position (\d+)/.exec(parserMessage)?.[1];
    return new ScenarioError(file, position === undefined ? '' : lineColumn(text, Number(position)), parserMessage.split('\n')[0]!);
  }
  const token = text.slice(first.offset, first.offset + Math.max(1, first.length));
  const found = first.offset >= text.length ? 'the end of the file' : JSON.stringify(token.length > 20 ? `${token.slice(0, 17)}...` : token);
  const trailing = (token === '}' || token === ']') && /,\s*$/.test(text.slice(0, first.offset)) ? ' (JSON allows no trailing comma)' : '';
  const rules: Record<string, string> = {
    InvalidSymbol: `unexpected ${found}`,
    InvalidNumberFormat: `invalid number ${found}`,
    PropertyNameExpected: `expected a property name in double quotes, got ${found}${trailing}`,
    ValueExpected: `expected a value, got ${found}${trailing}`,
    ColonExpected: `expected ":" after the property name, got ${found}`,
    CommaExpected: `expected ",", got ${found}`,
    CloseBraceExpected: `expected "," or "}", got ${found}`,
    CloseBracketExpected: `expected "," or "]", got ${found}`,
    EndOfFileExpected: `expected the end of the file after the JSON value, got ${found}`,
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'comments are not allowed in JSON',
    UnexpectedEndOfString: 'unterminated string (close it with " on the same line)',
    UnexpectedEndOfNumber: `incomplete number ${found}`,
    InvalidUnicode: `invalid unicode escape in ${found}`,
    InvalidEscapeCharacter: `invalid escape in ${found}`,
    InvalidCharacter: 'invalid character in a string (control characters must be escaped)',
  };
  return new ScenarioError(file, lineColumn(text, first.offset), rules[printParseErrorCode(first.error)] ?? parserMessage.split('\n')[0]!);
}

/** JSON.parse keeps the last of two equal keys silently; a scenario repeating a key is an error. */
function rejectDuplicateKeys(text: string, file: string): void {
  const objects: Array<Map<string, number>> = [];
  visit(text, {
    onObjectBegin: () => void objects.push(new Map()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (key, offset, _length, startLine, _startCharacter, pathOf) => {
      const seen = objects[objects.length - 1]!;
      const firstLine = seen.get(key);
      const where = fieldPath(pathOf());
      if (firstLine !== undefined) throw new ScenarioError(file, lineColumn(text, offset), `duplicate key ${JSON.stringify(key)}${where ? ` in ${where}` : ''} (first on line ${firstLine})`);
      seen.set(key, startLine + 1);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Normalisation and cross references

function normalise(data: Parsed, file: string): Scenario {
  const fail = (field: string, rule: string): never => {
    throw new ScenarioError(file, field, rule);
  };
  const warnings: string[] = [];
  const warnUnknownKeys = (raw: RawConf, at: PropertyKey[]) =>
    Object.keys(raw).filter((key) => !isConfKey(key)).forEach((key) => warnings.push(`${file}: ${fieldPath([...at, key])}: unknown configuration key, kept but not modelled`));

  const yarn = data.clusterManager === 'yarn';
  const [hostsField, otherField] = yarn ? ['nodeManagers', 'workers'] as const : ['workers', 'nodeManagers'] as const;
  if (data[otherField] !== undefined) fail(otherField, yarn ? 'not used with clusterManager "yarn" (use nodeManagers)' : 'only used with clusterManager "yarn" (a standalone cluster has workers)');
  const groups = data[hostsField] ?? fail(hostsField, `required${yarn ? ' (clusterManager "yarn")' : ''}`);
  const hosts: WorkerSpec[] = [];
  groups.forEach((group, g) => {
    if (hosts.length + group.count > SCENARIO_LIMITS.workers) fail(`${hostsField}[${g}].count`, `expected at most ${SCENARIO_LIMITS.workers} ${yarn ? 'node managers' : 'workers'} in all, got ${hosts.length + group.count}`);
    for (let i = 0; i < group.count; i++) {
      // 10.0.0.<index+1>; past 255 the count carries into the higher bytes of 10.0.0.0/8.
      const n = hosts.length + 1;
      hosts.push({ index: hosts.length, host: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, port: yarn ? 8041 : 7078, cores: group.cores, memoryMb: group.memory });
    }
  });
  const workers = yarn ? [] : hosts;
  const nodeManagers = yarn ? hosts : [];

  warnUnknownKeys(data.conf, ['conf']);
  const clusterConf = resolveConf(data.conf).conf;
  const applications = data.applications.map((app, index): ApplicationSpec => {
    const field = `applications[${index}]`;
    warnUnknownKeys(app.conf, ['applications', index, 'conf']);
    const rawConf: RawConf = { ...data.conf, ...app.conf };
    let conf: ResolvedConf;
    try {
      conf = resolveConf(rawConf).conf;
    } catch (e) {
      if (!(e instanceof ConfError)) throw e;
      return fail(fieldPath(['applications', index, 'conf', e.key]), e.message.slice(e.key.length + 2));
    }
    // HeartbeatReceiver's constructor requires these: SparkContext would not start.
    const invalid = validateHeartbeatConf(conf);
    if (invalid) {
      const keys = [...(invalid.match(/spark\.[\w.]+\w/g) ?? []), 'spark.network.timeout', 'spark.storage.blockManagerHeartbeatTimeoutMs'];
      const where = keys.map((k) => (Object.hasOwn(app.conf, k) ? `${field}.conf.${k}` : undefined)).find(Boolean) ?? keys.map((k) => (Object.hasOwn(data.conf, k) ? `conf.${k}` : undefined)).find(Boolean) ?? `${field}.conf`;
      fail(where, `${invalid.replace(/\.$/, '')} (HeartbeatReceiver requires it; the SparkContext would not start)`);
    }
    // ExecutorAllocationManager.validateSettings: a SparkException, the SparkContext would not start.
    const invalidAllocation = validateAllocationConf(conf);
    if (invalidAllocation) {
      const keys = [...(invalidAllocation.match(/spark\.[\w.]+\w/g) ?? []), 'spark.dynamicAllocation.enabled'];
      const where = keys.map((k) => (Object.hasOwn(app.conf, k) ? `${field}.conf.${k}` : undefined)).find(Boolean) ?? keys.map((k) => (Object.hasOwn(data.conf, k) ? `conf.${k}` : undefined)).find(Boolean) ?? `${field}.conf`;
      fail(where, `${invalidAllocation.replace(/^spark\.[\w.]+\w: /, '')} (ExecutorAllocationManager requires it; the SparkContext would not start)`);
    }
    const jobs = app.jobs.map((j, k): JobSpec => ({
      index: k, submitAtMs: j.submitAt, stages: j.stages.map((s) => ({
        id: s.id, tasks: s.tasks, parents: s.parents, taskDuration: s.taskDuration, cache: s.cache !== false,
        ...(typeof s.cache === 'object' ? { unpersistAfterJob: s.cache.unpersistAfterJob } : {}),
      })),
      ...(j.broadcast ? { broadcast: { sizeMb: j.broadcast.size, unpersistAfterJob: j.broadcast.unpersistAfterJob } } : {}),
    }));
    return { index, name: app.name, submitAtMs: app.submitAt, rawConf, conf, jobs, stopWhenDone: app.stopWhenDone };
  });

  const names = applications.map((a) => JSON.stringify(a.name)).slice(0, 10).join(', ') + (applications.length > 10 ? ', ...' : '');
  const appIndex = (ref: string | number, field: string): number => {
    if (typeof ref === 'number') return ref < applications.length ? ref : fail(field, `expected an application index < ${applications.length} or a name (${names}), got ${ref}`);
    const matches = applications.filter((a) => a.name === ref);
    if (matches.length > 1) fail(field, `application name ${describe(ref)} is ambiguous (applications ${matches.map((a) => a.index).join(' and ')}); use the index`);
    return matches[0]?.index ?? fail(field, `expected an application index < ${applications.length} or a name (${names}), got ${describe(ref)}`);
  };
  const workerIndex = (i: number, field: string): number => (i < workers.length ? i : fail(field, `expected a worker index < ${workers.length} (the workers over all groups), got ${i}`));
  const ref = (text: string): string | number => (/^[0-9]+$/.test(text) ? Number(text) : text);
  const endpoint = (text: string, field: string): PartitionEndpoint => {
    if (text === 'master') return { kind: 'master' };
    const w = /^worker:([0-9]+)$/.exec(text);
    if (w) return { kind: 'worker', worker: workerIndex(Number(w[1]), field) };
    const e = /^executor:(.+):([0-9]+)$/.exec(text);
    if (e) return { kind: 'executor', app: appIndex(ref(e[1]!), field), executor: Number(e[2]) };
    const d = /^driver:(.+)$/.exec(text);
    if (d) return { kind: 'driver', app: appIndex(ref(d[1]!), field) };
    return fail(field, `expected "master", "worker:<index>", "driver:<app>" or "executor:<app>:<executor id>", got ${describe(text)}`);
  };

  const nodeManagerIndex = (i: number, field: string): number => (i < nodeManagers.length ? i : fail(field, `expected a node manager index < ${nodeManagers.length} (the node managers over all groups), got ${i}`));
  const faults = data.faults.map((f, i): FaultSpec => {
    const field = `faults[${i}]`;
    if (yarn && STANDALONE_FAULTS.has(f.kind)) fail(`${field}.kind`, `${describe(f.kind)} needs a standalone cluster (clusterManager is "yarn"; YARN faults: ${[...YARN_FAULTS].join(', ')})`);
    if (!yarn && YARN_FAULTS.has(f.kind)) fail(`${field}.kind`, `${describe(f.kind)} needs clusterManager "yarn"`);
    if (f.kind !== 'task-failure' && f.at > data.stopAt) warnings.push(`${file}: ${field}.at: ${formatMs(f.at)} is after stopAt (${formatMs(data.stopAt)}): the fault never happens`);
    const lasting = (ms: number | undefined) => (ms === undefined ? {} : { durationMs: ms });
    switch (f.kind) {
      case 'executor-launch-failure': return { kind: f.kind, atMs: f.at, worker: workerIndex(f.worker, `${field}.worker`), times: f.times };
      case 'executor-launch-delay': return { kind: f.kind, atMs: f.at, worker: workerIndex(f.worker, `${field}.worker`), times: f.times, durationMs: f.duration };
      case 'executor-crash': return { kind: f.kind, atMs: f.at, app: appIndex(f.app, `${field}.app`), executor: f.executor, exitCode: f.exitCode };
      case 'executor-hang': return { kind: f.kind, atMs: f.at, app: appIndex(f.app, `${field}.app`), executor: f.executor, ...lasting(f.duration) };
      case 'worker-crash': return { kind: f.kind, atMs: f.at, worker: workerIndex(f.worker, `${field}.worker`) };
      case 'partition': {
        const between: [PartitionEndpoint, PartitionEndpoint] = [endpoint(f.between[0], `${field}.between[0]`), endpoint(f.between[1], `${field}.between[1]`)];
        if (JSON.stringify(between[0]) === JSON.stringify(between[1])) fail(`${field}.between`, `expected two different endpoints, got ${describe(f.between[0])} and ${describe(f.between[1])}`);
        return { kind: f.kind, atMs: f.at, between, ...lasting(f.duration) };
      }
      case 'node-manager-crash': return { kind: f.kind, atMs: f.at, nodeManager: nodeManagerIndex(f.nodeManager, `${field}.nodeManager`) };
      case 'container-killed': return { kind: f.kind, atMs: f.at, app: appIndex(f.app, `${field}.app`), executor: f.executor, exitStatus: f.exitStatus };
      case 'task-failure': {
        const app = applications[appIndex(f.app, `${field}.app`)]!;
        const job = app.jobs[f.job] ?? fail(`${field}.job`, `expected a job index < ${app.jobs.length} (the jobs of application ${describe(app.name)}), got ${f.job}`);
        const stage = job.stages.find((s) => s.id === f.stage) ?? fail(`${field}.stage`, `expected a stage id of job ${f.job} (${job.stages.map((s) => s.id).join(', ')}), got ${f.stage}`);
        if (f.partition >= stage.tasks) fail(`${field}.partition`, `expected a partition < ${stage.tasks} (stage ${stage.id} has ${stage.tasks} tasks), got ${f.partition}`);
        return { kind: f.kind, atMs: 0, app: app.index, job: f.job, stage: f.stage, partition: f.partition, attempts: f.attempts };
      }
    }
  });
  faults.sort((a, b) => a.atMs - b.atMs);
  applications.forEach((a) => {
    if (a.submitAtMs > data.stopAt) warnings.push(`${file}: applications[${a.index}].submitAt: ${formatMs(a.submitAtMs)} is after stopAt (${formatMs(data.stopAt)}): the application never starts`);
  });

  return {
    name: data.name ?? basename(file, extname(file)),
    seed: data.seed,
    startTimeMs: data.startTime,
    conf: data.conf,
    clusterConf,
    networkLatencyMs: data.network.latency,
    clusterManager: data.clusterManager,
    workers,
    nodeManagers,
    applications,
    faults,
    stopAtMs: data.stopAt,
    warnings,
  };
}
