/**
 * The standalone cluster end to end: Master, Workers, ExecutorRunners and the driver's AppClient
 * as actors on one clock, driven by scenario files.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../runtime/cluster.js';
import { buildReport } from '../../runtime/report.js';
import { checkInvariants } from '../../runtime/checkers.js';
import { parseScenario } from '../../runtime/scenario.js';
import { timelineLines } from '../../runtime/timeline.js';
import * as bucketed from '../../machines/bucketed.js';
import type { MasterContext } from '../../machines/master.js';

type Json = Record<string, unknown>;
const scenario = (over: Json = {}, app: Json = {}) => parseScenario({
  workers: [{ count: 3, cores: 10, memory: '512m' }],
  applications: [{ name: 'etl', conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '128m', 'spark.cores.max': 8 }, ...app }],
  stopAt: '5min',
  ...over,
}, 'test.json');

function run(over: Json = {}, app: Json = {}, untilMs?: number) {
  const cluster = createCluster(scenario(over, app));
  const result = cluster.run(untilMs);
  return { cluster, result, report: buildReport(cluster, result), master: () => cluster.actor('master/Master')!.getSnapshot().context as MasterContext };
}

describe('standalone cluster', () => {
  it('runs the seed narrative: registration, LaunchExecutor, the ExecutorRunner, ExecutorStateChanged, ExecutorUpdated', () => {
    const { cluster, report } = run({}, { submitAt: '1s' }, 10_000);
    const types = cluster.trace.messages().filter((m) => m.outcome === 'delivered').map((m) => m.type);
    const order = ['RegisterWorker', 'RegisteredWorker', 'RegisterApplication', 'RegisteredApplication', 'LaunchExecutor', 'ExecutorAdded', 'ExecutorStateChanged', 'ExecutorUpdated'];
    const firsts = order.map((t) => types.indexOf(t));
    expect(firsts.every((i) => i >= 0)).toBe(true);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    const app = report.applications[0]!;
    expect(app).toMatchObject({ id: 'app-20260101000001-0000', name: 'etl', state: 'RUNNING', retryCount: 0 });
    expect(app.executors.map((e) => e.state)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    expect(app.executors.every((e) => e.launchedAtMs === 1001 && e.removedAtMs === null)).toBe(true);
    expect(checkInvariants(cluster)).toEqual([]);
  });

  it('spreads 2-core executors over the 3 workers up to spark.cores.max 8, or consolidates them on one', () => {
    const perWorker = (spread: boolean) => {
      const { report } = run({ conf: { 'spark.deploy.spreadOutApps': spread } }, {}, 10_000);
      return report.workers.map((w) => w.coresUsed);
    };
    expect(perWorker(true)).toEqual([2, 2, 4]);
    expect(perWorker(false)).toEqual([0, 0, 8]);
  });

  it('removes the application after spark.deploy.maxExecutorRetries (10) executor launch failures', () => {
    const { cluster, report, result } = run(
      { workers: [{ count: 1, cores: 2, memory: '512m' }], faults: [{ at: '0s', kind: 'executor-launch-failure', worker: 0, times: 50 }] },
    );
    expect(result.outcome).toBe('completed');
    const app = report.applications[0]!;
    expect(app.state).toBe('FAILED');
    expect(app.retryCount).toBe(10);
    expect(app.executors).toHaveLength(10);
    expect(app.executors.every((e) => e.state === 'FAILED' && e.removedReason?.startsWith('Error running executor: java.io.IOException'))).toBe(true);
    const removed = cluster.trace.messages().filter((m) => m.type === 'ApplicationRemoved');
    expect(removed.map((m) => m.message)).toEqual([{ type: 'ApplicationRemoved', message: 'FAILED' }]);
    expect(cluster.driverEndpoint(0, 'AppClient')!.getSnapshot().value).toBe('dead');
  });

  it('never removes the application for launch failures when spark.deploy.maxExecutorRetries is -1', () => {
    const { report } = run(
      { conf: { 'spark.deploy.maxExecutorRetries': -1 }, workers: [{ count: 1, cores: 2, memory: '512m' }], faults: [{ at: '0s', kind: 'executor-launch-failure', worker: 0, times: 25 }] },
      {}, 60_000,
    );
    const app = report.applications[0]!;
    expect(app.state).toBe('RUNNING');
    expect(app.executors.filter((e) => e.state === 'FAILED')).toHaveLength(25);
    expect(app.executors.at(-1)!.state).toBe('RUNNING');
  });

  it('detects a crashed worker within Spark window and relaunches its executors elsewhere', () => {
    const crashAt = 100_000;
    const { cluster, report } = run({ faults: [{ at: `${crashAt}ms`, kind: 'worker-crash', worker: 2 }] }, {}, 300_000);
    const lost = cluster.trace.messages().find((m) => m.type === 'WorkerRemoved')!;
    // Last heartbeat h is within 15 s before the crash; the Master removes the worker at the first
    // CheckForWorkerTimeOut (every 60 s from its start) with h < now - 60 s.
    expect(lost.sentAtMs - crashAt).toBeGreaterThan(45_000);
    expect(lost.sentAtMs - crashAt).toBeLessThanOrEqual(120_000);
    expect(lost.sentAtMs % 60_000).toBe(0);
    const app = report.applications[0]!;
    const lostExecutors = app.executors.filter((e) => e.state === 'LOST');
    expect(lostExecutors.map((e) => e.removedReason)).toEqual(['worker lost: Not receiving heartbeat for 60 seconds', 'worker lost: Not receiving heartbeat for 60 seconds']);
    expect(app.retryCount).toBe(0);
    expect(report.workers[2]).toMatchObject({ state: 'DEAD' });
    expect(report.workers.slice(0, 2).map((w) => w.coresUsed)).toEqual([4, 4]);
    expect(app.executors.filter((e) => e.state === 'RUNNING')).toHaveLength(4);
    expect(checkInvariants(cluster)).toEqual([]);
  });

  it('a worker that gave up on an unreachable master has exited: its RegisterWorker held by the partition never registers it', () => {
    // Worker.scala: 6 attempts 10 s apart, then 60 s apart, "All masters are unresponsive! Giving up." after 16 (about 11 min).
    const { cluster, master } = run(
      { stopAt: '20min', faults: [{ at: '0s', kind: 'partition', between: ['worker:0', 'master'], duration: '15min' }] },
      { submitAt: '16min' },
    );
    const worker = cluster.actor(`${cluster.scenario.workers[0]!.host}/Worker`);
    expect(worker).toBeUndefined(); // a final actor leaves the system
    const deadLettered = cluster.trace.messages().filter((m) => m.type === 'RegisterWorker' && m.outcome === 'dead-letter');
    expect(deadLettered.length).toBe(17); // the first registration and 16 retries, all sent into the partition
    expect(bucketed.values(master().workers).map((w) => w.host).sort()).toEqual(cluster.scenario.workers.slice(1).map((w) => w.host).sort());
  });

  it('gives a byte-identical report and timeline for the same scenario and seed', () => {
    const twice = [0, 1].map(() => {
      const { cluster, report } = run({ seed: 7, faults: [{ at: '30s', kind: 'worker-crash', worker: 0 }, { at: '0s', kind: 'executor-launch-failure', worker: 1, times: 2 }] });
      return JSON.stringify(report) + timelineLines(cluster.trace.entries, { verbose: true }).join('\n');
    });
    expect(twice[0]).toBe(twice[1]);
  });

  it('gives every envelope a unique id and links replies to their cause', () => {
    const { cluster } = run({}, {}, 20_000);
    const messages = cluster.trace.messages();
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    const registered = messages.find((m) => m.type === 'RegisteredApplication')!;
    const cause = messages.find((m) => m.id === registered.causeId)!;
    expect(cause.type).toBe('RegisterApplication');
    const heartbeat = messages.find((m) => m.type === 'WorkerHeartbeat')!;
    expect(heartbeat.causeId).toBeUndefined();
  });
});
