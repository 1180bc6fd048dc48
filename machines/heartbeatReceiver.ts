/**
 * HeartbeatReceiver (driver endpoint "HeartbeatReceiver"): tracks when each executor was last
 * heard from, answers heartbeats, and every spark.network.timeoutInterval expires executors silent
 * for longer than the executor timeout: kill-and-replace plus RemoveExecutor(ExecutorProcessLost).
 * Models core/src/main/scala/org/apache/spark/HeartbeatReceiver.scala (Spark 3.5/4.x);
 * shared/spark-semantics.md section 1.
 */
import { assign, enqueueActions, setup, spawnChild, type AnyActorRef } from 'xstate';
import { num, optNum, type ResolvedConf } from './conf.js';
import { nowOf } from './clock.js';
import { ENDPOINT, siblingAddress } from './ids.js';
import type { Address, ExecutorRegistered, ExecutorRemoved, ExpireDeadHosts, Heartbeat, HeartbeatReceiverStop, TaskSchedulerIsSet } from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { tickerPlaceholder } from './ticker.js';

export interface HeartbeatReceiverInput { address: Address; conf: ResolvedConf }

export interface HeartbeatReceiverContext {
  address: Address;
  executorTimeoutMs: number;
  checkTimeoutIntervalMs: number;
  /** TaskSchedulerIsSet was processed (Spark: scheduler != null). */
  schedulerSet: boolean;
  executorLastSeen: Record<string, number>;
  /** Why SparkContext would fail to start with this configuration. */
  configError: string | undefined;
}

export type HeartbeatReceiverEvent = TaskSchedulerIsSet | ExecutorRegistered | ExecutorRemoved | Heartbeat | ExpireDeadHosts | HeartbeatReceiverStop;

/** The executor timeout: spark.storage.blockManagerHeartbeatTimeoutMs if set, else spark.network.timeout. */
export function executorTimeoutMs(conf: ResolvedConf): number {
  return optNum(conf, 'spark.storage.blockManagerHeartbeatTimeoutMs') ?? num(conf, 'spark.network.timeout');
}

/** HeartbeatReceiver's constructor checks (IllegalArgumentException: SparkContext does not start). */
export function validateHeartbeatConf(conf: ResolvedConf): string | undefined {
  const timeout = executorTimeoutMs(conf);
  const timeoutKey = optNum(conf, 'spark.storage.blockManagerHeartbeatTimeoutMs') !== undefined ? 'spark.storage.blockManagerHeartbeatTimeoutMs' : 'spark.network.timeout';
  if (num(conf, 'spark.network.timeoutInterval') > timeout) return `spark.network.timeoutInterval should be less than or equal to ${timeoutKey}.`;
  if (num(conf, 'spark.executor.heartbeatInterval') > timeout) return `spark.executor.heartbeatInterval should be less than or equal to ${timeoutKey}.`;
  return undefined;
}

const byExecutorId = (a: string, b: string) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

export const heartbeatReceiverMachine = setup({
  types: {
    input: {} as HeartbeatReceiverInput,
    context: {} as HeartbeatReceiverContext,
    events: {} as HeartbeatReceiverEvent,
  },
  actors: { ticker: tickerPlaceholder },
  guards: { invalidConf: ({ context }) => context.configError !== undefined },
}).createMachine({
  id: 'HeartbeatReceiver',
  context: ({ input }) => ({
    address: input.address,
    executorTimeoutMs: executorTimeoutMs(input.conf),
    checkTimeoutIntervalMs: num(input.conf, 'spark.network.timeoutInterval'),
    schedulerSet: false,
    executorLastSeen: {},
    configError: validateHeartbeatConf(input.conf),
  }),
  initial: 'starting',
  states: {
    starting: {
      always: [
        { guard: 'invalidConf', target: 'failed' },
        {
          target: 'running',
          actions: spawnChild('ticker', {
            id: 'ExpireDeadHosts',
            input: ({ context }: { context: HeartbeatReceiverContext }) => ({ event: { type: 'ExpireDeadHosts' }, initialDelayMs: 0, periodMs: context.checkTimeoutIntervalMs }),
          }),
        },
      ],
    },
    running: {
      description: 'onStart scheduled ExpireDeadHosts at a fixed rate (initial delay 0, period spark.network.timeoutInterval).',
      on: {
        TaskSchedulerIsSet: { actions: assign({ schedulerSet: true }) },
        'heartbeatReceiver.stop': { target: 'stopped', description: 'SparkContext.stop stops the endpoint: onStop cancels ExpireDeadHosts.' },
        ExecutorRegistered: {
          description: 'SparkListenerExecutorAdded: start tracking from now.',
          actions: assign({ executorLastSeen: ({ context, event, system }) => ({ ...context.executorLastSeen, [event.executorId]: nowOf(system) }) }),
        },
        ExecutorRemoved: {
          description: 'SparkListenerExecutorRemoved: stop tracking.',
          actions: assign({ executorLastSeen: ({ context, event }) => Object.fromEntries(Object.entries(context.executorLastSeen).filter(([id]) => id !== event.executorId)) }),
        },
        Heartbeat: {
          description: 'Known executor: lastSeen = now, reply reregisterBlockManager = false (its BlockManager is known). Scheduler not set or unknown executor: reply true, do not track (SPARK-4134).',
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            const known = context.schedulerSet && context.executorLastSeen[event.executorId] !== undefined;
            if (known) enqueue.assign({ executorLastSeen: { ...context.executorLastSeen, [event.executorId]: nowOf(system) } });
            // The BlockManager master is not modelled yet: a tracked executor's block manager counts as known.
            enqueue.sendTo(networkOf(system), rpc(context.address, event.replyTo, { type: 'HeartbeatResponse', reregisterBlockManager: !known }));
          }),
        },
        ExpireDeadHosts: {
          description: 'expireDeadHosts: executors silent for more than the timeout (strictly) are killed and replaced, and removed with ExecutorProcessLost.',
          actions: enqueueActions(({ context, enqueue, system }) => {
            const now = nowOf(system);
            const expired = Object.keys(context.executorLastSeen)
              .filter((id) => now - context.executorLastSeen[id]! > context.executorTimeoutMs)
              .sort(byExecutorId);
            if (expired.length === 0) return;
            const backend = system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) as AnyActorRef | undefined;
            for (const id of expired) {
              const silentMs = now - context.executorLastSeen[id]!;
              if (!backend) continue;
              // SparkContext.killAndReplaceExecutor: the target is kept, so the cluster manager replaces it.
              enqueue.sendTo(backend, { type: 'backend.killExecutors', executorIds: [id], adjustTargetNumExecutors: false, countFailures: true, force: true });
              // SPARK-27348: fail its tasks now rather than wait for a disconnect.
              enqueue.sendTo(backend, { type: 'RemoveExecutor', executorId: id, reason: { kind: 'ExecutorProcessLost', message: `Executor heartbeat timed out after ${silentMs} ms`, causedByApp: true } });
            }
            enqueue.assign({ executorLastSeen: Object.fromEntries(Object.entries(context.executorLastSeen).filter(([id]) => !expired.includes(id))) });
          }),
        },
      },
    },
    stopped: {
      type: 'final',
      description: 'Stopped with SparkContext; its timer is gone.',
    },
    failed: {
      type: 'final',
      description: 'IllegalArgumentException in the constructor: SparkContext fails to start.',
    },
  },
});
