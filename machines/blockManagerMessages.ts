/**
 * The block manager control plane's messages: core/.../spark/storage/BlockManagerMessages.scala
 * (ToBlockManagerMaster, ToBlockManagerMasterStorageEndpoint), with BlockId, StorageLevel and
 * BlockStatus reduced to what the control plane reads.
 *
 * Spark's asks answer with a plain value (a BlockManagerId, a Boolean, a Future[Seq[Int]]); here
 * the answer is a message named after the ask: `<Ask>Reply` from one endpoint, `<Ask>Result`
 * for the master's aggregate of a fan-out. `replyTo` is the asker's address (RpcCallContext).
 * Name clash: BlockManagerMessages.RemoveExecutor is `BlockManagerRemoveExecutor` (the
 * CoarseGrainedClusterMessages one keeps `RemoveExecutor`).
 */
import type { Address, BlockManagerId } from './protocol.js';
import { isValidStorageLevel, type StorageLevel } from './sparkListener.js';

export type { BlockManagerId };

/** BlockManagerId.isDriver: executorId == SparkContext.DRIVER_IDENTIFIER. */
export const DRIVER_IDENTIFIER = 'driver';
/** BlockManagerId.INVALID_EXECUTOR_ID: the executor id of a refused re-registration (SPARK-41360). */
export const INVALID_EXECUTOR_ID = 'invalid';
/** ExecutorExitCode.BLOCK_MANAGER_REREGISTRATION_FAILED ... "Exiting executor due to block manager re-registration failure". */
export const BLOCK_MANAGER_REREGISTRATION_FAILED = 58;

export const isDriver = (id: BlockManagerId): boolean => id.executorId === DRIVER_IDENTIFIER;
/** A block manager's key in the master's maps: BlockManagerId equality on executorId, host, port. */
export const blockManagerKey = (id: BlockManagerId): string => `${id.executorId}@${id.host}:${id.port}`;

/**
 * BlockId.name: `rdd_<rddId>_<splitIndex>`, `broadcast_<broadcastId>`, `broadcast_<id>_piece<n>`
 * (BlockId.scala); the name is the identity, as Spark parses it back with BlockId.apply.
 */
export type BlockId = string;
/** RDDBlockId(rddId, splitIndex).name (sparkListener.ts's rddBlockId parses it back). */
export const rddBlockName = (rddId: number, splitIndex: number): BlockId => `rdd_${rddId}_${splitIndex}`;
export const broadcastBlockId = (broadcastId: number, field?: string): BlockId => `broadcast_${broadcastId}${field ? `_${field}` : ''}`;
/** BroadcastBlockId's broadcastId (the block itself or one of its pieces), or undefined. */
export function broadcastIdOf(blockId: BlockId): number | undefined {
  const m = /^broadcast_(\d+)(_.*)?$/.exec(blockId);
  return m ? Number(m[1]) : undefined;
}

/** The StorageLevel constants the modelled blocks use, by name (StorageLevel.scala); NONE is the invalid level of a removal. */
export type StorageLevelName = 'NONE' | 'DISK_ONLY' | 'MEMORY_ONLY' | 'MEMORY_AND_DISK' | 'MEMORY_AND_DISK_SER';
const LEVELS: Record<StorageLevelName, StorageLevel> = {
  NONE: { useDisk: false, useMemory: false, useOffHeap: false, deserialized: false, replication: 1 },
  DISK_ONLY: { useDisk: true, useMemory: false, useOffHeap: false, deserialized: false, replication: 1 },
  MEMORY_ONLY: { useDisk: false, useMemory: true, useOffHeap: false, deserialized: true, replication: 1 },
  MEMORY_AND_DISK: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: true, replication: 1 },
  MEMORY_AND_DISK_SER: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: false, replication: 1 },
};
/** StorageLevel.fromString: the constant of that name. */
export const storageLevel = (name: StorageLevelName): StorageLevel => LEVELS[name];
export const isValidLevel = (name: StorageLevelName): boolean => isValidStorageLevel(LEVELS[name]);
export const useMemory = (name: StorageLevelName): boolean => LEVELS[name].useMemory;

/** BlockStatus(storageLevel, memSize, diskSize). */
export interface BlockStatus { storageLevel: StorageLevelName; memSize: number; diskSize: number }

// ---------------------------------------------------------------------------------------------
// ToBlockManagerMaster (asked of BlockManagerMasterEndpoint / BlockManagerMasterHeartbeatEndpoint)

/** `sender` is the block manager's storage endpoint (BlockManagerStorageEndpoint); the reply goes there too. */
export interface RegisterBlockManager {
  type: 'RegisterBlockManager'; blockManagerId: BlockManagerId; localDirs: string[]; maxOnHeapMemSize: number; maxOffHeapMemSize: number; sender: Address; isReRegister: boolean;
}
export interface RegisterBlockManagerReply { type: 'RegisterBlockManagerReply'; blockManagerId: BlockManagerId }
export interface UpdateBlockInfo {
  type: 'UpdateBlockInfo'; blockManagerId: BlockManagerId; blockId: BlockId; storageLevel: StorageLevelName; memSize: number; diskSize: number; replyTo: Address;
}
export interface UpdateBlockInfoReply { type: 'UpdateBlockInfoReply'; blockId: BlockId; updated: boolean }
/** Asked of the heartbeat endpoint by the driver (DAGScheduler.executorHeartbeatReceived). */
export interface BlockManagerHeartbeat { type: 'BlockManagerHeartbeat'; blockManagerId: BlockManagerId; replyTo: Address }
export interface BlockManagerHeartbeatReply { type: 'BlockManagerHeartbeatReply'; blockManagerId: BlockManagerId; registered: boolean }
/** BlockManagerMessages.RemoveExecutor(execId), qualified. */
export interface BlockManagerRemoveExecutor { type: 'BlockManagerRemoveExecutor'; execId: string }
/** Master-side asks of a fan-out; `replyTo` receives the `<Ask>Result` (optional: the driver may not wait). */
export interface RemoveRddAsk { type: 'RemoveRdd'; rddId: number; replyTo?: Address }
export interface RemoveShuffleAsk { type: 'RemoveShuffle'; shuffleId: number; replyTo?: Address }
export interface RemoveBroadcastAsk { type: 'RemoveBroadcast'; broadcastId: number; removeFromDriver: boolean; replyTo?: Address }
/** The Future[Seq[Int]] / Future[Seq[Boolean]] of a fan-out: one entry per storage endpoint asked, in registration order. */
export interface RemoveRddResult { type: 'RemoveRddResult'; rddId: number; removed: number[] }
export interface RemoveShuffleResult { type: 'RemoveShuffleResult'; shuffleId: number; removed: boolean[] }
export interface RemoveBroadcastResult { type: 'RemoveBroadcastResult'; broadcastId: number; removed: number[] }

/** CoarseGrainedClusterMessages.IsExecutorAlive, asked of the driver endpoint by the master on a re-registration. */
export interface IsExecutorAlive { type: 'IsExecutorAlive'; executorId: string; replyTo: Address }
export interface IsExecutorAliveReply { type: 'IsExecutorAliveReply'; executorId: string; isAlive: boolean }

// ---------------------------------------------------------------------------------------------
// ToBlockManagerMasterStorageEndpoint (asked of each block manager by the master)

export interface RemoveRdd { type: 'RemoveRdd'; rddId: number; replyTo: Address }
export interface RemoveShuffle { type: 'RemoveShuffle'; shuffleId: number; replyTo: Address }
export interface RemoveBroadcast { type: 'RemoveBroadcast'; broadcastId: number; removeFromDriver: boolean; replyTo: Address }
export interface RemoveRddReply { type: 'RemoveRddReply'; blockManagerId: BlockManagerId; rddId: number; removed: number }
export interface RemoveShuffleReply { type: 'RemoveShuffleReply'; blockManagerId: BlockManagerId; shuffleId: number; removed: boolean }
export interface RemoveBroadcastReply { type: 'RemoveBroadcastReply'; blockManagerId: BlockManagerId; broadcastId: number; removed: number }

/** Every block manager message that crosses a process boundary (travels through the network). */
export type BlockManagerRpcMessage =
  | RegisterBlockManager | RegisterBlockManagerReply | UpdateBlockInfo | UpdateBlockInfoReply
  | RemoveRdd | RemoveShuffle | RemoveBroadcast | RemoveRddReply | RemoveShuffleReply | RemoveBroadcastReply;
