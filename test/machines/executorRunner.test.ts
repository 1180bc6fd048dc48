import { describe, expect, it } from 'vitest';
import { fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import { executorRunnerMachine, type ExecutorProcessInput } from '../../machines/executorRunner.js';
import { startMachine } from '../support/harness.js';

const input = {
  appId: 'app-20260101000000-0000', execId: 3, cores: 2, memory: 128, workerId: 'worker-0', host: '10.0.0.1', workerAddress: '10.0.0.1/Worker',
  appDesc: { name: 'etl', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 128 },
};
const FULL_ID = `${input.appId}/3`;

/**
 * The process slot, recording what the runner gives it and sends it. The test plays the process:
 * it sends process.* events to the runner itself.
 */
function start() {
  const processInputs: ExecutorProcessInput[] = [];
  const toProcess: EventObject[] = [];
  const recordingProcess = fromCallback<EventObject, ExecutorProcessInput>(({ input: processInput, receive }) => {
    processInputs.push(processInput);
    receive((event) => void toProcess.push(event));
  });
  const h = startMachine(executorRunnerMachine.provide({ actors: { executorProcess: recordingProcess } }), { input, systemId: 'runner' });
  return { ...h, processInputs, toProcess };
}
const change = (state: string, message?: string, exitStatus?: number) => ({
  type: 'ExecutorStateChanged', appId: input.appId, execId: 3, state, ...(message !== undefined ? { message } : {}), ...(exitStatus !== undefined ? { exitStatus } : {}),
});
const reported = (h: { toParent: EventObject[] }) => h.toParent.map((e) => (e as unknown as { state: string }).state);

describe('ExecutorRunner: launching and running', () => {
  it('ExecutorRunner starts LAUNCHING and starts its process with the executor command placeholders', () => {
    const h = start();
    expect(h.snapshot().value).toBe('LAUNCHING');
    expect(Object.keys(h.snapshot().children)).toEqual(['process']);
    expect(h.processInputs).toEqual([{ appId: input.appId, execId: 3, cores: 2, memory: 128, host: '10.0.0.1', workerId: 'worker-0', appDesc: input.appDesc }]);
    expect(h.toParent).toEqual([]);
  });

  it('ExecutorRunner reports RUNNING to the Worker as soon as the process has started', () => {
    const h = start();
    h.send({ type: 'process.started' });
    expect(h.snapshot().value).toBe('RUNNING');
    expect(h.toParent).toEqual([change('RUNNING')]);
  });

  it('ExecutorRunner reports EXITED with "Command exited with code N" and exitStatus N when the process exits', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'process.exited', exitCode: 137 });
    expect(h.snapshot().value).toBe('EXITED');
    expect(h.snapshot().status).toBe('done');
    expect(h.snapshot().output).toEqual({ state: 'EXITED', exitCode: 137 });
    expect(h.toParent).toEqual([change('RUNNING'), change('EXITED', 'Command exited with code 137', 137)]);
  });

  it('ExecutorRunner reports EXITED with code 0 when the driver stopped the executor normally', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'process.exited', exitCode: 0 });
    expect(h.toParent.at(-1)).toEqual(change('EXITED', 'Command exited with code 0', 0));
  });

  it('ExecutorRunner reports only FAILED, without an exit code, when the process cannot be started', () => {
    const h = start();
    h.send({ type: 'process.startFailed', error: 'java.io.IOException: Cannot run program "java"' });
    expect(h.snapshot().value).toBe('FAILED');
    expect(h.snapshot().output).toEqual({ state: 'FAILED' });
    expect(h.toParent).toEqual([change('FAILED', 'Error running executor: java.io.IOException: Cannot run program "java"')]);
  });

  it('ExecutorRunner whose process dies before its start was seen reports RUNNING, then EXITED (Spark reports RUNNING before waitFor)', () => {
    const h = start();
    h.send({ type: 'process.exited', exitCode: 1 });
    expect(h.snapshot().value).toBe('EXITED');
    expect(h.toParent).toEqual([change('RUNNING'), change('EXITED', 'Command exited with code 1', 1)]);
  });

  it('ExecutorRunner ignores a second start report and a start failure once RUNNING', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'process.started' });
    h.send({ type: 'process.startFailed', error: 'late' });
    expect(h.snapshot().value).toBe('RUNNING');
    expect(reported(h)).toEqual(['RUNNING']);
  });
});

describe('ExecutorRunner: kill', () => {
  it('ExecutorRunner killed while RUNNING is KILLED at once, destroys its process and reports KILLED with the exit code once it exits', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'runner.kill' });
    expect(h.snapshot().value).toEqual({ KILLED: 'terminating' });
    expect(h.toProcess).toEqual([{ type: 'process.destroy' }]);
    expect(reported(h)).toEqual(['RUNNING']);
    h.send({ type: 'process.exited', exitCode: 143 });
    expect(h.snapshot().value).toEqual({ KILLED: 'terminated' });
    expect(h.toParent.at(-1)).toEqual(change('KILLED', `Runner thread for executor ${FULL_ID} interrupted`, 143));
    expect(h.snapshot().context.exitCode).toBe(143);
  });

  it('ExecutorRunner killed while LAUNCHING reports only KILLED, with the exit code of the terminated process', () => {
    const h = start();
    h.send({ type: 'runner.kill' });
    expect(h.snapshot().value).toEqual({ KILLED: 'terminating' });
    expect(h.toProcess).toEqual([{ type: 'process.destroy' }]);
    h.send({ type: 'process.started' }); // started after the kill: the destroy already sent ends it
    expect(h.snapshot().value).toEqual({ KILLED: 'terminating' });
    h.send({ type: 'process.exited', exitCode: 143 });
    expect(h.toParent).toEqual([change('KILLED', `Runner thread for executor ${FULL_ID} interrupted`, 143)]);
  });

  it('ExecutorRunner killed while LAUNCHING whose process then fails to start reports FAILED without an exit code (the catch sets FAILED over KILLED)', () => {
    const h = start();
    h.send({ type: 'runner.kill' });
    h.send({ type: 'process.startFailed', error: 'java.io.IOException: error=2' });
    expect(h.snapshot().value).toBe('FAILED');
    expect(h.toParent).toEqual([change('FAILED', 'Error running executor: java.io.IOException: error=2')]);
  });

  it('ExecutorRunner killed while RUNNING ignores a start failure (its process had started, so builder.start() cannot throw) and reports KILLED', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'runner.kill' });
    h.send({ type: 'process.startFailed', error: 'java.io.IOException: error=2' });
    expect(h.snapshot().value).toEqual({ KILLED: 'terminating' });
    h.send({ type: 'process.exited', exitCode: 143 });
    expect(reported(h)).toEqual(['RUNNING', 'KILLED']);
  });

  it('ExecutorRunner ignores a second kill and the shutdown hook while the killed process terminates', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'runner.kill' });
    h.send({ type: 'runner.kill' });
    h.send({ type: 'runner.shutdown' });
    expect(h.toProcess).toEqual([{ type: 'process.destroy' }]);
    expect(h.snapshot().value).toEqual({ KILLED: 'terminating' });
  });

  it('ExecutorRunner reports KILLED once: a late exit report after KILLED was reported is ignored', () => {
    const h = start();
    h.send({ type: 'process.started' });
    h.send({ type: 'runner.kill' });
    h.send({ type: 'process.exited', exitCode: 143 });
    h.send({ type: 'process.exited', exitCode: 0 });
    h.send({ type: 'runner.kill' });
    h.send({ type: 'process.startFailed', error: 'late' });
    expect(reported(h)).toEqual(['RUNNING', 'KILLED']);
    expect(h.toProcess).toEqual([{ type: 'process.destroy' }]);
  });

  it('ExecutorRunner that has EXITED or FAILED takes no more events: a kill arriving after the exit is ignored', () => {
    const exited = start();
    exited.send({ type: 'process.started' });
    exited.send({ type: 'process.exited', exitCode: 1 });
    const failed = start();
    failed.send({ type: 'process.startFailed', error: 'boom' });
    for (const h of [exited, failed]) {
      expect(h.snapshot().status).toBe('done');
      for (const type of ['runner.kill', 'runner.shutdown', 'process.started', 'process.exited', 'process.startFailed']) {
        expect(h.snapshot().can({ type, exitCode: 0, error: '' } as never)).toBe(false);
      }
      expect(h.toProcess).toEqual([]);
    }
  });
});

describe('ExecutorRunner: the worker JVM exits (ExecutorRunnerShutdownHook)', () => {
  it('ExecutorRunner RUNNING or LAUNCHING when the Worker exits becomes FAILED and terminates its process', () => {
    for (const started of [true, false]) {
      const h = start();
      if (started) h.send({ type: 'process.started' });
      const process = h.snapshot().children['process'] as AnyActorRef;
      h.send({ type: 'runner.shutdown' });
      expect(h.snapshot().value).toBe('FAILED');
      expect(h.toProcess).toEqual([{ type: 'process.destroy' }]);
      // The report of "Worker shutting down" would go to a Worker whose JVM is exiting: none is sent.
      expect(reported(h)).toEqual(started ? ['RUNNING'] : []);
      expect(process.getSnapshot().status).toBe('stopped');
    }
  });
});
