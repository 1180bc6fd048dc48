import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup, spawnChild, stopChild, type AnyActorRef, type EventObject } from 'xstate';
import { createTaskWork, type TaskOutcome } from '../../actors/taskWork.js';
import { taskRunnerMachine } from '../../machines/task.js';
import type { StatusUpdate, TaskDescription } from '../../machines/protocol.js';
import type { NetworkSend } from '../../machines/rpc.js';
import { VirtualClock } from '../../runtime/clock.js';

const taskDescription: TaskDescription = { taskId: 7, attemptNumber: 0, executorId: '1', name: 'task 3.0 in stage 0.0', index: 3, partitionId: 3, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 };
const execBackend = { address: 'app-1/1/Executor', executorId: '1', driverUrl: 'driver-0/CoarseGrainedScheduler' };

/**
 * An executor stand-in running one TaskRunner whose body is the timed stand-in, beside a network
 * stand-in that records each StatusUpdate with its time and, if asked, arms a timer of its own on
 * the RUNNING one (`networkTimerMs`), as the real network arms a delivery.
 */
function start(outcome: TaskOutcome, networkTimerMs?: number) {
  const clock = new VirtualClock(0);
  const log: string[] = [];
  const network = fromCallback<EventObject>(({ receive }) => receive((e) => {
    const update = (e as NetworkSend).message as StatusUpdate;
    log.push(`${clock.now()} ${update.state}`);
    if (update.state === 'RUNNING' && networkTimerMs !== undefined) clock.setTimeout(() => log.push(`${clock.now()} network timer`), networkTimerMs);
  }));
  const taskRunner = taskRunnerMachine.provide({ actions: createTaskWork({ clock, outcome: () => outcome }) });
  const executor = setup({ actors: { taskRunner, network } }).createMachine({
    entry: [spawnChild('network', { systemId: 'network' }), spawnChild('taskRunner', { id: 'task', input: { taskDescription, execBackend } })],
    on: { stopTask: { actions: stopChild('task') } },
  });
  const actor = createActor(executor, { clock }).start();
  const task = () => actor.getSnapshot().children['task'] as AnyActorRef | undefined;
  return { clock, log, actor, task, run: () => task()!.send({ type: 'taskRunner.run' }) };
}

describe('the timed task body (runTaskBody / interruptTaskBody)', () => {
  it('runs for its duration, then the TaskRunner reports FINISHED; no timer is left', () => {
    const h = start({ durationMs: 1500 });
    h.run();
    expect(h.clock.pending()).toBe(1);
    h.clock.runUntil(1499);
    expect(h.task()!.getSnapshot().value).toBe('RUNNING');
    h.clock.runUntil(1500);
    expect(h.log).toEqual(['0 RUNNING', '1500 FINISHED']);
    expect(h.clock.pending()).toBe(0);
  });

  it('a body that throws ends the attempt FAILED with its exception', () => {
    const h = start({ durationMs: 10, failure: { className: 'java.lang.RuntimeException', description: 'boom' } });
    h.run();
    h.clock.runUntil(10);
    expect(h.log).toEqual(['0 RUNNING', '10 FAILED']);
    expect(h.task()!.getSnapshot().output).toEqual({ state: 'FAILED' });
  });

  it('a kill interrupts the body: its timer is cancelled and nothing more is reported', () => {
    const h = start({ durationMs: 1000 });
    h.run();
    h.clock.runUntil(400);
    h.task()!.send({ type: 'taskRunner.kill', interruptThread: true, reason: 'stage cancelled' });
    expect(h.clock.pending()).toBe(0);
    h.clock.runUntil(5000);
    expect(h.log).toEqual(['0 RUNNING', '400 KILLED']);
  });

  it('a TaskRunner stopped by its executor (no exit actions run) takes its body with it', () => {
    const h = start({ durationMs: 1000 });
    h.run();
    h.actor.send({ type: 'stopTask' });
    expect(h.task()).toBeUndefined();
    expect(h.clock.pending()).toBe(0);
    h.clock.runUntil(5000);
    expect(h.log).toEqual(['0 RUNNING']);
  });

  it('the body is armed before the RUNNING StatusUpdate reaches the network, so on a tie it ends first', () => {
    const h = start({ durationMs: 0 }, 0);
    h.run();
    h.clock.runUntil(0);
    expect(h.log).toEqual(['0 RUNNING', '0 FINISHED', '0 network timer']);
  });
});
