/**
 * The driver's CoarseGrainedSchedulerBackend with its DriverEndpoint (endpoint
 * "CoarseGrainedScheduler"), standalone flavour: StandaloneSchedulerBackend is the AppClient's
 * listener and its StandaloneDriverEndpoint delays the removal of a disconnected executor.
 * TaskSchedulerImpl and its TaskSetManagers (taskScheduler.ts, taskSetManager.ts) live inside, as
 * Spark calls them under one lock from the endpoint; the handlers are the pure step in
 * driverEndpoint.ts.
 *
 * Models core/src/main/scala/org/apache/spark/scheduler/cluster/CoarseGrainedSchedulerBackend.scala
 * and StandaloneSchedulerBackend.scala (Spark 4.1.1); shared/spark-semantics.md sections 3, 4,
 * 5.7, 5.8.
 *
 * Sends: RegisteredExecutor / RegisterExecutorFailed, LaunchTask, KillTask, StopExecutor to
 * executors (network); ExecutorRegistered / ExecutorRemoved to the HeartbeatReceiver,
 * dagScheduler.* to the DAGScheduler, RequestExecutors / KillExecutors / StopAppClient to the
 * AppClient, sparkContext.stop to the SparkContext (same process); ReviveOffers, KillTask,
 * RemoveExecutor and the delayed backend.removeAfterDisconnect to itself.
 */
import { enqueueActions, setup, spawnChild, type AnyActorRef } from 'xstate';
import { nowOf } from './clock.js';
import { num, type ResolvedConf } from './conf.js';
import {
  backendStep, clusterManagerEndpoint, executorIdOfAddress, executorIdsInOrder, initialContext, removeAfterDisconnectId, type ClusterManager,
  type SchedulerBackendContext, type SchedulerBackendEvent,
} from './driverEndpoint.js';
import { siblingAddress } from './ids.js';
import type { Address } from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { postToListenerBus } from './sparkListener.js';
import { tickerPlaceholder } from './ticker.js';
import { runningTask } from './runningTasks.js';

export {
  DISCONNECT_MESSAGE, RETAINED_REMOVED_EXECUTORS, backendStep, clusterManagerEndpoint, executorIdOfAddress, executorIdsInOrder, isExecutorActive, isExecutorBusy,
  standaloneLossReason, totalCoreCount, totalRegisteredExecutors,
  type BackendOutput, type BackendStep, type ExecutorData, type PeerEvent, type RemovedExecutor, type SchedulerBackendContext, type SchedulerBackendEvent,
} from './driverEndpoint.js';

export interface SchedulerBackendInput {
  address: Address;
  /** The application's conf: spark.task.maxFailures, spark.task.cpus, spark.scheduler.revive.interval, spark.standalone.executorRemoveDelayOnDisconnection. */
  conf: ResolvedConf;
  /** StandaloneSchedulerBackend (default) or YarnClientSchedulerBackend. */
  clusterManager?: ClusterManager;
}

/** Dispatcher.postMessage's failure for a message to an endpoint that is not (or no longer) registered. */
export const ENDPOINT_STOPPED_MESSAGE = 'Could not find CoarseGrainedScheduler or it has been stopped.';

/** The child id of the ReviveOffers timer. */
export const REVIVE_OFFERS_TIMER = 'ReviveOffers';

/** Every event type, for the stopped state's explicit "ignored" transitions. */
const EVENT_TYPES: ReadonlyArray<SchedulerBackendEvent['type']> = [
  'ReviveOffers', 'RegisterExecutor', 'LaunchedExecutor', 'StatusUpdate', 'RemoveExecutor', 'KillTask', 'onDisconnected', 'backend.removeAfterDisconnect',
  'backend.killExecutors', 'backend.requestTotalExecutors', 'backend.stop', 'StopExecutors', 'taskScheduler.submitTasks', 'taskScheduler.cancelTasks',
  'appClient.connected', 'appClient.disconnected', 'appClient.dead', 'appClient.executorAdded', 'appClient.executorRemoved', 'appClient.workerRemoved',
  'IsExecutorAlive',
];

export const schedulerBackendMachine = setup({
  types: {
    input: {} as SchedulerBackendInput,
    context: {} as SchedulerBackendContext,
    events: {} as SchedulerBackendEvent,
  },
  actors: { ticker: tickerPlaceholder },
  guards: {
    knownExecutor: ({ context, event }) => 'executorId' in event && typeof event.executorId === 'string' && context.executors[event.executorId] !== undefined,
    trackedTask: ({ context, event }) => event.type === 'StatusUpdate' && runningTask(context.scheduler.tasks, event.taskId) !== undefined,
    knownTaskExecutor: ({ context, event }) => event.type === 'KillTask' && context.executors[event.executor] !== undefined,
    executorAddress: ({ context, event }) => event.type === 'onDisconnected' && executorIdOfAddress(context, event.remoteAddress) !== undefined,
    stillPendingLossReason: ({ context, event }) => event.type === 'backend.removeAfterDisconnect' && context.pendingLossReason[event.executorId] === true,
  },
  actions: {
    /** Runs the DriverEndpoint's pure step (driverEndpoint.ts) and sends what it produced. */
    handle: enqueueActions(({ context, event, enqueue, system, self }) => {
      const { context: next, out } = backendStep(context, event, nowOf(system));
      if (next !== context) enqueue.assign(() => next);
      for (const o of out) {
        switch (o.to) {
          case 'network':
            enqueue.sendTo(networkOf(system), rpc(context.address, o.address, o.message));
            break;
          case 'peer': {
            // Resolved explicitly: sendTo an undefined target would deliver the event back here. A
            // stopped endpoint (the HeartbeatReceiver after SparkContext.stop) drops it, as Spark's
            // Dispatcher drops a message to an endpoint that has been stopped.
            const target = system.get(siblingAddress(context.address, o.endpoint)) as AnyActorRef | undefined;
            if (target && target.getSnapshot().status === 'active') enqueue.sendTo(target, o.event);
            break;
          }
          case 'self':
            enqueue.sendTo(self, o.event);
            break;
          case 'selfLater':
            enqueue.sendTo(self, o.event, { delay: o.delayMs, id: o.id });
            break;
          case 'listenerBus':
            postToListenerBus(system, context.address, o.event, (target, event) => enqueue.sendTo(target, event));
            break;
        }
      }
    }),
    /**
     * StandaloneSchedulerBackend.stop up to stopExecutors(): executorDelayRemoveThread.shutdownNow()
     * (pending removals dropped), reviveThread.shutdownNow(), then driverEndpoint.askSync(StopExecutors).
     * The ask goes through the endpoint's inbox, behind what is already queued there: the KillTasks of
     * a job that has just failed reach the executors before StopExecutor (found by the model-based walk).
     */
    requestStopExecutors: enqueueActions(({ context, enqueue, self }) => {
      for (const id of Object.keys(context.pendingLossReason)) enqueue.cancel(removeAfterDisconnectId(id));
      enqueue.stopChild(REVIVE_OFFERS_TIMER);
      enqueue.sendTo(self, { type: 'StopExecutors' });
    }),
    /**
     * An ask to a stopped endpoint fails: Spark's Dispatcher.postMessage finds no endpoint and calls
     * the ask's failure callback with SparkException("Could not find CoarseGrainedScheduler or it has
     * been stopped."), which the executor's RegisterExecutor ask sees as a failed registration.
     */
    refuseRegistration: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'RegisterExecutor') return;
      enqueue.sendTo(networkOf(system), rpc(context.address, event.executorRef, { type: 'RegisterExecutorFailed', message: ENDPOINT_STOPPED_MESSAGE }));
    }),
    /** DriverEndpoint's StopExecutors: StopExecutor to every executor; then StopDriver and client.stop() (StopAppClient). */
    stop: enqueueActions(({ context, enqueue, system }) => {
      for (const id of executorIdsInOrder(context)) enqueue.sendTo(networkOf(system), rpc(context.address, context.executors[id]!.address, { type: 'StopExecutor' }));
      // Standalone: client.stop() (StopAppClient); YARN: signalDriverStop (Shutdown(0) to the AM).
      const client = system.get(siblingAddress(context.address, clusterManagerEndpoint(context))) as AnyActorRef | undefined;
      if (client) enqueue.sendTo(client, context.clusterManager === 'yarn' ? { type: 'yarnScheduler.stop', exitCode: 0 } : { type: 'StopAppClient' });
    }),
  },
}).createMachine({
  id: 'CoarseGrainedScheduler',
  context: ({ input }) => initialContext(
    input.address,
    num(input.conf, 'spark.task.maxFailures'),
    num(input.conf, 'spark.task.cpus'),
    num(input.conf, 'spark.scheduler.revive.interval'),
    num(input.conf, 'spark.standalone.executorRemoveDelayOnDisconnection'),
    input.clusterManager,
  ),
  // DriverEndpoint.onStart: ReviveOffers to itself at a fixed rate, first at once.
  entry: spawnChild('ticker', {
    id: REVIVE_OFFERS_TIMER,
    input: ({ context }: { context: SchedulerBackendContext }) => ({ event: { type: 'ReviveOffers' }, initialDelayMs: 0, periodMs: context.reviveIntervalMs }),
  }),
  initial: 'running',
  states: {
    running: {
      description: 'DriverEndpoint: registers executors, offers their free cores to TaskSchedulerImpl, launches and kills tasks, handles status updates and removals (CoarseGrainedSchedulerBackend.scala).',
      on: {
        ReviveOffers: { actions: 'handle', description: 'makeOffers(): WorkerOffers of the active executors, in executor-id order, to TaskSchedulerImpl.resourceOffers; each task launched takes its cpus and goes out as LaunchTask.' },
        RegisterExecutor: [
          { guard: 'knownExecutor', actions: 'handle', description: 'Duplicate id: sendFailure(IllegalStateException("Duplicate executor ID: <id>")), RegisterExecutorFailed to the executor.' },
          { actions: 'handle', description: 'Record ExecutorData with freeCores 0 (no offers until LaunchedExecutor), SparkListenerExecutorAdded (HeartbeatReceiver: ExecutorRegistered), reply RegisteredExecutor.' },
        ],
        LaunchedExecutor: { actions: 'handle', description: 'The executor created its Executor: freeCores = totalCores, makeOffers(executorId).' },
        StatusUpdate: [
          { guard: 'trackedTask', actions: 'handle', description: 'scheduler.statusUpdate (RUNNING clears launching; FINISHED / FAILED / KILLED end the attempt; LOST removes its executor from the scheduler); a finished state from a known executor returns taskCpus and makeOffers(executorId).' },
          { actions: 'handle', description: 'A task the scheduler no longer tracks ("its task set is gone"): ignored by TaskSchedulerImpl; the backend still returns the cpus of a finished state from a known executor, as Spark does.' },
        ],
        KillTask: [
          { guard: 'knownTaskExecutor', actions: 'handle', description: 'SchedulerBackend.killTask: forward KillTask to the executor.' },
          { description: 'Unknown executor: "Attempted to kill task ... for unknown executor"; nothing sent.' },
        ],
        RemoveExecutor: [
          { guard: 'knownExecutor', actions: 'handle', description: 'StopExecutor to the executor (SPARK-13519), then removeExecutor: effective reason ExecutorKilled if killed by the driver, scheduler.executorLost, SparkListenerExecutorRemoved.' },
          { actions: 'handle', description: '"Asked to remove non-existent executor": only SparkListenerExecutorRemoved (SPARK-35011).' },
        ],
        onDisconnected: [
          { guard: 'executorAddress', actions: 'handle', description: 'StandaloneDriverEndpoint.onDisconnected: executorsPendingLossReason += id (no more offers); RemoveExecutor(ExecutorProcessLost("Remote RPC client disassociated. ...")) after spark.standalone.executorRemoveDelayOnDisconnection.' },
          { description: 'Not an executor\'s address: nothing.' },
        ],
        'backend.removeAfterDisconnect': [
          { guard: 'stillPendingLossReason', actions: 'handle', description: 'Still pending a loss reason: RemoveExecutor(id, ExecutorProcessLost("Remote RPC client disassociated. ...")) to itself.' },
          { description: 'The Master\'s report (or another removal) came first: nothing.' },
        ],
        'backend.requestTotalExecutors': { actions: 'handle', description: 'requestTotalExecutors (dynamic allocation): replace the target and send it to the cluster manager (standalone: RequestExecutors through the AppClient).' },
        'backend.killExecutors': { actions: 'handle', description: 'killExecutors: skip unknown, already pending and (without force) busy executors; mark pending to remove (!countFailures); adjust the target (RequestExecutors); KillExecutors through the AppClient.' },
        'taskScheduler.submitTasks': { actions: 'handle', description: 'TaskSchedulerImpl.submitTasks: a TaskSetManager; older attempts of the stage become zombies; reviveOffers.' },
        'taskScheduler.cancelTasks': { actions: 'handle', description: 'TaskSchedulerImpl.killAllTaskAttempts: KillTask for every running attempt of the stage ("Stage cancelled: <reason>"), and the stage\'s task sets are suspended.' },
        'appClient.connected': { actions: 'handle', description: 'StandaloneSchedulerBackend.connected(appId): store the application id.' },
        'appClient.disconnected': { description: 'disconnected(): "Disconnected from Spark cluster! Waiting for reconnection..." (log only).' },
        'appClient.dead': { actions: 'handle', description: 'dead(reason): scheduler.error(reason) aborts every task set (TaskSetFailed each), then sc.stopInNewThread().' },
        'appClient.executorAdded': { description: 'executorAdded: "Granted executor ID ..." (log only).' },
        'appClient.executorRemoved': { actions: 'handle', description: 'executorRemoved: the loss reason from the exit status (53/56/58 not the app\'s fault, other codes are; none: ExecutorProcessLost, the app\'s fault unless the worker was lost), RemoveExecutor to itself.' },
        'appClient.workerRemoved': { description: 'workerRemoved: RemoveWorker, which only unregisters the host\'s map outputs (not modelled).' },
        IsExecutorAlive: { actions: 'handle', description: 'receiveAndReply IsExecutorAlive(executorId): isExecutorActive(executorId), asked by the BlockManagerMaster on a re-registration.' },
        'backend.stop': { actions: 'requestStopExecutors', description: 'SchedulerBackend.stop: pending removals and the revive thread stop; StopExecutors is asked through the endpoint\'s inbox, after what is queued there.' },
        StopExecutors: { target: 'stopped', actions: 'stop', description: 'StopExecutors: StopExecutor to every executor ("Asking each executor to shut down"), then StopDriver stops the endpoint and StopAppClient.' },
      },
    },
    stopped: {
      description: 'The DriverEndpoint is stopped (StopDriver) and the backend is stopping: Spark drops every later message (no offers, no removals, late status updates have no effect).',
      on: {
        ...Object.fromEntries(EVENT_TYPES.map((type) => [type, { description: 'Dropped: the endpoint is stopped.' }])),
        RegisterExecutor: { actions: 'refuseRegistration', description: 'The RegisterExecutor ask fails (Dispatcher: "Could not find CoarseGrainedScheduler or it has been stopped."): RegisterExecutorFailed to the executor, which exits.' },
      },
    },
  },
});
