import { describe, expect, it } from 'vitest';
import { masterMachine, type MasterContext } from '../../machines/master.js';
import { scheduleExecutorsOnWorkers } from '../../machines/masterSchedule.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import type { ApplicationDescription, RegisterWorker } from '../../machines/protocol.js';
import { startMachine } from '../support/harness.js';

const START = Date.UTC(2026, 0, 1); // 2026-01-01T00:00:00Z
const MASTER = 'master/Master';
const DRIVER = 'driver-0/AppClient';

function start(conf: RawConf = {}) {
  const h = startMachine(masterMachine, { input: { address: MASTER, conf: resolveConf(conf).conf }, systemId: MASTER, startMs: START });
  return { ...h, ctx: () => h.snapshot().context as MasterContext };
}
type H = ReturnType<typeof start>;

const registerWorker = (h: H, n: number, cores = 10, memory = 512): RegisterWorker => {
  const host = `10.0.0.${n + 1}`;
  const message: RegisterWorker = { type: 'RegisterWorker', id: `worker-${n}`, host, port: 7078, worker: `${host}/Worker`, cores, memory, workerWebUiUrl: '', masterAddress: MASTER };
  h.send(message);
  return message;
};
const desc = (over: Partial<ApplicationDescription> = {}): ApplicationDescription => ({ name: 'etl', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 128, ...over });
const registerApp = (h: H, over: Partial<ApplicationDescription> = {}, driver = DRIVER) => {
  h.send({ type: 'RegisterApplication', appDescription: desc(over), driver });
  return h.sentOf('RegisteredApplication').at(-1)!.message.appId;
};
/** Executors launched so far, as [workerId, execId, cores]. */
const launches = (h: H) => h.sentOf('LaunchExecutor').map((e) => [e.to, e.message.execId, e.message.cores]);

describe('Master: registration', () => {
  it('is elected at once (recovery mode NONE) and answers a worker RegisteredWorker', () => {
    const h = start();
    expect(h.snapshot().value).toBe('ALIVE');
    registerWorker(h, 0);
    expect(h.takeSent()).toEqual([{ type: 'network.send', from: MASTER, to: '10.0.0.1/Worker', message: { type: 'RegisteredWorker', master: MASTER, masterWebUiUrl: 'http://master:8080', masterAddress: MASTER, duplicate: false } }]);
    expect(h.ctx().workers['worker-0']).toMatchObject({ state: 'ALIVE', cores: 10, coresUsed: 0, lastHeartbeat: START });
  });

  it('tells a worker that registers twice that it is a duplicate (SPARK-23191)', () => {
    const h = start();
    registerWorker(h, 0);
    registerWorker(h, 0);
    expect(h.sentOf('RegisteredWorker').map((e) => e.message.duplicate)).toEqual([false, true]);
  });

  it('refuses a second live worker at the same address', () => {
    const h = start();
    registerWorker(h, 0);
    h.send({ type: 'RegisterWorker', id: 'worker-other', host: '10.0.0.1', port: 7078, worker: '10.0.0.1/Worker', cores: 4, memory: 512, workerWebUiUrl: '', masterAddress: MASTER });
    expect(h.sentOf('RegisterWorkerFailed').map((e) => e.message.message)).toEqual(['Attempted to re-register worker at same address: 10.0.0.1/Worker']);
    expect(Object.keys(h.ctx().workers)).toEqual(['worker-0']);
  });

  it('names applications app-<yyyyMMddHHmmss>-<nnnn> on simulated time and ignores a second registration from the same driver', () => {
    const h = start();
    expect(registerApp(h)).toBe('app-20260101000000-0000');
    h.send({ type: 'RegisterApplication', appDescription: desc(), driver: DRIVER });
    expect(h.sentOf('RegisteredApplication')).toHaveLength(1);
    h.clock.runUntil(START + 61_000);
    expect(registerApp(h, {}, 'driver-1/AppClient')).toBe('app-20260101000101-0001');
  });
});

describe('Master: placement (schedule)', () => {
  it('spreads executors round-robin over the workers with most free cores (spark.cores.max 8, 2 cores each)', () => {
    const h = start();
    for (const n of [0, 1, 2]) registerWorker(h, n);
    registerApp(h, { maxCores: 8, coresPerExecutor: 2 });
    // CORES_FREE_DESC: equal free cores, so by worker id descending: worker-2, worker-1, worker-0.
    expect(launches(h)).toEqual([['10.0.0.3/Worker', 0, 2], ['10.0.0.3/Worker', 1, 2], ['10.0.0.2/Worker', 2, 2], ['10.0.0.1/Worker', 3, 2]]);
    expect(h.sentOf('ExecutorAdded').map((e) => e.message)).toContainEqual({ type: 'ExecutorAdded', id: 3, workerId: 'worker-0', hostPort: '10.0.0.1:7078', cores: 2, memory: 128 });
    expect(h.ctx().apps['app-20260101000000-0000']).toMatchObject({ state: 'RUNNING', coresGranted: 8 });
  });

  it('consolidates executors on as few workers as possible when spark.deploy.spreadOutApps is false', () => {
    const h = start({ 'spark.deploy.spreadOutApps': false });
    for (const n of [0, 1, 2]) registerWorker(h, n);
    registerApp(h, { maxCores: 8, coresPerExecutor: 2 });
    expect(launches(h)).toEqual([['10.0.0.3/Worker', 0, 2], ['10.0.0.3/Worker', 1, 2], ['10.0.0.3/Worker', 2, 2], ['10.0.0.3/Worker', 3, 2]]);
  });

  it('falls back to the old key spark.deploy.spreadOut', () => {
    const h = start({ 'spark.deploy.spreadOut': false });
    for (const n of [0, 1]) registerWorker(h, n);
    registerApp(h, { maxCores: 4, coresPerExecutor: 2 });
    expect(launches(h).map(([w]) => w)).toEqual(['10.0.0.2/Worker', '10.0.0.2/Worker']);
  });

  it('gives one executor per worker all the cores it is assigned when spark.executor.cores is unset', () => {
    const h = start();
    for (const n of [0, 1, 2]) registerWorker(h, n);
    registerApp(h, { maxCores: 8 });
    expect(launches(h)).toEqual([['10.0.0.3/Worker', 0, 3], ['10.0.0.2/Worker', 1, 3], ['10.0.0.1/Worker', 2, 2]]);
  });

  it('takes every free core when neither spark.cores.max nor spark.executor.cores is set (spark.deploy.defaultCores)', () => {
    const h = start();
    for (const n of [0, 1]) registerWorker(h, n, 6);
    registerApp(h);
    expect(launches(h)).toEqual([['10.0.0.2/Worker', 0, 6], ['10.0.0.1/Worker', 1, 6]]);
  });

  it('places no executor on a worker without memory for it', () => {
    const h = start();
    registerWorker(h, 0, 10, 256);
    registerWorker(h, 1, 10, 100);
    registerApp(h, { maxCores: 8, coresPerExecutor: 2, memoryPerExecutorMB: 128 });
    expect(launches(h)).toEqual([['10.0.0.1/Worker', 0, 2], ['10.0.0.1/Worker', 1, 2]]);
  });

  it('honours the executor limit (initialExecutorLimit, then RequestExecutors)', () => {
    const h = start();
    for (const n of [0, 1, 2]) registerWorker(h, n);
    const appId = registerApp(h, { maxCores: 8, coresPerExecutor: 2, initialExecutorLimit: 1 });
    expect(launches(h)).toHaveLength(1);
    h.send({ type: 'RequestExecutors', appId, resourceProfileToTotalExecs: { 0: 3 } });
    expect(launches(h)).toHaveLength(3);
  });

  it('scheduleExecutorsOnWorkers is exact for uneven workers', () => {
    const workers = [{ coresFree: 5, memoryFree: 1000 }, { coresFree: 3, memoryFree: 1000 }, { coresFree: 1, memoryFree: 1000 }];
    const app = { coresLeft: 8, coresPerExecutor: 2, memoryPerExecutorMB: 100, executorCount: 0, executorLimit: 2147483647 };
    expect(scheduleExecutorsOnWorkers(app, workers, true)).toEqual([4, 2, 0]);
    expect(scheduleExecutorsOnWorkers(app, workers, false)).toEqual([4, 2, 0]);
    expect(scheduleExecutorsOnWorkers({ ...app, coresLeft: 3, coresPerExecutor: undefined }, workers, true)).toEqual([1, 1, 1]);
    expect(scheduleExecutorsOnWorkers({ ...app, coresLeft: 3, coresPerExecutor: undefined }, workers, false)).toEqual([3, 0, 0]);
    expect(scheduleExecutorsOnWorkers({ ...app, executorCount: 1, executorLimit: 2 }, workers, true)).toEqual([2, 0, 0]);
  });
});

describe('Master: executor state changes', () => {
  function running(h: H, conf: RawConf = {}) {
    void conf;
    registerWorker(h, 0, 4);
    return registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
  }

  it('forwards the seed story: LaunchExecutor, then RUNNING reaches the driver as ExecutorUpdated', () => {
    const h = start();
    const appId = running(h);
    h.takeSent();
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'RUNNING' });
    expect(h.takeSent().map((e) => [e.to, e.message])).toEqual([[DRIVER, { type: 'ExecutorUpdated', id: 0, state: 'RUNNING', message: undefined, exitStatus: undefined }]]);
    expect(h.ctx().apps[appId]!.executors[0]!.state).toBe('RUNNING');
  });

  it('removes an application after exactly spark.deploy.maxExecutorRetries (10) launch failures, not 9', () => {
    const h = start();
    const appId = running(h);
    for (let i = 0; i < 9; i++) h.send({ type: 'ExecutorStateChanged', appId, execId: i, state: 'FAILED', message: 'Error running executor: boom' });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'RUNNING', retryCount: 9 });
    expect(h.sentOf('ApplicationRemoved')).toEqual([]);
    // Each failure freed the worker and launched a replacement at once.
    expect(launches(h)).toHaveLength(10);
    h.send({ type: 'ExecutorStateChanged', appId, execId: 9, state: 'FAILED', message: 'Error running executor: boom' });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'FAILED', retryCount: 10 });
    expect(h.sentOf('ApplicationRemoved').map((e) => [e.to, e.message.message])).toEqual([[DRIVER, 'FAILED']]);
    expect(launches(h)).toHaveLength(10);
  });

  it('never removes an application for retries when spark.deploy.maxExecutorRetries is -1', () => {
    const h = start({ 'spark.deploy.maxExecutorRetries': -1 });
    const appId = running(h);
    for (let i = 0; i < 30; i++) h.send({ type: 'ExecutorStateChanged', appId, execId: i, state: 'FAILED' });
    expect(h.ctx().apps[appId]!.state).toBe('RUNNING');
    expect(h.sentOf('ApplicationRemoved')).toEqual([]);
  });

  it('resets the retry count whenever an executor reports RUNNING', () => {
    const h = start();
    const appId = running(h);
    for (let i = 0; i < 9; i++) h.send({ type: 'ExecutorStateChanged', appId, execId: i, state: 'FAILED' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 9, state: 'RUNNING' });
    expect(h.ctx().apps[appId]!.retryCount).toBe(0);
    h.send({ type: 'ExecutorStateChanged', appId, execId: 9, state: 'EXITED', exitStatus: 1 });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'RUNNING', retryCount: 1 });
  });

  it('does not remove an application at the limit while one of its executors is RUNNING', () => {
    const h = start({ 'spark.deploy.maxExecutorRetries': 2 });
    registerWorker(h, 0, 4);
    const appId = registerApp(h, { maxCores: 4, coresPerExecutor: 2 });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'RUNNING' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 1, state: 'FAILED' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 2, state: 'FAILED' });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'RUNNING', retryCount: 2 });
  });

  it('does not count an exit with code 0', () => {
    const h = start();
    const appId = running(h);
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'RUNNING' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'EXITED', message: 'Command exited with code 0', exitStatus: 0 });
    expect(h.ctx().apps[appId]!.retryCount).toBe(0);
  });

  it('frees the worker when an executor finishes and keeps it among the removed executors', () => {
    const h = start();
    const appId = running(h);
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'RUNNING' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'EXITED', message: 'Command exited with code 137', exitStatus: 137 });
    const app = h.ctx().apps[appId]!;
    expect(app.removedExecutors.map((e) => [e.id, e.state, e.exitStatus])).toEqual([[0, 'EXITED', 137]]);
    expect(Object.keys(app.executors)).toEqual(['1']);
    expect(h.ctx().workers['worker-0']).toMatchObject({ coresUsed: 2, executors: [`${appId}/1`] });
  });

  it('keeps RUNNING from a state other than LAUNCHING without side effects (Spark assert fails after setting it)', () => {
    const h = start();
    const appId = running(h);
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'RUNNING' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'FAILED' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 1, state: 'RUNNING' });
    h.takeSent();
    h.send({ type: 'ExecutorStateChanged', appId, execId: 1, state: 'RUNNING' });
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx().apps[appId]!.retryCount).toBe(0);
  });

  it('ignores a state change for an unknown application or executor', () => {
    const h = start();
    const appId = running(h);
    h.takeSent();
    const before = h.ctx();
    h.send({ type: 'ExecutorStateChanged', appId: 'app-nope', execId: 0, state: 'FAILED' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 42, state: 'FAILED' });
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx()).toEqual(before);
  });
});

describe('Master: worker liveness', () => {
  it('removes a worker at the first CheckForWorkerTimeOut with lastHeartbeat < now - spark.worker.timeout, reporting its executors LOST', () => {
    const h = start();
    registerWorker(h, 0, 4);
    registerWorker(h, 1, 2);
    const appId = registerApp(h, { maxCores: 4, coresPerExecutor: 2 });
    expect(launches(h).map(([w]) => w)).toEqual(['10.0.0.1/Worker', '10.0.0.2/Worker']);
    // worker-1 keeps heartbeating; worker-0's last heartbeat is at registration (START).
    h.clock.runUntil(START + 50_000);
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-1', worker: '10.0.0.2/Worker' });
    h.clock.runUntil(START + 60_000);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(h.ctx().workers['worker-0']!.state).toBe('ALIVE'); // not strictly older than now - 60 s
    h.clock.runUntil(START + 60_001);
    h.takeSent();
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(h.ctx().workers['worker-0']!.state).toBe('DEAD');
    expect(h.ctx().workers['worker-1']!.state).toBe('ALIVE');
    const sent = h.takeSent().map((e) => e.message);
    expect(sent).toContainEqual({ type: 'ExecutorUpdated', id: 0, state: 'LOST', message: 'worker lost: Not receiving heartbeat for 60 seconds', workerHost: '10.0.0.1' });
    expect(sent).toContainEqual({ type: 'WorkerRemoved', id: 'worker-0', host: '10.0.0.1', message: 'Not receiving heartbeat for 60 seconds' });
    expect(h.ctx().apps[appId]!.retryCount).toBe(0);
  });

  it('reschedules the lost executors on the remaining workers', () => {
    const h = start();
    registerWorker(h, 0, 2);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.clock.runUntil(START + 30_000);
    registerWorker(h, 1, 2);
    h.clock.runUntil(START + 61_000);
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-1', worker: '10.0.0.2/Worker' });
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(launches(h)).toEqual([['10.0.0.1/Worker', 0, 2], ['10.0.0.2/Worker', 1, 2]]);
    expect(Object.keys(h.ctx().apps[appId]!.executors)).toEqual(['1']);
  });

  it('tells a DEAD worker that still heartbeats to reconnect, and forgets it after (persistence + 1) x timeout', () => {
    const h = start();
    registerWorker(h, 0);
    h.clock.runUntil(START + 60_001);
    h.send({ type: 'CheckForWorkerTimeOut' });
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    expect(h.sentOf('ReconnectWorker').map((e) => e.to)).toEqual(['10.0.0.1/Worker']);
    h.clock.runUntil(START + 16 * 60_000);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(h.ctx().workers['worker-0']).toBeDefined();
    h.clock.runUntil(START + 16 * 60_000 + 1);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(h.ctx().workers['worker-0']).toBeUndefined();
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    expect(h.sentOf('ReconnectWorker')).toHaveLength(1);
  });

  it('removes a worker whose connection closes', () => {
    const h = start();
    registerWorker(h, 0);
    h.send({ type: 'onDisconnected', remoteAddress: '10.0.0.1/Worker' });
    expect(h.ctx().workers['worker-0']!.state).toBe('DEAD');
  });
});

describe('Master: application removal', () => {
  it('on UnregisterApplication kills its executors and tells every worker ApplicationFinished, but sends no ApplicationRemoved', () => {
    const h = start();
    registerWorker(h, 0);
    registerWorker(h, 1);
    const appId = registerApp(h, { maxCores: 4, coresPerExecutor: 2 });
    h.takeSent();
    h.send({ type: 'UnregisterApplication', appId });
    const sent = h.takeSent().map((e) => [e.to, e.message.type]);
    expect(sent.filter(([, t]) => t === 'KillExecutor')).toHaveLength(2);
    expect(sent.filter(([, t]) => t === 'ApplicationFinished').map(([to]) => to)).toEqual(['10.0.0.1/Worker', '10.0.0.2/Worker']);
    expect(sent.filter(([, t]) => t === 'ApplicationRemoved')).toEqual([]);
    expect(h.ctx().apps[appId]!.state).toBe('FINISHED');
    expect(Object.values(h.ctx().workers).map((w) => w.coresUsed)).toEqual([0, 0]);
  });

  it('finishes the application of a driver whose connection closes', () => {
    const h = start();
    registerWorker(h, 0);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'onDisconnected', remoteAddress: DRIVER });
    expect(h.ctx().apps[appId]!.state).toBe('FINISHED');
  });

  it('kills executors on KillExecutors without lowering the limit, so a replacement is launched', () => {
    const h = start();
    registerWorker(h, 0, 4);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'KillExecutors', appId, executorIds: ['0', 'not-a-number', '7'] });
    expect(h.sentOf('KillExecutor').map((e) => e.message.execId)).toEqual([0]);
    expect(launches(h)).toEqual([['10.0.0.1/Worker', 0, 2], ['10.0.0.1/Worker', 1, 2]]);
  });

  it('kills executors a re-registered worker reports but the Master does not know (SPARK-13604)', () => {
    const h = start();
    registerWorker(h, 0);
    h.send({ type: 'WorkerLatestState', id: 'worker-0', executors: [{ appId: 'app-old', execId: 3, cores: 1, memory: 1, state: 'RUNNING' }], driverIds: [] });
    expect(h.sentOf('KillExecutor').map((e) => e.message)).toEqual([{ type: 'KillExecutor', masterUrl: MASTER, appId: 'app-old', execId: 3 }]);
  });
});
