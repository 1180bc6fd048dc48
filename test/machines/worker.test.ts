import { describe, expect, it } from 'vitest';
import { fromCallback, type EventObject } from 'xstate';
import { workerMachine, type WorkerContext } from '../../machines/worker.js';
import { executorRunnerMachine } from '../../machines/executorRunner.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import type { LaunchExecutor } from '../../machines/protocol.js';
import { tickerLogic } from '../../actors/ticker.js';
import { startMachine } from '../support/harness.js';

const ADDRESS = '10.0.0.1/Worker';
const MASTER = 'master/Master';

/** A worker whose executor processes start at once and exit when destroyed (SIGTERM, 143). */
const fakeProcess = fromCallback<EventObject>(({ sendBack, receive }) => {
  sendBack({ type: 'process.started' });
  receive((e) => {
    if (e.type === 'process.destroy') sendBack({ type: 'process.exited', exitCode: 143 });
  });
});
// The real ticker, so Spark's retry and heartbeat schedules run on the test's clock.
const logic = workerMachine.provide({ actors: { ticker: tickerLogic, executorRunner: executorRunnerMachine.provide({ actors: { executorProcess: fakeProcess } }) } });

function start(conf: RawConf = {}, fuzz = 1.0) {
  const h = startMachine(logic, {
    input: { address: ADDRESS, workerId: 'worker-0', host: '10.0.0.1', port: 7078, cores: 8, memory: 1024, masterAddress: MASTER, conf: resolveConf(conf).conf, registrationRetryFuzzMultiplier: fuzz },
    systemId: ADDRESS,
  });
  return { ...h, ctx: () => h.snapshot().context as WorkerContext };
}
type H = ReturnType<typeof start>;
const registered = (h: H) => h.send({ type: 'RegisteredWorker', master: MASTER, masterWebUiUrl: '', masterAddress: MASTER, duplicate: false });
const launch = (execId: number, masterUrl = MASTER): LaunchExecutor => ({
  type: 'LaunchExecutor', masterUrl, appId: 'app-1', execId, rpId: 0, cores: 2, memory: 256,
  appDesc: { name: 'etl', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 256 },
});

describe('Worker: registration', () => {
  it('registers at start with its resources', () => {
    const h = start();
    expect(h.sentOf('RegisterWorker').map((e) => [e.to, e.message])).toEqual([[MASTER, {
      type: 'RegisterWorker', id: 'worker-0', host: '10.0.0.1', port: 7078, worker: ADDRESS, cores: 8, memory: 1024, workerWebUiUrl: 'http://10.0.0.1:8081', masterAddress: MASTER,
    }]]);
  });

  it('retries every round(10 x fuzz) s, then round(60 x fuzz) s from the 6th attempt, and gives up with exit 1 after 16', () => {
    const h = start({}, 1.0);
    const sendTimes = () => h.sentOf('RegisterWorker').length;
    h.clock.runUntil(59_999);
    expect(sendTimes()).toBe(6); // at 0, 10, 20, 30, 40, 50 s
    h.clock.runUntil(60_000);
    expect(sendTimes()).toBe(7); // the 6th retry, which switches to 60 s
    h.clock.runUntil(119_999);
    expect(sendTimes()).toBe(7);
    h.clock.runUntil(120_000);
    expect(sendTimes()).toBe(8);
    h.clock.runUntil(660_000); // retries 7..16 at 120, 180, ..., 660 s
    expect(sendTimes()).toBe(17);
    expect(h.snapshot().status).toBe('active');
    h.clock.runUntil(720_000);
    expect(h.snapshot().status).toBe('done');
    expect(h.snapshot().output).toEqual({ exitCode: 1 });
    expect(sendTimes()).toBe(17);
  });

  it('uses the fuzz for both intervals (fuzz 1.4: 14 s, then 84 s)', () => {
    const h = start({}, 1.4);
    h.clock.runUntil(14 * 6 * 1000);
    expect(h.sentOf('RegisterWorker')).toHaveLength(7);
    h.clock.runUntil(14 * 6 * 1000 + 84_000 - 1);
    expect(h.sentOf('RegisterWorker')).toHaveLength(7);
    h.clock.runUntil(14 * 6 * 1000 + 84_000);
    expect(h.sentOf('RegisterWorker')).toHaveLength(8);
  });

  it('stops retrying once registered, reports its latest state, and heartbeats every spark.worker.timeout / 4', () => {
    const h = start();
    h.clock.runUntil(5_000);
    registered(h);
    expect(h.snapshot().value).toBe('connected');
    expect(h.sentOf('WorkerLatestState').map((e) => e.message)).toEqual([{ type: 'WorkerLatestState', id: 'worker-0', executors: [], driverIds: [] }]);
    h.clock.runUntil(5_000 + 15_000 - 1);
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(0);
    h.clock.runUntil(5_000 + 60_000);
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(4);
    expect(h.sentOf('RegisterWorker')).toHaveLength(1);
  });

  it('exits with code 1 when the master refuses the registration', () => {
    const h = start();
    h.send({ type: 'RegisterWorkerFailed', message: 'Attempted to re-register worker at same address: x' });
    expect(h.snapshot().output).toEqual({ exitCode: 1 });
  });

  it('registers again when the master disconnects or asks it to reconnect, without a second heartbeat timer', () => {
    const h = start({ 'spark.worker.timeout': 40 });
    registered(h);
    h.send({ type: 'onDisconnected', remoteAddress: MASTER });
    expect(h.snapshot().value).toBe('registering');
    expect(h.sentOf('RegisterWorker')).toHaveLength(2);
    h.clock.runUntil(10_000);
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(0); // not connected: SendHeartbeat sends nothing
    registered(h);
    h.send({ type: 'ReconnectWorker', masterUrl: MASTER });
    expect(h.sentOf('RegisterWorker')).toHaveLength(4);
    registered(h);
    h.clock.runUntil(10_000 + 40_000);
    // one timer (every 10 s), started at the first registration (t = 0): ticks at 10, 20, 30, 40, 50 s; sent only while connected
    expect(h.sentOf('WorkerHeartbeat').length).toBe(4);
  });
});

describe('Worker: executors', () => {
  it('launches an ExecutorRunner per LaunchExecutor, accounts its resources and forwards RUNNING to the master', () => {
    const h = start();
    registered(h);
    h.takeSent();
    h.send(launch(0));
    expect(h.ctx()).toMatchObject({ coresUsed: 2, memoryUsed: 256 });
    expect(Object.keys(h.snapshot().children)).toContain('app-1/0');
    expect(h.takeSent().map((e) => [e.to, e.message])).toEqual([[MASTER, { type: 'ExecutorStateChanged', appId: 'app-1', execId: 0, state: 'RUNNING' }]]);
  });

  it('ignores LaunchExecutor from a master that is not the active one', () => {
    const h = start();
    registered(h);
    h.send(launch(0, 'other/Master'));
    expect(h.ctx().coresUsed).toBe(0);
    expect(Object.keys(h.snapshot().children)).not.toContain('app-1/0');
  });

  it('kills an executor on KillExecutor: KILLED with the exit code reaches the master and the resources are freed', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send(launch(1));
    h.takeSent();
    h.send({ type: 'KillExecutor', masterUrl: MASTER, appId: 'app-1', execId: 0 });
    expect(h.takeSent().map((e) => e.message)).toEqual([{ type: 'ExecutorStateChanged', appId: 'app-1', execId: 0, state: 'KILLED', message: 'Runner thread for executor app-1/0 interrupted', exitStatus: 143 }]);
    expect(h.ctx()).toMatchObject({ coresUsed: 2, memoryUsed: 256, finishedExecutors: ['app-1/0'] });
    expect(Object.keys(h.snapshot().children)).not.toContain('app-1/0');
    h.send({ type: 'KillExecutor', masterUrl: MASTER, appId: 'app-1', execId: 0 });
    h.send({ type: 'KillExecutor', masterUrl: MASTER, appId: 'app-9', execId: 5 });
    expect(h.takeSent()).toEqual([]);
  });

  it('reports its live executors in WorkerLatestState when it registers again', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send({ type: 'ReconnectWorker', masterUrl: MASTER });
    registered(h);
    expect(h.sentOf('WorkerLatestState').at(-1)!.message.executors).toEqual([{ appId: 'app-1', execId: 0, cores: 2, memory: 256, state: 'RUNNING' }]);
  });
});
