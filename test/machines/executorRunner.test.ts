import { describe, expect, it } from 'vitest';
import { executorRunnerMachine } from '../../machines/executorRunner.js';
import { startMachine } from '../support/harness.js';

const input = {
  appId: 'app-20260101000000-0000', execId: 3, cores: 2, memory: 128, workerId: 'worker-0', host: '10.0.0.1', workerAddress: '10.0.0.1/Worker',
  appDesc: { name: 'etl', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 128 },
};
const start = () => startMachine(executorRunnerMachine, { input, systemId: 'runner' });
const change = (state: string, message?: string, exitStatus?: number) => ({
  type: 'ExecutorStateChanged', appId: input.appId, execId: 3, state, ...(message !== undefined ? { message } : {}), ...(exitStatus !== undefined ? { exitStatus } : {}),
});

describe('ExecutorRunner', () => {
  it('starts LAUNCHING with its process and reports RUNNING once the process has started', () => {
    const h = start();
    expect(h.snapshot().value).toBe('LAUNCHING');
    expect(Object.keys(h.snapshot().children)).toEqual(['process']);
    h.send({ type: 'process.started' });
    expect(h.snapshot().value).toBe('RUNNING');
    expect(h.toParent).toEqual([change('RUNNING')]);
  });

  it('reports EXITED with "Command exited with code N" when the process exits', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'process.exited', exitCode: 137 });
    expect(h.snapshot().value).toBe('EXITED');
    expect(h.snapshot().status).toBe('done');
    expect(h.toParent.at(-1)).toEqual(change('EXITED', 'Command exited with code 137', 137));
  });

  it('reports FAILED without an exit code when the process cannot be started', () => {
    const h = start();
    h.send({ type: 'process.startFailed', error: 'java.io.IOException: Cannot run program "java"' });
    expect(h.snapshot().value).toBe('FAILED');
    expect(h.toParent).toEqual([change('FAILED', 'Error running executor: java.io.IOException: Cannot run program "java"')]);
  });

  it('on kill becomes KILLED at once, destroys the process and reports KILLED with its exit code', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'runner.kill' });
    expect(h.snapshot().value).toEqual({ KILLED: 'terminating' });
    expect(h.toParent).toHaveLength(1);
    h.send({ type: 'process.exited', exitCode: 143 });
    expect(h.snapshot().value).toEqual({ KILLED: 'terminated' });
    expect(h.toParent.at(-1)).toEqual(change('KILLED', `Runner thread for executor ${input.appId}/3 interrupted`, 143));
  });

  it('reports EXITED when the process exits before the runner saw it start', () => {
    const h = start();
    h.send({ type: 'process.exited', exitCode: 1 });
    expect(h.snapshot().value).toBe('EXITED');
    expect(h.toParent).toEqual([change('EXITED', 'Command exited with code 1', 1)]);
  });

  it('ignores a kill or a second exit once finished, and a start failure once running', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'process.startFailed', error: 'late' });
    expect(h.snapshot().value).toBe('RUNNING');
    h.send({ type: 'process.exited', exitCode: 0 });
    h.send({ type: 'runner.kill' });
    h.send({ type: 'process.exited', exitCode: 9 });
    expect(h.toParent.map((e) => (e as unknown as { state: string }).state)).toEqual(['RUNNING', 'EXITED']);
  });
});
