/**
 * The executor JVM, as the ExecutorRunner sees it: a process that starts (or fails to start),
 * boots, runs CoarseGrainedExecutorBackend until it exits with a code, and can be destroyed
 * (SIGTERM, exit 143) or crash on its own. Not a Spark class: the stand-in for Process.start,
 * waitFor and destroy in ExecutorRunner.fetchAndRunExecutor / killProcess.
 */
import { assign, enqueueActions, sendParent, setup, stopChild, type AnyActorLogic } from 'xstate';
import { ENDPOINT, endpointAddress, executorProcess } from '../machines/ids.js';
import type { ApplicationDescription, ProcessExited } from '../machines/protocol.js';
import { closeConnections, networkOf } from '../machines/rpc.js';
import type { ResolvedConf } from '../machines/conf.js';

/** What the ExecutorRunner passes when it starts the process. */
export interface ExecutorProcessInput {
  appId: string;
  execId: number;
  cores: number;
  memory: number;
  host: string;
  workerId: string;
  appDesc: ApplicationDescription;
}

/** What the runtime supplies: fault decisions and per-executor draws, all deterministic. */
export interface ExecutorProcessEnvironment {
  /** The error of a launch failure armed for this worker, consumed by this launch; undefined = starts. */
  takeLaunchFailure(workerId: string): string | undefined;
  /** A slow start armed for this worker (ms until builder.start() returns), consumed by this launch; undefined = at once. */
  takeLaunchDelay(workerId: string): number | undefined;
  /** The application's resolved conf, by its driver URL. */
  appConf(driverUrl: string): ResolvedConf;
  /** The Executor heartbeater's initial-delay draw in [0, 1). */
  heartbeatJitter(appId: string, execId: number): number;
  /** Time from process start to the backend's first message (JVM start-up). */
  jvmStartupMs: number;
  /** The application's CoarseGrainedExecutorBackend logic (its TaskRunner and task-work stand-ins provided). */
  executorBackendFor(driverUrl: string): AnyActorLogic;
}

/** Exit code of a JVM terminated by SIGTERM (128 + 15), as Utils.terminateProcess leaves it. */
export const SIGTERM_EXIT_CODE = 143;

type ProcessEvent = { type: 'process.destroy' } | { type: 'fault.crash'; exitCode: number } | { type: 'xstate.done.actor.backend'; output: { exitCode: number } };

export function createExecutorProcess(env: ExecutorProcessEnvironment) {
  return setup({
    types: {
      input: {} as ExecutorProcessInput,
      context: {} as ExecutorProcessInput & { exitCode: number | undefined; launchError: string | undefined; launchDelayMs: number | undefined },
      events: {} as ProcessEvent,
    },
    delays: { jvmStartup: env.jvmStartupMs, launchDelay: ({ context }) => context.launchDelayMs ?? 0 },
    actions: {
      reportStartFailed: sendParent(({ context }) => ({ type: 'process.startFailed', error: context.launchError! })),
      reportExit: sendParent(({ context }): ProcessExited => ({ type: 'process.exited', exitCode: context.exitCode ?? 0 })),
      closeConnections: enqueueActions(({ context, enqueue, system }) => {
        enqueue.sendTo(networkOf(system), closeConnections(executorProcess(context.appId, context.execId)));
      }),
    },
  }).createMachine({
    id: 'executorProcess',
    context: ({ input }) => ({ ...input, exitCode: undefined, launchError: env.takeLaunchFailure(input.workerId), launchDelayMs: env.takeLaunchDelay(input.workerId) }),
    initial: 'starting',
    states: {
      starting: {
        always: [
          { guard: ({ context }) => context.launchDelayMs !== undefined, target: 'slowStart' },
          {
            guard: ({ context }) => context.launchError !== undefined,
            target: 'failedToStart',
            actions: 'reportStartFailed',
          },
          { target: 'booting', actions: sendParent({ type: 'process.started' }) },
        ],
      },
      slowStart: {
        description: 'builder.start() has not returned yet (an executor-launch-delay fault): the runner stays LAUNCHING.',
        after: {
          launchDelay: [
            { guard: ({ context }) => context.launchError !== undefined, target: 'failedToStart', actions: 'reportStartFailed' },
            { target: 'booting', actions: sendParent({ type: 'process.started' }) },
          ],
        },
        on: {
          // Destroyed before the start returned: a start that was going to throw throws; otherwise it returns a Process, which the destroy ends.
          'process.destroy': [
            { guard: ({ context }) => context.launchError !== undefined, target: 'failedToStart', actions: 'reportStartFailed' },
            { target: 'exited', actions: [sendParent({ type: 'process.started' }), assign({ exitCode: SIGTERM_EXIT_CODE })] },
          ],
          // The JVM dies at once: its start was never seen, its exit is.
          'fault.crash': { target: 'exited', actions: assign({ exitCode: ({ event }) => event.exitCode }) },
        },
      },
      booting: {
        after: { jvmStartup: 'running' },
        on: {
          'process.destroy': { target: 'exited', actions: assign({ exitCode: SIGTERM_EXIT_CODE }) },
          'fault.crash': { target: 'exited', actions: assign({ exitCode: ({ event }) => event.exitCode }) },
        },
      },
      running: {
        description: 'The JVM runs CoarseGrainedExecutorBackend, reachable at its endpoint address, until it exits.',
        entry: enqueueActions(({ context, enqueue }) => {
          const address = endpointAddress(executorProcess(context.appId, context.execId), ENDPOINT.Executor);
          // The backend logic depends on the application, so it is spawned from a logic object; XState
          // supports an explicit id for that at run time, its typings only for named actor slots.
          const spawn = enqueue.spawnChild as (src: AnyActorLogic, options: { id: string; systemId: string; input: unknown }) => void;
          spawn(env.executorBackendFor(context.appDesc.driverUrl), {
            id: 'backend',
            systemId: address,
            input: {
              address,
              executorId: String(context.execId),
              appId: context.appId,
              hostname: context.host,
              cores: context.cores,
              driverUrl: context.appDesc.driverUrl,
              conf: env.appConf(context.appDesc.driverUrl),
              heartbeatJitter: env.heartbeatJitter(context.appId, context.execId),
            },
          });
        }),
        exit: stopChild('backend'),
        on: {
          'xstate.done.actor.backend': { target: 'exited', actions: assign({ exitCode: ({ event }) => event.output.exitCode }) },
          'process.destroy': { target: 'exited', actions: assign({ exitCode: SIGTERM_EXIT_CODE }) },
          'fault.crash': { target: 'exited', actions: assign({ exitCode: ({ event }) => event.exitCode }) },
        },
      },
      // Terminal but not final: the runner owns this actor's lifetime and stops it; a final state
      // would send a done event to a runner that has already finished.
      failedToStart: {},
      exited: { entry: ['closeConnections', 'reportExit'] },
    },
  });
}
