/**
 * The scenario file: parsing, validation (zod) and normalisation into plain numbers.
 * Every error is one line, `<file>: <field path>: <rule>`, thrown as ScenarioError.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { validateHeartbeatConf } from '../machines/heartbeatReceiver.js';
import { ConfError, parseSizeMb, parseTime, resolveConf, type RawConf, type ResolvedConf } from '../machines/conf.js';

export const DEFAULT_START_TIME = '2026-01-01T00:00:00Z';

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

export interface StageSpecInput { id: number; tasks: number; parents: number[]; taskDuration: TaskDurationSpec }
export interface JobSpec { index: number; submitAtMs: number; stages: StageSpecInput[] }
export interface WorkerSpec { index: number; host: string; port: number; cores: number; memoryMb: number }
export interface ApplicationSpec {
  index: number;
  name: string;
  submitAtMs: number;
  rawConf: RawConf;
  /** The cluster's conf overridden by the application's, resolved. */
  conf: ResolvedConf;
  jobs: JobSpec[];
  stopWhenDone: boolean;
}
export type PartitionEndpoint = { kind: 'master' } | { kind: 'worker'; worker: number } | { kind: 'driver'; app: number } | { kind: 'executor'; app: number; executor: number };
export type FaultSpec =
  | { kind: 'executor-launch-failure'; atMs: number; worker: number; times: number }
  | { kind: 'executor-crash'; atMs: number; app: number; executor: number; exitCode: number }
  | { kind: 'executor-hang'; atMs: number; app: number; executor: number; durationMs?: number }
  | { kind: 'worker-crash'; atMs: number; worker: number }
  | { kind: 'partition'; atMs: number; between: [PartitionEndpoint, PartitionEndpoint]; durationMs?: number }
  | { kind: 'task-failure'; atMs: number; app: number; job: number; stage: number; partition: number; attempts: number | 'all' };
export const FAULT_KINDS = ['executor-launch-failure', 'executor-crash', 'executor-hang', 'worker-crash', 'partition', 'task-failure'] as const;

export interface Scenario {
  name: string;
  seed: number;
  startTimeMs: number;
  conf: RawConf;
  clusterConf: ResolvedConf;
  networkLatencyMs: number;
  workers: WorkerSpec[];
  applications: ApplicationSpec[];
  faults: FaultSpec[];
  stopAtMs: number;
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Schema. Durations and sizes are checked here and converted in normalise().

/** The message of a value of the wrong type: "required" when it is missing. */
const expected = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `expected ${what}, got ${describe(issue.input)}`);

const checked = (parse: (v: string | number) => number, what: string) =>
  z.union([z.string(), z.number()], { error: expected(what) }).superRefine((value, ctx) => {
    try {
      if (parse(value) < 0) ctx.addIssue({ code: 'custom', message: `expected ${what} >= 0, got ${JSON.stringify(value)}` });
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });
const duration = checked((v) => parseTime(v, 'ms'), 'a time such as 500ms, 2s or 5min');
const size = checked((v) => parseSizeMb(v, 'm'), 'a size such as 512m or 2g');
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number({ error: expected(`an integer >= ${min}`) })
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, { error: (i) => `expected an integer ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `>= ${min}`}, got ${describe(i.input)}` });
const confValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean') }));
const appRef = z.union([int(0), z.string()], { error: expected('an application index or name') });

const taskDuration = z.union([
  duration,
  z.strictObject({ distribution: z.literal('constant'), value: duration }),
  z.strictObject({ distribution: z.literal('uniform'), min: duration, max: duration }),
  z.strictObject({ distribution: z.literal('normal'), mean: duration, stddev: duration }),
  z.strictObject({ distribution: z.literal('exponential'), mean: duration }),
  z.strictObject({ distribution: z.literal('pareto'), scale: duration, shape: z.number({ error: expected('a number > 0') }).positive({ error: (i) => `expected a number > 0, got ${describe(i.input)}` }) }),
], { error: expected('a time, or an object with "distribution": constant, uniform, normal, exponential or pareto') });

const stage = z.strictObject({ id: int(0), tasks: int(1), taskDuration, parents: z.array(int(0)).default([]) });
const job = z.strictObject({ submitAt: duration.default('0s'), stages: z.array(stage).min(1, { error: 'expected at least one stage' }) });
const application = z.strictObject({
  name: z.string({ error: expected('a string') }).min(1, { error: 'expected a non-empty name' }),
  submitAt: duration.default('0s'),
  conf: confValues.default({}),
  jobs: z.array(job).default([]),
  stopWhenDone: z.boolean().default(true),
});
const worker = z.strictObject({ count: int(1).default(1), cores: int(1), memory: size });
const at = { at: duration };
const fault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('executor-launch-failure'), ...at, worker: int(0), times: int(1) }),
  z.strictObject({ kind: z.literal('executor-crash'), ...at, app: appRef, executor: int(0), exitCode: int(0, 255) }),
  z.strictObject({ kind: z.literal('executor-hang'), ...at, app: appRef, executor: int(0), duration: duration.optional() }),
  z.strictObject({ kind: z.literal('worker-crash'), ...at, worker: int(0) }),
  z.strictObject({ kind: z.literal('partition'), ...at, between: z.tuple([z.string(), z.string()], { error: 'expected two endpoints' }), duration: duration.optional() }),
  z.strictObject({ kind: z.literal('task-failure'), app: appRef, job: int(0), stage: int(0), partition: int(0), attempts: z.union([int(1), z.literal('all')], { error: expected('an integer >= 1 or "all"') }) }),
], { error: (i) => (i.code === 'invalid_union' && i.note === 'No matching discriminator' ? `unknown fault kind ${describe((i.input as { kind?: unknown } | undefined)?.kind)} (known: ${FAULT_KINDS.join(', ')})` : undefined) });

const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  seed: int(0).default(1),
  startTime: z.string().default(DEFAULT_START_TIME).refine((s) => /[zZ]|[+-]\d\d:?\d\d$/.test(s) && !Number.isNaN(Date.parse(s)), { error: (i) => `expected an ISO-8601 time with a zone such as ${DEFAULT_START_TIME}, got ${describe(i.input)}` }),
  conf: confValues.default({}),
  network: z.strictObject({ latency: duration.default('1ms') }).default({ latency: '1ms' }),
  workers: z.array(worker, { error: expected('a list') }).min(1, { error: 'expected at least one worker group' }),
  applications: z.array(application, { error: expected('a list') }).min(1, { error: 'expected at least one application' }),
  faults: z.array(fault).default([]),
  stopAt: duration.default('1h'),
});

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function ruleOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'required';
  return issue.message;
}

// ---------------------------------------------------------------------------------------------

export function parseScenario(json: unknown, file = '<scenario>'): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ScenarioError(file, fieldPath(issue.path), ruleOf(issue));
  }
  return normalise(result.data, file);
}

export function parseScenarioText(text: string, file: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // JSON.parse does not always say where; jsonc-parser (strict: no comments, no trailing commas) does.
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) throw new ScenarioError(file, '', `invalid JSON: ${(e as Error).message.split('\n')[0]}`);
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    throw new ScenarioError(file, '', `line ${line} column ${column}: invalid JSON (${printParseErrorCode(first.error)})`);
  }
  return parseScenario(json, file);
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(path, '', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseScenarioText(text, path);
}

type Parsed = z.output<typeof scenarioSchema>;

function normalise(data: Parsed, file: string): Scenario {
  const fail = (field: string, rule: string): never => {
    throw new ScenarioError(file, field, rule);
  };
  const ms = (value: string | number) => parseTime(value, 'ms');
  const warnings = new Set<string>();
  const resolve = (raw: RawConf, field: string): ResolvedConf => {
    try {
      const { conf, warnings: w } = resolveConf(raw);
      w.forEach((x) => warnings.add(x));
      return conf;
    } catch (e) {
      if (e instanceof ConfError) return fail(`${field}.${e.key}`, e.message.slice(e.key.length + 2));
      throw e;
    }
  };

  const clusterConf = resolve(data.conf, 'conf');
  const workers: WorkerSpec[] = [];
  for (const group of data.workers) {
    for (let i = 0; i < group.count; i++) {
      const index = workers.length;
      workers.push({ index, host: `10.0.0.${index + 1}`, port: 7078, cores: group.cores, memoryMb: parseSizeMb(group.memory, 'm') });
    }
  }

  const applications: ApplicationSpec[] = data.applications.map((app, index) => {
    const field = `applications[${index}]`;
    const jobs = app.jobs.map((job, j): JobSpec => {
      const ids = new Set<number>();
      job.stages.forEach((s, k) => {
        if (ids.has(s.id)) fail(`${field}.jobs[${j}].stages[${k}].id`, `duplicate stage id ${s.id}`);
        ids.add(s.id);
      });
      job.stages.forEach((s, k) =>
        s.parents.forEach((p, q) => {
          if (!ids.has(p)) fail(`${field}.jobs[${j}].stages[${k}].parents[${q}]`, `no stage with id ${p} in this job`);
        }));
      const cyclic = findCycle(job.stages);
      if (cyclic !== undefined) fail(`${field}.jobs[${j}].stages[${job.stages.findIndex((s) => s.id === cyclic)}]`, `stage ${cyclic} depends on itself through its parents`);
      return { index: j, submitAtMs: ms(job.submitAt), stages: job.stages.map((s) => ({ id: s.id, tasks: s.tasks, parents: s.parents, taskDuration: normaliseDuration(s.taskDuration, `${field}.jobs[${j}]`, fail) })) };
    });
    const rawConf = { ...data.conf, ...app.conf };
    const conf = resolve(rawConf, `${field}.conf`);
    // HeartbeatReceiver's constructor checks: SparkContext would not start.
    const invalid = validateHeartbeatConf(conf);
    if (invalid) fail(`${field}.conf.${invalid.split(' ')[0]}`, invalid);
    return { index, name: app.name, submitAtMs: ms(app.submitAt), rawConf, conf, jobs, stopWhenDone: app.stopWhenDone };
  });

  const appIndex = (ref: string | number, field: string): number => {
    const index = typeof ref === 'number' ? ref : applications.findIndex((a) => a.name === ref);
    if (index < 0 || index >= applications.length) fail(field, `no application ${JSON.stringify(ref)} (there are ${applications.length}: ${applications.map((a) => a.name).join(', ')})`);
    return index;
  };
  const workerIndex = (i: number, field: string): number => (i < workers.length ? i : fail(field, `no worker ${i} (there are ${workers.length})`));
  const endpoint = (text: string, field: string): PartitionEndpoint => {
    const [kind, a, b] = text.split(':');
    if (kind === 'master' && a === undefined) return { kind: 'master' };
    const number = (s: string | undefined) => (s !== undefined && /^[0-9]+$/.test(s) ? Number(s) : undefined);
    if (kind === 'worker' && number(a) !== undefined && b === undefined) return { kind: 'worker', worker: workerIndex(number(a)!, field) };
    if (kind === 'driver' && a !== undefined && b === undefined) return { kind: 'driver', app: appIndex(number(a) ?? a, field) };
    if (kind === 'executor' && a !== undefined && number(b) !== undefined) return { kind: 'executor', app: appIndex(number(a) ?? a, field), executor: number(b)! };
    return fail(field, `expected "master", "worker:<index>", "driver:<app>" or "executor:<app>:<id>", got ${JSON.stringify(text)}`);
  };

  const faults = data.faults.map((f, i): FaultSpec => {
    const field = `faults[${i}]`;
    switch (f.kind) {
      case 'executor-launch-failure': return { kind: f.kind, atMs: ms(f.at), worker: workerIndex(f.worker, `${field}.worker`), times: f.times };
      case 'executor-crash': return { kind: f.kind, atMs: ms(f.at), app: appIndex(f.app, `${field}.app`), executor: f.executor, exitCode: f.exitCode };
      case 'executor-hang': return { kind: f.kind, atMs: ms(f.at), app: appIndex(f.app, `${field}.app`), executor: f.executor, ...(f.duration !== undefined ? { durationMs: ms(f.duration) } : {}) };
      case 'worker-crash': return { kind: f.kind, atMs: ms(f.at), worker: workerIndex(f.worker, `${field}.worker`) };
      case 'partition': return { kind: f.kind, atMs: ms(f.at), between: [endpoint(f.between[0], `${field}.between[0]`), endpoint(f.between[1], `${field}.between[1]`)], ...(f.duration !== undefined ? { durationMs: ms(f.duration) } : {}) };
      case 'task-failure': {
        const app = appIndex(f.app, `${field}.app`);
        const job = applications[app]!.jobs[f.job] ?? fail(`${field}.job`, `no job ${f.job} in application ${applications[app]!.name}`);
        const stage = job.stages.find((s) => s.id === f.stage) ?? fail(`${field}.stage`, `no stage ${f.stage} in job ${f.job}`);
        if (f.partition >= stage.tasks) fail(`${field}.partition`, `expected a partition < ${stage.tasks} (the stage's tasks), got ${f.partition}`);
        return { kind: f.kind, atMs: 0, app, job: f.job, stage: f.stage, partition: f.partition, attempts: f.attempts };
      }
    }
  });
  faults.sort((a, b) => a.atMs - b.atMs);

  return {
    name: data.name ?? basename(file, extname(file)),
    seed: data.seed,
    startTimeMs: Date.parse(data.startTime),
    conf: data.conf,
    clusterConf,
    networkLatencyMs: ms(data.network.latency),
    workers,
    applications,
    faults,
    stopAtMs: ms(data.stopAt),
    warnings: [...warnings],
  };
}

function normaliseDuration(spec: z.output<typeof taskDuration>, field: string, fail: (field: string, rule: string) => never): TaskDurationSpec {
  const ms = (value: string | number) => parseTime(value, 'ms');
  if (typeof spec === 'string' || typeof spec === 'number') return { distribution: 'constant', valueMs: ms(spec) };
  switch (spec.distribution) {
    case 'constant': return { distribution: 'constant', valueMs: ms(spec.value) };
    case 'uniform': {
      const minMs = ms(spec.min);
      const maxMs = ms(spec.max);
      if (minMs > maxMs) fail(`${field}.taskDuration`, `uniform min ${spec.min} is greater than max ${spec.max}`);
      return { distribution: 'uniform', minMs, maxMs };
    }
    case 'normal': return { distribution: 'normal', meanMs: ms(spec.mean), stddevMs: ms(spec.stddev) };
    case 'exponential': return { distribution: 'exponential', meanMs: ms(spec.mean) };
    case 'pareto': return { distribution: 'pareto', scaleMs: ms(spec.scale), shape: spec.shape };
  }
}

/** A stage id on a dependency cycle, or undefined. */
function findCycle(stages: ReadonlyArray<{ id: number; parents: number[] }>): number | undefined {
  const parents = new Map(stages.map((s) => [s.id, s.parents]));
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (id: number): number | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return id;
    state.set(id, 'visiting');
    for (const p of parents.get(id) ?? []) {
      const found = visit(p);
      if (found !== undefined) return found;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const s of stages) {
    const found = visit(s.id);
    if (found !== undefined) return found;
  }
  return undefined;
}
