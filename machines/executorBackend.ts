/**
 * CoarseGrainedExecutorBackend with the Executor it creates and the Executor's heartbeater:
 * registers with the driver, runs TaskRunners, reports their status, heartbeats, and exits with
 * Spark's exit codes. Models core/.../spark/executor/CoarseGrainedExecutorBackend.scala,
 * Executor.scala (launchTask, killTask, reportHeartBeat) and Heartbeater.scala;
 * shared/spark-semantics.md sections 2.1-2.3. The machine's output is the JVM's exit code.
 */
import { assign, enqueueActions, raise, setup, spawnChild, type AnyActorRef } from 'xstate';
import { num, type ResolvedConf } from './conf.js';
import { nowOf } from './clock.js';
import { ENDPOINT, processOf, siblingAddress } from './ids.js';
import type {
  Address, ExecutorReportHeartBeat, HeartbeatResponse, KillTask, LaunchTask, OnDisconnected, RegisteredExecutor, RegisterExecutorFailed,
  Shutdown, StopExecutor, TaskRunnerStatusUpdate,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { isTaskFinished } from './states.js';
import { taskRunnerMachine } from './task.js';
import { tickerPlaceholder } from './ticker.js';

/** Executor.KILL_MARK_TTL_MS: a KillTask that arrives before its LaunchTask is remembered this long. */
export const KILL_MARK_TTL_MS = 10_000;
/** Bound on remembered kill marks. */
export const MAX_KILL_MARKS = 10_000;
/** ExecutorExitCode.HEARTBEAT_FAILURE. */
export const HEARTBEAT_FAILURE_EXIT_CODE = 56;

export interface ExecutorBackendInput {
  address: Address;
  executorId: string;
  appId: string;
  hostname: string;
  cores: number;
  /** The driver's CoarseGrainedScheduler. */
  driverUrl: Address;
  conf: ResolvedConf;
  /** Heartbeater's initial-delay draw in [0, 1): first heartbeat after interval x (1 + jitter). */
  heartbeatJitter: number;
}

export interface ExecutorBackendContext {
  address: Address;
  executorId: string;
  hostname: string;
  cores: number;
  driverUrl: Address;
  heartbeatIntervalMs: number;
  heartbeatMaxFailures: number;
  heartbeatJitter: number;
  heartbeatFailures: number;
  /** The last Heartbeat got no HeartbeatResponse yet. */
  awaitingHeartbeatResponse: boolean;
  /** Running task ids and their cpus (Executor.runningTasks). */
  runningTasks: Record<number, number>;
  /** KillTask marks for tasks not launched yet: task id -> reason and time. */
  killMarks: Record<number, { reason: string; atMs: number }>;
  exitCode: number | undefined;
  exitReason: string | undefined;
}

export type ExecutorBackendEvent =
  | RegisteredExecutor | RegisterExecutorFailed | LaunchTask | KillTask | StopExecutor | Shutdown | OnDisconnected
  | ExecutorReportHeartBeat | HeartbeatResponse | TaskRunnerStatusUpdate;

export const executorBackendMachine = setup({
  types: {
    input: {} as ExecutorBackendInput,
    context: {} as ExecutorBackendContext,
    events: {} as ExecutorBackendEvent,
    output: {} as { exitCode: number; reason: string },
  },
  actors: { ticker: tickerPlaceholder, taskRunner: taskRunnerMachine },
  guards: {
    fromDriver: ({ context, event }) => event.type === 'onDisconnected' && processOf(event.remoteAddress) === processOf(context.driverUrl),
    heartbeatsExhausted: ({ context }) => context.awaitingHeartbeatResponse && context.heartbeatFailures + 1 >= context.heartbeatMaxFailures,
  },
  actions: {
    /** Records the JVM's exit code and reason; the transition goes to `exited`. */
    exitWith: assign((_, params: { code: number; reason: string }) => ({ exitCode: params.code, exitReason: params.reason })),
    /** exitExecutor(code, reason, notifyDriver = true): RemoveExecutor(id, ExecutorLossReason(reason)) to the driver. */
    notifyDriverOfExit: enqueueActions(({ context, enqueue, system }, params: { reason: string }) => {
      enqueue.sendTo(networkOf(system), rpc(context.address, context.driverUrl, { type: 'RemoveExecutor', executorId: context.executorId, reason: { kind: 'ExecutorLossReason', message: params.reason } }));
    }),
  },
}).createMachine({
  id: 'CoarseGrainedExecutorBackend',
  context: ({ input }) => ({
    address: input.address,
    executorId: input.executorId,
    hostname: input.hostname,
    cores: input.cores,
    driverUrl: input.driverUrl,
    heartbeatIntervalMs: num(input.conf, 'spark.executor.heartbeatInterval'),
    heartbeatMaxFailures: num(input.conf, 'spark.executor.heartbeat.maxFailures'),
    heartbeatJitter: input.heartbeatJitter,
    heartbeatFailures: 0,
    awaitingHeartbeatResponse: false,
    runningTasks: {},
    killMarks: {},
    exitCode: undefined,
    exitReason: undefined,
  }),
  initial: 'registering',
  states: {
    registering: {
      description: 'onStart: RegisterExecutor ask to the driver.',
      entry: enqueueActions(({ context, enqueue, system }) => {
        enqueue.sendTo(networkOf(system), rpc(context.address, context.driverUrl, {
          type: 'RegisterExecutor', executorId: context.executorId, executorRef: context.address, hostname: context.hostname, cores: context.cores, logUrls: {}, resourceProfileId: 0,
        }));
      }),
      on: {
        RegisteredExecutor: {
          target: 'running',
          description: 'The ask succeeded: create the Executor (its heartbeater starts), then LaunchedExecutor to the driver.',
          actions: [
            spawnChild('ticker', {
              id: 'Heartbeater',
              input: ({ context }: { context: ExecutorBackendContext }) => ({
                event: { type: 'executor.reportHeartBeat' },
                // Heartbeater: initialDelay = intervalMs + (random * intervalMs).asInstanceOf[Int].
                initialDelayMs: context.heartbeatIntervalMs + Math.floor(context.heartbeatJitter * context.heartbeatIntervalMs),
                periodMs: context.heartbeatIntervalMs,
              }),
            }),
            enqueueActions(({ context, enqueue, system }) => {
              enqueue.sendTo(networkOf(system), rpc(context.address, context.driverUrl, { type: 'LaunchedExecutor', executorId: context.executorId }));
            }),
          ],
        },
        RegisterExecutorFailed: {
          target: 'exited',
          description: 'The ask failed (duplicate id, excluded host): exitExecutor(1, "Cannot register with driver", notifyDriver = false).',
          actions: { type: 'exitWith', params: { code: 1, reason: 'Cannot register with driver' } },
        },
        LaunchTask: {
          target: 'exited',
          description: 'exitExecutor(1, "Received LaunchTask command but executor was null").',
          actions: [{ type: 'exitWith', params: { code: 1, reason: 'Received LaunchTask command but executor was null' } }, { type: 'notifyDriverOfExit', params: { reason: 'Received LaunchTask command but executor was null' } }],
        },
        StopExecutor: { target: 'stopping' },
        Shutdown: { target: 'exited', description: 'No Executor yet: System.exit(1).', actions: { type: 'exitWith', params: { code: 1, reason: 'Shutdown before the executor was created' } } },
        onDisconnected: {
          guard: 'fromDriver',
          target: 'exited',
          actions: { type: 'exitWith', params: { code: 1, reason: 'Driver disassociated! Shutting down.' } },
        },
      },
    },
    running: {
      description: 'The Executor runs tasks and heartbeats to the HeartbeatReceiver.',
      on: {
        LaunchTask: {
          description: 'Executor.launchTask: a TaskRunner per attempt; a kill mark younger than 10 s kills it at once.',
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            const task = event.data;
            const id = `task-${task.taskId}`;
            enqueue.spawnChild('taskRunner', { id, input: { taskDescription: task } });
            const mark = context.killMarks[task.taskId];
            const { [task.taskId]: _used, ...marks } = context.killMarks;
            enqueue.assign({ runningTasks: { ...context.runningTasks, [task.taskId]: task.cpus }, killMarks: marks });
            if (mark && nowOf(system) - mark.atMs <= KILL_MARK_TTL_MS) enqueue.sendTo(id, { type: 'taskRunner.kill', interruptThread: true, reason: mark.reason });
          }),
        },
        'taskRunner.statusUpdate': {
          description: 'statusUpdate: StatusUpdate(executorId, taskId, state, data, taskCpus) to the driver; a finished TaskRunner is removed.',
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            const cpus = context.runningTasks[event.taskId];
            if (cpus === undefined) return;
            enqueue.sendTo(networkOf(system), rpc(context.address, context.driverUrl, { type: 'StatusUpdate', executorId: context.executorId, taskId: event.taskId, state: event.state, data: event.data, taskCpus: cpus }));
            if (!isTaskFinished(event.state)) return;
            const { [event.taskId]: _done, ...rest } = context.runningTasks;
            enqueue.stopChild(`task-${event.taskId}`);
            enqueue.assign({ runningTasks: rest });
          }),
        },
        KillTask: {
          description: 'Executor.killTask: kill the running TaskRunner, or remember a kill mark for a task not launched yet.',
          actions: enqueueActions(({ context, event, enqueue, system, self }) => {
            const runner = self.getSnapshot().children[`task-${event.taskId}`] as AnyActorRef | undefined;
            if (runner) {
              enqueue.sendTo(runner, { type: 'taskRunner.kill', interruptThread: event.interruptThread, reason: event.reason });
              return;
            }
            const now = nowOf(system);
            const live = Object.entries(context.killMarks).filter(([, m]) => now - m.atMs <= KILL_MARK_TTL_MS).slice(-(MAX_KILL_MARKS - 1));
            enqueue.assign({ killMarks: { ...Object.fromEntries(live), [event.taskId]: { reason: event.reason, atMs: now } } });
          }),
        },
        'executor.reportHeartBeat': [
          {
            guard: 'heartbeatsExhausted',
            target: 'exited',
            description: '"Exit as unable to send heartbeats to driver more than 60 times": System.exit(56), no RemoveExecutor.',
            actions: enqueueActions(({ context, enqueue }) => {
              enqueue.assign({ heartbeatFailures: context.heartbeatFailures + 1 });
              enqueue({ type: 'exitWith', params: { code: HEARTBEAT_FAILURE_EXIT_CODE, reason: `Exit as unable to send heartbeats to driver more than ${context.heartbeatMaxFailures} times` } });
            }),
          },
          {
            description: 'reportHeartBeat: an ask with timeout = the interval, so an unanswered previous heartbeat counts as one failure.',
            actions: enqueueActions(({ context, enqueue, system }) => {
              enqueue.assign({ heartbeatFailures: context.heartbeatFailures + (context.awaitingHeartbeatResponse ? 1 : 0), awaitingHeartbeatResponse: true });
              enqueue.sendTo(networkOf(system), rpc(context.address, siblingAddress(context.driverUrl, ENDPOINT.HeartbeatReceiver), {
                type: 'Heartbeat', executorId: context.executorId, accumUpdates: Object.keys(context.runningTasks).map((id) => [Number(id), 0] as [number, number]),
                blockManagerId: { executorId: context.executorId, host: context.hostname, port: 7079 }, replyTo: context.address,
              }));
            }),
          },
        ],
        HeartbeatResponse: {
          description: 'A reply resets heartbeatFailures (reregisterBlockManager: the block manager is not modelled yet).',
          actions: assign({ heartbeatFailures: 0, awaitingHeartbeatResponse: false }),
        },
        StopExecutor: { target: 'stopping' },
        Shutdown: { target: 'exited', actions: { type: 'exitWith', params: { code: 0, reason: 'Executor stopped' } } },
        onDisconnected: {
          guard: 'fromDriver',
          target: 'exited',
          description: 'exitExecutor(1, "Driver disassociated! Shutting down.", notifyDriver = false).',
          actions: { type: 'exitWith', params: { code: 1, reason: 'Driver disassociated! Shutting down.' } },
        },
      },
    },
    stopping: {
      description: 'StopExecutor: stopping = true and Shutdown to itself (so the ack goes out first).',
      entry: raise({ type: 'Shutdown' }),
      on: {
        Shutdown: {
          target: 'exited',
          description: 'executor.stop() (heartbeater and tasks stop); the JVM exits 0 (1 if no Executor was created).',
          actions: enqueueActions(({ enqueue, self }) => {
            const created = Boolean(self.getSnapshot().children['Heartbeater']);
            enqueue({ type: 'exitWith', params: { code: created ? 0 : 1, reason: created ? 'Executor stopped' : 'Shutdown before the executor was created' } });
          }),
        },
        onDisconnected: { description: 'Stopping: "Driver disconnected" is only logged.' },
      },
    },
    exited: { type: 'final', description: 'The JVM exited (exitExecutor / System.exit).' },
  },
  output: ({ context }) => ({ exitCode: context.exitCode ?? 0, reason: context.exitReason ?? '' }),
});
