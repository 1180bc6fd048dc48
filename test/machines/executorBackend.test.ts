import { describe, expect, it } from 'vitest';
import { fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import {
  executorBackendMachine, idleTaskLaunchWorker, KILL_MARK_TTL_MS, MAX_KILL_MARKS, runningTaskIds, type ExecutorBackendContext, type ExecutorBackendOutput,
} from '../../machines/executorBackend.js';
import { taskRunnerMachine, type TaskRunnerContext } from '../../machines/task.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import type { TaskDescription, WorkFailed, WorkSucceeded } from '../../machines/protocol.js';
import type { TickerInput } from '../../machines/ticker.js';
import { tickerLogic } from '../../actors/ticker.js';
import { droppedEvents, startMachine } from '../support/harness.js';

const ADDRESS = 'app-1/3/Executor';
const DRIVER = 'driver-0/CoarseGrainedScheduler';
const HEARTBEAT_RECEIVER = 'driver-0/HeartbeatReceiver';

/**
 * Starts the backend with task bodies that run until the test finishes them, and (by default) the
 * ticker placeholder, so the test sends the heartbeater's ticks itself.
 */
function start(options: { jitter?: number; conf?: RawConf; realTicker?: boolean } = {}) {
  const bodies = new Map<number, (e: WorkSucceeded | WorkFailed) => void>();
  const tickers: TickerInput[] = [];
  // A body runs until the test finishes it; it ends when its TaskRunner leaves RUNNING or is stopped with the executor.
  const taskBody = {
    runTaskBody: ({ context, self }: { context: TaskRunnerContext; self: AnyActorRef }) => {
      const { taskId } = context.taskDescription;
      bodies.set(taskId, (e) => self.send(e));
      self.subscribe({ complete: () => bodies.delete(taskId), error: () => bodies.delete(taskId) });
    },
    interruptTaskBody: ({ context }: { context: TaskRunnerContext }) => void bodies.delete(context.taskDescription.taskId),
  };
  const recordingTicker = fromCallback<EventObject, TickerInput>(({ input }) => void tickers.push(input));
  const logic = executorBackendMachine.provide({
    actors: { ticker: options.realTicker ? tickerLogic : recordingTicker, taskRunner: taskRunnerMachine.provide({ actions: taskBody }) },
  });
  const h = startMachine(logic, {
    input: { address: ADDRESS, executorId: '3', appId: 'app-1', hostname: '10.0.0.1', cores: 4, driverUrl: DRIVER, conf: resolveConf(options.conf ?? {}).conf, heartbeatJitter: options.jitter ?? 0.5 },
    systemId: ADDRESS,
  });
  return {
    ...h,
    bodies,
    tickers,
    ctx: () => h.snapshot().context as ExecutorBackendContext,
    children: () => Object.keys(h.snapshot().children).sort(),
    output: () => h.snapshot().output as ExecutorBackendOutput | undefined,
    tick: (n = 1) => { for (let i = 0; i < n; i++) h.send({ type: 'executor.reportHeartBeat' }); },
    answer: () => h.send({ type: 'HeartbeatResponse', reregisterBlockManager: false }),
    finish: (taskId: number) => bodies.get(taskId)!({ type: 'work.succeeded' }),
    updates: () => h.sentOf('StatusUpdate').map((e) => [e.message.taskId, e.message.state]),
    /** Sends events to an actor that has exited; returns the types XState reports as dropped. */
    dropped: (...events: Array<{ type: string } & Record<string, unknown>>) => droppedEvents(h.send, events),
  };
}
type H = ReturnType<typeof start>;

const task = (taskId: number, cpus = 1): TaskDescription => ({ taskId, attemptNumber: 0, executorId: '3', name: `task ${taskId}.0 in stage 0.0`, index: taskId, partitionId: taskId, jobId: 0, stageId: 0, stageAttemptId: 0, cpus });
const launch = (h: H, taskId: number, cpus = 1) => h.send({ type: 'LaunchTask', data: task(taskId, cpus) });
const killTask = (h: H, taskId: number, reason: string, interruptThread = false) => h.send({ type: 'KillTask', taskId, executor: '3', interruptThread, reason });
const registered = (options?: Parameters<typeof start>[0]) => {
  const h = start(options);
  h.send({ type: 'RegisteredExecutor' });
  h.takeSent();
  return h;
};

describe('CoarseGrainedExecutorBackend: registration', () => {
  it('asks the driver to RegisterExecutor on start, and sends LaunchedExecutor only once RegisteredExecutor creates the Executor', () => {
    const h = start();
    expect(h.sent).toEqual([{
      type: 'network.send', from: ADDRESS, to: DRIVER,
      message: { type: 'RegisterExecutor', executorId: '3', executorRef: ADDRESS, hostname: '10.0.0.1', cores: 4, logUrls: {}, resourceProfileId: 0 },
    }]);
    expect(h.snapshot().value).toBe('registering');
    expect(h.ctx().executor).toBeNull();
    expect(h.children()).toEqual([]);
    h.send({ type: 'RegisteredExecutor' });
    expect(h.snapshot().value).toBe('running');
    // The Executor's constructor initializes its BlockManager, which registers with the driver's BlockManagerMaster.
    expect(h.sent.slice(1).map((s) => [s.to, s.message.type])).toEqual([['driver-0/BlockManagerMaster', 'RegisterBlockManager'], [DRIVER, 'LaunchedExecutor']]);
    expect(h.sent.at(-1)).toEqual({ type: 'network.send', from: ADDRESS, to: DRIVER, message: { type: 'LaunchedExecutor', executorId: '3' } });
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater']);
  });

  it('exits 1 without RemoveExecutor when the driver refuses the registration', () => {
    const h = start();
    h.send({ type: 'RegisterExecutorFailed', message: 'Duplicate executor ID: 3' });
    expect(h.output()).toEqual({ exitCode: 1, reason: `Cannot register with driver: ${DRIVER}` });
    expect(h.sentOf('RemoveExecutor')).toEqual([]);
  });

  it('exits 1 and sends RemoveExecutor(ExecutorLossReason) when LaunchTask arrives before the Executor exists', () => {
    const h = start();
    launch(h, 0);
    expect(h.output()).toEqual({ exitCode: 1, reason: 'Received LaunchTask command but executor was null' });
    expect(h.sentOf('RemoveExecutor').map((e) => [e.to, e.message])).toEqual([
      [DRIVER, { type: 'RemoveExecutor', executorId: '3', reason: { kind: 'ExecutorLossReason', message: 'Received LaunchTask command but executor was null' } }],
    ]);
    expect(h.bodies.size).toBe(0);
  });

  it('exits 1 and sends RemoveExecutor when KillTask arrives before the Executor exists', () => {
    const h = start();
    killTask(h, 0, 'stage cancelled');
    expect(h.output()).toEqual({ exitCode: 1, reason: 'Received KillTask command but executor was null' });
    expect(h.sentOf('RemoveExecutor').map((e) => e.message.reason)).toEqual([{ kind: 'ExecutorLossReason', message: 'Received KillTask command but executor was null' }]);
  });

  it('exits 1 on StopExecutor or Shutdown before the Executor exists (Shutdown: executor == null -> System.exit(1))', () => {
    const stopped = start();
    stopped.send({ type: 'StopExecutor' });
    expect(stopped.output()).toEqual({ exitCode: 1, reason: 'Driver commanded a shutdown' });
    const shut = start();
    shut.send({ type: 'Shutdown' });
    expect(shut.output()).toEqual({ exitCode: 1, reason: 'Shutdown' });
    expect([...stopped.sentOf('RemoveExecutor'), ...shut.sentOf('RemoveExecutor')]).toEqual([]);
  });

  it('exits 1 without RemoveExecutor when the driver disconnects during registration; other disconnects are only logged', () => {
    const h = start();
    h.send({ type: 'onDisconnected', remoteAddress: 'worker-1/Worker' });
    expect(h.snapshot().value).toBe('registering');
    h.send({ type: 'onDisconnected', remoteAddress: DRIVER });
    expect(h.output()).toEqual({ exitCode: 1, reason: `Driver ${DRIVER} disassociated! Shutting down.` });
    expect(h.sentOf('RemoveExecutor')).toEqual([]);
  });

  it('ignores heartbeat ticks and replies while registering: no Executor exists', () => {
    const h = start();
    h.tick();
    h.answer();
    expect(h.snapshot().value).toBe('registering');
    expect(h.sent.map((e) => e.message.type)).toEqual(['RegisterExecutor']);
    expect(h.ctx().executor).toBeNull();
  });

  it('ignores a repeated RegisteredExecutor or a late RegisterExecutorFailed once running: one Executor, one heartbeater', () => {
    const h = registered();
    h.send({ type: 'RegisteredExecutor' });
    h.send({ type: 'RegisterExecutorFailed', message: 'late' });
    expect(h.snapshot().value).toBe('running');
    expect(h.sent).toEqual([]);
    expect(h.tickers).toHaveLength(1);
  });
});

describe('Executor heartbeater', () => {
  it('schedules Executor.reportHeartBeat after interval + floor(jitter x interval), then every spark.executor.heartbeatInterval', () => {
    const h = registered({ jitter: 0.12345, conf: { 'spark.executor.heartbeatInterval': '3s' } });
    expect(h.tickers).toEqual([{ event: { type: 'executor.reportHeartBeat' }, initialDelayMs: 3370, periodMs: 3000 }]);
  });

  it('heartbeats to the driver\'s HeartbeatReceiver first at 12.5 s (jitter 0.25), then every 10 s', () => {
    const h = registered({ jitter: 0.25, realTicker: true });
    h.clock.runUntil(12_499);
    expect(h.sentOf('Heartbeat')).toEqual([]);
    h.clock.runUntil(12_500);
    expect(h.sentOf('Heartbeat').map((e) => [e.to, e.message])).toEqual([[HEARTBEAT_RECEIVER, {
      type: 'Heartbeat', executorId: '3', accumUpdates: [], blockManagerId: { executorId: '3', host: '10.0.0.1', port: 7079 }, replyTo: ADDRESS,
    }]]);
    h.clock.runUntil(32_499);
    expect(h.sentOf('Heartbeat')).toHaveLength(2);
    h.clock.runUntil(32_500);
    expect(h.sentOf('Heartbeat')).toHaveLength(3);
  });

  it('counts a heartbeat unanswered by the next tick as one failure, and exits 56 without RemoveExecutor on the 60th, not the 59th', () => {
    const h = registered();
    h.tick(60); // heartbeats 1..60; ticks 2..60 each found the previous one unanswered
    expect(h.ctx().executor!.heartbeatFailures).toBe(59);
    expect(h.snapshot().value).toBe('running');
    expect(h.sentOf('Heartbeat')).toHaveLength(60);
    h.tick();
    expect(h.output()).toEqual({ exitCode: 56, reason: 'Exit as unable to send heartbeats to driver more than 60 times' });
    expect(h.sentOf('Heartbeat')).toHaveLength(60);
    expect(h.sentOf('RemoveExecutor')).toEqual([]);
  });

  it('a HeartbeatResponse resets the consecutive failures: 59 + reply + 59 does not exit, the next miss does', () => {
    const h = registered();
    h.tick(60);
    h.answer();
    expect(h.ctx().executor!.heartbeatFailures).toBe(0);
    h.tick(60); // the first of these finds heartbeat 60 answered
    expect(h.ctx().executor!.heartbeatFailures).toBe(59);
    expect(h.snapshot().value).toBe('running');
    h.tick();
    expect(h.output()?.exitCode).toBe(56);
  });

  it('answered heartbeats never count, and spark.executor.heartbeat.maxFailures sets the limit', () => {
    const h = registered({ conf: { 'spark.executor.heartbeat.maxFailures': 3 } });
    for (let i = 0; i < 100; i++) {
      h.tick();
      h.answer();
    }
    expect(h.ctx().executor!.heartbeatFailures).toBe(0);
    h.tick(3);
    expect(h.ctx().executor!.heartbeatFailures).toBe(2);
    h.tick();
    expect(h.output()).toEqual({ exitCode: 56, reason: 'Exit as unable to send heartbeats to driver more than 3 times' });
  });
});

describe('Executor tasks', () => {
  it('runs a TaskRunner per LaunchTask: RUNNING then FINISHED reach the driver with the task\'s cpus, and the finished runner is stopped', () => {
    const h = registered();
    launch(h, 7, 2);
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater', 'task launch worker-0']);
    expect(runningTaskIds(h.ctx())).toEqual([7]);
    h.finish(7);
    expect(h.sentOf('StatusUpdate').map((e) => [e.to, e.message])).toEqual([
      [DRIVER, { type: 'StatusUpdate', executorId: '3', taskId: 7, state: 'RUNNING', data: {}, taskCpus: 2 }],
      [DRIVER, { type: 'StatusUpdate', executorId: '3', taskId: 7, state: 'FINISHED', data: {}, taskCpus: 2 }],
    ]);
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater']);
    expect(runningTaskIds(h.ctx())).toEqual([]);
  });

  it('reports a task body\'s exception as FAILED with ExceptionFailure and releases the runner', () => {
    const h = registered();
    launch(h, 1);
    h.bodies.get(1)!({ type: 'work.failed', className: 'java.io.IOException', description: 'disk' });
    expect(h.sentOf('StatusUpdate').at(-1)!.message).toMatchObject({ taskId: 1, state: 'FAILED', data: { reason: { kind: 'ExceptionFailure', className: 'java.io.IOException', description: 'disk' } } });
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater']);
  });

  it('keeps runners of concurrent tasks apart and ignores a second LaunchTask for a running task id', () => {
    const h = registered();
    launch(h, 1);
    launch(h, 2);
    launch(h, 1);
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater', 'task launch worker-0', 'task launch worker-1']);
    h.finish(2);
    expect(h.updates()).toEqual([[1, 'RUNNING'], [2, 'RUNNING'], [2, 'FINISHED']]);
    expect(runningTaskIds(h.ctx())).toEqual([1]);
  });

  it('runs each TaskRunner on the lowest idle task launch worker, reusing a finished task\'s worker', () => {
    const h = registered();
    launch(h, 1);
    launch(h, 2);
    launch(h, 3);
    h.finish(1);
    launch(h, 4);
    const workers = () => Object.fromEntries(h.ctx().executor!.runningTasks.map((t) => [t.taskId, t.worker]));
    expect(workers()).toEqual({ 2: 1, 3: 2, 4: 0 });
    killTask(h, 4, 'stage cancelled');
    expect(h.updates().at(-1)).toEqual([4, 'KILLED']);
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater', 'task launch worker-1', 'task launch worker-2']);
    h.finish(3);
    expect(h.updates().at(-1)).toEqual([3, 'FINISHED']);
    expect(workers()).toEqual({ 2: 1 });
  });

  it('idleTaskLaunchWorker: the lowest worker number no running task holds', () => {
    const on = (...workers: Array<[taskId: number, worker: number]>) => workers.map(([taskId, worker]) => ({ taskId, cpus: 1, worker }));
    expect(idleTaskLaunchWorker([])).toBe(0);
    expect(idleTaskLaunchWorker(on([17, 0], [9, 2]))).toBe(1);
    expect(idleTaskLaunchWorker(on([17, 1], [9, 0], [4, 2]))).toBe(3);
  });

  it('the end of an actor that is not a running task\'s TaskRunner changes nothing', () => {
    const h = registered();
    launch(h, 1);
    h.takeSent();
    h.send({ type: 'xstate.done.actor.task launch worker-5', output: { state: 'FINISHED' }, actorId: 'task launch worker-5' });
    expect(runningTaskIds(h.ctx())).toEqual([1]);
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater', 'task launch worker-0']);
    expect(h.sent).toEqual([]);
  });

  it('KillTask kills a running task: KILLED with TaskKilled(reason), the runner is stopped and no kill mark is kept', () => {
    const h = registered();
    launch(h, 1);
    killTask(h, 1, 'another attempt succeeded', true);
    expect(h.sentOf('StatusUpdate').at(-1)!.message).toEqual({ type: 'StatusUpdate', executorId: '3', taskId: 1, state: 'KILLED', data: { reason: { kind: 'TaskKilled', reason: 'another attempt succeeded' } }, taskCpus: 1 });
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater']);
    expect(h.ctx().executor!.killMarks).toEqual({});
  });

  it('a KillTask that overtakes its LaunchTask kills the task at launch within 10 s: RUNNING then KILLED, the body never runs', () => {
    const h = registered();
    killTask(h, 2, 'stage cancelled', true);
    expect(h.ctx().executor!.killMarks).toEqual({ 2: { interruptThread: true, reason: 'stage cancelled', atMs: 0 } });
    h.clock.runUntil(KILL_MARK_TTL_MS);
    launch(h, 2);
    expect(h.sentOf('StatusUpdate').map((e) => [e.message.state, e.message.data])).toEqual([['RUNNING', {}], ['KILLED', { reason: { kind: 'TaskKilled', reason: 'stage cancelled' } }]]);
    expect(h.bodies.has(2)).toBe(false);
    expect(h.children()).toEqual(['BlockManager', 'Heartbeater']);
    expect(h.ctx().executor!.killMarks).toEqual({});
  });

  it('a kill mark older than 10 s no longer kills: the task runs', () => {
    const h = registered();
    killTask(h, 3, 'stage cancelled');
    h.clock.runUntil(KILL_MARK_TTL_MS + 1);
    launch(h, 3);
    expect(h.updates()).toEqual([[3, 'RUNNING']]);
    expect(h.bodies.has(3)).toBe(true);
    expect(h.ctx().executor!.killMarks).toEqual({});
  });

  it('kill marks are bounded: expired marks go, and at most MAX_KILL_MARKS of the newest are kept', () => {
    const h = registered();
    killTask(h, 100_000, 'old');
    h.clock.runUntil(KILL_MARK_TTL_MS);
    killTask(h, 100_001, 'younger');
    expect(Object.keys(h.ctx().executor!.killMarks)).toEqual(['100000', '100001']);
    h.clock.runUntil(KILL_MARK_TTL_MS + 1);
    killTask(h, 100_002, 'new');
    expect(Object.keys(h.ctx().executor!.killMarks)).toEqual(['100001', '100002']);
    for (let i = 0; i < MAX_KILL_MARKS + 5; i++) {
      h.clock.runUntil(KILL_MARK_TTL_MS + 1 + i);
      killTask(h, i, 'cancelled');
    }
    const marks = h.ctx().executor!.killMarks;
    expect(Object.keys(marks)).toHaveLength(MAX_KILL_MARKS);
    expect(marks[100_001]).toBeUndefined();
    expect(marks[4]).toBeUndefined();
    expect(marks[5]).toBeDefined();
    expect(marks[MAX_KILL_MARKS + 4]).toBeDefined();
  });
});

describe('CoarseGrainedExecutorBackend: stopping and exiting', () => {
  it('StopExecutor: executor.stop() ends the heartbeater and running tasks silently, the JVM exits 0, no RemoveExecutor', () => {
    const h = registered();
    launch(h, 1);
    h.takeSent();
    h.send({ type: 'StopExecutor' });
    expect(h.output()).toEqual({ exitCode: 0, reason: 'Driver commanded a shutdown' });
    expect(h.snapshot().status).toBe('done');
    expect(h.children()).toEqual([]);
    expect(h.bodies.size).toBe(0);
    expect(h.sent).toEqual([]);
  });

  it('Shutdown while running: the JVM exits 0', () => {
    const h = registered();
    h.send({ type: 'Shutdown' });
    expect(h.output()).toEqual({ exitCode: 0, reason: 'Shutdown' });
  });

  it('a driver disconnect while running: exitExecutor(1, "Driver ... disassociated!") without RemoveExecutor; Shutdown stops the Executor, so the JVM exits 0 (Spark 4.x)', () => {
    const h = registered();
    h.send({ type: 'onDisconnected', remoteAddress: 'app-1/4/Executor' });
    h.send({ type: 'onDisconnected', remoteAddress: 'worker-1/Worker' });
    expect(h.snapshot().value).toBe('running');
    h.send({ type: 'onDisconnected', remoteAddress: HEARTBEAT_RECEIVER }); // any endpoint of the driver's process
    expect(h.output()).toEqual({ exitCode: 0, reason: `Driver ${DRIVER} disassociated! Shutting down.` });
    expect(h.sent).toEqual([]);
  });

  it('exitExecutor twice: the first call wins, later messages neither notify the driver again nor change the exit', () => {
    const h = start();
    launch(h, 0);
    const first = h.output();
    expect(h.dropped(
      { type: 'LaunchTask', data: task(1) },
      { type: 'KillTask', taskId: 1, executor: '3', interruptThread: false, reason: 'r' },
      { type: 'onDisconnected', remoteAddress: DRIVER },
      { type: 'executor.reportHeartBeat' },
    )).toEqual(['LaunchTask', 'KillTask', 'onDisconnected', 'executor.reportHeartBeat']);
    expect(h.output()).toEqual(first);
    expect(h.sentOf('RemoveExecutor')).toHaveLength(1);
  });

  it('after the heartbeat exit, nothing more is sent', () => {
    const h = registered({ conf: { 'spark.executor.heartbeat.maxFailures': 1 } });
    h.tick(2);
    expect(h.output()?.exitCode).toBe(56);
    h.takeSent();
    expect(h.dropped({ type: 'LaunchTask', data: task(1) }, { type: 'StopExecutor' })).toEqual(['LaunchTask', 'StopExecutor']);
    expect(h.sent).toEqual([]);
  });
});

describe('Executor block manager', () => {
  const BM_MASTER = 'driver-0/BlockManagerMaster';
  const BM_ADDRESS = 'app-1/3/BlockManagerEndpoint1';
  const toMaster = (h: H) => h.sent.filter((s) => s.to === BM_MASTER).map((s) => s.message.type);
  /** The Executor is created and its BlockManager's registration answered. */
  const bmRegistered = (h: H) => {
    h.send({ type: 'RegisteredExecutor' });
    h.actor.getSnapshot().children['BlockManager'].send({ type: 'RegisterBlockManagerReply', blockManagerId: { executorId: '3', host: '10.0.0.1', port: 7079 } });
  };

  it('the Executor\'s BlockManager registers from its storage endpoint with the executor\'s memory (UnifiedMemoryManager max)', () => {
    const h = start({ conf: { 'spark.executor.memory': '1g' } });
    h.send({ type: 'RegisteredExecutor' });
    const reg = h.sent.find((s) => s.message.type === 'RegisterBlockManager')!;
    expect(reg.from).toBe(BM_ADDRESS);
    expect(reg.message).toMatchObject({ blockManagerId: { executorId: '3', host: '10.0.0.1', port: 7079 }, maxOnHeapMemSize: Math.floor((1024 - 300) * 1024 * 1024 * 0.6), sender: BM_ADDRESS, isReRegister: false });
    expect(h.children()).toContain('BlockManager');
  });

  it('a cached stage\'s task stores its partition in the BlockManager (UpdateBlockInfo) before its FINISHED status update', () => {
    const h = start();
    bmRegistered(h);
    h.takeSent();
    h.send({ type: 'LaunchTask', data: { ...task(4), partitionId: 9, storage: { cachedRdd: { rddId: 2, blockSize: 1024 } } } });
    h.finish(4);
    expect(h.sent.map((s) => s.message.type)).toEqual(['StatusUpdate', 'UpdateBlockInfo', 'StatusUpdate']);
    expect(h.sent[1]!.message).toMatchObject({ blockId: 'rdd_2_9', storageLevel: 'MEMORY_ONLY', memSize: 1024 });
  });

  it('a task reading a broadcast stores its pieces once per executor', () => {
    const h = start();
    bmRegistered(h);
    h.takeSent();
    const storage = { broadcast: { broadcastId: 0, totalSize: 10, blockSize: 4 } };
    h.send({ type: 'LaunchTask', data: { ...task(1), storage } });
    h.send({ type: 'LaunchTask', data: { ...task(2), storage } });
    expect(h.sent.filter((s) => s.message.type === 'UpdateBlockInfo').map((s) => (s.message as { blockId: string }).blockId)).toEqual(['broadcast_0_piece0', 'broadcast_0_piece1', 'broadcast_0_piece2']);
  });

  it('HeartbeatResponse(reregisterBlockManager = true) makes the BlockManager re-register; false does not', () => {
    const h = start();
    bmRegistered(h);
    h.takeSent();
    h.send({ type: 'HeartbeatResponse', reregisterBlockManager: false });
    expect(toMaster(h)).toEqual([]);
    h.send({ type: 'HeartbeatResponse', reregisterBlockManager: true });
    expect(h.sent.filter((s) => s.to === BM_MASTER).map((s) => (s.message as { isReRegister?: boolean }).isReRegister)).toEqual([true]);
  });

  it('a refused re-registration ("invalid") exits the executor with 58, without RemoveExecutor', () => {
    const h = start();
    bmRegistered(h);
    h.send({ type: 'HeartbeatResponse', reregisterBlockManager: true });
    h.takeSent();
    h.actor.getSnapshot().children['BlockManager'].send({ type: 'RegisterBlockManagerReply', blockManagerId: { executorId: 'invalid', host: '10.0.0.1', port: 7079 } });
    expect(h.snapshot().value).toBe('exited');
    expect(h.output()).toEqual({ exitCode: 58, reason: 'Exiting executor due to block manager re-registration failure' });
    expect(h.sentOf('RemoveExecutor')).toEqual([]);
  });
});
