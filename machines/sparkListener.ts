/**
 * Spark's listener events (the SparkListenerEvent case classes the control plane posts) and the
 * driver's LiveListenerBus: the one place that knows which endpoints of the driver process listen.
 *
 * Models core/src/main/scala/org/apache/spark/scheduler/SparkListener.scala (event classes and
 * their fields, camelCase as in Scala), StageInfo.scala, storage/BlockUpdatedInfo.scala,
 * storage/StorageLevel.scala and scheduler/LiveListenerBus.scala (Spark 4.1.1). Who posts what,
 * as in Spark: the DAGScheduler posts job, stage and task events; CoarseGrainedSchedulerBackend
 * posts SparkListenerExecutorAdded / SparkListenerExecutorRemoved; BlockManagerMasterEndpoint posts
 * SparkListenerBlockUpdated; SparkContext.unpersistRDD posts SparkListenerUnpersistRDD.
 *
 * Delivery: Spark's bus queues each event and a dispatch thread calls every listener; here the
 * poster sends the event to each listening endpoint of its own process, in posting order, which
 * keeps Spark's per-queue FIFO order. Listeners that are not running (dynamic allocation off) are
 * skipped, as Spark registers no such listener.
 */
import type { ActorSystem, AnyActorRef } from 'xstate';
import { ENDPOINT, siblingAddress, type EndpointName } from './ids.js';
import type { Address, BlockManagerId, TaskEndReason, TaskInfo } from './protocol.js';

/** ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID: the only profile the model has. */
export const DEFAULT_RESOURCE_PROFILE_ID = 0;

/** Spark's StageInfo (scheduler/StageInfo.scala), the fields listeners read; named apart from the DAGScheduler's own stage record. */
export interface ListenerStageInfo {
  stageId: number;
  /** StageInfo.attemptNumber() (the private attemptId). */
  attemptNumber: number;
  numTasks: number;
  parentIds: number[];
  /** Set for a ShuffleMapStage: the id of the shuffle it writes. */
  shuffleDepId?: number;
  resourceProfileId: number;
  submissionTime?: number;
  completionTime?: number;
  failureReason?: string;
}

/** ExecutorInfo, the fields listeners read. */
export interface ExecutorInfo { executorHost: string; totalCores: number; resourceProfileId: number }


/** StorageLevel. */
export interface StorageLevel { useDisk: boolean; useMemory: boolean; useOffHeap: boolean; deserialized: boolean; replication: number }

/** StorageLevel.isValid: stored somewhere, at least once. */
export const isValidStorageLevel = (level: StorageLevel): boolean => (level.useMemory || level.useDisk) && level.replication > 0;

/** BlockUpdatedInfo. `blockId` is BlockId.name: "rdd_<rddId>_<splitIndex>", "shuffle_<shuffleId>_<mapId>_<reduceId>", "broadcast_<id>", ... */
export interface BlockUpdatedInfo { blockManagerId: BlockManagerId; blockId: string; storageLevel: StorageLevel; memSize: number; diskSize: number }

/** JobResult: JobSucceeded or JobFailed(exception). */
export type JobResult = { result: 'JobSucceeded' } | { result: 'JobFailed'; exception: string };

export interface SparkListenerJobStart { type: 'SparkListenerJobStart'; jobId: number; time: number; stageInfos: ListenerStageInfo[] }
export interface SparkListenerJobEnd { type: 'SparkListenerJobEnd'; jobId: number; time: number; jobResult: JobResult }
export interface SparkListenerStageSubmitted { type: 'SparkListenerStageSubmitted'; stageInfo: ListenerStageInfo }
export interface SparkListenerStageCompleted { type: 'SparkListenerStageCompleted'; stageInfo: ListenerStageInfo }
export interface SparkListenerTaskStart { type: 'SparkListenerTaskStart'; stageId: number; stageAttemptId: number; taskInfo: TaskInfo }
/** taskType: "ShuffleMapTask" or "ResultTask" (the task's class name). */
export interface SparkListenerTaskEnd { type: 'SparkListenerTaskEnd'; stageId: number; stageAttemptId: number; taskType: 'ShuffleMapTask' | 'ResultTask'; reason: TaskEndReason; taskInfo: TaskInfo }
export interface SparkListenerExecutorAdded { type: 'SparkListenerExecutorAdded'; time: number; executorId: string; executorInfo: ExecutorInfo }
/** reason: ExecutorLossReason.toString, e.g. "Executor killed by driver." */
export interface SparkListenerExecutorRemoved { type: 'SparkListenerExecutorRemoved'; time: number; executorId: string; reason: string }
export interface SparkListenerBlockUpdated { type: 'SparkListenerBlockUpdated'; blockUpdatedInfo: BlockUpdatedInfo }
export interface SparkListenerUnpersistRDD { type: 'SparkListenerUnpersistRDD'; rddId: number }

export type SparkListenerEvent =
  | SparkListenerJobStart | SparkListenerJobEnd | SparkListenerStageSubmitted | SparkListenerStageCompleted
  | SparkListenerTaskStart | SparkListenerTaskEnd | SparkListenerExecutorAdded | SparkListenerExecutorRemoved
  | SparkListenerBlockUpdated | SparkListenerUnpersistRDD;

export const SPARK_LISTENER_EVENT_TYPES: ReadonlyArray<SparkListenerEvent['type']> = [
  'SparkListenerJobStart', 'SparkListenerJobEnd', 'SparkListenerStageSubmitted', 'SparkListenerStageCompleted',
  'SparkListenerTaskStart', 'SparkListenerTaskEnd', 'SparkListenerExecutorAdded', 'SparkListenerExecutorRemoved',
  'SparkListenerBlockUpdated', 'SparkListenerUnpersistRDD',
];

/** The listeners registered on the driver's bus (SparkContext adds the allocation manager's when dynamic allocation is on). */
export const LISTENER_BUS_LISTENERS: ReadonlyArray<EndpointName> = [ENDPOINT.ExecutorAllocationManager];

/** An RDD block's ids, from its name "rdd_<rddId>_<splitIndex>" (RDDBlockId); undefined for any other block. */
export function rddBlockId(blockId: string): { rddId: number; splitIndex: number } | undefined {
  const m = /^rdd_([0-9]+)_([0-9]+)$/.exec(blockId);
  return m ? { rddId: Number(m[1]), splitIndex: Number(m[2]) } : undefined;
}

/** A shuffle data block's shuffle id, from "shuffle_<shuffleId>_<mapId>_<reduceId>.data" (ShuffleDataBlockId); undefined otherwise. */
export function shuffleDataBlockShuffleId(blockId: string): number | undefined {
  const m = /^shuffle_([0-9]+)_[0-9]+_[0-9]+\.data$/.exec(blockId);
  return m ? Number(m[1]) : undefined;
}

/**
 * LiveListenerBus.post from an endpoint at `from`: the event goes to every running listener of
 * the same process, through `send` (the machine's enqueue.sendTo). A listener that is not running
 * gets nothing (never sendTo an undefined target: it would deliver the event back to the sender).
 */
export function postToListenerBus(system: ActorSystem<any>, from: Address, event: SparkListenerEvent, send: (target: AnyActorRef, event: SparkListenerEvent) => void): void {
  for (const endpoint of LISTENER_BUS_LISTENERS) {
    const target = system.get(siblingAddress(from, endpoint)) as AnyActorRef | undefined;
    if (target) send(target, event);
  }
}
