import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { taskRunnerMachine } from '../../machines/task.js';
import type { StatusUpdate, TaskDescription, WorkFailed, WorkSucceeded } from '../../machines/protocol.js';
import { droppedEvents, startMachine } from '../support/harness.js';

const EXECUTOR = 'app-1/3/Executor';
const DRIVER = 'driver-0/CoarseGrainedScheduler';
const taskDescription: TaskDescription = { taskId: 5, attemptNumber: 1, executorId: '3', name: 'task 2.1 in stage 0.0', index: 2, partitionId: 2, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 };

/** A task body stand-in that records that it started and reports what the test tells it to. */
function start() {
  const bodies: TaskDescription[] = [];
  let running: ((report: WorkSucceeded | WorkFailed) => void) | undefined;
  const h = startMachine(
    taskRunnerMachine.provide({
      actions: {
        runTaskBody: ({ context, self }) => {
          bodies.push(context.taskDescription);
          running = (report) => self.send(report);
        },
        interruptTaskBody: () => {
          running = undefined;
        },
      },
    }),
    { input: { taskDescription, execBackend: { address: EXECUTOR, executorId: '3', driverUrl: DRIVER } }, systemId: 'task' },
  );
  return {
    ...h,
    bodies,
    /** The running body's report function; undefined once it was interrupted or before it started. */
    body: () => running,
    /** The body reports `event` to its TaskRunner (as the runtime's timed stand-in does). */
    bodyReports: (report: WorkSucceeded | WorkFailed) => running!(report),
    /** What execBackend.statusUpdate sent: StatusUpdates from the backend's endpoint to the driver. */
    updates: () => h.sent.map((e) => {
      expect([e.from, e.to]).toEqual([EXECUTOR, DRIVER]);
      return e.message as StatusUpdate;
    }),
    /** Sends events to a TaskRunner that has finished; returns the types XState reports as dropped. */
    dropped: (...events: Array<{ type: string } & Record<string, unknown>>) => droppedEvents(h.send, events),
  };
}

const update = (state: string, data: object = {}) => ({ type: 'StatusUpdate', executorId: '3', taskId: 5, state, data, taskCpus: 1 });
const kill = (reason: string) => ({ type: 'taskRunner.kill', interruptThread: true, reason });

describe('Executor.TaskRunner', () => {
  it('waits in LAUNCHING for a pool thread: nothing is reported and no body runs before run()', () => {
    const h = start();
    expect(h.snapshot().value).toBe('LAUNCHING');
    expect(h.updates()).toEqual([]);
    expect(h.bodies).toEqual([]);
  });

  it('run() reports RUNNING first, then the body runs with the TaskDescription', () => {
    const h = start();
    h.send({ type: 'taskRunner.run' });
    expect(h.snapshot().value).toBe('RUNNING');
    expect(h.updates()).toEqual([update('RUNNING')]);
    expect(h.bodies).toEqual([taskDescription]);
  });

  it('a body that returns ends the attempt FINISHED, reported once, and the body is no longer running', () => {
    const h = start();
    h.send({ type: 'taskRunner.run' });
    h.bodyReports({ type: 'work.succeeded' });
    expect(h.snapshot().value).toBe('FINISHED');
    expect(h.snapshot().output).toEqual({ state: 'FINISHED' });
    expect(h.updates()).toEqual([update('RUNNING'), update('FINISHED')]);
    expect(h.body()).toBeUndefined();
  });

  it('a body that throws ends the attempt FAILED with ExceptionFailure(className, description)', () => {
    const h = start();
    h.send({ type: 'taskRunner.run' });
    h.bodyReports({ type: 'work.failed', className: 'java.lang.RuntimeException', description: 'boom' });
    expect(h.snapshot().output).toEqual({ state: 'FAILED' });
    expect(h.updates().at(-1)).toEqual(update('FAILED', { reason: { kind: 'ExceptionFailure', className: 'java.lang.RuntimeException', description: 'boom' } }));
  });

  it('a kill while the body runs ends the attempt KILLED with TaskKilled(reason); later kills and body reports are ignored', () => {
    const h = start();
    h.send({ type: 'taskRunner.run' });
    h.send(kill('another attempt succeeded'));
    expect(h.snapshot().output).toEqual({ state: 'KILLED' });
    expect(h.body()).toBeUndefined();
    expect(h.dropped({ type: 'work.succeeded' }, kill('again'))).toEqual(['work.succeeded', 'taskRunner.kill']);
    expect(h.updates()).toEqual([update('RUNNING'), update('KILLED', { reason: { kind: 'TaskKilled', reason: 'another attempt succeeded' } })]);
  });

  it('a kill after FINISHED is ignored: exactly one terminal update', () => {
    const h = start();
    h.send({ type: 'taskRunner.run' });
    h.bodyReports({ type: 'work.succeeded' });
    expect(h.dropped(kill('too late'), { type: 'taskRunner.run' })).toEqual(['taskRunner.kill', 'taskRunner.run']);
    expect(h.updates().map((u) => u.state)).toEqual(['RUNNING', 'FINISHED']);
    expect(h.snapshot().value).toBe('FINISHED');
  });

  it('a kill after FAILED is ignored', () => {
    const h = start();
    h.send({ type: 'taskRunner.run' });
    h.bodyReports({ type: 'work.failed', className: 'E', description: 'd' });
    expect(h.dropped(kill('too late'))).toEqual(['taskRunner.kill']);
    expect(h.updates().map((u) => u.state)).toEqual(['RUNNING', 'FAILED']);
  });

  it('a kill before run() is remembered (the last reason wins); run() still reports RUNNING, then KILLED, and the body never runs', () => {
    const h = start();
    h.send(kill('stage cancelled'));
    h.send(kill('job cancelled'));
    expect(h.snapshot().value).toBe('LAUNCHING');
    expect(h.snapshot().context.reasonIfKilled).toBe('job cancelled');
    expect(h.updates()).toEqual([]);
    h.send({ type: 'taskRunner.run' });
    expect(h.snapshot().output).toEqual({ state: 'KILLED' });
    expect(h.updates()).toEqual([update('RUNNING'), update('KILLED', { reason: { kind: 'TaskKilled', reason: 'job cancelled' } })]);
    expect(h.bodies).toEqual([]);
  });

  it('LAUNCHING ignores body reports: no body runs yet', () => {
    const h = start();
    h.send({ type: 'work.succeeded' });
    h.send({ type: 'work.failed', className: 'E', description: 'd' });
    expect(h.snapshot().value).toBe('LAUNCHING');
    expect(h.updates()).toEqual([]);
  });

  it('RUNNING ignores a second run(): one RUNNING update, one body', () => {
    const h = start();
    h.send({ type: 'taskRunner.run' });
    h.send({ type: 'taskRunner.run' });
    expect(h.snapshot().value).toBe('RUNNING');
    expect(h.updates()).toEqual([update('RUNNING')]);
    expect(h.bodies).toHaveLength(1);
  });

  it('keeps every TaskState as a state, with LOST unreachable: executors of Spark 3.5+ never report it', () => {
    const machine = taskRunnerMachine as AnyStateMachine;
    expect(Object.keys(machine.root.states)).toEqual(['LAUNCHING', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'LOST']);
    const targets = Object.values(machine.root.states).flatMap((node) => [...node.transitions.values()].flat().flatMap((t) => (t.target ?? []).map((s) => s.key)));
    expect(new Set(targets)).toEqual(new Set(['RUNNING', 'KILLED', 'FINISHED', 'FAILED']));
  });
});
