/** The driver's CoarseGrainedScheduler endpoint (machines/schedulerBackend.ts) as a running actor. */
import { describe, expect, it } from 'vitest';
import {
  DISCONNECT_MESSAGE, isExecutorActive, schedulerBackendMachine, standaloneLossReason, totalCoreCount, totalRegisteredExecutors, type SchedulerBackendContext,
} from '../../machines/schedulerBackend.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import type { ExecutorLossReason, TaskSet } from '../../machines/protocol.js';
import { startMachine } from '../support/harness.js';

const BACKEND = 'driver-0/CoarseGrainedScheduler';
const HR = 'driver-0/HeartbeatReceiver';
const DAG = 'driver-0/DAGScheduler';
const CLIENT = 'driver-0/AppClient';
const SC = 'driver-0/SparkContext';
const exec = (id: string) => `app-1/${id}/Executor`;

function start(conf: RawConf = {}) {
  const h = startMachine(schedulerBackendMachine, { input: { address: BACKEND, conf: resolveConf(conf).conf }, systemId: BACKEND, peers: [HR, DAG, CLIENT, SC] });
  return { ...h, ctx: () => h.snapshot().context as SchedulerBackendContext };
}
type H = ReturnType<typeof start>;
const register = (h: H, id: string, cores = 2) => h.send({ type: 'RegisterExecutor', executorId: id, executorRef: exec(id), hostname: `10.0.0.${id}`, cores, logUrls: {}, resourceProfileId: 0 });
const launched = (h: H, id: string) => h.send({ type: 'LaunchedExecutor', executorId: id });
const ready = (h: H, id: string, cores = 2) => { register(h, id, cores); launched(h, id); };
const taskSet = (n: number, stageId = 0): TaskSet => ({ stageId, stageAttemptId: 0, jobId: 0, priority: 0, tasks: Array.from({ length: n }, (_, i) => ({ index: i, partitionId: i })) });
const submit = (h: H, n: number, stageId = 0) => h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(n, stageId) });
/** [executor address, task id, index, attempt] of every LaunchTask sent. */
const launches = (h: H) => h.sentOf('LaunchTask').map((e) => [e.to, e.message.data.taskId, e.message.data.index, e.message.data.attemptNumber]);
const update = (h: H, id: string, taskId: number, state: string, reason?: unknown) => h.send({ type: 'StatusUpdate', executorId: id, taskId, state, data: reason ? { reason } : {}, taskCpus: 1 });
const dagEvents = (h: H, type: string) => h.peers[DAG]!.filter((e) => e.type === type) as unknown as Array<Record<string, unknown>>;
const ended = (h: H) => dagEvents(h, 'dagScheduler.taskEnded').map((e) => [(e.taskInfo as { taskId: number }).taskId, e.reason as Record<string, unknown>] as const);
const aborts = (h: H) => dagEvents(h, 'dagScheduler.taskSetFailed').map((e) => e.reason);
const heartbeatLoss: ExecutorLossReason = { kind: 'ExecutorProcessLost', message: 'Executor heartbeat timed out after 130000 ms', causedByApp: true };

describe('DriverEndpoint: registration and offers', () => {
  it('registers an executor with no free cores, tells the HeartbeatReceiver, replies RegisteredExecutor, and offers nothing before LaunchedExecutor', () => {
    const h = start();
    submit(h, 4);
    register(h, '1');
    expect(h.peers[HR]).toEqual([{ type: 'ExecutorRegistered', executorId: '1' }]);
    expect(h.sentOf('RegisteredExecutor').map((e) => e.to)).toEqual([exec('1')]);
    expect(h.ctx().executors['1']).toMatchObject({ freeCores: 0, totalCores: 2, host: '10.0.0.1', address: exec('1'), registrationTs: 0 });
    expect([totalCoreCount(h.ctx()), totalRegisteredExecutors(h.ctx())]).toEqual([2, 1]);
    h.send({ type: 'ReviveOffers' });
    expect(launches(h)).toEqual([]);
    launched(h, '1');
    expect(launches(h)).toEqual([[exec('1'), 0, 0, 0], [exec('1'), 1, 1, 0]]);
    expect(h.ctx().executors['1']!.freeCores).toBe(0);
  });

  it('rejects a duplicate executor id with "Duplicate executor ID" and keeps the first registration', () => {
    const h = start();
    h.clock.runUntil(10);
    register(h, '1', 2);
    register(h, '1', 8);
    expect(h.sentOf('RegisterExecutorFailed').map((e) => [e.to, e.message.message])).toEqual([[exec('1'), 'Duplicate executor ID: 1']]);
    expect(h.sentOf('RegisteredExecutor')).toHaveLength(1);
    expect(h.ctx().executors['1']).toMatchObject({ totalCores: 2, registrationTs: 10 });
    expect(h.peers[HR]).toHaveLength(1);
  });

  it('offers the active executors in executor-id order, one task per executor per round, within their cores and spark.task.cpus', () => {
    const h = start({ 'spark.task.cpus': 2 });
    ready(h, '10', 4);
    ready(h, '2', 3);
    submit(h, 5);
    expect(launches(h).map(([to]) => to)).toEqual([exec('2'), exec('10'), exec('10')]);
    expect(h.sentOf('LaunchTask').every((e) => e.message.data.cpus === 2)).toBe(true);
    expect([h.ctx().executors['2']!.freeCores, h.ctx().executors['10']!.freeCores]).toEqual([1, 0]);
  });

  it('a FINISHED update frees the task\'s cpus and relaunches on that executor; a duplicate FINISHED is ignored by the TaskScheduler', () => {
    const h = start();
    ready(h, '1', 1);
    submit(h, 3);
    update(h, '1', 0, 'RUNNING');
    expect(h.ctx().executors['1']!.freeCores).toBe(0);
    update(h, '1', 0, 'FINISHED');
    expect(launches(h).map(([, tid]) => tid)).toEqual([0, 1]);
    expect(ended(h)).toEqual([[0, { kind: 'Success' }]]);
    update(h, '1', 0, 'FINISHED');
    expect(ended(h)).toHaveLength(1);
    expect(h.ctx().scheduler.taskSets['0.0']!.successful.join('')).toBe('100');
  });

  it('a finished task\'s cpus are free again unless the offer that follows relaunches on them', () => {
    const h = start();
    ready(h, '1', 2);
    submit(h, 3);
    expect(h.ctx().executors['1']!.freeCores).toBe(0);
    update(h, '1', 0, 'FINISHED');
    expect(launches(h).map(([, tid]) => tid)).toEqual([0, 1, 2]);
    expect(h.ctx().executors['1']!.freeCores).toBe(0);
    update(h, '1', 1, 'FINISHED');
    expect(h.ctx().executors['1']!.freeCores).toBe(1);
    update(h, '1', 2, 'FAILED');
    expect(h.ctx().executors['1']!.freeCores).toBe(1);
    expect(launches(h).map(([, tid]) => tid)).toEqual([0, 1, 2, 3]);
  });

  it('ignores a finished update from an unknown executor (no cores returned, no offer)', () => {
    const h = start();
    ready(h, '1', 1);
    submit(h, 2);
    update(h, '9', 0, 'FINISHED');
    expect(ended(h)).toHaveLength(1);
    expect(h.ctx().executors['1']!.freeCores).toBe(0);
    expect(launches(h)).toHaveLength(1);
  });

  it('forwards KillTask to a known executor and drops it for an unknown one', () => {
    const h = start();
    ready(h, '1');
    h.send({ type: 'KillTask', taskId: 3, executor: '1', interruptThread: true, reason: 'x' });
    h.send({ type: 'KillTask', taskId: 4, executor: '9', interruptThread: true, reason: 'x' });
    expect(h.sentOf('KillTask').map((e) => [e.to, e.message.taskId])).toEqual([[exec('1'), 3]]);
  });

  it('cancelling a stage sends KillTask for its running attempts without interrupting (spark.job.interruptOnCancel is false)', () => {
    const h = start();
    ready(h, '1');
    submit(h, 2, 7);
    h.send({ type: 'taskScheduler.cancelTasks', stageId: 7, reason: 'Job aborted due to stage failure: x' });
    expect(h.sentOf('KillTask').map((e) => e.message)).toEqual([0, 1].map((taskId) => ({ type: 'KillTask', taskId, executor: '1', interruptThread: false, reason: 'Stage cancelled: Job aborted due to stage failure: x' })));
  });
});

describe('DriverEndpoint: killing executors', () => {
  it('kills a busy executor only with force, never twice, and skips unknown ids', () => {
    const h = start();
    ready(h, '1', 1);
    ready(h, '2', 1);
    submit(h, 1);
    h.send({ type: 'appClient.connected', appId: 'app-1' });
    h.send({ type: 'backend.killExecutors', executorIds: ['1', '2', '9'], adjustTargetNumExecutors: false, countFailures: false, force: false });
    expect(h.peers[CLIENT]).toEqual([{ type: 'KillExecutors', appId: 'app-1', executorIds: ['2'] }]);
    h.send({ type: 'backend.killExecutors', executorIds: ['1', '2'], adjustTargetNumExecutors: false, countFailures: true, force: true });
    expect(h.peers[CLIENT]).toEqual([{ type: 'KillExecutors', appId: 'app-1', executorIds: ['2'] }, { type: 'KillExecutors', appId: 'app-1', executorIds: ['1'] }]);
    expect(h.ctx().pendingToRemove).toEqual({ '1': false, '2': true });
    h.send({ type: 'backend.killExecutors', executorIds: ['1', '2'], adjustTargetNumExecutors: true, countFailures: false, force: true });
    expect(h.peers[CLIENT]).toHaveLength(2);
    // Pending removal: no more offers.
    expect(isExecutorActive(h.ctx(), '1')).toBe(false);
  });

  it('a kill that adjusts the target lowers it (to 0 when none was ever requested) before the kill goes out', () => {
    const h = start();
    ready(h, '1');
    ready(h, '2');
    ready(h, '3');
    h.send({ type: 'appClient.connected', appId: 'app-1' });
    h.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: true, countFailures: false, force: true });
    expect(h.peers[CLIENT]).toEqual([
      { type: 'RequestExecutors', appId: 'app-1', resourceProfileToTotalExecs: { 0: 0 } },
      { type: 'KillExecutors', appId: 'app-1', executorIds: ['1'] },
    ]);
    expect(h.ctx().requestedTotal).toBe(0);
  });
});

describe('DriverEndpoint: removing executors', () => {
  /** One executor, maxFailures 1, task 0 launching and task 1 RUNNING. */
  const twoTasks = () => {
    const h = start({ 'spark.task.maxFailures': 1 });
    ready(h, '1', 2);
    submit(h, 2);
    update(h, '1', 1, 'RUNNING');
    return h;
  };
  const lostFlags = (h: H) => ended(h).map(([tid, r]) => [tid, r.exitCausedByApp]);

  it('an executor killed by the driver is removed as ExecutorKilled whatever the reported reason: StopExecutor first, tasks not counted', () => {
    const h = twoTasks();
    h.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: false, countFailures: false, force: true });
    h.send({ type: 'RemoveExecutor', executorId: '1', reason: heartbeatLoss });
    expect(h.sentOf('StopExecutor').map((e) => e.to)).toEqual([exec('1')]);
    expect(h.ctx().removed).toEqual([{ executorId: '1', host: '10.0.0.1', totalCores: 2, registrationTs: 0, removedTs: 0, removedReason: 'Executor killed by driver.' }]);
    expect(lostFlags(h)).toEqual([[0, false], [1, false]]);
    expect(aborts(h)).toEqual([]);
    expect(dagEvents(h, 'dagScheduler.executorLost')).toEqual([{ type: 'dagScheduler.executorLost', executorId: '1', reason: { kind: 'ExecutorKilled' } }]);
    expect(h.peers[HR]!.at(-1)).toEqual({ type: 'ExecutorRemoved', executorId: '1' });
    expect(h.ctx().executors).toEqual({});
  });

  it('killAndReplace (countFailures) keeps the reported reason: a heartbeat timeout counts for the RUNNING attempt, not for the launching one', () => {
    const h = twoTasks();
    h.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: false, countFailures: true, force: true });
    h.send({ type: 'RemoveExecutor', executorId: '1', reason: heartbeatLoss });
    expect(h.ctx().removed[0]!.removedReason).toBe('Executor heartbeat timed out after 130000 ms');
    expect(lostFlags(h)).toEqual([[0, false], [1, true]]);
    expect(aborts(h)).toEqual(['Task 1 in stage 0.0 failed 1 times, most recent failure: Lost task 1.0 in stage 0.0 (TID 1) (10.0.0.1 executor 1): ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: Executor heartbeat timed out after 130000 ms\nDriver stacktrace:']);
  });

  it('the Master\'s exit reports: code 137 counts, 56 does not, a lost worker does not', () => {
    const report = (exitStatus: number | undefined, workerHost?: string) => {
      const h = twoTasks();
      h.send({ type: 'appClient.executorRemoved', fullId: 'app-1/1', message: 'msg', exitStatus, workerHost });
      return { flags: lostFlags(h), aborted: aborts(h).length, reason: dagEvents(h, 'dagScheduler.executorLost')[0]!.reason, stop: h.sentOf('StopExecutor').length };
    };
    expect(report(137)).toEqual({ flags: [[0, false], [1, true]], aborted: 1, reason: { kind: 'ExecutorExited', exitCode: 137, exitCausedByApp: true, message: 'msg' }, stop: 1 });
    expect(report(56)).toMatchObject({ flags: [[0, false], [1, false]], aborted: 0 });
    expect(report(undefined, '10.0.0.1')).toMatchObject({ flags: [[0, false], [1, false]], aborted: 0, reason: { kind: 'ExecutorProcessLost', workerHost: '10.0.0.1', causedByApp: false } });
    expect(report(undefined)).toMatchObject({ flags: [[0, false], [1, true]], aborted: 1 });
    expect(standaloneLossReason('x', 0, undefined)).toMatchObject({ exitCausedByApp: true });
    for (const code of [53, 58]) expect(standaloneLossReason('x', code, undefined)).toMatchObject({ exitCausedByApp: false });
  });

  it('a removal of an unknown executor only tells the HeartbeatReceiver (SPARK-35011)', () => {
    const h = start();
    h.send({ type: 'RemoveExecutor', executorId: '7', reason: heartbeatLoss });
    expect(h.sentOf('StopExecutor')).toEqual([]);
    expect(h.ctx().removed).toEqual([]);
    expect(h.peers[HR]).toEqual([{ type: 'ExecutorRemoved', executorId: '7' }]);
  });

  it('a disconnected executor gets no offers and is removed 5 s later, unless the Master\'s report came first', () => {
    const h = start();
    ready(h, '1', 1);
    ready(h, '2', 1);
    h.send({ type: 'onDisconnected', remoteAddress: exec('1') });
    h.send({ type: 'onDisconnected', remoteAddress: exec('2') });
    h.send({ type: 'onDisconnected', remoteAddress: 'master/Master' });
    submit(h, 1);
    expect(launches(h)).toEqual([]);
    h.clock.runUntil(1_000);
    h.send({ type: 'appClient.executorRemoved', fullId: 'app-1/2', message: 'Command exited with code 1', exitStatus: 1 });
    h.clock.runUntil(4_999);
    expect(h.ctx().removed.map((r) => r.executorId)).toEqual(['2']);
    h.clock.runUntil(5_000);
    expect(h.ctx().removed.map((r) => [r.executorId, r.removedTs, r.removedReason])).toEqual([
      ['2', 1_000, 'Command exited with code 1'],
      ['1', 5_000, DISCONNECT_MESSAGE],
    ]);
    expect(h.sentOf('StopExecutor').map((e) => e.to)).toEqual([exec('2'), exec('1')]);
  });

  it('a disconnected executor that a RemoveExecutor removed first is not removed again when the delay ends', () => {
    const h = start();
    ready(h, '1', 1);
    h.send({ type: 'onDisconnected', remoteAddress: exec('1') });
    h.send({ type: 'RemoveExecutor', executorId: '1', reason: heartbeatLoss });
    h.clock.runUntil(10_000);
    expect(h.ctx().removed.map((r) => r.removedReason)).toEqual(['Executor heartbeat timed out after 130000 ms']);
    expect(h.peers[HR]!.filter((e) => e.type === 'ExecutorRemoved')).toHaveLength(1);
  });

  it('LOST (Spark up to 3.5) fails the executor\'s attempts in the scheduler but keeps it registered', () => {
    const h = start();
    ready(h, '1', 2);
    submit(h, 2);
    update(h, '1', 0, 'LOST');
    expect(dagEvents(h, 'dagScheduler.executorLost').map((e) => (e.reason as { message: string }).message)).toEqual(['Task 0 was lost, so marking the executor as lost as well.']);
    expect(h.ctx().executors['1']).toBeDefined();
    // Its returned cpu is offered again: the executor is new to the scheduler.
    expect(dagEvents(h, 'dagScheduler.executorAdded')).toHaveLength(2);
    expect(launches(h).at(-1)).toEqual([exec('1'), 2, 1, 1]);
  });
});

describe('TaskSetManager failures through the endpoint', () => {
  it('aborts after exactly spark.task.maxFailures counted failures, with Spark\'s message', () => {
    const fail = { kind: 'ExceptionFailure', className: 'java.lang.RuntimeException', description: 'boom' };
    const h = start({ 'spark.task.maxFailures': 3 });
    ready(h, '1', 1);
    submit(h, 1);
    update(h, '1', 0, 'FAILED', fail);
    update(h, '1', 1, 'FAILED', fail);
    expect(aborts(h)).toEqual([]);
    expect(launches(h).map(([, , , attempt]) => attempt)).toEqual([0, 1, 2]);
    update(h, '1', 2, 'FAILED', fail);
    expect(aborts(h)).toEqual(['Task 0 in stage 0.0 failed 3 times, most recent failure: Lost task 0.2 in stage 0.0 (TID 2) (10.0.0.1 executor 1): java.lang.RuntimeException: boom\nDriver stacktrace:']);
    expect(launches(h)).toHaveLength(3);
  });

  it('does not count a TaskKilled failure', () => {
    const h = start({ 'spark.task.maxFailures': 1 });
    ready(h, '1', 1);
    submit(h, 1);
    update(h, '1', 0, 'KILLED', { kind: 'TaskKilled', reason: 'test' });
    expect(aborts(h)).toEqual([]);
    expect(launches(h)).toHaveLength(2);
  });
});

describe('StandaloneSchedulerBackend: application end', () => {
  it('dead(reason) aborts every task set with the reason and stops the SparkContext', () => {
    const h = start();
    submit(h, 1, 0);
    submit(h, 1, 1);
    h.send({ type: 'appClient.dead', reason: 'Master removed our application: FAILED' });
    expect(aborts(h)).toEqual(['Master removed our application: FAILED', 'Master removed our application: FAILED']);
    expect(h.peers[SC]).toEqual([{ type: 'sparkContext.stop', reason: 'Master removed our application: FAILED' }]);
  });

  it('stop sends StopExecutor to every executor and StopAppClient, then offers, removals and late status updates have no effect', () => {
    const h = start();
    ready(h, '2', 1);
    ready(h, '1', 1);
    submit(h, 3);
    h.send({ type: 'onDisconnected', remoteAddress: exec('2') });
    h.send({ type: 'backend.stop' });
    expect(h.sentOf('StopExecutor').map((e) => e.to)).toEqual([exec('1'), exec('2')]);
    expect(h.peers[CLIENT]).toEqual([{ type: 'StopAppClient' }]);
    expect(h.snapshot().value).toBe('stopped');
    const before = h.ctx();
    const sent = h.sent.length;
    update(h, '1', 0, 'FINISHED');
    h.send({ type: 'ReviveOffers' });
    h.send({ type: 'RemoveExecutor', executorId: '1', reason: heartbeatLoss });
    h.send({ type: 'appClient.dead', reason: 'Application has been stopped.' });
    h.clock.runUntil(10_000);
    expect(h.ctx()).toBe(before);
    expect(h.sent).toHaveLength(sent);
    expect(h.snapshot().value).toBe('stopped');
  });

  it('a RegisterExecutor after stop fails the ask (the endpoint is gone), so the late executor exits instead of waiting for ever', () => {
    const h = start();
    h.send({ type: 'backend.stop' });
    h.send({ type: 'RegisterExecutor', executorId: '3', executorRef: exec('3'), hostname: 'h', cores: 1, logUrls: {}, resourceProfileId: 0 });
    expect(h.sentOf('RegisterExecutorFailed')).toEqual([expect.objectContaining({ to: exec('3'), message: expect.objectContaining({ message: 'Could not find CoarseGrainedScheduler or it has been stopped.' }) })]);
    expect(h.ctx().executors['3']).toBeUndefined();
  });
});
