/**
 * The driver JVM: SparkContext creates HeartbeatReceiver, the scheduler backend (with
 * TaskSchedulerImpl), the DAGScheduler and, when the backend starts, the StandaloneAppClient; then
 * it tells HeartbeatReceiver TaskSchedulerIsSet and runs the user's program, here the scenario's
 * jobs, each submitted at its time; when the last job ends it calls SparkContext.stop(). With
 * spark.dynamicAllocation.enabled it creates the ExecutorAllocationManager (a listener on the
 * driver's bus) and starts it once the scheduler backend has started (the application is
 * registered: StandaloneSchedulerBackend.start() blocks until then).
 * Not a Spark class: the stand-in for SparkContext's constructor and the user's main().
 */
import { assign, enqueueActions, setup, type AnyActorLogic, type AnyActorRef } from 'xstate';
import { ENDPOINT, endpointAddress } from '../machines/ids.js';
import type { ApplicationDescription, JobFailed, JobSucceeded, StageSpec } from '../machines/protocol.js';
import { blockManagerMasterMachine } from '../machines/blockManagerMaster.js';
import { blockManagerMachine, broadcastPuts, DRIVER_MEMORY_MB, maxOnHeapMemory } from '../machines/blockManager.js';
import { BLOCK_MANAGER_PORT } from '../machines/executorBackend.js';
import type { RemoveBroadcastResult, RemoveRddResult } from '../machines/blockManagerMessages.js';
import { postToListenerBus } from '../machines/sparkListener.js';
import type { ResolvedConf } from '../machines/conf.js';
import { isDynamicAllocationEnabled } from '../machines/allocationConf.js';

export interface PlannedJob {
  jobId: number;
  /** After the application's start. */
  submitAtMs: number;
  stages: StageSpec[];
  /**
   * sc.broadcast(value) before the action (TorrentBroadcast: the driver's BlockManager stores the
   * value and its pieces); with unpersistAfterJob the program calls broadcast.unpersist(blocking =
   * true) when the job ends, and SparkContext.stop waits for it.
   */
  broadcast?: { broadcastId: number; totalSize: number; blockSize: number; unpersistAfterJob: boolean };
  /** Cached RDDs the program unpersists when the job ends (rdd.unpersist() -> SparkContext.unpersistRDD). */
  unpersistRdds?: number[];
}

export interface DriverProcessInput {
  /** The process name, `driver-<application index>`. */
  process: string;
  masterAddress: string;
  appDescription: ApplicationDescription;
  conf: ResolvedConf;
  jobs: PlannedJob[];
  /** Call SparkContext.stop() once every job has ended (only for applications that have jobs). */
  stopWhenDone: boolean;
  /** The cluster manager; on YARN the application id the Client got from the ResourceManager. */
  clusterManager?: { kind: 'standalone' } | { kind: 'yarn'; appId: string };
}

export interface DriverLogics {
  appClient: AnyActorLogic;
  /** YarnSchedulerBackend's YarnSchedulerEndpoint (YARN only). */
  yarnScheduler?: AnyActorLogic;
  schedulerBackend: AnyActorLogic;
  heartbeatReceiver: AnyActorLogic;
  dagScheduler: AnyActorLogic;
  allocationManager: AnyActorLogic;
}

type DriverEvent =
  | { type: 'driver.started' }
  | { type: 'sparkContext.stop'; reason: string }
  | { type: 'driver.submitJob'; jobId: number }
  | { type: 'sparkContext.schedulerBackendStarted' }
  | JobSucceeded
  | JobFailed
  | RemoveBroadcastResult
  | RemoveRddResult;

type Spawn = (src: AnyActorLogic, options: { id: string; systemId: string; input: unknown }) => void;

export function createDriverProcess(logics: DriverLogics) {
  return setup({
    types: {
      input: {} as DriverProcessInput,
      context: {} as DriverProcessInput & { results: Record<number, 'succeeded' | 'failed'>; unpersisting: number[] },
      events: {} as DriverEvent,
    },
    guards: {
      allJobsEnded: ({ context }) => context.stopWhenDone && context.jobs.length > 0 && context.jobs.every((j) => context.results[j.jobId] !== undefined) && context.unpersisting.length === 0,
    },
    actions: {
      tell: enqueueActions(({ context, enqueue, system }, params: { endpoint: (typeof ENDPOINT)[keyof typeof ENDPOINT]; event: { type: string } & Record<string, unknown> }) => {
        const target = system.get(endpointAddress(context.process, params.endpoint)) as AnyActorRef | undefined;
        if (target) enqueue.sendTo(target, params.event);
      }),
      /** The job ended: broadcast.unpersist(blocking = true) -> BlockManagerMaster.removeBroadcast(id, removeFromDriver = false). */
      unpersistBroadcast: enqueueActions(({ context, event, enqueue, system }) => {
        if (event.type !== 'JobSucceeded' && event.type !== 'JobFailed') return;
        const b = context.jobs.find((j) => j.jobId === event.jobId)?.broadcast;
        const master = system.get(endpointAddress(context.process, ENDPOINT.BlockManagerMaster)) as AnyActorRef | undefined;
        if (!b?.unpersistAfterJob || !master) return;
        enqueue.assign({ unpersisting: [...context.unpersisting, b.broadcastId] });
        enqueue.sendTo(master, { type: 'RemoveBroadcast', broadcastId: b.broadcastId, removeFromDriver: false, replyTo: endpointAddress(context.process, ENDPOINT.SparkContext) });
      }),
      /**
       * rdd.unpersist() -> SparkContext.unpersistRDD(rddId, blocking = false):
       * BlockManagerMaster.removeRdd, then SparkListenerUnpersistRDD(rddId) on the listener bus.
       */
      unpersistRdds: enqueueActions(({ context, event, enqueue, system }) => {
        if (event.type !== 'JobSucceeded' && event.type !== 'JobFailed') return;
        const rddIds = context.jobs.find((j) => j.jobId === event.jobId)?.unpersistRdds ?? [];
        const master = system.get(endpointAddress(context.process, ENDPOINT.BlockManagerMaster)) as AnyActorRef | undefined;
        const sc = endpointAddress(context.process, ENDPOINT.SparkContext);
        for (const rddId of rddIds) {
          if (master) enqueue.sendTo(master, { type: 'RemoveRdd', rddId, replyTo: sc });
          postToListenerBus(system, sc, { type: 'SparkListenerUnpersistRDD', rddId }, (target, e) => enqueue.sendTo(target, e));
        }
      }),
    },
  }).createMachine({
    id: 'driver',
    context: ({ input }) => ({ ...input, results: {}, unpersisting: [] }),
    entry: enqueueActions(({ context, enqueue }) => {
      // Spawned from logic objects with computed system ids (XState types only allow ids for named slots).
      const spawn = enqueue.spawnChild as Spawn;
      const at = (endpoint: (typeof ENDPOINT)[keyof typeof ENDPOINT]) => endpointAddress(context.process, endpoint);
      // SparkEnv.create: the BlockManagerMaster endpoints, then the driver's BlockManager, which registers with them (SparkContext's blockManager.initialize).
      spawn(blockManagerMasterMachine, { id: ENDPOINT.BlockManagerMaster, systemId: at(ENDPOINT.BlockManagerMaster), input: { address: at(ENDPOINT.BlockManagerMaster) } });
      spawn(blockManagerMachine, {
        id: ENDPOINT.BlockManagerEndpoint,
        systemId: at(ENDPOINT.BlockManagerEndpoint),
        input: {
          address: at(ENDPOINT.BlockManagerEndpoint), blockManagerId: { executorId: 'driver', host: context.process, port: BLOCK_MANAGER_PORT },
          masterAddress: at(ENDPOINT.BlockManagerMaster), maxOnHeapMemSize: maxOnHeapMemory(DRIVER_MEMORY_MB), maxOffHeapMemSize: 0,
        },
      });
      spawn(logics.heartbeatReceiver, { id: ENDPOINT.HeartbeatReceiver, systemId: at(ENDPOINT.HeartbeatReceiver), input: { address: at(ENDPOINT.HeartbeatReceiver), conf: context.conf } });
      const yarn = context.clusterManager?.kind === 'yarn' ? context.clusterManager : undefined;
      spawn(logics.schedulerBackend, { id: ENDPOINT.CoarseGrainedScheduler, systemId: at(ENDPOINT.CoarseGrainedScheduler), input: { address: at(ENDPOINT.CoarseGrainedScheduler), conf: context.conf, clusterManager: yarn ? 'yarn' : 'standalone' } });
      spawn(logics.dagScheduler, { id: ENDPOINT.DAGScheduler, systemId: at(ENDPOINT.DAGScheduler), input: { address: at(ENDPOINT.DAGScheduler), conf: context.conf } });
      if (isDynamicAllocationEnabled(context.conf)) {
        spawn(logics.allocationManager, { id: ENDPOINT.ExecutorAllocationManager, systemId: at(ENDPOINT.ExecutorAllocationManager), input: { address: at(ENDPOINT.ExecutorAllocationManager), conf: context.conf } });
      }
      // YarnClientSchedulerBackend.start: the Client submitted the application; the YarnSchedulerEndpoint waits for its AM.
      if (yarn) spawn(logics.yarnScheduler!, { id: ENDPOINT.YarnScheduler, systemId: at(ENDPOINT.YarnScheduler), input: { address: at(ENDPOINT.YarnScheduler), appId: yarn.appId, conf: context.conf } });
      else spawn(logics.appClient, {
        id: ENDPOINT.AppClient,
        systemId: at(ENDPOINT.AppClient),
        input: { address: at(ENDPOINT.AppClient), masterAddress: context.masterAddress, appDescription: context.appDescription, conf: context.conf },
      });
      enqueue.raise({ type: 'driver.started' });
      for (const job of context.jobs) enqueue.raise({ type: 'driver.submitJob', jobId: job.jobId }, { delay: job.submitAtMs, id: `job-${job.jobId}` });
    }),
    initial: 'running',
    states: {
      running: {
        on: {
          'driver.started': {
            description: 'SparkContext asks HeartbeatReceiver TaskSchedulerIsSet once the task scheduler exists.',
            actions: { type: 'tell', params: { endpoint: ENDPOINT.HeartbeatReceiver, event: { type: 'TaskSchedulerIsSet' } } },
          },
          'driver.submitJob': {
            description: 'The user program broadcasts its variable (the driver\'s BlockManager stores it), then runs an action: SparkContext.runJob -> DAGScheduler.submitJob.',
            actions: [enqueueActions(({ context, event, enqueue, system }) => {
              const b = context.jobs.find((j) => j.jobId === event.jobId)?.broadcast;
              const blockManager = system.get(endpointAddress(context.process, ENDPOINT.BlockManagerEndpoint)) as AnyActorRef | undefined;
              if (!b || !blockManager) return;
              for (const put of broadcastPuts(b.broadcastId, b.totalSize, b.blockSize, true)) enqueue.sendTo(blockManager, put);
            }), {
              type: 'tell',
              params: ({ context, event }) => ({
                endpoint: ENDPOINT.DAGScheduler,
                event: { type: 'dagScheduler.submitJob', jobId: event.jobId, stages: context.jobs.find((j) => j.jobId === event.jobId)!.stages, replyTo: endpointAddress(context.process, ENDPOINT.SparkContext) },
              }),
            }],
          },
          'sparkContext.schedulerBackendStarted': {
            actions: { type: 'tell', params: { endpoint: ENDPOINT.ExecutorAllocationManager, event: { type: 'allocationManager.start' } } },
            description: 'SparkContext: the backend has started (application registered): ExecutorAllocationManager.start(), if there is one.',
          },
          'sparkContext.stop': { target: 'stopped', description: 'The application is dead (StandaloneSchedulerBackend.dead): sc.stop().' },
          JobSucceeded: { target: 'checking', actions: [assign({ results: ({ context, event }) => ({ ...context.results, [event.jobId]: 'succeeded' }) }), 'unpersistRdds', 'unpersistBroadcast'] },
          JobFailed: { target: 'checking', actions: [assign({ results: ({ context, event }) => ({ ...context.results, [event.jobId]: 'failed' }) }), 'unpersistRdds', 'unpersistBroadcast'] },
          RemoveRddResult: { description: 'The non-blocking removeRdd finished (nobody waits for it).' },
          RemoveBroadcastResult: {
            target: 'checking',
            description: 'The blocking unpersist returned (the per-block-manager counts).',
            actions: assign({ unpersisting: ({ context, event }) => context.unpersisting.filter((id) => id !== event.broadcastId) }),
          },
        },
      },
      checking: {
        always: [
          { guard: 'allJobsEnded', target: 'stopped' },
          { target: 'running' },
        ],
      },
      stopped: {
        description: 'SparkContext.stop(): the scheduler backend stops its executors and unregisters the application.',
        entry: [
          { type: 'tell', params: { endpoint: ENDPOINT.ExecutorAllocationManager, event: { type: 'allocationManager.stop' } } },
          { type: 'tell', params: { endpoint: ENDPOINT.HeartbeatReceiver, event: { type: 'heartbeatReceiver.stop' } } },
          { type: 'tell', params: { endpoint: ENDPOINT.CoarseGrainedScheduler, event: { type: 'backend.stop' } } },
        ],
      },
    },
  });
}
