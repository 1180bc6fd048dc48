import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConf } from '../../machines/conf.js';
import { DEFAULT_START_TIME, FAULT_KINDS, loadScenario, parseScenario, parseScenarioText, SCENARIO_LIMITS, ScenarioError } from '../../runtime/scenario.js';

/** A scenario as JSON, loosely typed so that tests can break it. */
type Json = Record<string, any>;

/** The documented example of the format, with a second stage to refer to. */
const example = (): Json => ({
  name: 'optional label',
  seed: 1,
  startTime: '2026-01-01T00:00:00Z',
  conf: { 'spark.worker.timeout': '60s' },
  network: { latency: '1ms' },
  workers: [{ count: 3, cores: 10, memory: '512m' }],
  applications: [{
    name: 'etl',
    submitAt: '0s',
    conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '128m', 'spark.cores.max': 8 },
    jobs: [{
      submitAt: '0s',
      stages: [
        { id: 0, tasks: 40, taskDuration: '2s', parents: [] },
        { id: 1, tasks: 4, taskDuration: { distribution: 'uniform', min: '1s', max: '3s' }, parents: [0] },
      ],
    }],
  }],
  faults: [{ at: '30s', kind: 'executor-launch-failure', worker: 0, times: 3 }],
  stopAt: '1h',
});

/** Only the required fields. */
const minimal = (): Json => ({ workers: [{ cores: 4, memory: '1g' }], applications: [{ name: 'a' }] });
const stagesOf = (s: Json): Json[] => s['applications'][0].jobs[0].stages;
const KINDS = 'executor-launch-failure, executor-launch-delay, executor-crash, executor-hang, worker-crash, partition, task-failure, node-manager-crash, container-killed';
const TIME_HELP = 'use a whole number with a unit: us, ms, s, m or min, h, d, as in "500ms", "2s", "5min"; a bare number is milliseconds';
const DAG = 'each arrow leads to a parent; the stages must form an acyclic graph';

/** The ScenarioError a changed example gives (file "etl.json"); its message is one line. */
function errorOf(change: (s: Json) => void): ScenarioError {
  const s = example();
  change(s);
  try {
    parseScenario(s, 'etl.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as Error).message).not.toContain('\n');
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError, the scenario was accepted');
}
const messageOf = (change: (s: Json) => void): string => errorOf(change).message;
const accepts = (change: (s: Json) => void) => {
  const s = example();
  change(s);
  return parseScenario(s, 'etl.json');
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('scenario file: the documented example', () => {
  it('normalises into relative ms, MiB, one entry per worker, resolved conf and resolved fault references', () => {
    const appRaw = { 'spark.worker.timeout': '60s', 'spark.executor.cores': 2, 'spark.executor.memory': '128m', 'spark.cores.max': 8 };
    expect(parseScenario(example(), 'etl.json')).toEqual({
      name: 'optional label',
      seed: 1,
      startTimeMs: Date.UTC(2026, 0, 1),
      conf: { 'spark.worker.timeout': '60s' },
      clusterConf: resolveConf({ 'spark.worker.timeout': '60s' }).conf,
      networkLatencyMs: 1,
      clusterManager: 'standalone',
      workers: [
        { index: 0, host: '10.0.0.1', port: 7078, cores: 10, memoryMb: 512 },
        { index: 1, host: '10.0.0.2', port: 7078, cores: 10, memoryMb: 512 },
        { index: 2, host: '10.0.0.3', port: 7078, cores: 10, memoryMb: 512 },
      ],
      nodeManagers: [],
      applications: [{
        index: 0,
        name: 'etl',
        submitAtMs: 0,
        rawConf: appRaw,
        conf: resolveConf(appRaw).conf,
        stopWhenDone: true,
        jobs: [{
          index: 0,
          submitAtMs: 0,
          stages: [
            { id: 0, tasks: 40, parents: [], taskDuration: { distribution: 'constant', valueMs: 2000 }, cache: false },
            { id: 1, tasks: 4, parents: [0], taskDuration: { distribution: 'uniform', minMs: 1000, maxMs: 3000 }, cache: false },
          ],
        }],
      }],
      faults: [{ kind: 'executor-launch-failure', atMs: 30_000, worker: 0, times: 3 }],
      stopAtMs: 3_600_000,
      warnings: [],
    });
  });

  it("resolves the cluster's and the application's Spark settings to ms and MiB", () => {
    const s = parseScenario(example(), 'etl.json');
    expect(s.clusterConf['spark.worker.timeout']).toBe(60_000);
    expect(s.clusterConf['spark.executor.cores']).toBeUndefined();
    expect(s.applications[0]!.conf).toMatchObject({ 'spark.executor.cores': 2, 'spark.executor.memory': 128, 'spark.cores.max': 8, 'spark.worker.timeout': 60_000 });
  });

  it('accepts the shipped scenarios/default.json', () => {
    const s = loadScenario(new URL('../../scenarios/default.json', import.meta.url).pathname);
    expect(s.name).toBe('default');
    expect(s.faults).toEqual([
      { kind: 'executor-launch-failure', atMs: 0, worker: 1, times: 1 },
      { kind: 'executor-hang', atMs: 20_000, app: 0, executor: 3 },
    ]);
  });
});

describe('scenario file: defaults', () => {
  it('fills every optional field with its documented default', () => {
    const s = parseScenario({ workers: [{ cores: 4, memory: '1g' }], applications: [{ name: 'a', jobs: [{ stages: [{ id: 0, tasks: 1, taskDuration: '1s' }] }] }] }, 'dir/minimal.json');
    expect(s.name).toBe('minimal');
    expect(s.seed).toBe(1);
    expect(DEFAULT_START_TIME).toBe('2026-01-01T00:00:00Z');
    expect(s.startTimeMs).toBe(Date.UTC(2026, 0, 1));
    expect(s.conf).toEqual({});
    expect(s.networkLatencyMs).toBe(1);
    expect(s.workers).toEqual([{ index: 0, host: '10.0.0.1', port: 7078, cores: 4, memoryMb: 1024 }]);
    expect(s.applications[0]).toMatchObject({ index: 0, submitAtMs: 0, rawConf: {}, stopWhenDone: true });
    expect(s.applications[0]!.jobs).toEqual([{ index: 0, submitAtMs: 0, stages: [{ id: 0, tasks: 1, parents: [], taskDuration: { distribution: 'constant', valueMs: 1000 }, cache: false }] }]);
    expect(s.faults).toEqual([]);
    expect(s.stopAtMs).toBe(3_600_000);
    expect(s.warnings).toEqual([]);
  });

  it("an application without jobs has none; unset Spark settings take Spark's defaults", () => {
    const s = parseScenario(minimal(), 'x.json');
    expect(s.applications[0]!.jobs).toEqual([]);
    expect(s.clusterConf['spark.network.timeout']).toBe(120_000);
    expect(s.clusterConf['spark.deploy.spreadOutApps']).toBe(true);
    expect(s.applications[0]!.conf['spark.executor.memory']).toBe(1024);
  });

  it('names the scenario after the file without its extension', () => {
    expect(parseScenario(minimal(), '/a/b/storm-7.json').name).toBe('storm-7');
    expect(parseScenario(minimal()).name).toBe('<scenario>');
    expect(parseScenario({ ...minimal(), name: 'given' }, '/a/b/storm-7.json').name).toBe('given');
  });
});

describe('scenario file: formats and boundaries', () => {
  it("reads Spark's time format; a bare number is ms; sub-millisecond parts truncate as Java's TimeUnit does", () => {
    const s = accepts((s) => {
      s['stopAt'] = '5min';
      s['network'] = { latency: 250 };
      s['applications'][0].submitAt = '1500us';
      s['applications'][0].jobs[0].submitAt = '2h';
      stagesOf(s)[0]!['taskDuration'] = '100ms';
      s['faults'][0].at = 0;
    });
    expect([s.stopAtMs, s.networkLatencyMs, s.applications[0]!.submitAtMs, s.applications[0]!.jobs[0]!.submitAtMs]).toEqual([300_000, 250, 1, 7_200_000]);
    expect(s.applications[0]!.jobs[0]!.stages[0]!.taskDuration).toEqual({ distribution: 'constant', valueMs: 100 });
    expect(s.faults[0]!.atMs).toBe(0);
  });

  it("reads Spark's size format; a bare number is MiB", () => {
    expect(accepts((s) => (s['workers'][0].memory = '2g')).workers[0]!.memoryMb).toBe(2048);
    expect(accepts((s) => (s['workers'][0].memory = 3)).workers[0]!.memoryMb).toBe(3);
    expect(accepts((s) => (s['workers'][0].memory = '1m')).workers[0]!.memoryMb).toBe(1);
  });

  it('reads startTime as ISO-8601 with any zone', () => {
    expect(accepts((s) => (s['startTime'] = '2026-03-01T12:00:00+01:00')).startTimeMs).toBe(Date.UTC(2026, 2, 1, 11));
    expect(accepts((s) => (s['startTime'] = '2024-02-29T23:59:59.250-00:30')).startTimeMs).toBe(Date.UTC(2024, 2, 1, 0, 29, 59, 250));
    expect(accepts((s) => (s['startTime'] = '1970-01-01T00:00Z')).startTimeMs).toBe(0);
  });

  it('accepts the smallest valid values', () => {
    const s = accepts((s) => {
      s['seed'] = 0;
      s['stopAt'] = 0;
      s['workers'] = [{ cores: 1, memory: 1 }];
      s['faults'] = [
        { kind: 'executor-crash', at: 0, app: 0, executor: 0, exitCode: 0 },
        { kind: 'executor-crash', at: 0, app: 0, executor: 0, exitCode: 255 },
        { kind: 'executor-launch-failure', at: 0, worker: 0, times: 1 },
        { kind: 'task-failure', app: 0, job: 0, stage: 1, partition: 3, attempts: 1 },
      ];
      stagesOf(s)[1]!['taskDuration'] = { distribution: 'uniform', min: '2s', max: '2s' };
    });
    expect(s.seed).toBe(0);
    expect(s.stopAtMs).toBe(0);
    expect(s.workers).toEqual([{ index: 0, host: '10.0.0.1', port: 7078, cores: 1, memoryMb: 1 }]);
    expect(s.faults.map((f) => (f.kind === 'executor-crash' ? f.exitCode : f.kind))).toEqual([0, 255, 'executor-launch-failure', 'task-failure']);
    expect(s.applications[0]!.jobs[0]!.stages[1]!.taskDuration).toEqual({ distribution: 'uniform', minMs: 2000, maxMs: 2000 });
  });

  it('accepts the largest seed (a safe integer)', () => {
    expect(accepts((s) => (s['seed'] = Number.MAX_SAFE_INTEGER)).seed).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('indexes workers over all groups in order; hosts count on past 10.0.0.255 in 10.0.0.0/8', () => {
    const s = accepts((s) => (s['workers'] = [{ count: 2, cores: 1, memory: '1g' }, { cores: 2, memory: '2g' }, { count: 254, cores: 3, memory: 1 }]));
    expect(s.workers.slice(0, 3)).toEqual([
      { index: 0, host: '10.0.0.1', port: 7078, cores: 1, memoryMb: 1024 },
      { index: 1, host: '10.0.0.2', port: 7078, cores: 1, memoryMb: 1024 },
      { index: 2, host: '10.0.0.3', port: 7078, cores: 2, memoryMb: 2048 },
    ]);
    expect(s.workers.slice(-3).map((w) => [w.index, w.host])).toEqual([[254, '10.0.0.255'], [255, '10.0.1.0'], [256, '10.0.1.1']]);
  });

  it(`expands at most ${SCENARIO_LIMITS.workers} workers in all`, () => {
    const max = SCENARIO_LIMITS.workers;
    expect(accepts((s) => (s['workers'] = [{ count: max - 1, cores: 1, memory: 1 }, { cores: 1, memory: 1 }])).workers).toHaveLength(max);
    expect(messageOf((s) => (s['workers'] = [{ count: max - 1, cores: 1, memory: 1 }, { count: 2, cores: 1, memory: 1 }]))).toBe(`etl.json: workers[1].count: expected at most ${max} workers in all, got ${max + 1}`);
    expect(messageOf((s) => (s['workers'][0].count = max + 1))).toBe(`etl.json: workers[0].count: expected at most ${max} (the simulator's limit), got ${max + 1}`);
  });

  it(`a stage has at most ${SCENARIO_LIMITS.tasksPerStage} tasks`, () => {
    const max = SCENARIO_LIMITS.tasksPerStage;
    expect(accepts((s) => (stagesOf(s)[0]!['tasks'] = max)).applications[0]!.jobs[0]!.stages[0]!.tasks).toBe(max);
    expect(messageOf((s) => (stagesOf(s)[0]!['tasks'] = max + 1))).toBe(`etl.json: applications[0].jobs[0].stages[0].tasks: expected at most ${max} (the simulator's limit), got ${max + 1}`);
  });

  it('normalises every task-duration form to a distribution in ms', () => {
    const forms = [
      ['2s', { distribution: 'constant', valueMs: 2000 }],
      [750, { distribution: 'constant', valueMs: 750 }],
      [{ distribution: 'constant', value: '3s' }, { distribution: 'constant', valueMs: 3000 }],
      [{ distribution: 'uniform', min: '1s', max: '3s' }, { distribution: 'uniform', minMs: 1000, maxMs: 3000 }],
      [{ distribution: 'normal', mean: '2s', stddev: '500ms' }, { distribution: 'normal', meanMs: 2000, stddevMs: 500 }],
      [{ distribution: 'exponential', mean: '2s' }, { distribution: 'exponential', meanMs: 2000 }],
      [{ distribution: 'pareto', scale: '1s', shape: 2.5 }, { distribution: 'pareto', scaleMs: 1000, shape: 2.5 }],
    ] as const;
    const s = accepts((s) => (s['applications'][0].jobs[0].stages = forms.map(([taskDuration], id) => ({ id, tasks: 1, taskDuration }))));
    expect(s.applications[0]!.jobs[0]!.stages.map((st) => st.taskDuration)).toEqual(forms.map(([, spec]) => spec));
  });

  it('accepts any acyclic stage graph: a diamond, parents listed after their children, several sinks', () => {
    const s = accepts((s) => (s['applications'][0].jobs[0].stages = [
      { id: 3, tasks: 1, taskDuration: 1, parents: [1, 2] },
      { id: 1, tasks: 1, taskDuration: 1, parents: [0] },
      { id: 2, tasks: 1, taskDuration: 1, parents: [0] },
      { id: 0, tasks: 1, taskDuration: 1 },
      { id: 9, tasks: 1, taskDuration: 1, parents: [0] },
    ]));
    expect(s.applications[0]!.jobs[0]!.stages.map((st) => [st.id, st.parents])).toEqual([[3, [1, 2]], [1, [0]], [2, [0]], [0, []], [9, [0]]]);
  });

  it('an application may set stopWhenDone false', () => {
    expect(accepts((s) => (s['applications'][0].stopWhenDone = false)).applications[0]!.stopWhenDone).toBe(false);
  });
});

describe('scenario file: one-line errors naming the field and the rule', () => {
  it.each<[string, (s: Json) => void, string]>([
    // required and shape
    ['missing workers', (s) => delete s['workers'], 'etl.json: workers: required'],
    ['missing applications', (s) => delete s['applications'], 'etl.json: applications: required'],
    ['no worker group', (s) => (s['workers'] = []), 'etl.json: workers: expected at least one worker group, got none'],
    ['no application', (s) => (s['applications'] = []), 'etl.json: applications: expected at least one application, got none'],
    ['workers not a list', (s) => (s['workers'] = 3), 'etl.json: workers: expected a list of worker groups, got 3'],
    ['an application without a name', (s) => delete s['applications'][0].name, 'etl.json: applications[0].name: required'],
    ['an empty application name', (s) => (s['applications'][0].name = ''), 'etl.json: applications[0].name: expected a non-empty name, got ""'],
    ['a job without stages', (s) => (stagesOf(s).length = 0), 'etl.json: applications[0].jobs[0].stages: expected at least one stage, got none'],
    ['a list for an object', (s) => (s['network'] = []), 'etl.json: network: expected an object, got a list of 0 items'],
    ['stopWhenDone not a boolean', (s) => (s['applications'][0].stopWhenDone = 'yes'), 'etl.json: applications[0].stopWhenDone: expected true or false, got "yes"'],
    // integers
    ['cores of the wrong type', (s) => (s['workers'][0].cores = 'ten'), 'etl.json: workers[0].cores: expected an integer >= 1, got "ten"'],
    ['negative cores', (s) => (s['workers'][0].cores = -2), 'etl.json: workers[0].cores: expected an integer >= 1, got -2'],
    ['zero cores', (s) => (s['workers'][0].cores = 0), 'etl.json: workers[0].cores: expected an integer >= 1, got 0'],
    ['fractional cores', (s) => (s['workers'][0].cores = 1.5), 'etl.json: workers[0].cores: expected an integer >= 1, got 1.5'],
    ['zero count', (s) => (s['workers'][0].count = 0), 'etl.json: workers[0].count: expected an integer >= 1, got 0'],
    ['zero tasks', (s) => (stagesOf(s)[0]!['tasks'] = 0), 'etl.json: applications[0].jobs[0].stages[0].tasks: expected an integer >= 1, got 0'],
    ['negative stage id', (s) => (stagesOf(s)[0]!['id'] = -1), 'etl.json: applications[0].jobs[0].stages[0].id: expected an integer >= 0, got -1'],
    ['negative seed', (s) => (s['seed'] = -1), 'etl.json: seed: expected an integer >= 0, got -1'],
    ['seed beyond safe integers', (s) => (s['seed'] = 2 ** 53), 'etl.json: seed: expected an integer >= 0, got 9007199254740992'],
    // durations, sizes, times
    ['malformed duration', (s) => (s['stopAt'] = '2x'), `etl.json: stopAt: "2x" is not a time (${TIME_HELP})`],
    ['fractional duration', (s) => (s['network'].latency = '1.5s'), `etl.json: network.latency: "1.5s" is not a time (${TIME_HELP})`],
    ['negative duration', (s) => (s['faults'][0].at = '-5s'), 'etl.json: faults[0].at: expected a time >= 0, got "-5s"'],
    ['negative bare duration', (s) => (s['applications'][0].submitAt = -1), 'etl.json: applications[0].submitAt: expected a time >= 0, got -1'],
    ['duration of the wrong type', (s) => (s['stopAt'] = true), 'etl.json: stopAt: expected a time such as "500ms", "2s" or "5min", got true'],
    ['zero memory', (s) => (s['workers'][0].memory = '0m'), 'etl.json: workers[0].memory: expected a size of at least 1m, got "0m"'],
    ['memory under 1 MiB', (s) => (s['workers'][0].memory = '512k'), 'etl.json: workers[0].memory: expected a size of at least 1m, got "512k"'],
    ['negative memory', (s) => (s['workers'][0].memory = '-1g'), 'etl.json: workers[0].memory: expected a size of at least 1m, got "-1g"'],
    ['malformed memory', (s) => (s['workers'][0].memory = 'lots'), 'etl.json: workers[0].memory: "lots" is not a size (use a whole number with a unit: k, m, g, t, as in "512m", "2g"; a bare number is MiB)'],
    ['startTime without a zone', (s) => (s['startTime'] = '2026-01-01T00:00:00'), 'etl.json: startTime: expected an ISO-8601 time with a zone, from 1970 on, such as "2026-01-01T00:00:00Z", got "2026-01-01T00:00:00"'],
    ['startTime on a day that does not exist', (s) => (s['startTime'] = '2026-02-29T00:00:00Z'), 'etl.json: startTime: expected an ISO-8601 time with a zone, from 1970 on, such as "2026-01-01T00:00:00Z", got "2026-02-29T00:00:00Z"'],
    ['startTime before 1970', (s) => (s['startTime'] = '1969-12-31T23:59:59Z'), 'etl.json: startTime: expected an ISO-8601 time with a zone, from 1970 on, such as "2026-01-01T00:00:00Z", got "1969-12-31T23:59:59Z"'],
    // Spark settings
    ['malformed conf value in an application', (s) => (s['applications'][0].conf['spark.executor.cores'] = 'two'), 'etl.json: applications[0].conf.spark.executor.cores: "two" is not an integer'],
    ['malformed cluster conf value', (s) => (s['conf']['spark.worker.timeout'] = 'soon'), 'etl.json: conf.spark.worker.timeout: "soon" is not a time (use a number with a unit such as 100ms, 120s, 5min, 1h)'],
    ['conf value of the wrong type', (s) => (s['conf']['spark.worker.timeout'] = null), 'etl.json: conf.spark.worker.timeout: expected a string, number or boolean, got null'],
    ['conf not an object', (s) => (s['applications'][0].conf = 'x'), 'etl.json: applications[0].conf: expected an object of Spark settings, got "x"'],
    // unknown properties
    ['unknown top-level property', (s) => (s['seeds'] = 1), 'etl.json: seeds: unknown field (did you mean "seed"?)'],
    ['unknown property far from any field', (s) => (s['extra'] = 1), 'etl.json: extra: unknown field (known: name, seed, startTime, conf, network, clusterManager, workers, nodeManagers, applications, faults, stopAt)'],
    ['unknown nested property', (s) => (s['workers'][0].cpus = 4), 'etl.json: workers[0].cpus: unknown field (known: count, cores, memory)'],
    ['a misspelt required field', (s) => { s['applicatons'] = s['applications']; delete s['applications']; }, 'etl.json: applicatons: unknown field (did you mean "applications"?)'],
    ['a field of another fault kind', (s) => (s['faults'][0].app = 0), 'etl.json: faults[0].app: unknown field (known: kind, at, worker, times)'],
    ['at on a task failure', (s) => (s['faults'] = [{ kind: 'task-failure', at: '1s', app: 0, job: 0, stage: 0, partition: 0, attempts: 1 }]), 'etl.json: faults[0].at: unknown field (known: kind, app, job, stage, partition, attempts)'],
    ['unknown property in a distribution', (s) => (stagesOf(s)[1]!['taskDuration'] = { distribution: 'exponential', mean: '1s', max: '3s' }), 'etl.json: applications[0].jobs[0].stages[1].taskDuration.max: unknown field (known: distribution, mean)'],
    // stages
    ['cyclic stages', (s) => (stagesOf(s)[0]!['parents'] = [1]), `etl.json: applications[0].jobs[0].stages[1].parents[0]: stage 1 depends on itself: 1 -> 0 -> 1 (${DAG})`],
    ['a stage that is its own parent', (s) => (stagesOf(s)[1]!['parents'] = [1]), `etl.json: applications[0].jobs[0].stages[1].parents[0]: stage 1 depends on itself: 1 -> 1 (${DAG})`],
    ['duplicate stage ids', (s) => (stagesOf(s)[1]!['id'] = 0), 'etl.json: applications[0].jobs[0].stages[1].id: duplicate stage id 0 (stages[0] has it)'],
    ['a parent outside the job', (s) => (stagesOf(s)[1]!['parents'] = [9]), 'etl.json: applications[0].jobs[0].stages[1].parents[0]: expected the id of a stage of this job (0, 1), got 9'],
    ['a parent listed twice', (s) => (stagesOf(s)[1]!['parents'] = [0, 0]), 'etl.json: applications[0].jobs[0].stages[1].parents[1]: duplicate parent 0'],
    // task durations
    ['distribution with min > max', (s) => (stagesOf(s)[1]!['taskDuration'] = { distribution: 'uniform', min: '3s', max: '1s' }), 'etl.json: applications[0].jobs[0].stages[1].taskDuration: expected min <= max, got min 3s and max 1s'],
    ['distribution missing a field', (s) => (stagesOf(s)[1]!['taskDuration'] = { distribution: 'uniform', min: '3s' }), 'etl.json: applications[0].jobs[0].stages[1].taskDuration.max: required'],
    ['malformed duration in a distribution', (s) => (stagesOf(s)[1]!['taskDuration'] = { distribution: 'normal', mean: '2x', stddev: '1s' }), `etl.json: applications[0].jobs[0].stages[1].taskDuration.mean: "2x" is not a time (${TIME_HELP})`],
    ['unknown distribution', (s) => (stagesOf(s)[1]!['taskDuration'] = { distribution: 'zipf', mean: '1s' }), 'etl.json: applications[0].jobs[0].stages[1].taskDuration.distribution: unknown distribution "zipf" (known: constant, uniform, normal, exponential, pareto)'],
    ['zero pareto shape', (s) => (stagesOf(s)[1]!['taskDuration'] = { distribution: 'pareto', scale: '1s', shape: 0 }), 'etl.json: applications[0].jobs[0].stages[1].taskDuration.shape: expected a number > 0, got 0'],
    ['malformed constant task duration', (s) => (stagesOf(s)[0]!['taskDuration'] = '2x'), `etl.json: applications[0].jobs[0].stages[0].taskDuration: "2x" is not a time (${TIME_HELP})`],
    ['task duration of the wrong type', (s) => (stagesOf(s)[0]!['taskDuration'] = true), 'etl.json: applications[0].jobs[0].stages[0].taskDuration: expected a time such as "2s", or an object with a "distribution" (constant, uniform, normal, exponential, pareto), got true'],
    ['missing task duration', (s) => delete stagesOf(s)[0]!['taskDuration'], 'etl.json: applications[0].jobs[0].stages[0].taskDuration: required'],
    // faults
    ['unknown fault kind', (s) => (s['faults'] = [{ kind: 'disk-full', at: '1s' }]), `etl.json: faults[0].kind: unknown fault kind "disk-full" (known: ${KINDS})`],
    ['fault without a kind', (s) => (s['faults'] = [{ at: '1s', worker: 0 }]), `etl.json: faults[0].kind: required (fault kinds: ${KINDS})`],
    ['fault that is not an object', (s) => (s['faults'] = ['boom']), 'etl.json: faults[0]: expected an object, got "boom"'],
    ['fault on a missing worker', (s) => (s['faults'] = [{ kind: 'worker-crash', at: '1s', worker: 3 }]), 'etl.json: faults[0].worker: expected a worker index < 3 (the workers over all groups), got 3'],
    ['launch failures on a missing worker', (s) => (s['faults'][0].worker = 3), 'etl.json: faults[0].worker: expected a worker index < 3 (the workers over all groups), got 3'],
    ['fault on a missing application name', (s) => (s['faults'] = [{ kind: 'executor-crash', at: '1s', app: 'nope', executor: 0, exitCode: 137 }]), 'etl.json: faults[0].app: expected an application index < 1 or a name ("etl"), got "nope"'],
    ['fault on a missing application index', (s) => (s['faults'] = [{ kind: 'executor-hang', at: '1s', app: 1, executor: 0 }]), 'etl.json: faults[0].app: expected an application index < 1 or a name ("etl"), got 1'],
    ['application reference of the wrong type', (s) => (s['faults'] = [{ kind: 'executor-hang', at: '1s', app: true, executor: 0 }]), 'etl.json: faults[0].app: expected an application index or name, got true'],
    ['empty application name as a reference', (s) => (s['faults'] = [{ kind: 'executor-hang', at: '1s', app: '', executor: 0 }]), 'etl.json: faults[0].app: expected an application index or name, got ""'],
    ['negative application index', (s) => (s['faults'] = [{ kind: 'executor-hang', at: '1s', app: -1, executor: 0 }]), 'etl.json: faults[0].app: expected an integer >= 0, got -1'],
    ['ambiguous application name', (s) => { s['applications'].push({ name: 'etl' }); s['faults'] = [{ kind: 'executor-hang', at: '1s', app: 'etl', executor: 0 }]; }, 'etl.json: faults[0].app: application name "etl" is ambiguous (applications 0 and 1); use the index'],
    ['fault on a missing job', (s) => (s['faults'] = [{ kind: 'task-failure', app: 0, job: 1, stage: 0, partition: 0, attempts: 1 }]), 'etl.json: faults[0].job: expected a job index < 1 (the jobs of application "etl"), got 1'],
    ['fault on a missing stage', (s) => (s['faults'] = [{ kind: 'task-failure', app: 'etl', job: 0, stage: 7, partition: 0, attempts: 1 }]), 'etl.json: faults[0].stage: expected a stage id of job 0 (0, 1), got 7'],
    ['fault on a missing partition', (s) => (s['faults'] = [{ kind: 'task-failure', app: 0, job: 0, stage: 1, partition: 4, attempts: 'all' }]), 'etl.json: faults[0].partition: expected a partition < 4 (stage 1 has 4 tasks), got 4'],
    ['zero attempts', (s) => (s['faults'] = [{ kind: 'task-failure', app: 0, job: 0, stage: 1, partition: 0, attempts: 0 }]), 'etl.json: faults[0].attempts: expected an integer >= 1, got 0'],
    ['attempts neither a number nor "all"', (s) => (s['faults'] = [{ kind: 'task-failure', app: 0, job: 0, stage: 1, partition: 0, attempts: 'some' }]), 'etl.json: faults[0].attempts: expected an integer >= 1 or "all", got "some"'],
    ['zero launch failures', (s) => (s['faults'][0].times = 0), 'etl.json: faults[0].times: expected an integer >= 1, got 0'],
    ['exit code above 255', (s) => (s['faults'] = [{ kind: 'executor-crash', at: '1s', app: 0, executor: 0, exitCode: 256 }]), 'etl.json: faults[0].exitCode: expected an integer from 0 to 255, got 256'],
    ['negative exit code', (s) => (s['faults'] = [{ kind: 'executor-crash', at: '1s', app: 0, executor: 0, exitCode: -1 }]), 'etl.json: faults[0].exitCode: expected an integer from 0 to 255, got -1'],
    ['malformed partition endpoint', (s) => (s['faults'] = [{ kind: 'partition', at: '1s', between: ['master', 'moon'] }]), 'etl.json: faults[0].between[1]: expected "master", "worker:<index>", "driver:<app>" or "executor:<app>:<executor id>", got "moon"'],
    ['partition endpoint on a missing worker', (s) => (s['faults'] = [{ kind: 'partition', at: '1s', between: ['worker:3', 'master'] }]), 'etl.json: faults[0].between[0]: expected a worker index < 3 (the workers over all groups), got 3'],
    ['partition endpoint on a missing application', (s) => (s['faults'] = [{ kind: 'partition', at: '1s', between: ['master', 'executor:web:1'] }]), 'etl.json: faults[0].between[1]: expected an application index < 1 or a name ("etl"), got "web"'],
    ['partition of a process with itself', (s) => (s['faults'] = [{ kind: 'partition', at: '1s', between: ['driver:etl', 'driver:0'] }]), 'etl.json: faults[0].between: expected two different endpoints, got "driver:etl" and "driver:0"'],
    ['partition with one endpoint', (s) => (s['faults'] = [{ kind: 'partition', at: '1s', between: ['master'] }]), 'etl.json: faults[0].between: expected two endpoints such as ["master", "worker:0"], got a list of 1 item'],
    ['partition endpoint of the wrong type', (s) => (s['faults'] = [{ kind: 'partition', at: '1s', between: ['master', 3] }]), 'etl.json: faults[0].between[1]: expected an endpoint such as "master", "worker:0", "driver:etl" or "executor:etl:1", got 3'],
  ])('%s', (_title, change, message) => {
    expect(messageOf(change)).toBe(message);
  });

  it('carries the file, the field and the rule on the error', () => {
    expect(errorOf((s) => (s['seed'] = 'x'))).toMatchObject({ name: 'ScenarioError', file: 'etl.json', field: 'seed', rule: 'expected an integer >= 0, got "x"', message: 'etl.json: seed: expected an integer >= 0, got "x"' });
    expect(() => parseScenario(5)).toThrow(new ScenarioError('<scenario>', '', 'expected an object, got 5'));
  });

  it('reports the first problem only, in the order of the schema, the same one every time', () => {
    const twoProblems = (s: Json) => {
      s['stopAt'] = '2x';
      s['workers'][0].cores = 0;
      s['faults'][0].worker = 9;
    };
    expect(messageOf(twoProblems)).toBe('etl.json: workers[0].cores: expected an integer >= 1, got 0');
    expect(messageOf(twoProblems)).toBe(messageOf(twoProblems));
    // A bad Spark setting of an application comes before a bad fault reference.
    expect(messageOf((s) => { s['faults'][0].worker = 9; s['applications'][0].conf['spark.executor.cores'] = 'two'; })).toMatch(/^etl\.json: applications\[0\]\.conf/);
  });

  it('keeps a key with a newline or spaces on one line, quoted', () => {
    expect(messageOf((s) => (s['conf']['a\nb'] = null))).toBe('etl.json: conf["a\\nb"]: expected a string, number or boolean, got null');
    expect(messageOf((s) => (s['workers'][0]['max cores'] = 1))).toBe('etl.json: workers[0]["max cores"]: unknown field (known: count, cores, memory)');
  });

  it("rejects settings HeartbeatReceiver's constructor rejects, at the key the file set", () => {
    expect(messageOf((s) => (s['applications'][0].conf['spark.executor.heartbeatInterval'] = '200s'))).toBe(
      'etl.json: applications[0].conf.spark.executor.heartbeatInterval: spark.executor.heartbeatInterval should be less than or equal to spark.storage.blockManagerHeartbeatTimeoutMs (HeartbeatReceiver requires it; the SparkContext would not start)');
    expect(messageOf((s) => (s['conf']['spark.network.timeout'] = '30s'))).toBe(
      'etl.json: conf.spark.network.timeout: spark.network.timeoutInterval should be less than or equal to spark.network.timeout (HeartbeatReceiver requires it; the SparkContext would not start)');
    expect(accepts((s) => (s['conf']['spark.network.timeout'] = '60s')).clusterConf['spark.network.timeout']).toBe(60_000);
  });

  it("rejects dynamic allocation settings ExecutorAllocationManager.validateSettings rejects, at the key the file set", () => {
    const da = (s: Json, extra: Record<string, unknown>) => Object.assign(s['applications'][0].conf, { 'spark.dynamicAllocation.enabled': true }, extra);
    expect(messageOf((s) => da(s, { 'spark.dynamicAllocation.minExecutors': 5, 'spark.dynamicAllocation.maxExecutors': 3 }))).toBe(
      'etl.json: applications[0].conf.spark.dynamicAllocation.minExecutors: spark.dynamicAllocation.minExecutors (5) must be less than or equal to spark.dynamicAllocation.maxExecutors (3)! (ExecutorAllocationManager requires it; the SparkContext would not start)');
    expect(messageOf((s) => da(s, { 'spark.dynamicAllocation.shuffleTracking.enabled': false }))).toMatch(
      /^etl\.json: applications\[0\]\.conf\.spark\.dynamicAllocation\.shuffleTracking\.enabled: Dynamic allocation of executors requires one of the following conditions: 1\) enabling external shuffle service/);
    // The same settings without dynamic allocation: Spark creates no allocation manager and checks nothing.
    expect(accepts((s) => Object.assign(s['applications'][0].conf, { 'spark.dynamicAllocation.minExecutors': 5, 'spark.dynamicAllocation.maxExecutors': 3 })).applications[0]!.conf['spark.dynamicAllocation.minExecutors']).toBe(5);
    expect(accepts((s) => da(s, { 'spark.dynamicAllocation.shuffleTracking.enabled': false, 'spark.shuffle.service.enabled': true })).applications[0]!.conf['spark.dynamicAllocation.enabled']).toBe(true);
  });
});

describe('scenario file: Spark settings', () => {
  it("overrides the cluster's settings with the application's and inherits the rest", () => {
    const s = parseScenario({ ...minimal(), conf: { 'spark.task.maxFailures': 8, 'spark.network.timeout': '90s' }, applications: [{ name: 'a', conf: { 'spark.task.maxFailures': '2' } }, { name: 'b' }] });
    expect(s.clusterConf['spark.task.maxFailures']).toBe(8);
    expect(s.applications[0]!.conf['spark.task.maxFailures']).toBe(2);
    expect(s.applications[0]!.conf['spark.network.timeout']).toBe(90_000);
    expect(s.applications[0]!.rawConf).toEqual({ 'spark.task.maxFailures': '2', 'spark.network.timeout': '90s' });
    expect(s.applications[1]!.conf['spark.task.maxFailures']).toBe(8);
  });

  it('keeps an unknown configuration key and warns once where it is written, instead of failing', () => {
    const s = example();
    s['conf']['spark.made.up'] = 'x';
    s['applications'][0].conf['spark.other.made.up'] = true;
    const parsed = parseScenario(s, 'etl.json');
    expect(parsed.warnings).toEqual([
      'etl.json: conf.spark.made.up: unknown configuration key, kept but not modelled',
      'etl.json: applications[0].conf.spark.other.made.up: unknown configuration key, kept but not modelled',
    ]);
    expect(parsed.conf['spark.made.up']).toBe('x');
    expect(parsed.applications[0]!.rawConf).toMatchObject({ 'spark.made.up': 'x', 'spark.other.made.up': true });
  });

  it('warns about a fault or an application after stopAt: it never happens', () => {
    const s = accepts((s) => {
      s['stopAt'] = '20s';
      s['applications'][0].submitAt = '20s';
      s['applications'].push({ name: 'late', submitAt: '21s' });
    });
    expect(s.warnings).toEqual([
      'etl.json: faults[0].at: 30s is after stopAt (20s): the fault never happens',
      'etl.json: applications[1].submitAt: 21s is after stopAt (20s): the application never starts',
    ]);
  });
});

describe('scenario file: faults', () => {
  it('normalises every fault kind; task failures have atMs 0 and may fail every attempt', () => {
    const s = accepts((s) => (s['faults'] = [
      { kind: 'executor-hang', at: '3s', app: 'etl', executor: 2, duration: '1min' },
      { kind: 'executor-hang', at: '3s', app: 0, executor: 4 },
      { kind: 'worker-crash', at: '4s', worker: 2 },
      { kind: 'task-failure', app: 'etl', job: 0, stage: 1, partition: 2, attempts: 'all' },
      { kind: 'task-failure', app: 0, job: 0, stage: 0, partition: 39, attempts: 2 },
      { kind: 'executor-crash', at: 1500, app: 0, executor: 1, exitCode: 137 },
      { kind: 'executor-launch-failure', at: '2s', worker: 1, times: 10 },
      { kind: 'partition', at: '5s', between: ['master', 'worker:1'], duration: '30s' },
    ]));
    expect(s.faults).toEqual([
      { kind: 'task-failure', atMs: 0, app: 0, job: 0, stage: 1, partition: 2, attempts: 'all' },
      { kind: 'task-failure', atMs: 0, app: 0, job: 0, stage: 0, partition: 39, attempts: 2 },
      { kind: 'executor-crash', atMs: 1500, app: 0, executor: 1, exitCode: 137 },
      { kind: 'executor-launch-failure', atMs: 2000, worker: 1, times: 10 },
      { kind: 'executor-hang', atMs: 3000, app: 0, executor: 2, durationMs: 60_000 },
      { kind: 'executor-hang', atMs: 3000, app: 0, executor: 4 },
      { kind: 'worker-crash', atMs: 4000, worker: 2 },
      { kind: 'partition', atMs: 5000, between: [{ kind: 'master' }, { kind: 'worker', worker: 1 }], durationMs: 30_000 },
    ]);
    expect('durationMs' in s.faults[5]!).toBe(false);
  });

  it('resolves every form of partition endpoint, by application index or name', () => {
    const s = accepts((s) => {
      s['applications'].push({ name: 'web:2' });
      s['faults'] = [
        { kind: 'partition', at: '2s', between: ['driver:etl', 'executor:0:3'] },
        { kind: 'partition', at: '2s', between: ['driver:1', 'executor:web:2:0'] },
        { kind: 'partition', at: '2s', between: ['worker:2', 'driver:web:2'] },
      ];
    });
    expect(s.faults.map((f) => f.kind === 'partition' && f.between)).toEqual([
      [{ kind: 'driver', app: 0 }, { kind: 'executor', app: 0, executor: 3 }],
      [{ kind: 'driver', app: 1 }, { kind: 'executor', app: 1, executor: 0 }],
      [{ kind: 'worker', worker: 2 }, { kind: 'driver', app: 1 }],
    ]);
  });

  it('sorts faults by time and keeps the file order of faults at the same time', () => {
    const s = accepts((s) => (s['faults'] = [
      { kind: 'worker-crash', at: '9s', worker: 0 },
      { kind: 'worker-crash', at: '1s', worker: 2 },
      { kind: 'worker-crash', at: '1000ms', worker: 1 },
      { kind: 'worker-crash', at: 1000, worker: 0 },
    ]));
    expect(s.faults.map((f) => [f.atMs, f.kind === 'worker-crash' && f.worker])).toEqual([[1000, 2], [1000, 1], [1000, 0], [9000, 0]]);
  });

  it('lists the known fault kinds in the documented order', () => {
    expect(FAULT_KINDS.join(', ')).toBe(KINDS);
  });
});

describe('scenario file: text and files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-test-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each<[string, string, string]>([
    ['a trailing comma', '{\n  "seed": 1,\n}', 'x.json: line 3 column 1: expected a property name in double quotes, got "}" (JSON allows no trailing comma)'],
    ['a missing value', '{ "workers": [ }', 'x.json: line 1 column 16: expected a value, got "}"'],
    ['an empty file', '', 'x.json: line 1 column 1: expected a value, got the end of the file'],
    ['a comment', '{ "seed": 1 } // note', 'x.json: line 1 column 15: comments are not allowed in JSON'],
    ['a missing colon', '{\n"a" 1}', 'x.json: line 2 column 5: expected ":" after the property name, got "1"'],
    ['single quotes', "{'a': 1}", 'x.json: line 1 column 2: unexpected "\'a\'"'],
    ['an unclosed object', '{ "seed": 1', 'x.json: line 1 column 12: expected "," or "}", got the end of the file'],
  ])('reports invalid JSON (%s) with its line and column', (_title, text, message) => {
    expect(() => parseScenarioText(text, 'x.json')).toThrow(new ScenarioError('x.json', message.split(': ')[1]!, message.split(': ').slice(2).join(': ')));
  });

  it('rejects a key written twice in one object, which JSON.parse would silently drop', () => {
    expect(() => parseScenarioText('{\n  "seed": 1,\n  "seed": 2\n}', 'x.json')).toThrow('x.json: line 3 column 3: duplicate key "seed" (first on line 2)');
    const text = JSON.stringify({ ...minimal(), applications: [{ name: 'a', conf: {} }] }).replace('"conf":{}', '"conf":{"spark.task.cpus":1,"spark.task.cpus":2}');
    expect(() => parseScenarioText(text, 'x.json')).toThrow(/^x\.json: line 1 column \d+: duplicate key "spark\.task\.cpus" in applications\[0\]\.conf \(first on line 1\)$/);
  });

  it('validates parsed text like an object, and names the scenario after the file', () => {
    expect(parseScenarioText(JSON.stringify(minimal()), 'dir/small.json').name).toBe('small');
    expect(() => parseScenarioText('{"workers": 3, "applications": [{"name": "a"}]}', 'x.json')).toThrow('x.json: workers: expected a list of worker groups, got 3');
  });

  it('reads a file, ignoring a byte-order mark, and says why a file cannot be read', () => {
    expect(loadScenario(write('bom.json', `\uFEFF${JSON.stringify(minimal())}`)).name).toBe('bom');
    expect(() => loadScenario('/no/such/scenario.json')).toThrow(new ScenarioError('/no/such/scenario.json', '', 'cannot read: no such file or directory (ENOENT)'));
    expect(() => loadScenario(dir)).toThrow(`${dir}: cannot read: illegal operation on a directory (EISDIR)`);
    expect(() => loadScenario(write('bad.json', '{\n  "workers": [],\n  "applications": [{ "name": "a" }]\n}'))).toThrow(`${join(dir, 'bad.json')}: workers: expected at least one worker group, got none`);
  });
});

describe('scenario file: purity', () => {
  it('is deterministic: the same input gives deep-equal results, from an object or from text', () => {
    const input = example();
    const first = parseScenario(input, 'a.json');
    expect(parseScenario(input, 'a.json')).toEqual(first);
    expect(parseScenarioText(JSON.stringify(input), 'a.json')).toEqual(first);
    expect(JSON.stringify(parseScenario(example(), 'a.json'))).toBe(JSON.stringify(first));
  });

  it('does not change its input (a deeply frozen input parses) and shares no mutable structure with it', () => {
    const input = deepFreeze(example());
    const copy = JSON.parse(JSON.stringify(input));
    const parsed = parseScenario(input, 'a.json');
    expect(input).toEqual(copy);
    parsed.applications[0]!.jobs[0]!.stages[1]!.parents.push(7);
    (parsed.conf as Record<string, unknown>)['x'] = 1;
    expect(parseScenario(input, 'a.json')).toEqual(parseScenario(copy, 'a.json'));
  });
});
