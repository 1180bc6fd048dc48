import { describe, expect, it } from 'vitest';
import { taskRunnerMachine } from '../../machines/task.js';
import { startMachine } from '../support/harness.js';

const taskDescription = { taskId: 5, attemptNumber: 1, executorId: '3', name: 't', index: 2, partitionId: 2, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 };
const start = () => startMachine(taskRunnerMachine, { input: { taskDescription }, systemId: 'task' });
const states = (h: ReturnType<typeof start>) => h.toParent.map((e) => (e as unknown as { state: string }).state);

describe('TaskRunner', () => {
  it('reports RUNNING first, then FINISHED', () => {
    const h = start();
    expect(h.snapshot().value).toBe('RUNNING');
    h.send({ type: 'work.succeeded' });
    expect(h.snapshot().value).toBe('FINISHED');
    expect(h.toParent).toEqual([{ type: 'taskRunner.statusUpdate', taskId: 5, state: 'RUNNING', data: {} }, { type: 'taskRunner.statusUpdate', taskId: 5, state: 'FINISHED', data: {} }]);
  });

  it('reports FAILED with ExceptionFailure when the body throws', () => {
    const h = start();
    h.send({ type: 'work.failed', className: 'java.lang.RuntimeException', description: 'boom' });
    expect(h.toParent.at(-1)).toEqual({ type: 'taskRunner.statusUpdate', taskId: 5, state: 'FAILED', data: { reason: { kind: 'ExceptionFailure', className: 'java.lang.RuntimeException', description: 'boom' } } });
  });

  it('reports KILLED with TaskKilled(reason), and ignores everything once finished', () => {
    const h = start();
    h.send({ type: 'taskRunner.kill', interruptThread: true, reason: 'another attempt succeeded' });
    h.send({ type: 'work.succeeded' });
    h.send({ type: 'taskRunner.kill', interruptThread: true, reason: 'again' });
    expect(states(h)).toEqual(['RUNNING', 'KILLED']);
    expect(h.snapshot().value).toBe('KILLED');
  });
});
