/**
 * Spark's ApplicationMaster (client mode: ExecutorLauncher) with its AMEndpoint ("YarnAM") and
 * the reporter thread that drives YarnAllocator (yarnAllocator.ts).
 *
 * Models resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn/ApplicationMaster.scala
 * (Spark 3.5): registerAM, createAllocator (one allocateResources() before the reporter starts),
 * allocationThreadImpl (allocate, then sleep: while containers are pending or loss reasons are
 * awaited, spark.yarn.scheduler.initial-allocation.interval doubling up to
 * spark.yarn.scheduler.heartbeat.interval-ms, else the heartbeat interval; a RequestExecutors that
 * changes the target or a GetExecutorLossReason wakes it at once), AMEndpoint.receive /
 * receiveAndReply, and finish on Shutdown / driver disconnect; shared/spark-semantics.md 6.4, 6.5.
 *
 * The reporter's sleep is a delayed self-message (one-shot, cancellable), the allocate call an
 * asynchronous exchange with the ResourceManager: the next sleep starts when the response is
 * handled, as Spark's loop sleeps after the blocking allocate returns.
 */
import { enqueueActions, setup } from 'xstate';
import type { Address, OnDisconnected, RemoveExecutor } from '../protocol.js';
import { processOf } from '../ids.js';
import { networkOf, rpc } from '../rpc.js';
import type { AllocateResponse, AMShutdown, GetExecutorLossReason, RegisterApplicationMasterResponse, YarnKillExecutors, YarnRequestExecutors } from './protocol.js';
import {
  allocateCall, enqueueGetLossReasonRequest, handleAllocatedContainers, killExecutor, newYarnAllocator, numPendingLossReasonRequests, processCompletedContainers,
  requestTotalExecutors, updateResourceRequests, type AllocatorEffect, type YarnAllocatorState,
} from './yarnAllocator.js';
import type { ApplicationDescription } from '../protocol.js';
import { optNum, type ResolvedConf } from '../conf.js';
import { initialNumExecutors, isDynamicAllocationEnabled } from '../allocationConf.js';

/** YarnSparkHadoopUtil.DEFAULT_NUMBER_EXECUTORS: spark.executor.instances on YARN when unset. */
export const DEFAULT_NUMBER_EXECUTORS = 2;

/**
 * SchedulerBackendUtils.getInitialTargetExecutorNumber: with dynamic allocation
 * Utils.getDynamicAllocationInitialExecutors (max(minExecutors, initialExecutors,
 * spark.executor.instances)), else spark.executor.instances, default 2.
 */
export function initialTargetExecutorNumber(conf: ResolvedConf): number {
  if (isDynamicAllocationEnabled(conf)) return initialNumExecutors(conf);
  return optNum(conf, 'spark.executor.instances') ?? DEFAULT_NUMBER_EXECUTORS;
}

/** The delayed reporter wake-up's id. */
export const REPORTER = 'reporter';

export interface ApplicationMasterInput {
  address: Address;
  appId: string;
  appAttemptId: string;
  host: string;
  resourceManager: Address;
  /** The driver's YarnSchedulerEndpoint (client mode: spark.driver.host/port in the AM's conf). */
  driver: Address;
  appDesc: ApplicationDescription;
  executorCores: number;
  executorMemory: number;
  /** YarnSparkHadoopUtil.getInitialTargetExecutorNumber: spark.executor.instances (default 2), or with dynamic allocation max(min, initial, instances). */
  initialTarget: number;
  /** spark.yarn.scheduler.heartbeat.interval-ms. */
  heartbeatIntervalMs: number;
  /** spark.yarn.scheduler.initial-allocation.interval. */
  initialAllocationIntervalMs: number;
}

export interface ApplicationMasterContext extends ApplicationMasterInput {
  allocator: YarnAllocatorState;
  responseId: number;
  allocateInFlight: boolean;
  /** nextAllocationInterval. */
  nextAllocationIntervalMs: number;
  /** The exit code the driver signalled (Shutdown), EXIT_SUCCESS until then. */
  exitCode: number;
}

type AmEvent = RegisterApplicationMasterResponse | AllocateResponse | YarnRequestExecutors | YarnKillExecutors | GetExecutorLossReason | AMShutdown | OnDisconnected
  | { type: 'am.allocate' };

function effectMessages(context: ApplicationMasterContext, effects: readonly AllocatorEffect[]) {
  return effects.map((e) => {
    switch (e.kind) {
      case 'startContainer':
        return { to: e.container.nodeManager, message: { type: 'StartContainerRequest' as const, container: e.container, launchContext: { executorId: e.executorId, appId: context.appId, cores: context.executorCores, memory: context.executorMemory, appDesc: context.appDesc } } };
      case 'removeExecutor':
        return { to: context.driver, message: { type: 'RemoveExecutor', executorId: e.executorId, reason: e.reason } satisfies RemoveExecutor };
      case 'replyLossReason':
        return { to: e.replyTo, message: { type: 'ExecutorLossReasonReply' as const, executorId: e.executorId, reason: e.reason } };
      case 'failLossReason':
        return { to: e.replyTo, message: { type: 'GetExecutorLossReasonFailed' as const, executorId: e.executorId, message: e.message } };
    }
  });
}

export const applicationMasterMachine = setup({
  types: { input: {} as ApplicationMasterInput, context: {} as ApplicationMasterContext, events: {} as AmEvent },
  actions: {
    /** allocator.allocateResources(): updateResourceRequests, then the allocate call to the RM. */
    allocate: enqueueActions(({ context, enqueue, system }) => {
      if (context.allocateInFlight) return;
      const call = allocateCall(updateResourceRequests(context.allocator));
      enqueue.sendTo(networkOf(system), rpc(context.address, context.resourceManager, {
        type: 'AllocateRequest', appAttemptId: context.appAttemptId, responseId: context.responseId, ...(call.ask ? { ask: call.ask } : {}), releaseList: call.releaseList,
      }));
      enqueue.assign({ allocator: call.state, allocateInFlight: true, responseId: context.responseId + 1 });
    }),
    /** resetAllocatorInterval: nextAllocationInterval = initial; notifyAll wakes a sleeping reporter now. */
    resetAllocatorInterval: enqueueActions(({ context, enqueue, self }) => {
      enqueue.assign({ nextAllocationIntervalMs: context.initialAllocationIntervalMs });
      if (context.allocateInFlight) return;
      enqueue.cancel(REPORTER);
      enqueue.sendTo(self, { type: 'am.allocate' }, { id: REPORTER, delay: 0 });
    }),
    /** ApplicationMaster.finish + unregister: the final status to the RM, which kills the remaining containers. */
    finish: enqueueActions(({ context, enqueue, system }) => {
      enqueue.cancel(REPORTER);
      enqueue.sendTo(networkOf(system), rpc(context.address, context.resourceManager, {
        type: 'FinishApplicationMasterRequest', appAttemptId: context.appAttemptId, finalApplicationStatus: context.exitCode === 0 ? 'SUCCEEDED' : 'FAILED', diagnostics: '',
      }));
    }),
  },
}).createMachine({
  id: 'ApplicationMaster',
  context: ({ input }) => ({
    ...input,
    allocator: newYarnAllocator({ appId: input.appId, executorCores: input.executorCores, executorMemory: input.executorMemory, appDesc: input.appDesc, initialTarget: input.initialTarget }),
    responseId: 0,
    allocateInFlight: false,
    nextAllocationIntervalMs: input.initialAllocationIntervalMs,
    exitCode: 0,
  }),
  entry: enqueueActions(({ context, enqueue, system }) => {
    enqueue.sendTo(networkOf(system), rpc(context.address, context.resourceManager, { type: 'RegisterApplicationMasterRequest', appAttemptId: context.appAttemptId, host: context.host, applicationMaster: context.address }));
  }),
  initial: 'registering',
  states: {
    registering: {
      description: 'registerAM: RegisterApplicationMaster with the ResourceManager.',
      on: {
        RegisterApplicationMasterResponse: {
          target: 'running',
          description: 'Registered: the AMEndpoint registers with the driver (RegisterClusterManager) and the allocator makes its first allocate call.',
          actions: [
            enqueueActions(({ context, enqueue, system }) => enqueue.sendTo(networkOf(system), rpc(context.address, context.driver, { type: 'RegisterClusterManager', am: context.address }))),
            'allocate',
          ],
        },
        Shutdown: { target: 'finished', actions: 'finish' },
      },
    },
    running: {
      on: {
        'am.allocate': { actions: 'allocate', description: 'The reporter thread wakes: allocateResources().' },
        AllocateResponse: {
          description: 'handleAllocatedContainers (launch executors up to the target, release the surplus), processCompletedContainers (reasons, RemoveExecutor, loss-reason replies); then the reporter sleeps.',
          actions: enqueueActions(({ context, event, enqueue, system, self }) => {
            const allocated = handleAllocatedContainers(context.allocator, event.allocatedContainers);
            const completed = processCompletedContainers(allocated.state, event.completedContainersStatuses);
            const allocator = completed.state;
            for (const m of effectMessages(context, [...allocated.effects, ...completed.effects])) enqueue.sendTo(networkOf(system), rpc(context.address, m.to, m.message));
            // allocationThreadImpl's sleep.
            const waiting = allocator.numPendingAllocate > 0 || numPendingLossReasonRequests(allocator) > 0;
            const sleepMs = waiting ? Math.min(context.heartbeatIntervalMs, context.nextAllocationIntervalMs) : context.heartbeatIntervalMs;
            const nextAllocationIntervalMs = waiting ? sleepMs * 2 : context.initialAllocationIntervalMs;
            enqueue.assign({ allocator, allocateInFlight: false, nextAllocationIntervalMs });
            enqueue.sendTo(self, { type: 'am.allocate' }, { id: REPORTER, delay: sleepMs });
          }),
        },
        YarnRequestExecutors: {
          description: 'AMEndpoint: requestTotalExecutorsWithPreferredLocalities; a changed target resets the allocation interval and wakes the reporter. Replies true.',
          actions: enqueueActions(({ context, event, enqueue }) => {
            const { state, changed } = requestTotalExecutors(context.allocator, event.resourceProfileToTotalExecs[0] ?? 0);
            enqueue.assign({ allocator: state });
            if (changed) enqueue('resetAllocatorInterval');
          }),
        },
        YarnKillExecutors: {
          description: 'AMEndpoint: allocator.killExecutor for each id (unknown ids are only logged). Replies true.',
          actions: enqueueActions(({ context, event, enqueue }) => {
            enqueue.assign({ allocator: event.executorIds.reduce(killExecutor, context.allocator) });
          }),
        },
        GetExecutorLossReason: {
          description: 'AMEndpoint: allocator.enqueueGetLossReasonRequest (answered now if already known, else at the container\'s completion), then resetAllocatorInterval.',
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            const { state, effects } = enqueueGetLossReasonRequest(context.allocator, event.executorId, event.replyTo);
            enqueue.assign({ allocator: state });
            for (const m of effectMessages(context, effects)) enqueue.sendTo(networkOf(system), rpc(context.address, m.to, m.message));
            enqueue('resetAllocatorInterval');
          }),
        },
        Shutdown: {
          target: 'finished',
          description: 'The driver stops (YarnSchedulerBackend.stop -> signalDriverStop): allocator.setShutdown(true); in client mode the AM finishes with the driver.',
          actions: [enqueueActions(({ context, event, enqueue }) => enqueue.assign({ exitCode: event.exitCode, allocator: { ...context.allocator, shutdown: true } })), 'finish'],
        },
        onDisconnected: [
          {
            guard: ({ context, event }) => processOf(event.remoteAddress) === processOf(context.driver),
            target: 'finished',
            description: 'Client mode: "Driver terminated or disconnected! Shutting down." finish(SUCCEEDED, EXIT_SUCCESS).',
            actions: 'finish',
          },
          { description: 'Another peer (an executor) closed its connection: nothing.' },
        ],
      },
    },
    finished: {
      type: 'final',
      description: 'Unregistered from the ResourceManager; the AM process exits.',
    },
  },
});
