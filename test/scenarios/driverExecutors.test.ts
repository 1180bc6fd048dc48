/**
 * Driver and executors end to end: executors register with the driver, run tasks, heartbeat, and
 * are expired, killed and replaced; task failures are counted as Spark counts them.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../runtime/cluster.js';
import { buildReport } from '../../runtime/report.js';
import { checkInvariants } from '../../runtime/checkers.js';
import { parseScenario } from '../../runtime/scenario.js';
import type { MasterContext } from '../../machines/master.js';
import type { SchedulerBackendContext } from '../../machines/schedulerBackend.js';

type Json = Record<string, unknown>;
const EXEC_CONF = { 'spark.executor.cores': 2, 'spark.executor.memory': '128m', 'spark.cores.max': 8 };

function run(options: { conf?: Json; appConf?: Json; stages: Json[]; faults?: Json[]; untilMs?: number; workers?: number }) {
  const scenario = parseScenario({
    seed: 3,
    conf: options.conf ?? {},
    workers: [{ count: options.workers ?? 3, cores: 4, memory: '1g' }],
    applications: [{ name: 'etl', conf: { ...EXEC_CONF, ...(options.appConf ?? {}) }, jobs: [{ stages: options.stages }] }],
    faults: options.faults ?? [],
    stopAt: '30min',
  }, 'test.json');
  const cluster = createCluster(scenario);
  const result = cluster.run(options.untilMs);
  const report = buildReport(cluster, result);
  const backend = () => cluster.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
  return { cluster, result, report, app: report.applications[0]!, job: report.applications[0]!.jobs[0], backend };
}

describe('driver and executors', () => {
  it('runs a job of 40 tasks on 3 workers: every task ends FINISHED exactly once and the application finishes', () => {
    const { cluster, result, app, job } = run({ stages: [{ id: 0, tasks: 40, taskDuration: { distribution: 'uniform', min: '1s', max: '3s' } }] });
    expect(result.outcome).toBe('completed');
    expect(job).toEqual({ id: 0, result: 'succeeded', failureReason: null, tasks: 40, attempts: 40, failedAttempts: 0 });
    const finished = cluster.trace.messages().filter((m) => m.message.type === 'StatusUpdate' && m.message.state === 'FINISHED');
    expect(finished).toHaveLength(40);
    expect(new Set(finished.map((m) => (m.message as { taskId: number }).taskId)).size).toBe(40);
    expect(app.state).toBe('FINISHED');
    expect(app.executors.every((e) => e.registeredAtMs !== null && e.registeredAtMs >= e.launchedAtMs!)).toBe(true);
    expect(checkInvariants(cluster)).toEqual([]);
  });

  it('expires a hung executor 120-180 s after its last heartbeat, replaces it, resubmits its tasks, and the job succeeds', () => {
    const { cluster, app, job, backend } = run({
      stages: [{ id: 0, tasks: 200, taskDuration: '10s' }],
      faults: [{ at: '30s', kind: 'executor-hang', app: 'etl', executor: 1 }],
    });
    const hungAddress = `${app.id}/1/Executor`;
    const lastHeartbeat = Math.max(...cluster.trace.messages().filter((m) => m.type === 'Heartbeat' && m.from === hungAddress && m.outcome === 'delivered').map((m) => m.atMs));
    expect(lastHeartbeat).toBeLessThanOrEqual(30_000);
    const removal = backend().removed.find((r) => r.executorId === '1')!;
    expect(removal.removedReason).toMatch(/^Executor heartbeat timed out after \d+ ms$/);
    const silence = removal.removedTs - cluster.scenario.startTimeMs - lastHeartbeat;
    expect(silence).toBeGreaterThan(120_000);
    expect(silence).toBeLessThanOrEqual(180_000 + 1);
    // Killed through the Master, which launches a replacement that registers with the driver.
    const replacement = app.executors.find((e) => e.id === 4)!;
    expect(replacement.launchedAtMs).toBeGreaterThanOrEqual(removal.removedTs - cluster.scenario.startTimeMs);
    expect(replacement.registeredAtMs).not.toBeNull();
    expect(app.executors.find((e) => e.id === 1)!.state).toBe('KILLED');
    // Its 2 running tasks failed (ExecutorLostFailure) and ran again elsewhere.
    expect(job).toMatchObject({ result: 'succeeded', tasks: 200, attempts: 202, failedAttempts: 2 });
  });

  it('keeps the executor count at its target after the replacement registers', () => {
    const { cluster } = run({ stages: [{ id: 0, tasks: 400, taskDuration: '10s' }], faults: [{ at: '30s', kind: 'executor-hang', app: 'etl', executor: 1 }], untilMs: 300_000 });
    const master = cluster.actor('master/Master')!.getSnapshot().context as MasterContext;
    const app = Object.values(master.apps)[0]!;
    expect(Object.values(app.executors).filter((e) => e.state === 'RUNNING')).toHaveLength(4);
    const backend = cluster.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
    expect(Object.keys(backend.executors).sort()).toEqual(['0', '2', '3', '4']);
  });

  it('counts the task failures of an executor that crashes with exit code 137 (spark.task.maxFailures 1 aborts the job)', () => {
    const { app, job, backend } = run({
      appConf: { 'spark.task.maxFailures': 1 },
      stages: [{ id: 0, tasks: 40, taskDuration: '20s' }],
      faults: [{ at: '10s', kind: 'executor-crash', app: 'etl', executor: 2, exitCode: 137 }],
    });
    expect(backend().removed.find((r) => r.executorId === '2')!.removedReason).toBe('Command exited with code 137');
    expect(app.executors.find((e) => e.id === 2)).toMatchObject({ state: 'EXITED', exitCode: 137 });
    expect(job!.result).toBe('failed');
    expect(job!.failureReason).toMatch(/^Job aborted due to stage failure: Task \d+ in stage 0\.0 failed 1 times, most recent failure: Lost task \d+\.0 in stage 0\.0 \(TID \d+\) \(10\.0\.0\.\d executor 2\): ExecutorLostFailure \(executor 2 exited caused by one of the running tasks\) Reason: Command exited with code 137/);
  });

  it('does not count the tasks of an executor exiting with 56 (heartbeat failure) against spark.task.maxFailures', () => {
    const { job } = run({
      appConf: { 'spark.task.maxFailures': 1 },
      stages: [{ id: 0, tasks: 40, taskDuration: '20s' }],
      faults: [{ at: '10s', kind: 'executor-crash', app: 'etl', executor: 2, exitCode: 56 }],
    });
    expect(job).toMatchObject({ result: 'succeeded', failedAttempts: 2 });
  });

  it('loses the executors of a crashed worker without counting their task failures, and finishes the job on the other workers', () => {
    const { app, job, report, backend } = run({
      // A long executor timeout so that the Master's worker timeout, not heartbeat expiry, reports the loss.
      conf: { 'spark.network.timeout': '600s' },
      appConf: { 'spark.task.maxFailures': 1 },
      stages: [{ id: 0, tasks: 60, taskDuration: '20s' }],
      faults: [{ at: '30s', kind: 'worker-crash', worker: 2 }],
    });
    expect(report.workers[2]!.state).toBe('DEAD');
    const lost = app.executors.filter((e) => e.state === 'LOST');
    expect(lost).toHaveLength(2);
    const reasons = backend().removed.filter((r) => lost.some((e) => String(e.id) === r.executorId)).map((r) => r.removedReason);
    expect(reasons).toEqual(['worker lost: Not receiving heartbeat for 60 seconds', 'worker lost: Not receiving heartbeat for 60 seconds']);
    expect(job).toMatchObject({ result: 'succeeded', failedAttempts: 4 });
  });

  it('aborts the job after exactly spark.task.maxFailures (4) attempts of a task that always fails', () => {
    const { cluster, job, app } = run({
      stages: [{ id: 0, tasks: 10, taskDuration: '1s' }],
      faults: [{ kind: 'task-failure', app: 'etl', job: 0, stage: 0, partition: 3, attempts: 'all' }],
    });
    expect(job!.result).toBe('failed');
    expect(job!.failedAttempts).toBe(4);
    expect(job!.failureReason).toMatch(/^Job aborted due to stage failure: Task 3 in stage 0\.0 failed 4 times, most recent failure: Lost task 3\.3 in stage 0\.0 \(TID \d+\) \(10\.0\.0\.\d executor \d\): java\.lang\.RuntimeException: Injected task failure/);
    const failures = cluster.trace.messages().filter((m) => m.message.type === 'StatusUpdate' && m.message.state === 'FAILED');
    expect(failures).toHaveLength(4);
    expect(app.state).toBe('FINISHED');
  });

  it('retries a task that fails twice and succeeds on its third attempt', () => {
    const { job } = run({
      stages: [{ id: 0, tasks: 10, taskDuration: '1s' }],
      faults: [{ kind: 'task-failure', app: 'etl', job: 0, stage: 0, partition: 3, attempts: 2 }],
    });
    expect(job).toMatchObject({ result: 'succeeded', attempts: 12, failedAttempts: 2 });
  });

  it('runs a stage only after its parent stage completes', () => {
    const { cluster } = run({ stages: [{ id: 0, tasks: 8, taskDuration: '2s' }, { id: 1, tasks: 4, taskDuration: '1s', parents: [0] }] });
    const launches = cluster.trace.messages().filter((m) => m.message.type === 'LaunchTask').map((m) => ({ at: m.atMs, stage: (m.message as { data: { stageId: number } }).data.stageId }));
    const finishes = cluster.trace.messages().filter((m) => m.message.type === 'StatusUpdate' && m.message.state === 'FINISHED').map((m) => m.atMs);
    const lastStage0Finish = finishes.slice(0, 8).at(-1)!;
    expect(Math.min(...launches.filter((l) => l.stage === 1).map((l) => l.at))).toBeGreaterThanOrEqual(lastStage0Finish);
  });

  it('gives a byte-identical report for the same scenario and seed', () => {
    const once = () => JSON.stringify(run({ stages: [{ id: 0, tasks: 50, taskDuration: { distribution: 'exponential', mean: '3s' } }], faults: [{ at: '5s', kind: 'executor-hang', app: 'etl', executor: 0, duration: '200s' }] }).report);
    expect(once()).toBe(once());
  });
});
