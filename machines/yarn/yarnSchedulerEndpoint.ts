/**
 * The driver's YarnSchedulerEndpoint ("YarnScheduler"), YarnSchedulerBackend's bridge to the
 * ApplicationMaster: it forwards the backend's RequestExecutors / KillExecutors to the AM once the
 * AM registered (before that, Spark replies false and nothing is sent), forwards the AM's
 * RemoveExecutor to the DriverEndpoint, and when an executor disconnects asks the AM for the
 * loss reason (GetExecutorLossReason, ask timeout spark.rpc.askTimeout), ending in RemoveExecutor
 * with the AM's reason or ExecutorProcessLost() if the ask fails.
 *
 * Models resource-managers/yarn/src/main/scala/org/apache/spark/scheduler/cluster/YarnSchedulerBackend.scala
 * (Spark 3.5: YarnSchedulerEndpoint, handleExecutorDisconnectedFromDriver, signalDriverStop);
 * shared/spark-semantics.md 6.4, 6.5.
 */
import { enqueueActions, setup, type AnyActorRef } from 'xstate';
import { num, type ResolvedConf } from '../conf.js';
import { ENDPOINT, siblingAddress } from '../ids.js';
import type { Address, ExecutorLossReason, KillExecutors, RemoveExecutor, RequestExecutors } from '../protocol.js';
import { networkOf, rpc } from '../rpc.js';
import type { ExecutorLossReasonReply, GetExecutorLossReasonFailed, RegisterClusterManager } from './protocol.js';

/** The backend's YarnDriverEndpoint.onDisconnected, after disableExecutor returned true. */
export interface ExecutorDisconnected { type: 'yarnScheduler.executorDisconnected'; executorId: string }
/** YarnSchedulerBackend.stop -> signalDriverStop(exitCode). */
export interface YarnSchedulerStop { type: 'yarnScheduler.stop'; exitCode: number }
/** The GetExecutorLossReason ask timed out. */
interface LossReasonTimeout { type: 'yarnScheduler.lossReasonTimeout'; executorId: string }

export type YarnSchedulerEvent = RegisterClusterManager | RequestExecutors | KillExecutors | RemoveExecutor | ExecutorLossReasonReply | GetExecutorLossReasonFailed
  | ExecutorDisconnected | YarnSchedulerStop | LossReasonTimeout;

export interface YarnSchedulerInput { address: Address; appId: string; conf: ResolvedConf }
export interface YarnSchedulerContext {
  address: Address;
  /** The YARN application id (YarnSchedulerBackend.applicationId). */
  appId: string;
  /** amEndpoint: set by RegisterClusterManager. */
  amEndpoint: Address | undefined;
  /** Executors whose loss reason was asked of the AM and not answered yet. */
  askingLossReason: Record<string, true>;
  askTimeoutMs: number;
}

export const lossReasonTimeoutId = (executorId: string) => `lossReason-${executorId}`;
/** ExecutorProcessLost()'s default message. */
export const EXECUTOR_PROCESS_LOST = 'Executor Process Lost';
const PROCESS_LOST: ExecutorLossReason = { kind: 'ExecutorProcessLost', message: EXECUTOR_PROCESS_LOST, causedByApp: true };

export const yarnSchedulerEndpointMachine = setup({
  types: { input: {} as YarnSchedulerInput, context: {} as YarnSchedulerContext, events: {} as YarnSchedulerEvent },
  actions: {
    toAm: enqueueActions(({ context, enqueue, system }, params: { message: Parameters<typeof rpc>[2] }) => {
      if (context.amEndpoint) enqueue.sendTo(networkOf(system), rpc(context.address, context.amEndpoint, params.message));
    }),
    /** The loss-reason ask ended (answer, failure or timeout): forget it, then RemoveExecutor(id, reason). */
    settle: enqueueActions(({ context, enqueue, system }, params: { executorId: string; reason: ExecutorLossReason }) => {
      enqueue.cancel(lossReasonTimeoutId(params.executorId));
      const { [params.executorId]: _done, ...asking } = context.askingLossReason;
      enqueue.assign({ askingLossReason: asking });
      const driver = system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) as AnyActorRef | undefined;
      if (driver) enqueue.sendTo(driver, { type: 'RemoveExecutor', executorId: params.executorId, reason: params.reason } satisfies RemoveExecutor);
    }),
    /** driverEndpoint.send(RemoveExecutor(id, reason)). */
    removeExecutor: enqueueActions(({ context, enqueue, system }, params: { executorId: string; reason: ExecutorLossReason }) => {
      const driver = system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) as AnyActorRef | undefined;
      if (driver) enqueue.sendTo(driver, { type: 'RemoveExecutor', executorId: params.executorId, reason: params.reason } satisfies RemoveExecutor);
    }),
  },
}).createMachine({
  id: 'YarnScheduler',
  context: ({ input }) => ({ address: input.address, appId: input.appId, amEndpoint: undefined, askingLossReason: {}, askTimeoutMs: num(input.conf, 'spark.rpc.askTimeout') }),
  initial: 'running',
  states: {
    running: {
      on: {
        RegisterClusterManager: {
          description: 'The AM registered: "ApplicationMaster registered as <am>". YarnClientSchedulerBackend.start returns (waitForApplication saw the application RUNNING): the backend has its application id and SparkContext goes on (the allocation manager starts).',
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            const first = context.amEndpoint === undefined;
            enqueue.assign({ amEndpoint: event.am });
            const driver = system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) as AnyActorRef | undefined;
            if (first && driver) enqueue.sendTo(driver, { type: 'appClient.connected', appId: context.appId });
          }),
        },
        RequestExecutors: {
          description: 'doRequestTotalExecutors: RequestExecutors to the AM (false, nothing sent, before the AM registered).',
          actions: { type: 'toAm', params: ({ event }) => ({ message: { type: 'YarnRequestExecutors', resourceProfileToTotalExecs: event.resourceProfileToTotalExecs } }) },
        },
        KillExecutors: {
          description: 'doKillExecutors: KillExecutors to the AM (false, nothing sent, before the AM registered).',
          actions: { type: 'toAm', params: ({ event }) => ({ message: { type: 'YarnKillExecutors', executorIds: event.executorIds } }) },
        },
        RemoveExecutor: {
          description: 'From the AM (a container completed unexpectedly): forwarded to the DriverEndpoint.',
          actions: { type: 'removeExecutor', params: ({ event }) => ({ executorId: event.executorId, reason: event.reason }) },
        },
        'yarnScheduler.executorDisconnected': {
          description: 'handleExecutorDisconnectedFromDriver: ask the AM GetExecutorLossReason; without an AM, RemoveExecutor(ExecutorProcessLost("AM is not yet registered.")).',
          actions: enqueueActions(({ context, event, enqueue, system, self }) => {
            if (!context.amEndpoint) {
              enqueue({ type: 'removeExecutor', params: { executorId: event.executorId, reason: { kind: 'ExecutorProcessLost', message: 'AM is not yet registered.', causedByApp: true } } });
              return;
            }
            if (context.askingLossReason[event.executorId]) return;
            enqueue.sendTo(networkOf(system), rpc(context.address, context.amEndpoint, { type: 'GetExecutorLossReason', executorId: event.executorId, replyTo: context.address }));
            enqueue.assign({ askingLossReason: { ...context.askingLossReason, [event.executorId]: true } });
            enqueue.sendTo(self, { type: 'yarnScheduler.lossReasonTimeout', executorId: event.executorId }, { id: lossReasonTimeoutId(event.executorId), delay: context.askTimeoutMs });
          }),
        },
        ExecutorLossReasonReply: {
          guard: ({ context, event }) => context.askingLossReason[event.executorId] === true,
          description: 'The AM\'s answer: RemoveExecutor(id, reason).',
          actions: { type: 'settle', params: ({ event }) => ({ executorId: event.executorId, reason: event.reason }) },
        },
        GetExecutorLossReasonFailed: {
          guard: ({ context, event }) => context.askingLossReason[event.executorId] === true,
          description: '"Attempted to get executor loss reason ... but got no response. Marking as agent lost.": RemoveExecutor(id, ExecutorProcessLost()).',
          actions: { type: 'settle', params: ({ event }) => ({ executorId: event.executorId, reason: PROCESS_LOST }) },
        },
        'yarnScheduler.lossReasonTimeout': {
          guard: ({ context, event }) => context.askingLossReason[event.executorId] === true,
          description: 'The ask timed out (spark.rpc.askTimeout): RemoveExecutor(id, ExecutorProcessLost()).',
          actions: { type: 'settle', params: ({ event }) => ({ executorId: event.executorId, reason: PROCESS_LOST }) },
        },
        'yarnScheduler.stop': {
          target: 'done',
          description: 'signalDriverStop: Shutdown(exitCode) to the AM; the endpoint stops.',
          actions: enqueueActions(({ context, event, enqueue }) => {
            for (const id of Object.keys(context.askingLossReason)) enqueue.cancel(lossReasonTimeoutId(id));
            enqueue({ type: 'toAm', params: { message: { type: 'Shutdown', exitCode: event.exitCode } } });
          }),
        },
      },
    },
    done: { type: 'final' },
  },
});
