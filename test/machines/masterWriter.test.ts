import { describe, expect, it } from 'vitest';
import * as bucketed from '../../machines/bucketed.js';
import type { ApplicationInfo, MasterContext, WorkerInfo } from '../../machines/master.js';
import { MasterWriter } from '../../machines/masterWriter.js';

const worker = (n: number): WorkerInfo => ({
  id: `worker-${n}`, host: `10.0.0.${n + 1}`, port: 7078, address: `10.0.0.${n + 1}/Worker`, cores: 8, memory: 1024,
  coresUsed: 2, memoryUsed: 128, state: 'ALIVE', lastHeartbeat: 0, executors: ['app-0/0'],
});
const app = (id: string): ApplicationInfo => ({
  id, desc: { name: id, driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 128 }, driver: 'driver-0/AppClient', state: 'RUNNING', startTime: 0,
  executors: { 0: { id: 0, appId: id, workerId: 'worker-0', cores: 2, memory: 128, state: 'RUNNING' }, 1: { id: 1, appId: id, workerId: 'worker-1', cores: 2, memory: 128, state: 'RUNNING' } },
  removedExecutors: [], coresGranted: 4, nextExecutorId: 2, retryCount: 0, executorLimit: 10,
});
const base = (): MasterContext => ({
  address: 'master/Master', workerTimeoutMs: 60_000, reaperIterations: 15, maxExecutorRetries: 10, spreadOutApps: true, defaultCores: 2147483647, retainedApplications: 200,
  workers: [0, 1, 2].reduce((b, n) => bucketed.set(b, `worker-${n}`, worker(n)), bucketed.empty<WorkerInfo>()),
  apps: { 'app-0': app('app-0'), 'app-1': app('app-1') }, waitingApps: ['app-0', 'app-1'], completedApps: [], nextAppNumber: 2,
});

describe('MasterWriter: copy-on-write over the Master context', () => {
  it('copies a worker the first time it changes, once per message, and leaves the base and the other workers as they were', () => {
    const before = base();
    const m = new MasterWriter(before);
    const owned = m.ownWorker('worker-1');
    owned.lastHeartbeat = 15_000;
    owned.executors.push('app-0/2');
    expect(m.ownWorker('worker-1')).toBe(owned);
    expect(m.worker('worker-1')).toBe(owned);
    expect(bucketed.get(before.workers, 'worker-1')).toEqual(worker(1));
    expect(bucketed.get(m.ctx.workers, 'worker-0')).toBe(bucketed.get(before.workers, 'worker-0'));
    expect(m.workers().map((w) => w.id).sort()).toEqual(['worker-0', 'worker-1', 'worker-2']);
  });

  it('adds and forgets workers without touching the base', () => {
    const before = base();
    const m = new MasterWriter(before);
    m.addWorker(worker(3));
    m.forgetWorkers(['worker-0', 'worker-9']);
    expect(bucketed.keys(m.ctx.workers).sort()).toEqual(['worker-1', 'worker-2', 'worker-3']);
    expect(bucketed.keys(before.workers).sort()).toEqual(['worker-0', 'worker-1', 'worker-2']);
  });

  it('copies an application, its executor record and an executor along the path it changes; the rest is shared', () => {
    const before = base();
    const m = new MasterWriter(before);
    const a = m.ownApp('app-0');
    const exec = m.ownExecutor(a, 1);
    exec.state = 'KILLED';
    delete m.ownExecutors(a)[0];
    m.ownRemovedExecutors(a).push(exec);
    a.coresGranted -= 2;
    expect(m.ownApp('app-0')).toBe(a);
    expect(m.ownExecutor(a, 1)).toBe(exec);
    expect(m.ctx.apps['app-0']).toBe(a);
    expect(a.executors).toEqual({ 1: { ...app('app-0').executors[1], state: 'KILLED' } });
    expect(a.removedExecutors).toEqual([exec]);
    expect(before.apps['app-0']).toEqual(app('app-0'));
    expect(m.ctx.apps['app-1']).toBe(before.apps['app-1']);
    expect(m.ctx.workers).toBe(before.workers);
  });

  it('keeps the executor record in ascending id order (Spark kills an application\'s executors in that order here)', () => {
    const m = new MasterWriter(base());
    const a = m.ownApp('app-0');
    m.addExecutor(a, { id: 10, appId: 'app-0', workerId: 'worker-2', cores: 2, memory: 128, state: 'LAUNCHING' });
    m.addExecutor(a, { id: 2, appId: 'app-0', workerId: 'worker-2', cores: 2, memory: 128, state: 'LAUNCHING' });
    expect(Object.values(a.executors).map((e) => e.id)).toEqual([0, 1, 2, 10]);
  });

  it('adds and forgets applications on a copy of the record; top-level fields are the writer\'s own', () => {
    const before = base();
    const m = new MasterWriter(before);
    m.forgetApp('app-1');
    m.addApp(app('app-2'));
    m.ctx.nextAppNumber++;
    m.ctx.waitingApps = [...m.ctx.waitingApps, 'app-2'];
    expect(Object.keys(m.ctx.apps)).toEqual(['app-0', 'app-2']);
    expect(Object.keys(before.apps)).toEqual(['app-0', 'app-1']);
    expect([before.nextAppNumber, before.waitingApps]).toEqual([2, ['app-0', 'app-1']]);
  });
});
