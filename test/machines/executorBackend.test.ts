import { describe, expect, it } from 'vitest';
import { fromCallback, type EventObject } from 'xstate';
import { executorBackendMachine, type ExecutorBackendContext } from '../../machines/executorBackend.js';
import { taskRunnerMachine } from '../../machines/task.js';
import { resolveConf } from '../../machines/conf.js';
import type { TaskDescription } from '../../machines/protocol.js';
import { tickerLogic } from '../../actors/ticker.js';
import { startMachine } from '../support/harness.js';

const ADDRESS = 'app-1/3/Executor';
const DRIVER = 'driver-0/CoarseGrainedScheduler';
const HR = 'driver-0/HeartbeatReceiver';

/** Task bodies that finish when told "work.finish" — or never. */
const work = fromCallback<EventObject>(({ sendBack, receive }) => receive((e) => e.type === 'work.finish' && sendBack({ type: 'work.succeeded' })));
const logic = executorBackendMachine.provide({ actors: { ticker: tickerLogic, taskRunner: taskRunnerMachine.provide({ actors: { taskWork: work } }) } });

function start(jitter = 0.5) {
  const h = startMachine(logic, {
    input: { address: ADDRESS, executorId: '3', appId: 'app-1', hostname: '10.0.0.1', cores: 2, driverUrl: DRIVER, conf: resolveConf({}).conf, heartbeatJitter: jitter },
    systemId: ADDRESS,
  });
  return { ...h, ctx: () => h.snapshot().context as ExecutorBackendContext };
}
type H = ReturnType<typeof start>;
const task = (taskId: number): TaskDescription => ({ taskId, attemptNumber: 0, executorId: '3', name: `t${taskId}`, index: taskId, partitionId: taskId, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 });
const exit = (h: H) => h.snapshot().output as { exitCode: number; reason: string } | undefined;

describe('CoarseGrainedExecutorBackend', () => {
  it('registers, then creates the Executor and sends LaunchedExecutor', () => {
    const h = start();
    expect(h.sentOf('RegisterExecutor').map((e) => [e.to, e.message.executorId, e.message.cores])).toEqual([[DRIVER, '3', 2]]);
    expect(h.sentOf('LaunchedExecutor')).toEqual([]);
    h.send({ type: 'RegisteredExecutor' });
    expect(h.sentOf('LaunchedExecutor').map((e) => e.to)).toEqual([DRIVER]);
  });

  it('exits 1 without RemoveExecutor when registration fails', () => {
    const h = start();
    h.send({ type: 'RegisterExecutorFailed', message: 'Duplicate executor ID: 3' });
    expect(exit(h)).toEqual({ exitCode: 1, reason: 'Cannot register with driver' });
    expect(h.sentOf('RemoveExecutor')).toEqual([]);
  });

  it('exits 1 and tells the driver when LaunchTask arrives before the Executor exists', () => {
    const h = start();
    h.send({ type: 'LaunchTask', data: task(0) });
    expect(exit(h)!.exitCode).toBe(1);
    expect(h.sentOf('RemoveExecutor').map((e) => e.message.reason)).toEqual([{ kind: 'ExecutorLossReason', message: 'Received LaunchTask command but executor was null' }]);
  });

  it('heartbeats first after interval x (1 + jitter), then every spark.executor.heartbeatInterval', () => {
    const h = start(0.25);
    h.send({ type: 'RegisteredExecutor' });
    h.clock.runUntil(12_499);
    expect(h.sentOf('Heartbeat')).toEqual([]);
    h.clock.runUntil(12_500);
    expect(h.sentOf('Heartbeat').map((e) => [e.to, e.message.replyTo])).toEqual([[HR, ADDRESS]]);
    h.clock.runUntil(32_500);
    expect(h.sentOf('Heartbeat')).toHaveLength(3);
  });

  it('exits 56 after spark.executor.heartbeat.maxFailures (60) unanswered heartbeats, not 59, and a reply resets the count', () => {
    const h = start(0);
    h.send({ type: 'RegisteredExecutor' });
    // Heartbeats at 10 s, 20 s, ...; the k-th tick counts the (k-1)-th heartbeat as failed.
    h.clock.runUntil(10_000 * 60);
    expect(h.ctx().heartbeatFailures).toBe(59);
    h.send({ type: 'HeartbeatResponse', reregisterBlockManager: false });
    h.clock.runUntil(10_000 * 120);
    expect(h.snapshot().status).toBe('active');
    h.clock.runUntil(10_000 * 121);
    expect(exit(h)).toEqual({ exitCode: 56, reason: 'Exit as unable to send heartbeats to driver more than 60 times' });
    expect(h.sentOf('RemoveExecutor')).toEqual([]);
  });

  it('reports RUNNING then FINISHED with taskCpus, and releases finished TaskRunners', () => {
    const h = start();
    h.send({ type: 'RegisteredExecutor' });
    h.send({ type: 'LaunchTask', data: task(7) });
    expect(Object.keys(h.snapshot().children).sort()).toEqual(['Heartbeater', 'task-7']);
    (h.snapshot().children['task-7'] as { getSnapshot(): { children: Record<string, { send(e: EventObject): void }> } }).getSnapshot().children['work']!.send({ type: 'work.finish' });
    expect(h.sentOf('StatusUpdate').map((e) => [e.message.taskId, e.message.state, e.message.taskCpus])).toEqual([[7, 'RUNNING', 1], [7, 'FINISHED', 1]]);
    expect(Object.keys(h.snapshot().children)).toEqual(['Heartbeater']);
  });

  it('kills a running task with TaskKilled, and one that arrives within 10 s of its KillTask, but not later', () => {
    const h = start();
    h.send({ type: 'RegisteredExecutor' });
    h.send({ type: 'LaunchTask', data: task(1) });
    h.send({ type: 'KillTask', taskId: 1, executor: '3', interruptThread: true, reason: 'another attempt succeeded' });
    h.send({ type: 'KillTask', taskId: 2, executor: '3', interruptThread: false, reason: 'stage cancelled' });
    h.send({ type: 'KillTask', taskId: 3, executor: '3', interruptThread: false, reason: 'stage cancelled' });
    h.clock.runUntil(10_000);
    h.send({ type: 'LaunchTask', data: task(2) });
    h.clock.runUntil(10_001);
    h.send({ type: 'LaunchTask', data: task(3) });
    const finals = h.sentOf('StatusUpdate').filter((e) => e.message.state !== 'RUNNING').map((e) => [e.message.taskId, e.message.state, e.message.data.reason]);
    expect(finals).toEqual([[1, 'KILLED', { kind: 'TaskKilled', reason: 'another attempt succeeded' }], [2, 'KILLED', { kind: 'TaskKilled', reason: 'stage cancelled' }]]);
  });

  it('exits 0 on StopExecutor and ignores a later driver disconnect', () => {
    const h = start();
    h.send({ type: 'RegisteredExecutor' });
    h.send({ type: 'StopExecutor' });
    expect(exit(h)).toEqual({ exitCode: 0, reason: 'Executor stopped' });
  });

  it('exits 1 without RemoveExecutor when the driver disconnects, and ignores other disconnects', () => {
    const h = start();
    h.send({ type: 'RegisteredExecutor' });
    h.send({ type: 'onDisconnected', remoteAddress: '10.0.0.1/Worker' });
    expect(h.snapshot().status).toBe('active');
    h.send({ type: 'onDisconnected', remoteAddress: HR });
    expect(exit(h)).toEqual({ exitCode: 1, reason: 'Driver disassociated! Shutting down.' });
    expect(h.sentOf('RemoveExecutor')).toEqual([]);
  });
});
