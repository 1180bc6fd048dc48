/**
 * ExecutorRunner: runs one executor process for the Worker and reports its state changes.
 *
 * Models core/src/main/scala/org/apache/spark/deploy/worker/ExecutorRunner.scala
 * (shared/spark-semantics.md section 5.5), Spark 3.5/4.x. The state values are Spark's
 * ExecutorState values: the Worker creates the runner LAUNCHING; RUNNING, EXITED, KILLED and
 * FAILED are what the runner thread and kill() set. LOST is never set by an ExecutorRunner (only
 * the Master sets it, when it removes a worker), so it is not a state here.
 *
 * The process is an effect: a child spawned from the `executorProcess` slot (the runtime provides
 * a stand-in JVM, actors/executorProcess.ts) that reports process.started (builder.start()
 * returned), process.startFailed (it threw) or process.exited (waitFor() returned), and is sent
 * process.destroy (Utils.terminateProcess: SIGTERM, then SIGKILL after 10 s).
 *
 * What the Worker hears per executor (ExecutorStateChanged, sent with worker.send): RUNNING, then
 * exactly one of EXITED (with the exit code), KILLED (with the terminated process's exit code) or
 * FAILED; or only FAILED when the process could not be started.
 */
import { assign, enqueueActions, fromCallback, sendParent, sendTo, setup, spawnChild, type AnyActorLogic, type EventObject } from 'xstate';
import type {
  Address, ApplicationDescription, ExecutorStateChanged, ProcessExited, ProcessStartFailed, ProcessStarted, RunnerKill, RunnerShutdown,
} from './protocol.js';
import type { ExecutorState } from './states.js';

export interface ExecutorRunnerInput {
  appId: string;
  execId: number;
  appDesc: ApplicationDescription;
  cores: number;
  /** MiB. */
  memory: number;
  workerId: string;
  host: string;
  workerAddress: Address;
}

export interface ExecutorRunnerContext extends ExecutorRunnerInput {
  /** The exit code of the process once it has exited (process.waitFor() or Utils.terminateProcess). */
  exitCode: number | undefined;
  /** builder.start() returned (process.started seen): a start failure can no longer follow, even after a kill. */
  processStarted: boolean;
}

export type ExecutorRunnerEvent = RunnerKill | RunnerShutdown | ProcessStarted | ProcessStartFailed | ProcessExited;

/** What a finished runner ends with: its final ExecutorState and, when the process exited, its code. */
export interface ExecutorRunnerOutput {
  state: ExecutorState;
  exitCode?: number;
}

/** What the runner passes to the process it starts (the command's placeholders in Spark). */
export type ExecutorProcessInput = Omit<ExecutorRunnerInput, 'workerAddress'>;

/** Placeholder for the executor process; the runtime provides the stand-in JVM (actors/executorProcess.ts). */
export const executorProcessPlaceholder: AnyActorLogic = fromCallback<EventObject, ExecutorProcessInput>(() => undefined);

/** ExecutorRunner.fullId. */
const fullId = (c: ExecutorRunnerInput) => `${c.appId}/${c.execId}`;

/** ExecutorStateChanged(appId, execId, state, message, exitStatus); None fields are left out. */
function stateChanged(context: ExecutorRunnerInput, state: ExecutorState, message?: string, exitStatus?: number): ExecutorStateChanged {
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
    output: {} as ExecutorRunnerOutput,
  },
  actors: { executorProcess: executorProcessPlaceholder },
  guards: {
    processNotStarted: ({ context }) => !context.processStarted,
  },
  actions: {
    markStarted: assign({ processStarted: true }),
    /** Utils.terminateProcess(process, EXECUTOR_TERMINATE_TIMEOUT_MS): the process stand-in exits and reports its code. */
    destroyProcess: sendTo('process', { type: 'process.destroy' }),
    /** state = RUNNING; worker.send(ExecutorStateChanged(appId, execId, RUNNING, None, None)). */
    reportRunning: sendParent(({ context }) => stateChanged(context, 'RUNNING')),
    /** state = EXITED; worker.send(ExecutorStateChanged(..., EXITED, Some("Command exited with code " + exitCode), Some(exitCode))). */
    reportExited: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'process.exited') return;
      enqueue.assign({ exitCode: event.exitCode });
      enqueue.sendParent(stateChanged(context, 'EXITED', `Command exited with code ${event.exitCode}`, event.exitCode));
    }),
    /** catch (e: Exception): state = FAILED; killProcess("Error running executor: " + e) with no process, so no exit code. */
    reportStartFailed: sendParent(({ context, event }) =>
      stateChanged(context, 'FAILED', `Error running executor: ${event.type === 'process.startFailed' ? event.error : ''}`)),
    /** catch (InterruptedException): state = KILLED; killProcess("Runner thread for executor <fullId> interrupted") with the exit code. */
    reportKilled: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'process.exited') return;
      enqueue.assign({ exitCode: event.exitCode });
      enqueue.sendParent(stateChanged(context, 'KILLED', `Runner thread for executor ${fullId(context)} interrupted`, event.exitCode));
    }),
  },
}).createMachine({
  id: 'ExecutorRunner',
  context: ({ input }) => ({ ...input, exitCode: undefined, processStarted: false }),
  initial: 'LAUNCHING',
  states: {
    LAUNCHING: {
      description: 'start(): the runner thread runs fetchAndRunExecutor, which builds the command and starts the process (ExecutorRunner.scala).',
      entry: spawnChild('executorProcess', {
        id: 'process',
        input: ({ context }: { context: ExecutorRunnerContext }): ExecutorProcessInput => ({
          appId: context.appId, execId: context.execId, cores: context.cores, memory: context.memory,
          host: context.host, workerId: context.workerId, appDesc: context.appDesc,
        }),
      }),
      on: {
        'process.started': {
          target: 'RUNNING',
          description: 'builder.start() returned: state = RUNNING and ExecutorStateChanged(RUNNING) to the Worker, right away.',
          actions: ['markStarted', 'reportRunning'],
        },
        'process.startFailed': {
          target: 'FAILED',
          description: 'builder.start() threw: state = FAILED; killProcess("Error running executor: " + e) sends FAILED with no exit code (no process).',
          actions: 'reportStartFailed',
        },
        'process.exited': {
          target: 'EXITED',
          description:
            'The process died before its start was seen. In Spark builder.start() returns a Process and the thread reports RUNNING ' +
            'before it calls waitFor(), so a process that dies at once still reports RUNNING, then EXITED with its code.',
          actions: ['markStarted', 'reportRunning', 'reportExited'],
        },
        'runner.kill': {
          target: 'KILLED',
          description: 'kill(): interrupt the runner thread, state = KILLED at once (and remove the shutdown hook); the thread terminates the process.',
          actions: 'destroyProcess',
        },
        'runner.shutdown': {
          target: 'FAILED',
          description: 'ExecutorRunnerShutdownHook: LAUNCHING -> state = FAILED; killProcess("Worker shutting down"). Its report goes to a Worker whose JVM is exiting.',
          actions: 'destroyProcess',
        },
      },
    },
    RUNNING: {
      description: 'The executor process runs; the runner thread blocks in process.waitFor().',
      on: {
        'process.exited': {
          target: 'EXITED',
          description: 'waitFor() returned: state = EXITED, ExecutorStateChanged(EXITED, "Command exited with code N", N). 0 when the driver stopped it.',
          actions: 'reportExited',
        },
        'runner.kill': {
          target: 'KILLED',
          description: 'kill(): state = KILLED at once; the interrupted waitFor() throws and the thread terminates the process.',
          actions: 'destroyProcess',
        },
        'runner.shutdown': {
          target: 'FAILED',
          description: 'ExecutorRunnerShutdownHook: RUNNING -> state = FAILED; killProcess("Worker shutting down"). Its report goes to a Worker whose JVM is exiting.',
          actions: 'destroyProcess',
        },
        'process.started': { description: 'A process starts once: a second start report cannot come from Process; ignored.' },
        'process.startFailed': { description: 'The process already started; a start failure cannot follow. Ignored.' },
      },
    },
    KILLED: {
      description: 'Set by kill(). The interrupted thread runs killProcess: it terminates the process and reports KILLED with the exit code.',
      initial: 'terminating',
      states: {
        terminating: {
          description: 'Utils.terminateProcess: destroy() was sent; waiting for the process to exit (SIGKILL after 10 s is the process\'s part).',
          on: {
            'process.exited': {
              target: 'terminated',
              description: 'killProcess: ExecutorStateChanged(KILLED, "Runner thread for executor <appId>/<execId> interrupted", exit code).',
              actions: 'reportKilled',
            },
            'process.startFailed': [{
              guard: 'processNotStarted',
              target: '#ExecutorRunner.FAILED',
              description:
                'Killed before the process started, and the start threw: the catch (e: Exception) sets state = FAILED over KILLED and ' +
                'killProcess("Error running executor: " + e) reports FAILED with no exit code.',
              actions: 'reportStartFailed',
            }, {
              description: 'Killed while RUNNING: the process had started, so builder.start() cannot throw any more; ignored (found by the model-based walk).',
            }],
            'process.started': { description: 'Started after the kill: the destroy already sent terminates it; its exit is reported as KILLED.', actions: 'markStarted' },
            'runner.kill': { description: 'kill() again: workerThread is null after the first kill, so nothing happens.' },
            'runner.shutdown': { description: 'kill() removed the shutdown hook: nothing happens.' },
          },
        },
        terminated: {
          type: 'final',
          description:
            'KILLED reported; the Worker stops this runner. (XState cannot complete a machine inside a compound state, so the ' +
            'runner stays active here until the Worker stops it; it ignores every event.)',
        },
      },
    },
    EXITED: {
      type: 'final',
      description: 'The process exited on its own; EXITED was reported with its exit code.',
      output: ({ context }): ExecutorRunnerOutput => ({ state: 'EXITED', ...(context.exitCode !== undefined ? { exitCode: context.exitCode } : {}) }),
    },
    FAILED: {
      type: 'final',
      description: 'The process could not be started (reported FAILED), or the Worker JVM is exiting (shutdown hook).',
      output: (): ExecutorRunnerOutput => ({ state: 'FAILED' }),
    },
  },
  // The machine's output is the output of the final state it reached: XState hands it over in the done-state event.
  output: ({ event }) => (event as unknown as { output: ExecutorRunnerOutput }).output,
});
