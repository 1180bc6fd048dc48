import { describe, expect, it } from 'vitest';
import { fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import { addFinishedExecutor, coresFree, memoryFree, workerMachine, type WorkerContext } from '../../machines/worker.js';
import { executorRunnerMachine, type ExecutorProcessInput } from '../../machines/executorRunner.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import type { ExecutorDescription, LaunchExecutor } from '../../machines/protocol.js';
import { tickerLogic } from '../../actors/ticker.js';
import { startMachine } from '../support/harness.js';

const ADDRESS = '10.0.0.1/Worker';
const MASTER = 'master/Master';
const APP = 'app-20260101000000-0000';

/**
 * Executor processes that start at once, exit with 143 when destroyed (SIGTERM), and exit with a
 * code when the test sends them `test.exit`. Executors listed in `silent` neither start nor exit
 * by themselves; those in `unstartable` fail to start.
 */
function processes() {
  const destroyed: string[] = [];
  const silent = new Set<number>();
  const unstartable = new Set<number>();
  const logic = fromCallback<EventObject, ExecutorProcessInput>(({ input, sendBack, receive }) => {
    if (unstartable.has(input.execId)) {
      sendBack({ type: 'process.startFailed', error: 'java.io.IOException: Cannot run program "java"' });
      return;
    }
    if (!silent.has(input.execId)) sendBack({ type: 'process.started' });
    receive((e) => {
      if (e.type === 'process.destroy') {
        destroyed.push(`${input.appId}/${input.execId}`);
        if (!silent.has(input.execId)) sendBack({ type: 'process.exited', exitCode: 143 });
      }
      if (e.type === 'test.exit') sendBack({ type: 'process.exited', exitCode: (e as unknown as { exitCode: number }).exitCode });
    });
  });
  return { logic, destroyed, silent, unstartable };
}

function start(conf: RawConf = {}, fuzz = 1.0) {
  const procs = processes();
  // The real ticker, so Spark's retry and heartbeat schedules run on the test's clock.
  const logic = workerMachine.provide({ actors: { ticker: tickerLogic, executorRunner: executorRunnerMachine.provide({ actors: { executorProcess: procs.logic } }) } });
  const h = startMachine(logic, {
    input: { address: ADDRESS, workerId: 'worker-0', host: '10.0.0.1', port: 7078, cores: 8, memory: 1024, masterAddress: MASTER, conf: resolveConf(conf).conf, registrationRetryFuzzMultiplier: fuzz },
    systemId: ADDRESS,
  });
  const runner = (execId: number) => h.snapshot().children[`${APP}/${execId}`] as AnyActorRef | undefined;
  return {
    ...h,
    procs,
    ctx: () => h.snapshot().context as WorkerContext,
    runner,
    /** The executor process exits by itself with `exitCode`. */
    exit: (execId: number, exitCode: number) => (runner(execId)!.getSnapshot().children['process'] as AnyActorRef).send({ type: 'test.exit', exitCode }),
  };
}
type H = ReturnType<typeof start>;
const registered = (h: H, master = MASTER) => h.send({ type: 'RegisteredWorker', master, masterWebUiUrl: 'http://master:8080', masterAddress: master, duplicate: false });
const launch = (execId: number, masterUrl = MASTER, cores = 2, memory = 256): LaunchExecutor => ({
  type: 'LaunchExecutor', masterUrl, appId: APP, execId, rpId: 0, cores, memory,
  appDesc: { name: 'etl', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: memory },
});
const stateChanges = (h: H) => h.sentOf('ExecutorStateChanged').map((e) => [e.to, e.message]);

/** Runs the clock to `endMs` one second at a time and returns the times at which RegisterWorker went out. */
function registerTimes(h: H, endMs: number): number[] {
  const times: number[] = [];
  let seen = 0;
  const note = () => {
    const n = h.sentOf('RegisterWorker').length;
    for (; seen < n; seen++) times.push(h.clock.now());
  };
  note();
  for (let t = 1000; t <= endMs; t += 1000) {
    h.clock.runUntil(t);
    note();
  }
  return times;
}

describe('Worker: registration with the Master (Worker.registerWithMaster / reregisterWithMaster)', () => {
  it('Worker sends RegisterWorker with its id, resources and web UI URL when it starts', () => {
    const h = start();
    expect(h.snapshot().value).toBe('registering');
    expect(h.sentOf('RegisterWorker').map((e) => [e.from, e.to, e.message])).toEqual([[ADDRESS, MASTER, {
      type: 'RegisterWorker', id: 'worker-0', host: '10.0.0.1', port: 7078, worker: ADDRESS, cores: 8, memory: 1024, workerWebUiUrl: 'http://10.0.0.1:8081', masterAddress: MASTER,
    }]]);
    expect(h.ctx()).toMatchObject({ connected: false, connectionAttemptCount: 0, master: undefined });
  });

  it('Worker with fuzz 1.0 retries every 10 s up to the 6th attempt, then every 60 s, and gives up with exit 1 after 16 attempts', () => {
    const h = start({}, 1.0);
    const times = registerTimes(h, 719_000);
    expect(times).toEqual([0, 10, 20, 30, 40, 50, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 660].map((s) => s * 1000));
    expect(h.ctx().connectionAttemptCount).toBe(16);
    expect(h.snapshot().status).toBe('active');
    h.clock.runUntil(720_000);
    expect(h.snapshot().value).toBe('exited');
    expect(h.snapshot().status).toBe('done');
    expect(h.snapshot().output).toEqual({ exitCode: 1 });
    expect(h.sentOf('RegisterWorker')).toHaveLength(17);
  });

  it('Worker fuzz sets both intervals: round(10 x 1.45) = 15 s and round(60 x 1.45) = 87 s; round(10 x 0.5) = 5 s and 30 s', () => {
    const slow = start({}, 1.45);
    expect(registerTimes(slow, 90_000 + 87_000)).toEqual([0, 15, 30, 45, 60, 75, 90, 177].map((s) => s * 1000));
    const fast = start({}, 0.5);
    expect(registerTimes(fast, 60_000)).toEqual([0, 5, 10, 15, 20, 25, 30, 60].map((s) => s * 1000));
  });

  it('Worker counts attempts exactly: initialRegistrationRetries=2 switches at the 2nd retry, maxRegistrationRetries=3 exits at the 4th tick', () => {
    const h = start({ 'spark.worker.initialRegistrationRetries': 2, 'spark.worker.maxRegistrationRetries': 3 });
    expect(registerTimes(h, 139_000)).toEqual([0, 10_000, 20_000, 80_000]);
    expect(h.snapshot().status).toBe('active');
    h.clock.runUntil(140_000);
    expect(h.snapshot().output).toEqual({ exitCode: 1 });
  });

  it('Worker whose initialRegistrationRetries exceed maxRegistrationRetries gives up before ever switching interval', () => {
    const h = start({ 'spark.worker.initialRegistrationRetries': 6, 'spark.worker.maxRegistrationRetries': 3 });
    expect(registerTimes(h, 39_000)).toEqual([0, 10_000, 20_000, 30_000]);
    h.clock.runUntil(40_000);
    expect(h.snapshot().output).toEqual({ exitCode: 1 });
  });

  it('Worker stops retrying once registered and reports its latest state to the master', () => {
    const h = start();
    h.clock.runUntil(15_000);
    registered(h);
    expect(h.snapshot().value).toBe('registered');
    expect(h.ctx()).toMatchObject({ connected: true, master: MASTER, masterAddressToConnect: MASTER });
    expect(h.sentOf('WorkerLatestState').map((e) => [e.to, e.message])).toEqual([[MASTER, { type: 'WorkerLatestState', id: 'worker-0', executors: [], driverIds: [] }]]);
    h.clock.runUntil(2_000_000);
    expect(h.sentOf('RegisterWorker')).toHaveLength(2); // at 0 and 10 s
    expect(h.snapshot().status).toBe('active');
  });

  it('Worker exits with code 1 when the master refuses its registration, and ignores a refusal once registered', () => {
    const refused = start();
    refused.send({ type: 'RegisterWorkerFailed', message: 'Attempted to re-register worker at same address: 10.0.0.1:7078' });
    expect(refused.snapshot().output).toEqual({ exitCode: 1 });
    const ok = start();
    registered(ok);
    ok.send({ type: 'RegisterWorkerFailed', message: 'late' });
    expect(ok.snapshot().value).toBe('registered');
  });

  it('Worker asked to reconnect is no longer registered: a refusal then makes it exit', () => {
    const h = start();
    registered(h);
    h.send({ type: 'ReconnectWorker', masterUrl: MASTER });
    h.send({ type: 'RegisterWorkerFailed', message: 'refused' });
    expect(h.snapshot().output).toEqual({ exitCode: 1 });
  });

  it('Worker ignores MasterInStandby and keeps retrying', () => {
    const h = start();
    h.send({ type: 'MasterInStandby' });
    expect(h.snapshot().value).toBe('registering');
    h.clock.runUntil(10_000);
    expect(h.sentOf('RegisterWorker')).toHaveLength(2);
  });

  it('Worker asked to reconnect while a retry timer runs starts no second registration (the attempt count goes on)', () => {
    const h = start();
    h.clock.runUntil(15_000);
    h.send({ type: 'ReconnectWorker', masterUrl: MASTER });
    expect(h.sentOf('RegisterWorker')).toHaveLength(2);
    expect(registerTimes(h, 60_000).slice(-5)).toEqual([20, 30, 40, 50, 60].map((s) => s * 1000));
    expect(h.ctx().connectionAttemptCount).toBe(6);
  });

  it('Worker re-registers when the master disconnects: connected = false, RegisterWorker again and a fresh attempt count', () => {
    const h = start();
    h.clock.runUntil(30_000);
    registered(h);
    h.takeSent();
    h.clock.runUntil(100_000);
    h.send({ type: 'onDisconnected', remoteAddress: MASTER });
    expect(h.snapshot().value).toBe('registering');
    expect(h.ctx()).toMatchObject({ connected: false, connectionAttemptCount: 0 });
    expect(registerTimes(h, 170_000).map((t) => t - 100_000)).toEqual([0, 10, 20, 30, 40, 50, 60].map((s) => s * 1000));
  });

  it('Worker re-registering sends its first RegisterWorker to the configured master and retries to the master that registered it (SPARK-4592)', () => {
    const h = start();
    registered(h, 'master-b/Master');
    h.takeSent();
    h.send({ type: 'ReconnectWorker', masterUrl: 'master-b/Master' });
    h.clock.runUntil(10_000);
    expect(h.sentOf('RegisterWorker').map((e) => [e.to, e.message.masterAddress])).toEqual([[MASTER, MASTER], ['master-b/Master', 'master-b/Master']]);
  });

  it('Worker ignores a disconnect before it knows a master, and disconnects of other processes', () => {
    const h = start();
    h.send({ type: 'onDisconnected', remoteAddress: MASTER });
    expect(h.ctx().connected).toBe(false);
    registered(h);
    h.send({ type: 'onDisconnected', remoteAddress: 'driver-0/CoarseGrainedScheduler' });
    expect(h.snapshot().value).toBe('registered');
    expect(h.ctx().connected).toBe(true);
    // The master's process closed (any endpoint of it): Spark compares RpcAddresses (host:port).
    h.send({ type: 'onDisconnected', remoteAddress: 'master/AnotherEndpoint' });
    expect(h.snapshot().value).toBe('registering');
  });

  it('Worker counts a ReregisterWithMaster tick that arrives after registration but sends nothing', () => {
    const h = start();
    registered(h);
    h.takeSent();
    h.send({ type: 'ReregisterWithMaster' });
    expect(h.ctx().connectionAttemptCount).toBe(1);
    expect(h.sentOf('RegisterWorker')).toHaveLength(0);
    expect(h.snapshot().value).toBe('registered');
  });
});

describe('Worker: heartbeats (SendHeartbeat)', () => {
  it('Worker heartbeats only after registering: at once, then every spark.worker.timeout / 4', () => {
    const h = start();
    h.clock.runUntil(25_000);
    h.send({ type: 'SendHeartbeat' }); // a stray tick before registration: not connected, nothing sent
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(0);
    registered(h);
    h.clock.runUntil(25_000); // scheduleAtFixedRate(SendHeartbeat, 0, HEARTBEAT_MILLIS)
    expect(h.sentOf('WorkerHeartbeat').map((e) => [e.to, e.message])).toEqual([[MASTER, { type: 'WorkerHeartbeat', workerId: 'worker-0', worker: ADDRESS }]]);
    h.clock.runUntil(25_000 + 15_000 - 1);
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(1);
    h.clock.runUntil(25_000 + 60_000);
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(5);
  });

  it('Worker sends no heartbeat while disconnected from the master, and resumes on one timer after re-registering', () => {
    const h = start({ 'spark.worker.timeout': 40 }); // every 10 s
    registered(h); // timer at 0, 10, 20, ...
    h.clock.runUntil(5_000);
    h.send({ type: 'onDisconnected', remoteAddress: MASTER });
    h.clock.runUntil(35_000);
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(1); // only the one at 0
    registered(h);
    h.clock.runUntil(75_000);
    // the same timer (not a second one): 40, 50, 60, 70
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(5);
  });

  it('Worker asked to reconnect stays connected and keeps heartbeating while it re-registers (Spark leaves connected as it is)', () => {
    const h = start({ 'spark.worker.timeout': 40 });
    registered(h);
    h.clock.runUntil(1_000);
    h.send({ type: 'ReconnectWorker', masterUrl: MASTER });
    expect(h.snapshot().value).toBe('registering');
    expect(h.ctx().connected).toBe(true);
    h.clock.runUntil(30_000);
    expect(h.sentOf('WorkerHeartbeat')).toHaveLength(4); // 0, 10, 20, 30
  });
});

describe('Worker: executors (LaunchExecutor, KillExecutor, ExecutorStateChanged)', () => {
  it('Worker launches an ExecutorRunner per LaunchExecutor, books its cores and memory and forwards RUNNING to the master', () => {
    const h = start();
    registered(h);
    h.takeSent();
    h.send(launch(0, MASTER, 3, 300));
    expect(h.runner(0)).toBeDefined();
    expect(h.ctx()).toMatchObject({ coresUsed: 3, memoryUsed: 300 });
    expect(coresFree(h.ctx())).toBe(5);
    expect(memoryFree(h.ctx())).toBe(724);
    expect(h.ctx().executors[`${APP}/0`]).toEqual({ appId: APP, execId: 0, cores: 3, memory: 300, state: 'RUNNING' });
    expect(stateChanges(h)).toEqual([[MASTER, { type: 'ExecutorStateChanged', appId: APP, execId: 0, state: 'RUNNING' }]]);
  });

  it('Worker ignores LaunchExecutor from a master that is not the active one, and before any registration', () => {
    const h = start();
    h.send(launch(0));
    expect(h.ctx().coresUsed).toBe(0);
    registered(h);
    h.send(launch(1, 'standby/Master'));
    expect(h.ctx()).toMatchObject({ coresUsed: 0, memoryUsed: 0, executors: {} });
    expect(h.runner(0)).toBeUndefined();
    expect(h.runner(1)).toBeUndefined();
  });

  it('Worker re-registering after a master disconnect still launches executors for its known master', () => {
    const h = start();
    registered(h);
    h.send({ type: 'onDisconnected', remoteAddress: MASTER });
    h.send(launch(0));
    expect(h.ctx().coresUsed).toBe(2);
  });

  it('Worker ignores a second LaunchExecutor for a live executor id', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send(launch(0));
    expect(h.ctx()).toMatchObject({ coresUsed: 2, memoryUsed: 256 });
  });

  it('Worker forwards EXITED to the master, frees the resources and stops the runner when an executor exits', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send(launch(1));
    h.takeSent();
    h.exit(0, 1);
    expect(stateChanges(h)).toEqual([[MASTER, { type: 'ExecutorStateChanged', appId: APP, execId: 0, state: 'EXITED', message: 'Command exited with code 1', exitStatus: 1 }]]);
    expect(h.ctx()).toMatchObject({ coresUsed: 2, memoryUsed: 256 });
    expect(Object.keys(h.ctx().executors)).toEqual([`${APP}/1`]);
    expect(h.ctx().finishedExecutors).toEqual([{ appId: APP, execId: 0, cores: 2, memory: 256, state: 'EXITED' }]);
    expect(h.runner(0)).toBeUndefined();
  });

  it('Worker forwards FAILED when an executor process cannot start, and frees its resources', () => {
    const h = start();
    registered(h);
    h.procs.unstartable.add(0);
    h.takeSent();
    h.send(launch(0));
    expect(stateChanges(h)).toEqual([[MASTER, { type: 'ExecutorStateChanged', appId: APP, execId: 0, state: 'FAILED', message: 'Error running executor: java.io.IOException: Cannot run program "java"' }]]);
    expect(h.ctx()).toMatchObject({ coresUsed: 0, memoryUsed: 0, executors: {} });
  });

  it('Worker kills an executor on KillExecutor: KILLED with the exit code reaches the master and the resources are freed', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send(launch(1));
    h.takeSent();
    h.send({ type: 'KillExecutor', masterUrl: MASTER, appId: APP, execId: 0 });
    expect(h.procs.destroyed).toEqual([`${APP}/0`]);
    expect(stateChanges(h)).toEqual([[MASTER, { type: 'ExecutorStateChanged', appId: APP, execId: 0, state: 'KILLED', message: `Runner thread for executor ${APP}/0 interrupted`, exitStatus: 143 }]]);
    expect(h.ctx()).toMatchObject({ coresUsed: 2, memoryUsed: 256 });
    expect(h.ctx().finishedExecutors.map((e) => e.state)).toEqual(['KILLED']);
    expect(h.runner(0)).toBeUndefined();
  });

  it('Worker ignores KillExecutor for an unknown or finished executor, and from a master that is not the active one', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send(launch(1));
    h.exit(1, 0);
    h.takeSent();
    h.send({ type: 'KillExecutor', masterUrl: MASTER, appId: APP, execId: 1 });
    h.send({ type: 'KillExecutor', masterUrl: MASTER, appId: 'app-20260101000000-0009', execId: 5 });
    h.send({ type: 'KillExecutor', masterUrl: 'standby/Master', appId: APP, execId: 0 });
    expect(h.takeSent()).toEqual([]);
    expect(h.procs.destroyed).toEqual([]);
    expect(h.ctx().executors[`${APP}/0`]!.state).toBe('RUNNING');
  });

  it('Worker reports a killed executor as KILLED in WorkerLatestState while its process is still terminating', () => {
    const h = start();
    registered(h);
    h.procs.silent.add(0);
    h.send(launch(0));
    h.send(launch(1));
    h.send({ type: 'KillExecutor', masterUrl: MASTER, appId: APP, execId: 0 });
    expect(h.ctx().coresUsed).toBe(4); // resources stay booked until the runner reports KILLED
    h.send({ type: 'ReconnectWorker', masterUrl: MASTER });
    registered(h);
    expect(h.sentOf('WorkerLatestState').at(-1)!.message.executors).toEqual([
      { appId: APP, execId: 0, cores: 2, memory: 256, state: 'KILLED' },
      { appId: APP, execId: 1, cores: 2, memory: 256, state: 'RUNNING' },
    ]);
  });

  it('Worker drops executor state changes while it has never registered (no master to sync with)', () => {
    const h = start();
    h.send({ type: 'ExecutorStateChanged', appId: APP, execId: 7, state: 'EXITED', message: 'Command exited with code 0', exitStatus: 0 });
    expect(stateChanges(h)).toEqual([]);
  });

  it('Worker forwards a finished state of an unknown executor without touching its books', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.takeSent();
    h.send({ type: 'ExecutorStateChanged', appId: APP, execId: 7, state: 'EXITED', message: 'Command exited with code 0', exitStatus: 0 });
    expect(stateChanges(h)).toHaveLength(1);
    expect(h.ctx()).toMatchObject({ coresUsed: 2, finishedExecutors: [] });
  });

  it('Worker forwards executor state changes to its known master even while disconnected (the network decides their fate)', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send({ type: 'onDisconnected', remoteAddress: MASTER });
    h.takeSent();
    h.exit(0, 0);
    expect(stateChanges(h)).toEqual([[MASTER, { type: 'ExecutorStateChanged', appId: APP, execId: 0, state: 'EXITED', message: 'Command exited with code 0', exitStatus: 0 }]]);
  });

  it('Worker keeps at most spark.worker.ui.retainedExecutors finished executors, dropping max(size / 10, 1) of the oldest', () => {
    const h = start({ 'spark.worker.ui.retainedExecutors': 3 });
    registered(h);
    for (let i = 0; i < 4; i++) {
      h.send(launch(i, MASTER, 1, 1));
      h.exit(i, 0);
    }
    // 4 > 3: drop max(4 / 10, 1) = 1, the oldest
    expect(h.ctx().finishedExecutors.map((e) => e.execId)).toEqual([1, 2, 3]);
    const desc = (execId: number): ExecutorDescription => ({ appId: APP, execId, cores: 1, memory: 1, state: 'EXITED' });
    let list: ExecutorDescription[] = [];
    for (let i = 0; i < 20; i++) list = addFinishedExecutor(list, desc(i), 20);
    expect(list).toHaveLength(20); // not over the limit: nothing dropped
    list = addFinishedExecutor(list, desc(20), 20);
    expect(list.map((e) => e.execId)).toEqual(Array.from({ length: 19 }, (_, i) => i + 2)); // 21 > 20: drop 2
  });

  it('Worker forgets a finished application at once when none of its executors runs here, else when its last executor finishes', () => {
    const h = start();
    registered(h);
    h.send({ type: 'ApplicationFinished', id: 'app-20260101000000-0001' });
    expect(h.ctx().finishedApps).toEqual([]);
    h.send(launch(0));
    h.send(launch(1));
    h.send({ type: 'ApplicationFinished', id: APP });
    h.send({ type: 'ApplicationFinished', id: APP });
    expect(h.ctx().finishedApps).toEqual([APP]);
    h.exit(0, 0);
    expect(h.ctx().finishedApps).toEqual([APP]);
    h.exit(1, 0);
    expect(h.ctx().finishedApps).toEqual([]);
  });

  it('Worker re-registering reports its live executors in WorkerLatestState', () => {
    const h = start();
    registered(h);
    h.send(launch(0));
    h.send({ type: 'ReconnectWorker', masterUrl: MASTER });
    registered(h);
    expect(h.sentOf('WorkerLatestState').at(-1)!.message.executors).toEqual([{ appId: APP, execId: 0, cores: 2, memory: 256, state: 'RUNNING' }]);
  });

  it('Worker that gives up on the master terminates its live executors (ExecutorRunnerShutdownHook) as its process exits', () => {
    const h = start({ 'spark.worker.initialRegistrationRetries': 1, 'spark.worker.maxRegistrationRetries': 1 });
    registered(h);
    h.send(launch(0));
    h.send(launch(1));
    h.send({ type: 'onDisconnected', remoteAddress: MASTER });
    h.clock.runUntil(10_000); // attempt 1 (switches to 60 s)
    expect(h.procs.destroyed).toEqual([]);
    h.clock.runUntil(70_000); // attempt 2 > 1: System.exit(1)
    expect(h.snapshot().output).toEqual({ exitCode: 1 });
    expect(h.procs.destroyed).toEqual([`${APP}/0`, `${APP}/1`]);
    // System.exit closes the worker's connections, so what it sent into a partition dies with it.
    expect(h.closed).toEqual(['10.0.0.1']);
  });
});
