import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, parseScenarioText, ScenarioError } from '../../runtime/scenario.js';

const example = () => ({
  name: 'optional label',
  seed: 1,
  startTime: '2026-01-01T00:00:00Z',
  conf: { 'spark.worker.timeout': '60s' },
  workers: [{ count: 3, cores: 10, memory: '512m' }],
  applications: [{
    name: 'etl',
    submitAt: '0s',
    conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '128m', 'spark.cores.max': 8 },
    jobs: [{ submitAt: '0s', stages: [{ id: 0, tasks: 40, taskDuration: '2s', parents: [] }, { id: 1, tasks: 4, taskDuration: { distribution: 'uniform', min: '1s', max: '3s' }, parents: [0] }] }],
  }],
  faults: [{ at: '30s', kind: 'executor-launch-failure', worker: 0, times: 3 }] as unknown[],
  stopAt: '1h',
});

/** The one-line error a modified example gives. */
function errorOf(change: (s: ReturnType<typeof example> & Record<string, unknown>) => void): string {
  const s = example() as ReturnType<typeof example> & Record<string, unknown>;
  change(s);
  try {
    parseScenario(s, 'etl.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('scenario file', () => {
  it('parses the documented example into plain numbers', () => {
    const s = parseScenario(example(), 'etl.json');
    expect(s.name).toBe('optional label');
    expect(s.startTimeMs).toBe(Date.UTC(2026, 0, 1));
    expect(s.clusterConf['spark.worker.timeout']).toBe(60_000);
    expect(s.workers).toEqual([
      { index: 0, host: '10.0.0.1', port: 7078, cores: 10, memoryMb: 512 },
      { index: 1, host: '10.0.0.2', port: 7078, cores: 10, memoryMb: 512 },
      { index: 2, host: '10.0.0.3', port: 7078, cores: 10, memoryMb: 512 },
    ]);
    const app = s.applications[0]!;
    expect(app.conf['spark.executor.cores']).toBe(2);
    expect(app.conf['spark.executor.memory']).toBe(128);
    expect(app.conf['spark.cores.max']).toBe(8);
    expect(app.conf['spark.worker.timeout']).toBe(60_000);
    expect(app.jobs[0]!.stages[1]).toEqual({ id: 1, tasks: 4, parents: [0], taskDuration: { distribution: 'uniform', minMs: 1000, maxMs: 3000 } });
    expect(s.faults).toEqual([{ kind: 'executor-launch-failure', atMs: 30_000, worker: 0, times: 3 }]);
    expect(s.stopAtMs).toBe(3_600_000);
  });

  it("fills Spark's and the format's defaults", () => {
    const s = parseScenario({ workers: [{ cores: 4, memory: '1g' }], applications: [{ name: 'a' }] }, 'dir/minimal.json');
    expect(s.name).toBe('minimal');
    expect(s.seed).toBe(1);
    expect(s.networkLatencyMs).toBe(1);
    expect(s.stopAtMs).toBe(3_600_000);
    expect(s.workers).toEqual([{ index: 0, host: '10.0.0.1', port: 7078, cores: 4, memoryMb: 1024 }]);
    expect(s.applications[0]).toMatchObject({ submitAtMs: 0, jobs: [], stopWhenDone: true });
    expect(s.clusterConf['spark.network.timeout']).toBe(120_000);
    expect(s.clusterConf['spark.deploy.maxExecutorRetries']).toBe(10);
    expect(s.clusterConf['spark.deploy.spreadOutApps']).toBe(true);
  });

  it('names the field and the rule of each kind of bad input in one line', () => {
    expect(errorOf((s) => delete (s as Record<string, unknown>)['workers'])).toBe('etl.json: workers: required');
    expect(errorOf((s) => ((s.workers[0] as Record<string, unknown>)['cores'] = 'ten'))).toBe('etl.json: workers[0].cores: expected an integer >= 1, got "ten"');
    expect(errorOf((s) => (s.workers[0]!.cores = -2))).toBe('etl.json: workers[0].cores: expected an integer >= 1, got -2');
    expect(errorOf((s) => (s.applications[0]!.jobs[0]!.stages[0]!.tasks = 0))).toBe('etl.json: applications[0].jobs[0].stages[0].tasks: expected an integer >= 1, got 0');
    expect(errorOf((s) => (s.faults = [{ kind: 'disk-full', at: '1s' }]))).toBe(
      'etl.json: faults[0].kind: unknown fault kind "disk-full" (known: executor-launch-failure, executor-crash, executor-hang, worker-crash, partition, task-failure)');
    expect(errorOf((s) => (s.stopAt = '2x'))).toBe('etl.json: stopAt: "2x" has an unknown time unit "x" (us, ms, s, m, min, h, d)');
    expect(errorOf((s) => ((s.applications[0]!.conf as Record<string, unknown>)['spark.executor.cores'] = 'two'))).toBe('etl.json: applications[0].conf.spark.executor.cores: "two" is not an integer');
    expect(errorOf((s) => ((s as Record<string, unknown>)['workerz'] = 1))).toBe('etl.json: unknown field "workerz"');
    expect(errorOf((s) => (s.faults = [{ kind: 'worker-crash', at: '1s', worker: 3 }]))).toBe('etl.json: faults[0].worker: no worker 3 (there are 3)');
    expect(errorOf((s) => (s.faults = [{ kind: 'executor-crash', at: '1s', app: 'nope', executor: 0, exitCode: 137 }]))).toBe('etl.json: faults[0].app: no application "nope" (there are 1: etl)');
    expect(errorOf((s) => (s.faults = [{ kind: 'task-failure', app: 0, job: 0, stage: 7, partition: 0, attempts: 1 }]))).toBe('etl.json: faults[0].stage: no stage 7 in job 0');
    expect(errorOf((s) => (s.faults = [{ kind: 'task-failure', app: 0, job: 0, stage: 1, partition: 4, attempts: 'all' }]))).toBe("etl.json: faults[0].partition: expected a partition < 4 (the stage's tasks), got 4");
    expect(errorOf((s) => (s.faults = [{ kind: 'partition', at: '1s', between: ['master', 'moon'] }]))).toBe('etl.json: faults[0].between[1]: expected "master", "worker:<index>", "driver:<app>" or "executor:<app>:<id>", got "moon"');
    expect(errorOf((s) => (s.applications[0]!.jobs[0]!.stages[0]!.parents = [1]))).toBe('etl.json: applications[0].jobs[0].stages[0]: stage 0 depends on itself through its parents');
    expect(errorOf((s) => (s.applications[0]!.jobs[0]!.stages[1]!.id = 0))).toBe('etl.json: applications[0].jobs[0].stages[1].id: duplicate stage id 0');
    expect(errorOf((s) => (s.applications[0]!.jobs[0]!.stages[1]!.parents = [9]))).toBe('etl.json: applications[0].jobs[0].stages[1].parents[0]: no stage with id 9 in this job');
    expect(errorOf((s) => ((s.applications[0]!.jobs[0]!.stages[1] as Record<string, unknown>)['taskDuration'] = { distribution: 'uniform', min: '3s', max: '1s' }))).toBe(
      'etl.json: applications[0].jobs[0].taskDuration: uniform min 3s is greater than max 1s');
    expect(errorOf((s) => (s.faults = [{ kind: 'executor-crash', at: '1s', app: 0, executor: 0, exitCode: 300 }]))).toBe('etl.json: faults[0].exitCode: expected an integer from 0 to 255, got 300');
  });

  it('keeps an unknown configuration key with a warning instead of failing', () => {
    const s = example();
    (s.conf as Record<string, unknown>)['spark.made.up'] = 'x';
    const parsed = parseScenario(s, 'etl.json');
    expect(parsed.warnings).toEqual(['unknown configuration key spark.made.up is kept but not modelled']);
  });

  it('resolves application names and partition endpoints', () => {
    const s = example();
    s.faults = [
      { kind: 'partition', at: '2s', between: ['driver:etl', 'executor:0:3'], duration: '10s' },
      { kind: 'executor-hang', at: '1s', app: 'etl', executor: 2 },
    ];
    expect(parseScenario(s, 'etl.json').faults).toEqual([
      { kind: 'executor-hang', atMs: 1000, app: 0, executor: 2 },
      { kind: 'partition', atMs: 2000, between: [{ kind: 'driver', app: 0 }, { kind: 'executor', app: 0, executor: 3 }], durationMs: 10_000 },
    ]);
  });

  it('reports invalid JSON with its line and column, and a missing file', () => {
    expect(() => parseScenarioText('{\n  "seed": 1,\n}', 'x.json')).toThrow(/^x\.json: line 3 column 1: /);
    expect(() => loadScenario('/no/such/scenario.json')).toThrow('/no/such/scenario.json: cannot read: ENOENT');
  });

  it('is deterministic and does not change its input', () => {
    const input = example();
    const copy = JSON.parse(JSON.stringify(input));
    expect(parseScenario(input, 'a.json')).toEqual(parseScenario(input, 'a.json'));
    expect(input).toEqual(copy);
  });

  it('accepts the built-in default scenario', () => {
    const s = loadScenario(new URL('../../scenarios/default.json', import.meta.url).pathname);
    expect(s.name).toBe('default');
    expect(s.faults.map((f) => f.kind)).toEqual(['executor-launch-failure', 'executor-hang']);
  });
});
