import { describe, expect, it } from 'vitest';
import { schedulerBackendMachine, standaloneLossReason, type SchedulerBackendContext } from '../../machines/schedulerBackend.js';
import { exitCausedByApp } from '../../machines/taskScheduler.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import type { TaskSet } from '../../machines/protocol.js';
import { startMachine } from '../support/harness.js';

const BACKEND = 'driver-0/CoarseGrainedScheduler';
const HR = 'driver-0/HeartbeatReceiver';
const DAG = 'driver-0/DAGScheduler';
const CLIENT = 'driver-0/AppClient';
const exec = (id: string) => `app-1/${id}/Executor`;

function start(conf: RawConf = {}) {
  const h = startMachine(schedulerBackendMachine, { input: { address: BACKEND, conf: resolveConf(conf).conf }, systemId: BACKEND, peers: [HR, DAG, CLIENT] });
  return { ...h, ctx: () => h.snapshot().context as SchedulerBackendContext };
}
type H = ReturnType<typeof start>;
const register = (h: H, id: string, cores = 2) => h.send({ type: 'RegisterExecutor', executorId: id, executorRef: exec(id), hostname: `10.0.0.${id}`, cores, logUrls: {}, resourceProfileId: 0 });
const launched = (h: H, id: string) => h.send({ type: 'LaunchedExecutor', executorId: id });
const taskSet = (n: number, stageId = 0): TaskSet => ({ stageId, stageAttemptId: 0, jobId: 0, priority: 0, tasks: Array.from({ length: n }, (_, i) => ({ index: i, partitionId: i })) });
const launches = (h: H) => h.sentOf('LaunchTask').map((e) => [e.to, e.message.data.taskId, e.message.data.index, e.message.data.attemptNumber]);
const update = (h: H, id: string, taskId: number, state: string, reason?: unknown) => h.send({ type: 'StatusUpdate', executorId: id, taskId, state, data: reason ? { reason } : {}, taskCpus: 1 });
const dagEvents = (h: H, type: string) => h.peers[DAG]!.filter((e) => e.type === type) as unknown as Array<Record<string, unknown>>;

describe('CoarseGrainedSchedulerBackend: executors', () => {
  it('registers an executor with no free cores, tells HeartbeatReceiver, and offers its cores only after LaunchedExecutor', () => {
    const h = start();
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(4) });
    register(h, '1');
    expect(h.sentOf('RegisteredExecutor').map((e) => e.to)).toEqual([exec('1')]);
    expect(h.peers[HR]).toEqual([{ type: 'ExecutorRegistered', executorId: '1' }]);
    h.send({ type: 'ReviveOffers' });
    expect(launches(h)).toEqual([]);
    launched(h, '1');
    expect(launches(h)).toEqual([[exec('1'), 0, 0, 0], [exec('1'), 1, 1, 0]]);
    expect(h.ctx().executors['1']!.freeCores).toBe(0);
  });

  it('rejects a duplicate executor id', () => {
    const h = start();
    register(h, '1');
    register(h, '1');
    expect(h.sentOf('RegisterExecutorFailed').map((e) => e.message.message)).toEqual(['Duplicate executor ID: 1']);
  });

  it('spreads tasks one per executor per round and respects spark.task.cpus', () => {
    const h = start({ 'spark.task.cpus': 2 });
    register(h, '1', 4);
    register(h, '2', 3);
    launched(h, '1');
    launched(h, '2');
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(5) });
    expect(launches(h).map(([to]) => to)).toEqual([exec('1'), exec('2'), exec('1')]);
    expect(h.ctx().executors['2']!.freeCores).toBe(1);
  });

  it('frees the cores of a finished task and relaunches on that executor; a duplicate FINISHED is ignored', () => {
    const h = start();
    register(h, '1', 1);
    launched(h, '1');
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(2) });
    update(h, '1', 0, 'RUNNING');
    update(h, '1', 0, 'FINISHED');
    expect(launches(h).map(([, tid]) => tid)).toEqual([0, 1]);
    update(h, '1', 0, 'FINISHED');
    expect(dagEvents(h, 'dagScheduler.taskEnded')).toHaveLength(1);
  });

  it('never kills an executor twice, and kills a busy one only with force', () => {
    const h = start();
    register(h, '1', 1);
    register(h, '2', 1);
    launched(h, '1');
    launched(h, '2');
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(1) });
    h.send({ type: 'appClient.connected', appId: 'app-1' });
    h.send({ type: 'backend.killExecutors', executorIds: ['1', '2', '9'], adjustTargetNumExecutors: false, countFailures: false, force: false });
    expect(h.peers[CLIENT]).toEqual([{ type: 'KillExecutors', appId: 'app-1', executorIds: ['2'] }]);
    h.send({ type: 'backend.killExecutors', executorIds: ['1', '2'], adjustTargetNumExecutors: false, countFailures: true, force: true });
    expect(h.peers[CLIENT]!.at(-1)).toEqual({ type: 'KillExecutors', appId: 'app-1', executorIds: ['1'] });
    expect(h.ctx().pendingToRemove).toEqual({ '1': false, '2': true });
  });

  it('lowers the requested total when a kill adjusts the target', () => {
    const h = start();
    register(h, '1');
    register(h, '2');
    h.send({ type: 'appClient.connected', appId: 'app-1' });
    h.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: true, countFailures: false, force: true });
    expect(h.peers[CLIENT]![0]).toEqual({ type: 'RequestExecutors', appId: 'app-1', resourceProfileToTotalExecs: { 0: 1 } });
  });

  it('removes an executor killed by the driver as ExecutorKilled, so its tasks do not count', () => {
    const h = start({ 'spark.task.maxFailures': 1 });
    register(h, '1', 1);
    launched(h, '1');
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(1) });
    update(h, '1', 0, 'RUNNING');
    h.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: false, countFailures: false, force: true });
    h.send({ type: 'RemoveExecutor', executorId: '1', reason: { kind: 'ExecutorProcessLost', message: 'Executor heartbeat timed out after 130000 ms', causedByApp: true } });
    expect(h.sentOf('StopExecutor').map((e) => e.to)).toEqual([exec('1')]);
    expect(h.ctx().removed[0]!.removedReason).toBe('Executor killed by driver.');
    expect(dagEvents(h, 'dagScheduler.taskSetFailed')).toEqual([]);
    expect(h.peers[HR]!.at(-1)).toEqual({ type: 'ExecutorRemoved', executorId: '1' });
  });

  it('counts a heartbeat-timeout loss for a RUNNING attempt but not for one still launching (SPARK-39955)', () => {
    const lost = { kind: 'ExecutorProcessLost', message: 'Executor heartbeat timed out after 130000 ms', causedByApp: true };
    const h = start({ 'spark.task.maxFailures': 1 });
    register(h, '1', 2);
    launched(h, '1');
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(2) });
    update(h, '1', 1, 'RUNNING');
    h.send({ type: 'RemoveExecutor', executorId: '1', reason: lost });
    const failed = dagEvents(h, 'dagScheduler.taskSetFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(/^Task 1 in stage 0\.0 failed 1 times/);
    const ended = dagEvents(h, 'dagScheduler.taskEnded').map((e) => [(e.taskInfo as { index: number }).index, (e.reason as { exitCausedByApp: boolean }).exitCausedByApp]);
    expect(ended).toEqual([[0, false], [1, true]]);
  });

  it('maps the Master\'s exit reports to Spark\'s loss reasons: 137 counts, 56 does not, a lost worker does not', () => {
    expect(standaloneLossReason('Command exited with code 137', 137, undefined)).toEqual({ kind: 'ExecutorExited', exitCode: 137, exitCausedByApp: true, message: 'Command exited with code 137' });
    for (const code of [53, 56, 58]) expect(standaloneLossReason('x', code, undefined)).toMatchObject({ exitCausedByApp: false });
    expect(standaloneLossReason('worker lost: x', undefined, '10.0.0.1')).toEqual({ kind: 'ExecutorProcessLost', message: 'worker lost: x', workerHost: '10.0.0.1', causedByApp: false });
    expect(exitCausedByApp({ kind: 'ExecutorKilled' }, false)).toBe(false);
    expect(exitCausedByApp({ kind: 'ExecutorLossReason', message: 'x' }, true)).toBe(false);
    expect(exitCausedByApp({ kind: 'ExecutorLossReason', message: 'x' }, false)).toBe(true);
  });

  it('removes a disconnected executor 5 s later unless the Master\'s report came first', () => {
    const h = start();
    register(h, '1');
    register(h, '2');
    h.send({ type: 'onDisconnected', remoteAddress: exec('1') });
    h.send({ type: 'onDisconnected', remoteAddress: exec('2') });
    h.send({ type: 'appClient.executorRemoved', fullId: 'app-1/2', message: 'Command exited with code 1', exitStatus: 1 });
    h.clock.runUntil(4_999);
    expect(h.ctx().removed.map((r) => r.executorId)).toEqual(['2']);
    h.clock.runUntil(5_000);
    expect(h.ctx().removed.map((r) => [r.executorId, r.removedReason])).toEqual([
      ['2', 'Command exited with code 1'],
      ['1', 'Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues. Check driver logs for WARN messages.'],
    ]);
  });

  it('on stop sends StopExecutor to every executor and StopAppClient', () => {
    const h = start();
    register(h, '1');
    register(h, '2');
    h.send({ type: 'backend.stop' });
    expect(h.sentOf('StopExecutor').map((e) => e.to)).toEqual([exec('1'), exec('2')]);
    expect(h.peers[CLIENT]).toEqual([{ type: 'StopAppClient' }]);
    h.send({ type: 'ReviveOffers' });
    expect(h.snapshot().value).toBe('stopped');
  });
});

describe('TaskSetManager: failures', () => {
  it('aborts after exactly spark.task.maxFailures counted failures, and a success resets the count', () => {
    const fail = { kind: 'ExceptionFailure', className: 'java.lang.RuntimeException', description: 'boom' };
    const h = start({ 'spark.task.maxFailures': 3 });
    register(h, '1', 1);
    launched(h, '1');
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(1) });
    update(h, '1', 0, 'FAILED', fail);
    update(h, '1', 1, 'FAILED', fail);
    expect(dagEvents(h, 'dagScheduler.taskSetFailed')).toEqual([]);
    expect(launches(h).map(([, , , attempt]) => attempt)).toEqual([0, 1, 2]);
    update(h, '1', 2, 'FAILED', fail);
    expect(dagEvents(h, 'dagScheduler.taskSetFailed').map((e) => e.reason)).toEqual([
      'Task 0 in stage 0.0 failed 3 times, most recent failure: Lost task 0.2 in stage 0.0 (TID 2) (10.0.0.1 executor 1): java.lang.RuntimeException: boom\nDriver stacktrace:',
    ]);
  });

  it('does not count a TaskKilled failure', () => {
    const h = start({ 'spark.task.maxFailures': 1 });
    register(h, '1', 1);
    launched(h, '1');
    h.send({ type: 'taskScheduler.submitTasks', taskSet: taskSet(1) });
    update(h, '1', 0, 'KILLED', { kind: 'TaskKilled', reason: 'test' });
    expect(dagEvents(h, 'dagScheduler.taskSetFailed')).toEqual([]);
    expect(launches(h)).toHaveLength(2);
  });
});
