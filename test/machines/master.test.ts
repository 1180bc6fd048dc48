import { describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import * as bucketed from '../../machines/bucketed.js';
import { masterMachine, type MasterContext } from '../../machines/master.js';
import { schedule, scheduleExecutorsOnWorkers } from '../../machines/masterSchedule.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import type { ApplicationDescription, RegisterWorker } from '../../machines/protocol.js';
import type { TickerInput } from '../../machines/ticker.js';
import { startMachine } from '../support/harness.js';

const START = 1767225600000; // 2026-01-01T00:00:00Z
const MASTER = 'master/Master';
const DRIVER = 'driver-0/AppClient';

function start(conf: RawConf = {}) {
  const h = startMachine(masterMachine, { input: { address: MASTER, conf: resolveConf(conf).conf }, systemId: MASTER, startMs: START });
  return { ...h, ctx: () => h.snapshot().context as MasterContext };
}
type H = ReturnType<typeof start>;
const workerOf = (h: H, id: string) => bucketed.get(h.ctx().workers, id);

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
    expect(workerOf(h, 'worker-0')).toMatchObject({ state: 'ALIVE', cores: 10, coresUsed: 0, lastHeartbeat: START });
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
    expect(bucketed.keys(h.ctx().workers)).toEqual(['worker-0']);
  });

  it('names applications app-<yyyyMMddHHmmss>-<nnnn> on simulated time, counting from 0000', () => {
    const h = start();
    expect(registerApp(h)).toBe('app-20260101000000-0000');
    h.clock.runUntil(START + 61_000);
    expect(registerApp(h, {}, 'driver-1/AppClient')).toBe('app-20260101000101-0001');
    expect(h.ctx().waitingApps).toEqual(['app-20260101000000-0000', 'app-20260101000101-0001']);
    expect(h.ctx().apps['app-20260101000000-0000']).toMatchObject({ state: 'WAITING', driver: DRIVER, startTime: START, retryCount: 0, coresGranted: 0, nextExecutorId: 0, executorLimit: 2147483647 });
  });

  it('does not register a second application from the same driver, yet answers it with a fresh id as Spark does', () => {
    const h = start();
    registerWorker(h, 0);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    // registerApplication returns early ("Attempted to re-register application at same address"),
    // but the RegisterApplication handler still replies with the id createApplication took.
    h.send({ type: 'RegisterApplication', appDescription: desc({ maxCores: 2, coresPerExecutor: 2 }), driver: DRIVER });
    expect(h.sentOf('RegisteredApplication').map((e) => e.message.appId)).toEqual([appId, 'app-20260101000000-0001']);
    expect(Object.keys(h.ctx().apps)).toEqual([appId]);
    expect(h.ctx().waitingApps).toEqual([appId]);
    expect(launches(h)).toHaveLength(1);
    // Once its application is finished, the same driver may register again.
    h.send({ type: 'UnregisterApplication', appId });
    expect(registerApp(h, {}, DRIVER)).toBe('app-20260101000000-0002');
    expect(h.ctx().waitingApps).toEqual(['app-20260101000000-0002']);
  });

  it('drops DEAD workers at the same host:port when a worker registers there', () => {
    const h = start();
    registerWorker(h, 0);
    h.clock.runUntil(START + 60_001);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(workerOf(h, 'worker-0')!.state).toBe('DEAD');
    h.send({ type: 'RegisterWorker', id: 'worker-0b', host: '10.0.0.1', port: 7078, worker: '10.0.0.1/Worker', cores: 10, memory: 512, workerWebUiUrl: '', masterAddress: MASTER });
    expect(bucketed.keys(h.ctx().workers)).toEqual(['worker-0b']);
    expect(h.sentOf('RegisteredWorker').map((e) => e.message.duplicate)).toEqual([false, false]);
  });

  it('accepts a DEAD worker that registers again with its old id as a new worker (not a duplicate)', () => {
    const h = start();
    registerWorker(h, 0);
    h.clock.runUntil(START + 60_001);
    h.send({ type: 'CheckForWorkerTimeOut' });
    registerWorker(h, 0);
    expect(h.sentOf('RegisteredWorker').map((e) => e.message.duplicate)).toEqual([false, false]);
    expect(workerOf(h, 'worker-0')).toMatchObject({ state: 'ALIVE', lastHeartbeat: START + 60_001 });
  });

  it('echoes the masterAddress the worker sent (SPARK-20529) and does not refresh lastHeartbeat on a duplicate', () => {
    const h = start();
    registerWorker(h, 0);
    h.clock.runUntil(START + 5_000);
    h.send({ type: 'RegisterWorker', id: 'worker-0', host: '10.0.0.1', port: 7078, worker: '10.0.0.1/Worker', cores: 10, memory: 512, workerWebUiUrl: '', masterAddress: 'master-alias/Master' });
    expect(h.sentOf('RegisteredWorker').at(-1)!.message).toMatchObject({ masterAddress: 'master-alias/Master', duplicate: true });
    expect(workerOf(h, 'worker-0')!.lastHeartbeat).toBe(START);
  });

  it('schedules CheckForWorkerTimeOut at start: initial delay 0, period spark.worker.timeout', () => {
    const inputs: TickerInput[] = [];
    const ticker = fromCallback<{ type: string }, TickerInput>(({ input }) => void inputs.push(input));
    const h = startMachine(masterMachine.provide({ actors: { ticker } }), { input: { address: MASTER, conf: resolveConf({ 'spark.worker.timeout': '30s' }).conf }, systemId: MASTER, startMs: START });
    expect(inputs).toEqual([{ event: { type: 'CheckForWorkerTimeOut' }, initialDelayMs: 0, periodMs: 30_000 }]);
    expect(Object.keys(h.snapshot().children)).toEqual(['CheckForWorkerTimeOut']);
  });
});

describe('Master: STANDBY (before the leader agent elects it)', () => {
  /** A Master whose leader agent has not elected it (a ZooKeeper agent would wait): it stays STANDBY. */
  const standby = () => {
    const h = startMachine(masterMachine.provide({ actions: { electLeader: () => undefined } }), { input: { address: MASTER, conf: resolveConf({}).conf }, systemId: MASTER, startMs: START });
    return { ...h, ctx: () => h.snapshot().context as MasterContext };
  };

  it('answers RegisterWorker with MasterInStandby and registers nothing', () => {
    const h = standby();
    expect(h.snapshot().value).toBe('STANDBY');
    registerWorker(h as unknown as H, 0);
    expect(h.takeSent()).toEqual([{ type: 'network.send', from: MASTER, to: '10.0.0.1/Worker', message: { type: 'MasterInStandby' } }]);
    expect(bucketed.size(h.ctx().workers)).toBe(0);
  });

  it('ignores RegisterApplication without a reply and without taking an id; once elected it starts at 0000', () => {
    const h = standby();
    h.send({ type: 'RegisterApplication', appDescription: desc(), driver: DRIVER });
    // Nothing is registered in STANDBY (recovery mode NONE), so Spark's handlers find nothing.
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    h.send({ type: 'CheckForWorkerTimeOut' });
    h.send({ type: 'ExecutorStateChanged', appId: 'app-x', execId: 0, state: 'FAILED' });
    h.send({ type: 'UnregisterApplication', appId: 'app-x' });
    h.send({ type: 'RequestExecutors', appId: 'app-x', resourceProfileToTotalExecs: { 0: 2 } });
    h.send({ type: 'KillExecutors', appId: 'app-x', executorIds: ['0'] });
    h.send({ type: 'WorkerLatestState', id: 'worker-0', executors: [{ appId: 'app-x', execId: 0, cores: 1, memory: 1, state: 'RUNNING' }], driverIds: [] });
    h.send({ type: 'onDisconnected', remoteAddress: 'driver-0/AppClient' });
    expect(h.snapshot().value).toBe('STANDBY');
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx()).toMatchObject({ apps: {}, waitingApps: [], nextAppNumber: 0 });
    h.send({ type: 'ElectedLeader' });
    expect(h.snapshot().value).toBe('ALIVE');
    h.send({ type: 'RegisterApplication', appDescription: desc(), driver: DRIVER });
    expect(h.sentOf('RegisteredApplication').map((e) => e.message.appId)).toEqual(['app-20260101000000-0000']);
  });

  it('stays ALIVE on a second ElectedLeader (nothing persisted, no recovery)', () => {
    const h = start();
    registerWorker(h, 0);
    const before = h.ctx();
    h.takeSent();
    h.send({ type: 'ElectedLeader' });
    expect(h.snapshot().value).toBe('ALIVE');
    expect(h.ctx()).toEqual(before);
    expect(h.takeSent()).toEqual([]);
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

  it('scheduleExecutorsOnWorkers on three 10-core / 512m workers: [4, 2, 2] spread out, [8, 0, 0] consolidated', () => {
    const workers = [0, 1, 2].map(() => ({ coresFree: 10, memoryFree: 512 }));
    const app = { coresLeft: 8, coresPerExecutor: 2, memoryPerExecutorMB: 128, executorCount: 0, executorLimit: 2147483647 };
    expect(scheduleExecutorsOnWorkers(app, workers, true)).toEqual([4, 2, 2]);
    expect(scheduleExecutorsOnWorkers(app, workers, false)).toEqual([8, 0, 0]);
    // Memory: 512m holds four 128m executors, so consolidating stops at 8 cores on the first worker...
    expect(scheduleExecutorsOnWorkers({ ...app, coresLeft: 12 }, workers, false)).toEqual([8, 4, 0]);
    // ...and 200m executors fit twice per worker.
    expect(scheduleExecutorsOnWorkers({ ...app, coresLeft: 12, memoryPerExecutorMB: 200 }, workers, false)).toEqual([4, 4, 4]);
    // One executor per worker (spark.executor.cores unset): memory is checked once, cores keep growing.
    expect(scheduleExecutorsOnWorkers({ ...app, coresPerExecutor: undefined, memoryPerExecutorMB: 512 }, workers, false)).toEqual([8, 0, 0]);
    expect(scheduleExecutorsOnWorkers({ ...app, coresPerExecutor: undefined, memoryPerExecutorMB: 513 }, workers, true)).toEqual([0, 0, 0]);
    // Executor limit counts the executors the app already has.
    expect(scheduleExecutorsOnWorkers({ ...app, executorCount: 2, executorLimit: 3 }, workers, true)).toEqual([2, 0, 0]);
    expect(scheduleExecutorsOnWorkers({ ...app, executorLimit: 0 }, workers, true)).toEqual([0, 0, 0]);
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
  function running(h: H) {
    registerWorker(h, 0, 4);
    return registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
  }

  it('forwards the seed story: LaunchExecutor, then RUNNING reaches the driver as ExecutorUpdated', () => {
    const h = start();
    registerWorker(h, 0, 4);
    h.takeSent();
    const appDesc = desc({ maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'RegisterApplication', appDescription: appDesc, driver: DRIVER });
    const appId = 'app-20260101000000-0000';
    expect(h.takeSent()).toEqual([
      { type: 'network.send', from: MASTER, to: DRIVER, message: { type: 'RegisteredApplication', appId, master: MASTER } },
      { type: 'network.send', from: MASTER, to: '10.0.0.1/Worker', message: { type: 'LaunchExecutor', masterUrl: MASTER, appId, execId: 0, rpId: 0, appDesc, cores: 2, memory: 128 } },
      { type: 'network.send', from: MASTER, to: DRIVER, message: { type: 'ExecutorAdded', id: 0, workerId: 'worker-0', hostPort: '10.0.0.1:7078', cores: 2, memory: 128 } },
    ]);
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'RUNNING', coresGranted: 2, nextExecutorId: 1 });
    expect(h.ctx().apps[appId]!.executors[0]).toEqual({ id: 0, appId, workerId: 'worker-0', cores: 2, memory: 128, state: 'LAUNCHING' });
    expect(workerOf(h, 'worker-0')).toMatchObject({ coresUsed: 2, memoryUsed: 128, executors: [`${appId}/0`] });
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
    // incrementRetryCount() is evaluated before `maxExecutorRetries >= 0`, so the count still grows.
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'RUNNING', retryCount: 30 });
    expect(h.sentOf('ApplicationRemoved')).toEqual([]);
    expect(launches(h)).toHaveLength(31);
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
    expect(h.sentOf('ApplicationRemoved')).toEqual([]);
    // The count went past the limit; the next counted failure with no executor RUNNING removes it.
    h.send({ type: 'ExecutorStateChanged', appId, execId: 3, state: 'FAILED' });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'RUNNING', retryCount: 3 });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'EXITED', message: 'Command exited with code 1', exitStatus: 1 });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'FAILED', retryCount: 4 });
    expect(h.sentOf('ApplicationRemoved').map((e) => e.message.message)).toEqual(['FAILED']);
  });

  it('gives the cores of an application removed for failures to the next waiting application, in Spark\'s message order', () => {
    const h = start();
    registerWorker(h, 0, 4);
    const failing = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    const other = registerApp(h, { maxCores: 4, coresPerExecutor: 2 }, 'driver-1/AppClient');
    expect(launches(h).map(([, id]) => id)).toEqual([0, 0]);
    // FIFO: each failure frees 2 cores that the failing app (first in waitingApps) takes back.
    for (let i = 0; i < 9; i++) h.send({ type: 'ExecutorStateChanged', appId: failing, execId: i, state: 'FAILED' });
    expect(h.sentOf('LaunchExecutor').filter((e) => e.message.appId === other)).toHaveLength(1);
    h.takeSent();
    h.send({ type: 'ExecutorStateChanged', appId: failing, execId: 9, state: 'FAILED' });
    expect(h.takeSent().map((e) => [e.to, e.message.type])).toEqual([
      [DRIVER, 'ExecutorUpdated'],
      [DRIVER, 'ApplicationRemoved'],
      ['10.0.0.1/Worker', 'LaunchExecutor'],
      ['driver-1/AppClient', 'ExecutorAdded'],
      ['10.0.0.1/Worker', 'ApplicationFinished'],
    ]);
    expect(h.ctx().apps[other]).toMatchObject({ coresGranted: 4 });
    expect(h.ctx().waitingApps).toEqual([other]);
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
    expect(workerOf(h, 'worker-0')).toMatchObject({ coresUsed: 2, executors: [`${appId}/1`] });
  });

  it('sets RUNNING from a state other than LAUNCHING and does nothing else (Spark\'s assert throws after setting it)', () => {
    const h = start();
    registerWorker(h, 0, 4);
    const appId = registerApp(h, { maxCores: 4, coresPerExecutor: 2 });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'FAILED' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 1, state: 'DECOMMISSIONED', message: 'worker decommissioned' });
    expect(h.ctx().apps[appId]!.retryCount).toBe(1);
    h.takeSent();
    h.send({ type: 'ExecutorStateChanged', appId, execId: 1, state: 'RUNNING' });
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx().apps[appId]!.executors[1]).toMatchObject({ state: 'RUNNING', message: 'worker decommissioned' });
    expect(h.ctx().apps[appId]!.retryCount).toBe(1);
  });

  it('does not count the failure of an executor that was DECOMMISSIONED', () => {
    const h = start({ 'spark.deploy.maxExecutorRetries': 1 });
    const appId = running(h);
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'DECOMMISSIONED' });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'FAILED', exitStatus: 1 });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'RUNNING', retryCount: 0 });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 1, state: 'FAILED', exitStatus: 1 });
    expect(h.ctx().apps[appId]).toMatchObject({ state: 'FAILED', retryCount: 1 });
  });

  it('ignores the state changes of a removed application\'s executors (no longer in idToApp)', () => {
    const h = start();
    const appId = running(h);
    h.send({ type: 'UnregisterApplication', appId });
    h.takeSent();
    const before = h.ctx();
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'KILLED', exitStatus: 143 });
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx()).toEqual(before);
    expect(before.apps[appId]!.executors[0]!.state).toBe('KILLED');
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
    expect(workerOf(h, 'worker-0')!.state).toBe('ALIVE'); // not strictly older than now - 60 s
    h.clock.runUntil(START + 60_001);
    h.takeSent();
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(workerOf(h, 'worker-0')!.state).toBe('DEAD');
    expect(workerOf(h, 'worker-1')!.state).toBe('ALIVE');
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
    expect(workerOf(h, 'worker-0')).toBeDefined();
    h.clock.runUntil(START + 16 * 60_000 + 1);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(workerOf(h, 'worker-0')).toBeUndefined();
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    expect(h.sentOf('ReconnectWorker')).toHaveLength(1);
  });

  it('removes a worker whose connection closes', () => {
    const h = start();
    registerWorker(h, 0);
    registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'onDisconnected', remoteAddress: '10.0.0.1/Worker' });
    expect(workerOf(h, 'worker-0')!.state).toBe('DEAD');
    expect(h.sentOf('WorkerRemoved').map((e) => e.message.message)).toEqual(['10.0.0.1/Worker got disassociated']);
  });

  it('removes a worker at the first check c (checks every 60 s from 0) with lastHeartbeat h < c - 60 s', () => {
    // h exactly on the check grid: at c = h + 60 s, h < c - 60 s is false; removed at h + 120 s.
    for (const [h0, removedAt] of [[60_000, 180_000], [59_999, 120_000], [60_001, 180_000]] as const) {
      const h = start();
      // Registered at 0 (its first lastHeartbeat); the heartbeat at h0 runs on the clock between the checks.
      registerWorker(h, 0);
      h.clock.setTimeout(() => h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' }), h0);
      let removed: number | undefined;
      for (const c of [0, 60_000, 120_000, 180_000, 240_000]) {
        if (removed !== undefined) break;
        h.clock.runUntil(START + c);
        h.send({ type: 'CheckForWorkerTimeOut' });
        if (workerOf(h, 'worker-0')!.state === 'DEAD') removed = c;
      }
      expect([h0, removed]).toEqual([h0, removedAt]);
    }
  });

  it('keeps a removed worker\'s executors listed on its DEAD WorkerInfo, as Spark does, while the app forgets them', () => {
    const h = start();
    registerWorker(h, 0, 4);
    const appId = registerApp(h, { maxCores: 4, coresPerExecutor: 2 });
    h.clock.runUntil(START + 60_001);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(workerOf(h, 'worker-0')).toMatchObject({ state: 'DEAD', coresUsed: 4, executors: [`${appId}/0`, `${appId}/1`] });
    const app = h.ctx().apps[appId]!;
    expect(app.executors).toEqual({});
    expect(app.coresGranted).toBe(0);
    expect(app.removedExecutors.map((e) => [e.id, e.state, e.message])).toEqual([
      [0, 'LOST', 'worker lost: Not receiving heartbeat for 60 seconds'],
      [1, 'LOST', 'worker lost: Not receiving heartbeat for 60 seconds'],
    ]);
  });

  it('tells only the drivers of running applications WorkerRemoved', () => {
    const h = start();
    registerWorker(h, 0);
    const done = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    registerApp(h, { maxCores: 2, coresPerExecutor: 2 }, 'driver-1/AppClient');
    h.send({ type: 'UnregisterApplication', appId: done });
    h.takeSent();
    h.send({ type: 'onDisconnected', remoteAddress: '10.0.0.1/Worker' });
    expect(h.sentOf('WorkerRemoved').map((e) => e.to)).toEqual(['driver-1/AppClient']);
    expect(h.sentOf('ExecutorUpdated').map((e) => [e.to, e.message])).toEqual([
      ['driver-1/AppClient', { type: 'ExecutorUpdated', id: 0, state: 'LOST', message: 'worker lost: 10.0.0.1/Worker got disassociated', workerHost: '10.0.0.1' }],
    ]);
  });

  it('reads spark.worker.timeout (seconds) and spark.dead.worker.persistence for removal and culling', () => {
    const h = start({ 'spark.worker.timeout': 30, 'spark.dead.worker.persistence': 2 });
    registerWorker(h, 0);
    registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.clock.runUntil(START + 30_000);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(workerOf(h, 'worker-0')!.state).toBe('ALIVE');
    h.clock.runUntil(START + 30_001);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(h.sentOf('WorkerRemoved').map((e) => e.message.message)).toEqual(['Not receiving heartbeat for 30 seconds']);
    // Culled once lastHeartbeat < now - (2 + 1) x 30 s.
    h.clock.runUntil(START + 90_000);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(workerOf(h, 'worker-0')).toBeDefined();
    h.clock.runUntil(START + 90_001);
    h.send({ type: 'CheckForWorkerTimeOut' });
    expect(bucketed.size(h.ctx().workers)).toBe(0);
  });

  it('ignores a heartbeat from a worker that never registered', () => {
    const h = start();
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-9', worker: '10.0.0.9/Worker' });
    expect(h.takeSent()).toEqual([]);
    expect(bucketed.size(h.ctx().workers)).toBe(0);
  });

  it('refreshes lastHeartbeat of a live worker on WorkerHeartbeat', () => {
    const h = start();
    registerWorker(h, 0);
    h.clock.runUntil(START + 15_000);
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    expect(workerOf(h, 'worker-0')!.lastHeartbeat).toBe(START + 15_000);
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
    expect(bucketed.values(h.ctx().workers).map((w) => w.coresUsed)).toEqual([0, 0]);
  });

  it('kills the executors first, schedules the freed cores, then sends ApplicationFinished to every listed worker, DEAD ones too', () => {
    const h = start();
    registerWorker(h, 0, 4);
    registerWorker(h, 1, 4);
    h.clock.runUntil(START + 50_000);
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    h.clock.runUntil(START + 60_001);
    h.send({ type: 'CheckForWorkerTimeOut' }); // worker-1 is DEAD now, still listed
    const first = registerApp(h, { maxCores: 4, coresPerExecutor: 2 });
    const second = registerApp(h, { maxCores: 4, coresPerExecutor: 2 }, 'driver-1/AppClient');
    expect(launches(h)).toHaveLength(2);
    h.takeSent();
    h.send({ type: 'UnregisterApplication', appId: first });
    expect(h.takeSent().map((e) => [e.message.type, e.to, 'appId' in e.message ? e.message.appId : 'id' in e.message ? e.message.id : undefined])).toEqual([
      ['KillExecutor', '10.0.0.1/Worker', first],
      ['KillExecutor', '10.0.0.1/Worker', first],
      ['LaunchExecutor', '10.0.0.1/Worker', second],
      ['ExecutorAdded', 'driver-1/AppClient', 0],
      ['LaunchExecutor', '10.0.0.1/Worker', second],
      ['ExecutorAdded', 'driver-1/AppClient', 1],
      ['ApplicationFinished', '10.0.0.1/Worker', first],
      ['ApplicationFinished', '10.0.0.2/Worker', first],
    ]);
    expect(h.ctx().completedApps).toEqual([first]);
    expect(h.ctx().waitingApps).toEqual([second]);
  });

  it('finishes the application of a driver whose connection closes (any endpoint of the driver process)', () => {
    const h = start();
    registerWorker(h, 0);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'onDisconnected', remoteAddress: 'driver-1/AppClient' });
    expect(h.ctx().apps[appId]!.state).toBe('RUNNING');
    h.send({ type: 'onDisconnected', remoteAddress: 'driver-0/CoarseGrainedScheduler' });
    expect(h.ctx().apps[appId]!.state).toBe('FINISHED');
    expect(h.sentOf('ApplicationRemoved')).toEqual([]);
    expect(h.sentOf('KillExecutor').map((e) => e.message.execId)).toEqual([0]);
  });

  it('retains spark.deploy.retainedApplications completed applications, dropping max(n / 10, 1) oldest when full', () => {
    const h = start({ 'spark.deploy.retainedApplications': 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(registerApp(h, {}, `driver-${i}/AppClient`));
      h.send({ type: 'UnregisterApplication', appId: ids[i]! });
    }
    // Full at 3: the 4th drops the oldest one, the 5th the next.
    expect(h.ctx().completedApps).toEqual(ids.slice(2));
    expect(Object.keys(h.ctx().apps).sort()).toEqual(ids.slice(2));
    expect(h.ctx().apps[ids[2]!]).toMatchObject({ state: 'FINISHED', endTime: START });
  });

  it('ignores UnregisterApplication of an unknown or already finished application', () => {
    const h = start();
    registerWorker(h, 0);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'UnregisterApplication', appId });
    h.takeSent();
    const before = h.ctx();
    h.send({ type: 'UnregisterApplication', appId });
    h.send({ type: 'UnregisterApplication', appId: 'app-nope' });
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx()).toEqual(before);
  });

  it('ignores RequestExecutors and KillExecutors of an unknown or finished application (Spark replies false)', () => {
    const h = start();
    registerWorker(h, 0, 4);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'UnregisterApplication', appId });
    h.takeSent();
    const before = h.ctx();
    for (const id of [appId, 'app-nope']) {
      h.send({ type: 'RequestExecutors', appId: id, resourceProfileToTotalExecs: { 0: 5 } });
      h.send({ type: 'KillExecutors', appId: id, executorIds: ['0'] });
    }
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx()).toEqual(before);
  });

  it('ignores a connection loss of an address that is neither a worker nor a driver', () => {
    const h = start();
    registerWorker(h, 0);
    h.takeSent();
    const before = h.ctx();
    h.send({ type: 'onDisconnected', remoteAddress: 'app-x/0/Executor' });
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx()).toEqual(before);
  });

  it('treats the KILLED report of an executor the driver had killed as an unknown executor: no ExecutorUpdated, no retry counted', () => {
    const h = start();
    registerWorker(h, 0, 4);
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2, initialExecutorLimit: 1 });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'RUNNING' });
    // The driver lowers the limit first (RequestExecutors), then kills: no replacement.
    h.send({ type: 'RequestExecutors', appId, resourceProfileToTotalExecs: { 0: 0 } });
    h.send({ type: 'KillExecutors', appId, executorIds: ['+0'] });
    expect(h.sentOf('KillExecutor').map((e) => [e.to, e.message])).toEqual([['10.0.0.1/Worker', { type: 'KillExecutor', masterUrl: MASTER, appId, execId: 0 }]]);
    expect(h.ctx().apps[appId]).toMatchObject({ coresGranted: 0, executorLimit: 0, executors: {} });
    expect(h.ctx().apps[appId]!.removedExecutors.map((e) => [e.id, e.state])).toEqual([[0, 'KILLED']]);
    expect(workerOf(h, 'worker-0')).toMatchObject({ coresUsed: 0, memoryUsed: 0, executors: [] });
    h.takeSent();
    const before = h.ctx();
    h.send({ type: 'ExecutorStateChanged', appId, execId: 0, state: 'KILLED', message: 'Runner thread for executor app/0 interrupted', exitStatus: 143 });
    expect(h.takeSent()).toEqual([]);
    expect(h.ctx()).toEqual(before);
    // Ids Integer.parseInt rejects (out of the 32-bit range) are dropped.
    h.send({ type: 'RequestExecutors', appId, resourceProfileToTotalExecs: { 0: 1 } });
    h.send({ type: 'KillExecutors', appId, executorIds: ['4294967297', '1.0'] });
    expect(h.sentOf('KillExecutor')).toHaveLength(0);
    expect(Object.keys(h.ctx().apps[appId]!.executors)).toEqual(['1']);
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
    const appId = registerApp(h, { maxCores: 2, coresPerExecutor: 2 });
    h.send({ type: 'WorkerLatestState', id: 'worker-0', executors: [{ appId, execId: 0, cores: 2, memory: 128, state: 'RUNNING' }, { appId: 'app-old', execId: 3, cores: 1, memory: 1, state: 'RUNNING' }], driverIds: [] });
    expect(h.sentOf('KillExecutor').map((e) => e.message)).toEqual([{ type: 'KillExecutor', masterUrl: MASTER, appId: 'app-old', execId: 3 }]);
    // From a worker the Master does not know (or knows as DEAD): "Worker state from unknown worker", nothing sent.
    h.takeSent();
    h.send({ type: 'WorkerLatestState', id: 'worker-9', executors: [{ appId: 'app-old', execId: 4, cores: 1, memory: 1, state: 'RUNNING' }], driverIds: [] });
    expect(h.takeSent()).toEqual([]);
  });
});

describe('Master: its context is copied on write and stays JSON', () => {
  /** Freezes a context and everything in it: a later message that changes it in place throws (ES modules are strict). */
  const deepFreeze = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  };

  /** Registration, placement, state changes, kills, a lost worker, culled and retained applications. */
  function story(freeze: boolean) {
    const h = start({ 'spark.worker.timeout': '60s', 'spark.deploy.retainedApplications': '1' });
    if (freeze) h.actor.subscribe((s: { context: MasterContext }) => deepFreeze(s.context));
    deepFreeze(h.ctx());
    for (const n of [0, 1, 2]) registerWorker(h, n);
    const appId = registerApp(h, { maxCores: 8, coresPerExecutor: 2 });
    for (const execId of [0, 1]) h.send({ type: 'ExecutorStateChanged', appId, execId, state: 'RUNNING' });
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    h.send({ type: 'KillExecutors', appId, executorIds: ['1', '1', 'x'] });
    h.send({ type: 'ExecutorStateChanged', appId, execId: 2, state: 'EXITED', message: 'Command exited with code 1', exitStatus: 1 });
    h.send({ type: 'RequestExecutors', appId, resourceProfileToTotalExecs: { 0: 3 } });
    const second = registerApp(h, { maxCores: 4, coresPerExecutor: 2 }, 'driver-1/AppClient');
    h.clock.runUntil(START + 30_000);
    for (const n of [1, 2]) h.send({ type: 'WorkerHeartbeat', workerId: `worker-${n}`, worker: `10.0.0.${n + 1}/Worker` });
    h.clock.runUntil(START + 61_000);
    h.send({ type: 'CheckForWorkerTimeOut' });
    h.send({ type: 'WorkerHeartbeat', workerId: 'worker-0', worker: '10.0.0.1/Worker' });
    h.send({ type: 'WorkerLatestState', id: 'worker-1', executors: [{ appId, execId: 99, state: 'RUNNING', cores: 2, memory: 128 }], driverIds: [] } as never);
    registerWorker(h, 0);
    h.send({ type: 'onDisconnected', remoteAddress: DRIVER });
    h.send({ type: 'UnregisterApplication', appId: second });
    h.send({ type: 'onDisconnected', remoteAddress: '10.0.0.2/Worker' });
    return { h, appId, second };
  }

  it('never changes an earlier snapshot\'s context (each deep-frozen) and sends what an unfrozen Master sends', () => {
    const frozen = story(true);
    const plain = story(false);
    expect(frozen.h.snapshot().status).toBe('active');
    expect(frozen.h.sent).toEqual(plain.h.sent);
    expect(frozen.h.ctx()).toEqual(plain.h.ctx());
    // The story reached the paths that change records in place in Spark.
    const types = new Set(plain.h.sent.map((e) => e.message.type));
    for (const type of ['LaunchExecutor', 'KillExecutor', 'ExecutorUpdated', 'WorkerRemoved', 'ReconnectWorker', 'ApplicationFinished']) expect(types).toContain(type);
    expect(plain.h.sentOf('ExecutorUpdated').some((e) => e.message.state === 'LOST')).toBe(true);
    // retainedApplications = 1: the first finished application was dropped when the second finished.
    expect(Object.keys(plain.h.ctx().apps)).toEqual([plain.second]);
    expect(plain.h.ctx().completedApps).toEqual([plain.second]);
  });

  it('round-trips through JSON (a persisted snapshot): the same workers and applications, and schedule() places the same executors', () => {
    const h = start();
    for (const n of [0, 1, 2]) registerWorker(h, n, 4);
    const appId = registerApp(h, { maxCores: 8, coresPerExecutor: 2 });
    h.send({ type: 'KillExecutors', appId, executorIds: ['0'] });
    const context = h.ctx();
    const restored = JSON.parse(JSON.stringify(context)) as MasterContext;
    expect(bucketed.toRecord(restored.workers)).toEqual(bucketed.toRecord(context.workers));
    expect(restored.apps).toEqual(context.apps);
    // A new application on the restored context is placed exactly as on the live one.
    const withApp = (c: MasterContext): MasterContext => ({
      ...c,
      apps: { ...c.apps, 'app-2': { ...c.apps[appId]!, id: 'app-2', state: 'WAITING', executors: {}, removedExecutors: [], coresGranted: 0, nextExecutorId: 0, driver: 'driver-2/AppClient' } },
      waitingApps: [...c.waitingApps, 'app-2'],
    });
    // schedule() is pure: it would throw on a frozen context it changed in place.
    deepFreeze(context);
    const live = schedule(withApp(context));
    const again = schedule(withApp(restored));
    expect(again.out).toEqual(live.out);
    expect(live.out.filter((o) => o.message.type === 'LaunchExecutor').map((o) => o.to)).toEqual(['10.0.0.2/Worker', '10.0.0.1/Worker']);
    expect(bucketed.toRecord(again.context.workers)).toEqual(bucketed.toRecord(live.context.workers));
  });
});
