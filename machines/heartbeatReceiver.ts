/**
 * HeartbeatReceiver (driver endpoint "HeartbeatReceiver"): tracks when each executor was last
 * heard from, answers executors' heartbeats, and every spark.network.timeoutInterval expires the
 * executors silent for longer than the executor timeout: kill-and-replace, then
 * RemoveExecutor(ExecutorProcessLost) to the driver endpoint.
 *
 * Models core/src/main/scala/org/apache/spark/HeartbeatReceiver.scala (Spark 4.1.1, same in 3.5);
 * shared/spark-semantics.md section 1 (2.x differences: section 10).
 *
 A known executor's heartbeat is answered with reregisterBlockManager = !(the
 * BlockManagerMasterHeartbeatEndpoint knows its BlockManagerId), asked of the driver's
 * BlockManagerMaster actor (machines/blockManagerMaster.ts). Not modelled: sc.isStopped: a heartbeat reaches this endpoint only while SparkContext runs (stop() stops
 * the endpoint, and messages to a stopped endpoint are dropped), so `!sc.isStopped` is true.
 */
import { and, assign, enqueueActions, not, setup, spawnChild, stopChild, type AnyActorRef } from 'xstate';
import { num, optNum, type ResolvedConf } from './conf.js';
import { nowOf } from './clock.js';
import { ENDPOINT, siblingAddress } from './ids.js';
import type { Address, ExecutorRegistered, ExecutorRemoved, ExpireDeadHosts, Heartbeat, HeartbeatReceiverStop, TaskSchedulerIsSet } from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { tickerPlaceholder } from './ticker.js';
import type { BlockManagerHeartbeatReply } from './blockManagerMessages.js';
import * as bucketed from './bucketed.js';

export interface HeartbeatReceiverInput { address: Address; conf: ResolvedConf }

export interface HeartbeatReceiverContext {
  address: Address;
  /** spark.storage.blockManagerHeartbeatTimeoutMs if set, else spark.network.timeout. */
  executorTimeoutMs: number;
  /** spark.network.timeoutInterval: the period of ExpireDeadHosts. */
  checkTimeoutIntervalMs: number;
  /** TaskSchedulerIsSet was processed (Spark: scheduler != null). */
  schedulerSet: boolean;
  /** Executor id -> clock time (ms) of its registration or last heartbeat. */
  executorLastSeen: bucketed.Bucketed<number>;
  /**
   * Heartbeats whose BlockManagerHeartbeat ask is out: executor id and where its HeartbeatResponse
   * goes. Spark's askSync blocks, so this holds one entry at a time; a short list, not a record
   * keyed by executor id (copying and rebuilding such a record per heartbeat cost ~1.5 µs).
   */
  awaitingBlockManager: ReadonlyArray<readonly [executorId: string, replyTo: Address]>;
  /** The constructor's require message when the configuration is invalid (SparkContext does not start). */
  configError: string | undefined;
}

export type HeartbeatReceiverEvent = TaskSchedulerIsSet | ExecutorRegistered | ExecutorRemoved | Heartbeat | ExpireDeadHosts | HeartbeatReceiverStop | BlockManagerHeartbeatReply;

/** The ticker child that sends ExpireDeadHosts (HeartbeatReceiver.timeoutCheckingTask). */
export const EXPIRE_DEAD_HOSTS_TIMER = 'ExpireDeadHosts';

const TIMEOUT_KEY = 'spark.network.timeout';
const BM_TIMEOUT_KEY = 'spark.storage.blockManagerHeartbeatTimeoutMs';

/**
 * The executor timeout: spark.storage.blockManagerHeartbeatTimeoutMs if set, else
 * spark.network.timeout. Spark reads spark.network.timeout as whole seconds (a timeConf in
 * SECONDS, so "1500ms" is 1 s) and converts that to ms: `timeStringAsMs(s"${timeout}s")`.
 */
export function executorTimeoutMs(conf: ResolvedConf): number {
  return optNum(conf, BM_TIMEOUT_KEY) ?? Math.trunc(num(conf, TIMEOUT_KEY) / 1000) * 1000;
}

/**
 * HeartbeatReceiver's constructor checks, with Spark 4.1.1's require messages. A failure is an
 * IllegalArgumentException whose message is "requirement failed: " + the text returned here, and
 * SparkContext fails to start. The text starts with the offending key (the runtime names it as the
 * field). Note Spark's second message names spark.storage.blockManagerHeartbeatTimeoutMs and has
 * no final period, whether or not that key is set.
 */
export function validateHeartbeatConf(conf: ResolvedConf): string | undefined {
  const timeout = executorTimeoutMs(conf);
  if (num(conf, 'spark.network.timeoutInterval') > timeout) {
    const against = optNum(conf, BM_TIMEOUT_KEY) === undefined ? TIMEOUT_KEY : BM_TIMEOUT_KEY;
    return `spark.network.timeoutInterval should be less than or equal to ${against}.`;
  }
  if (num(conf, 'spark.executor.heartbeatInterval') > timeout) {
    return `spark.executor.heartbeatInterval should be less than or equal to ${BM_TIMEOUT_KEY}`;
  }
  return undefined;
}

/** Executor ids in a fixed order: numeric ids ascending, then any other id by code units. */
export function byExecutorId(a: string, b: string): number {
  const na = /^[0-9]+$/.test(a) ? Number(a) : undefined;
  const nb = /^[0-9]+$/.test(b) ? Number(b) : undefined;
  if (na !== undefined && nb !== undefined) return na - nb || (a < b ? -1 : a > b ? 1 : 0);
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The executors expireDeadHosts removes at `now`: silent for strictly more than the timeout. */
export function expiredExecutors(context: HeartbeatReceiverContext, now: number): string[] {
  return bucketed.keys(context.executorLastSeen)
    .filter((id) => now - bucketed.get(context.executorLastSeen, id)! > context.executorTimeoutMs)
    .sort(byExecutorId);
}

export const heartbeatReceiverMachine = setup({
  types: {
    input: {} as HeartbeatReceiverInput,
    context: {} as HeartbeatReceiverContext,
    events: {} as HeartbeatReceiverEvent,
  },
  actors: { ticker: tickerPlaceholder },
  guards: {
    invalidConf: ({ context }) => context.configError !== undefined,
    schedulerSet: ({ context }) => context.schedulerSet,
    trackedExecutor: ({ context, event }) => event.type === 'Heartbeat' && bucketed.has(context.executorLastSeen, event.executorId),
  },
  actions: {
    startExpireDeadHosts: spawnChild('ticker', {
      id: EXPIRE_DEAD_HOSTS_TIMER,
      input: ({ context }: { context: HeartbeatReceiverContext }) => ({ event: { type: 'ExpireDeadHosts' }, initialDelayMs: 0, periodMs: context.checkTimeoutIntervalMs }),
    }),
    stopExpireDeadHosts: stopChild(EXPIRE_DEAD_HOSTS_TIMER),
    setScheduler: assign({ schedulerSet: true }),
    trackExecutor: assign({
      executorLastSeen: ({ context, event, system }) =>
        event.type === 'ExecutorRegistered' ? bucketed.set(context.executorLastSeen, event.executorId, nowOf(system)) : context.executorLastSeen,
    }),
    untrackExecutor: assign({
      executorLastSeen: ({ context, event }) => (event.type === 'ExecutorRemoved' ? bucketed.remove(context.executorLastSeen, [event.executorId]) : context.executorLastSeen),
    }),
    /** HeartbeatResponse(reregisterBlockManager = !sc.isStopped), i.e. true: the SparkContext runs. */
    replyReregister: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'Heartbeat') return;
      enqueue.sendTo(networkOf(system), rpc(context.address, event.replyTo, { type: 'HeartbeatResponse', reregisterBlockManager: true }));
    }),
    /**
     * executorLastSeen(id) = now; then TaskSchedulerImpl.executorHeartbeatReceived ->
     * DAGScheduler.executorHeartbeatReceived asks the BlockManagerMasterHeartbeatEndpoint
     * BlockManagerHeartbeat(blockManagerId); the answer `known` gives
     * HeartbeatResponse(reregisterBlockManager = !known). Without a BlockManagerMaster in the actor
     * system (this machine embedded alone) the block manager counts as known. One assign for both
     * books: each assign action clones the whole snapshot in XState.
     */
    touchExecutorAndAskBlockManagerMaster: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'Heartbeat') return;
      const executorLastSeen = bucketed.set(context.executorLastSeen, event.executorId, nowOf(system));
      const master = system.get(siblingAddress(context.address, ENDPOINT.BlockManagerMaster)) as AnyActorRef | undefined;
      if (!master) {
        enqueue.assign({ executorLastSeen });
        enqueue.sendTo(networkOf(system), rpc(context.address, event.replyTo, { type: 'HeartbeatResponse', reregisterBlockManager: false }));
        return;
      }
      enqueue.assign({ executorLastSeen, awaitingBlockManager: [...context.awaitingBlockManager, [event.executorId, event.replyTo]] });
      enqueue.sendTo(master, { type: 'BlockManagerHeartbeat', blockManagerId: event.blockManagerId, replyTo: context.address });
    }),
    /** The BlockManagerHeartbeat answer: HeartbeatResponse(reregisterBlockManager = !registered) to the executor. */
    replyBlockManagerKnown: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'BlockManagerHeartbeatReply') return;
      const executorId = event.blockManagerId.executorId;
      const replyTo = context.awaitingBlockManager.find(([id]) => id === executorId)?.[1];
      if (replyTo === undefined) return;
      enqueue.assign({ awaitingBlockManager: context.awaitingBlockManager.filter(([id]) => id !== executorId) });
      enqueue.sendTo(networkOf(system), rpc(context.address, replyTo, { type: 'HeartbeatResponse', reregisterBlockManager: !event.registered }));
    }),
    expireDeadHosts: enqueueActions(({ context, enqueue, system }) => {
      const now = nowOf(system);
      const expired = expiredExecutors(context, now);
      if (expired.length === 0) return;
      const backend = system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) as AnyActorRef | undefined;
      for (const executorId of expired) {
        const silentMs = now - bucketed.get(context.executorLastSeen, executorId)!;
        // Spark logs "Removing executor {id} with no recent heartbeats: {n} ms exceeds timeout {t} ms".
        if (!backend) continue;
        // SparkContext.killAndReplaceExecutor: the target total is kept, so the cluster manager
        // launches a replacement (SPARK-8119).
        enqueue.sendTo(backend, { type: 'backend.killExecutors', executorIds: [executorId], adjustTargetNumExecutors: false, countFailures: true, force: true });
        // SPARK-27348: remove it from the driver endpoint now (failing its running tasks) rather
        // than wait for a disconnect that a hung executor never causes. ExecutorProcessLost's
        // defaults: workerHost None, causedByApp true.
        enqueue.sendTo(backend, {
          type: 'RemoveExecutor',
          executorId,
          reason: { kind: 'ExecutorProcessLost', message: `Executor heartbeat timed out after ${silentMs} ms`, causedByApp: true },
        });
      }
      enqueue.assign({ executorLastSeen: bucketed.remove(context.executorLastSeen, expired) });
    }),
  },
}).createMachine({
  id: 'HeartbeatReceiver',
  context: ({ input }) => ({
    address: input.address,
    executorTimeoutMs: executorTimeoutMs(input.conf),
    checkTimeoutIntervalMs: num(input.conf, 'spark.network.timeoutInterval'),
    schedulerSet: false,
    executorLastSeen: bucketed.empty(),
    awaitingBlockManager: [],
    configError: validateHeartbeatConf(input.conf),
  }),
  initial: 'constructing',
  states: {
    constructing: {
      description: 'The constructor: its require checks on the intervals, then onStart (HeartbeatReceiver.scala).',
      always: [
        { guard: 'invalidConf', target: 'failed', description: 'A require failed: IllegalArgumentException, SparkContext fails to start.' },
        {
          target: 'running',
          actions: 'startExpireDeadHosts',
          description: 'onStart: eventLoopThread.scheduleAtFixedRate(ExpireDeadHosts, initial delay 0, period spark.network.timeoutInterval).',
        },
      ],
    },
    running: {
      description: 'Registered in SparkContext before the task scheduler exists; answers heartbeats and expires silent executors.',
      on: {
        TaskSchedulerIsSet: {
          actions: 'setScheduler',
          description: 'SparkContext asks TaskSchedulerIsSet once the task scheduler exists: scheduler = sc.taskScheduler.',
        },
        ExecutorRegistered: {
          actions: 'trackExecutor',
          description: 'onExecutorAdded (SparkListenerExecutorAdded, after the backend registered it): executorLastSeen(id) = now.',
        },
        ExecutorRemoved: {
          actions: 'untrackExecutor',
          description: 'onExecutorRemoved (after the backend removed it): executorLastSeen.remove(id), so a late heartbeat cannot revive it.',
        },
        Heartbeat: [
          {
            guard: not('schedulerSet'),
            actions: 'replyReregister',
            description: '"Dropping heartbeat because TaskScheduler is not ready yet": reply HeartbeatResponse(!sc.isStopped = true); not tracked.',
          },
          {
            guard: and(['schedulerSet', not('trackedExecutor')]),
            actions: 'replyReregister',
            description: 'Unknown or already removed executor (SPARK-4134: an in-flight heartbeat after removal): reply HeartbeatResponse(true), debug log only; not tracked again.',
          },
          {
            actions: 'touchExecutorAndAskBlockManagerMaster',
            description: 'Known executor: executorLastSeen(id) = now; TaskSchedulerImpl.executorHeartbeatReceived asks the BlockManagerMaster BlockManagerHeartbeat.',
          },
        ],
        BlockManagerHeartbeatReply: {
          actions: 'replyBlockManagerKnown',
          description: 'The heartbeat endpoint\'s answer: reply HeartbeatResponse(reregisterBlockManager = !known) to the executor.',
        },
        ExpireDeadHosts: {
          actions: 'expireDeadHosts',
          description: 'expireDeadHosts: every executor with now - lastSeen > timeout (strictly) is killed and replaced, removed with ExecutorProcessLost("Executor heartbeat timed out after n ms"), and forgotten.',
        },
        'heartbeatReceiver.stop': {
          target: 'stopped',
          actions: 'stopExpireDeadHosts',
          description: 'SparkContext.stop stops the endpoint: onStop cancels timeoutCheckingTask.',
        },
      },
    },
    stopped: {
      type: 'final',
      description: 'Stopped with SparkContext: no timer; messages to the stopped endpoint are dropped.',
    },
    failed: {
      type: 'final',
      description: 'The constructor threw IllegalArgumentException (configError): SparkContext did not start.',
    },
  },
});
