/**
 * ExecutorRunner: runs one executor process for the Worker and reports its state changes.
 *
 * Models core/src/main/scala/org/apache/spark/deploy/worker/ExecutorRunner.scala
 * (shared/spark-semantics.md section 5.5). The process itself is an effect: a child spawned from
 * the `executorProcess` slot (the runtime provides a stand-in JVM) that reports process.started,
 * process.startFailed or process.exited, and is sent process.destroy.
 *
 * Per executor the Worker forwards to the Master: RUNNING, then exactly one of EXITED (with the
 * exit code), KILLED (with the terminated process's exit code) or FAILED; or only FAILED when the
 * process could not be started.
 */
import { assign, enqueueActions, sendParent, sendTo, setup, spawnChild, fromCallback, type AnyActorLogic, type EventObject } from 'xstate';
import type { Address, ApplicationDescription, ExecutorStateChanged, ProcessExited, ProcessStartFailed, ProcessStarted, RunnerKill } from './protocol.js';
import type { ExecutorState } from './states.js';

export interface ExecutorRunnerInput {
  appId: string;
  execId: number;
  appDesc: ApplicationDescription;
  cores: number;
  memory: number;
  workerId: string;
  host: string;
  workerAddress: Address;
}

export interface ExecutorRunnerContext extends ExecutorRunnerInput {
  exitCode: number | undefined;
}

export type ExecutorRunnerEvent = RunnerKill | ProcessStarted | ProcessStartFailed | ProcessExited;

/** Placeholder for the executor process; the runtime provides the stand-in JVM (actors/executorProcess.ts). */
export const executorProcessPlaceholder: AnyActorLogic = fromCallback<EventObject, Omit<ExecutorRunnerInput, 'workerAddress'>>(() => undefined);

const fullId = (c: ExecutorRunnerInput) => `${c.appId}/${c.execId}`;

function stateChanged(context: ExecutorRunnerContext, state: ExecutorState, message?: string, exitStatus?: number): ExecutorStateChanged {
  return {
    type: 'ExecutorStateChanged', appId: context.appId, execId: context.execId, state,
    ...(message !== undefined ? { message } : {}),
    ...(exitStatus !== undefined ? { exitStatus } : {}),
  };
}

export const executorRunnerMachine = setup({
  types: {
    input: {} as ExecutorRunnerInput,
    context: {} as ExecutorRunnerContext,
    events: {} as ExecutorRunnerEvent,
    output: {} as { exitCode: number | undefined },
  },
  actors: { executorProcess: executorProcessPlaceholder },
  actions: {
    destroyProcess: sendTo('process', { type: 'process.destroy' }),
    /** state = EXITED; ExecutorStateChanged(EXITED, "Command exited with code N", N). */
    reportExited: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'process.exited') return;
      enqueue.assign({ exitCode: event.exitCode });
      enqueue.sendParent(stateChanged(context, 'EXITED', `Command exited with code ${event.exitCode}`, event.exitCode));
    }),
  },
}).createMachine({
  id: 'ExecutorRunner',
  context: ({ input }) => ({ ...input, exitCode: undefined }),
  initial: 'LAUNCHING',
  states: {
    LAUNCHING: {
      description: 'fetchAndRunExecutor: build the command and start the process (ExecutorRunner.start).',
      entry: spawnChild('executorProcess', {
        id: 'process',
        input: ({ context }: { context: ExecutorRunnerContext }) => ({ appId: context.appId, execId: context.execId, cores: context.cores, memory: context.memory, host: context.host, workerId: context.workerId, appDesc: context.appDesc }),
      }),
      on: {
        'process.started': {
          target: 'RUNNING',
          description: 'The process started: state = RUNNING and ExecutorStateChanged(RUNNING) to the Worker.',
          actions: sendParent(({ context }) => stateChanged(context, 'RUNNING')),
        },
        'process.startFailed': {
          target: 'FAILED',
          description: 'Any exception while starting: state = FAILED; killProcess("Error running executor: " + e) with no process, so no exit code.',
          actions: sendParent(({ context, event }) => stateChanged(context, 'FAILED', `Error running executor: ${event.error}`)),
        },
        'process.exited': {
          target: 'EXITED',
          description: 'waitFor returned before the runner reported RUNNING: the process exited.',
          actions: 'reportExited',
        },
        'runner.kill': { target: 'KILLED', actions: 'destroyProcess' },
      },
    },
    RUNNING: {
      description: 'The executor process runs; the runner thread waits for it (process.waitFor()).',
      on: {
        'process.exited': {
          target: 'EXITED',
          description: 'waitFor returned: state = EXITED, ExecutorStateChanged(EXITED, "Command exited with code N", N).',
          actions: 'reportExited',
        },
        'runner.kill': {
          target: 'KILLED',
          description: 'kill(): interrupt the runner thread and set state = KILLED; the interrupted thread kills the process.',
          actions: 'destroyProcess',
        },
      },
    },
    KILLED: {
      description: 'killProcess: terminate the process (SIGTERM, then SIGKILL after 10 s) and report KILLED with its exit code.',
      initial: 'terminating',
      states: {
        terminating: {
          on: {
            'process.exited': {
              target: 'terminated',
              actions: [
                assign({ exitCode: ({ event }) => event.exitCode }),
                sendParent(({ context, event }) => stateChanged(context, 'KILLED', `Runner thread for executor ${fullId(context)} interrupted`, event.exitCode)),
              ],
            },
            'process.started': { description: 'Started after the kill: the destroy already sent terminates it.' },
          },
        },
        terminated: { type: 'final', description: 'Reported; the Worker stops this runner.' },
      },
    },
    EXITED: { type: 'final', description: 'The process exited on its own; reported with its exit code.' },
    FAILED: { type: 'final', description: 'The process could not be started (or the runner failed); reported FAILED.' },
  },
  output: ({ context }) => ({ exitCode: context.exitCode }),
});
