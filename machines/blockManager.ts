/**
 * BlockManager with its BlockManagerStorageEndpoint: the blocks one JVM (an executor, or the
 * driver) stores, what it reports to the BlockManagerMaster, and its answers to the master's
 * removal asks. Models core/.../spark/storage/BlockManager.scala (initialize, reregister,
 * asyncReregister, reportAllBlocks, reportBlockStatus, removeRdd, removeBroadcast) and
 * BlockManagerStorageEndpoint.scala; shared/spark-semantics.md section 7.3 and 7.5. The actor's
 * address is its storage endpoint's, `<process>/BlockManagerEndpoint1`.
 *
 * Block contents, memory stores and fetching are not modelled: a put records the block's status
 * (what the master would learn), and a broadcast read stores its pieces as TorrentBroadcast's
 * readBlocks does once it has fetched them. Not modelled either: RemoveBlock, ReplicateBlock,
 * DecommissionBlockManager and the status queries.
 */
import { enqueueActions, sendParent, setup } from 'xstate';
import { networkOf, rpc } from './rpc.js';
import type { Address, BlockManagerId, RpcMessage } from './protocol.js';
import {
  BLOCK_MANAGER_REREGISTRATION_FAILED, broadcastBlockId, broadcastIdOf, INVALID_EXECUTOR_ID,
  type BlockId, type BlockStatus, type RegisterBlockManagerReply, type RemoveBroadcast, type RemoveRdd, type RemoveShuffle, type StorageLevelName, type UpdateBlockInfoReply,
} from './blockManagerMessages.js';
import { rddBlockId } from './sparkListener.js';

/** A stored block: its status and BlockInfo.tellMaster (whether the master hears of it). */
export interface StoredBlock extends BlockStatus { tellMaster: boolean }

export interface BlockManagerInput {
  /** The storage endpoint's address (this actor's system id). */
  address: Address;
  blockManagerId: BlockManagerId;
  /** The BlockManagerMasterEndpoint's address in the driver. */
  masterAddress: Address;
  maxOnHeapMemSize: number;
  maxOffHeapMemSize: number;
}

export interface BlockManagerContext extends BlockManagerInput {
  blocks: Record<BlockId, StoredBlock>;
  /** A re-registration's RegisterBlockManager is on its way (asyncReregister runs one at a time). */
  reregistering: boolean;
}

/** BlockManager.putSingle / putBytes / putIterator of one block (a task or TorrentBroadcast stores it). */
export interface PutBlock { type: 'blockManager.putBlock'; blockId: BlockId; storageLevel: StorageLevelName; memSize: number; diskSize: number; tellMaster: boolean }
/** TorrentBroadcast.readBroadcastBlock in a task: the pieces, then the value, unless already stored here. */
export interface ReadBroadcast { type: 'blockManager.readBroadcast'; broadcastId: number; totalSize: number; blockSize: number }
/** BlockManager.reregister, on HeartbeatResponse(reregisterBlockManager = true) (Executor.reportHeartBeat). */
export interface Reregister { type: 'blockManager.reregister' }
/** To the parent (the executor backend): System.exit(BLOCK_MANAGER_REREGISTRATION_FAILED). */
export interface BlockManagerExit { type: 'blockManager.exit'; exitCode: number; reason: string }

export type BlockManagerEvent = PutBlock | ReadBroadcast | Reregister | RegisterBlockManagerReply | UpdateBlockInfoReply | RemoveRdd | RemoveShuffle | RemoveBroadcast;

export const REREGISTRATION_FAILED_MESSAGE = 'Exiting executor due to block manager re-registration failure';

const MiB = 1024 * 1024;
/** UnifiedMemoryManager.RESERVED_SYSTEM_MEMORY_BYTES. */
const RESERVED_SYSTEM_MEMORY = 300 * MiB;
/** spark.memory.fraction default. */
const MEMORY_FRACTION = 0.6;
/** spark.driver.memory default (1g): not in the modelled configuration. */
export const DRIVER_MEMORY_MB = 1024;

/**
 * UnifiedMemoryManager.getMaxMemory: (heap - 300 MiB) x spark.memory.fraction, the storage +
 * execution memory a block manager registers with (the JVM's heap taken as the configured memory).
 */
export function maxOnHeapMemory(memoryMb: number): number {
  return Math.max(0, Math.floor((memoryMb * MiB - RESERVED_SYSTEM_MEMORY) * MEMORY_FRACTION));
}

/** TorrentBroadcast.writeBlocks: the value cut into pieces of spark.broadcast.blockSize (the last one shorter). */
export function broadcastPieceSizes(totalSize: number, blockSize: number): number[] {
  const sizes: number[] = [];
  for (let left = Math.max(0, totalSize); left > 0; left -= blockSize) sizes.push(Math.min(blockSize, left));
  return sizes.length > 0 ? sizes : [0];
}

/** The puts of a broadcast's blocks, in TorrentBroadcast's order: pieces (tellMaster) and the value (not told). */
export function broadcastPuts(broadcastId: number, totalSize: number, blockSize: number, valueFirst: boolean): PutBlock[] {
  const pieces = broadcastPieceSizes(totalSize, blockSize).map((size, i): PutBlock => ({
    type: 'blockManager.putBlock', blockId: broadcastBlockId(broadcastId, `piece${i}`), storageLevel: 'MEMORY_AND_DISK_SER', memSize: size, diskSize: 0, tellMaster: true,
  }));
  const value: PutBlock = { type: 'blockManager.putBlock', blockId: broadcastBlockId(broadcastId), storageLevel: 'MEMORY_AND_DISK', memSize: totalSize, diskSize: 0, tellMaster: false };
  // The driver's writeBlocks stores the value first; an executor's readBroadcastBlock stores it after the pieces.
  return valueFirst ? [value, ...pieces] : [...pieces, value];
}

const toMaster = (c: BlockManagerContext, message: RpcMessage) => rpc(c.address, c.masterAddress, message);
const updateBlockInfo = (c: BlockManagerContext, blockId: BlockId, s: BlockStatus): RpcMessage => ({
  type: 'UpdateBlockInfo', blockManagerId: c.blockManagerId, blockId, storageLevel: s.storageLevel, memSize: s.memSize, diskSize: s.diskSize, replyTo: c.address,
});
const registerMessage = (c: BlockManagerContext, isReRegister: boolean): RpcMessage => ({
  type: 'RegisterBlockManager', blockManagerId: c.blockManagerId, localDirs: [], maxOnHeapMemSize: c.maxOnHeapMemSize, maxOffHeapMemSize: c.maxOffHeapMemSize, sender: c.address, isReRegister,
});

export const blockManagerMachine = setup({
  types: {
    input: {} as BlockManagerInput,
    context: {} as BlockManagerContext,
    events: {} as BlockManagerEvent,
  },
  guards: {
    refused: ({ event }) => event.type === 'RegisterBlockManagerReply' && event.blockManagerId.executorId === INVALID_EXECUTOR_ID,
    reregistering: ({ context }) => context.reregistering,
    notUpdated: ({ event }) => event.type === 'UpdateBlockInfoReply' && !event.updated,
  },
  actions: {
    /** BlockManager.initialize: master.registerBlockManager(id, localDirs, maxOnHeap, maxOffHeap, storageEndpoint). */
    register: enqueueActions(({ context, enqueue, system }) => enqueue.sendTo(networkOf(system), toMaster(context, registerMessage(context, false)))),
    /** reregister() (asyncReregister runs at most one at a time): registerBlockManager(..., isReRegister = true). */
    reregister: enqueueActions(({ context, enqueue, system }) => {
      if (context.reregistering) return;
      enqueue.assign({ reregistering: true });
      enqueue.sendTo(networkOf(system), toMaster(context, registerMessage(context, true)));
    }),
    /** reportAllBlocks: tell the master every block whose BlockInfo.tellMaster is set. */
    reportAllBlocks: enqueueActions(({ context, enqueue, system }) => {
      enqueue.assign({ reregistering: false });
      for (const [blockId, block] of Object.entries(context.blocks)) {
        if (block.tellMaster) enqueue.sendTo(networkOf(system), toMaster(context, updateBlockInfo(context, blockId, block)));
      }
    }),
    /** doPut: record the block; reportBlockStatus when tellMaster (UpdateBlockInfo). */
    put: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'blockManager.putBlock') return;
      const { type: _t, blockId, ...block } = event;
      enqueue.assign({ blocks: { ...context.blocks, [blockId]: block } });
      if (block.tellMaster) enqueue.sendTo(networkOf(system), toMaster(context, updateBlockInfo(context, blockId, block)));
    }),
    /** readBroadcastBlock: the value is local already, or its pieces are fetched and stored, then the value. */
    readBroadcast: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'blockManager.readBroadcast' || context.blocks[broadcastBlockId(event.broadcastId)]) return;
      for (const put of broadcastPuts(event.broadcastId, event.totalSize, event.blockSize, false)) enqueue.sendTo(self, put);
    }),
    /**
     * The storage endpoint's removals: removeRdd (tellMaster = false: the master dropped them first),
     * removeBroadcast (tellMaster = true: each told block reports an invalid level), RemoveShuffle
     * (no shuffle data is modelled: true). The reply carries the count of blocks removed.
     */
    remove: enqueueActions(({ context, event, enqueue, system }) => {
      const network = networkOf(system);
      const drop = (match: (b: BlockId) => boolean, tellMaster: boolean): number => {
        const ids = Object.keys(context.blocks).filter(match);
        const blocks = { ...context.blocks };
        for (const id of ids) {
          const told = blocks[id]!.tellMaster;
          delete blocks[id];
          if (tellMaster && told) enqueue.sendTo(network, toMaster(context, updateBlockInfo(context, id, { storageLevel: 'NONE', memSize: 0, diskSize: 0 })));
        }
        enqueue.assign({ blocks });
        return ids.length;
      };
      const reply = (to: Address, message: RpcMessage) => enqueue.sendTo(network, rpc(context.address, to, message));
      switch (event.type) {
        case 'RemoveRdd':
          reply(event.replyTo, { type: 'RemoveRddReply', blockManagerId: context.blockManagerId, rddId: event.rddId, removed: drop((b) => rddBlockId(b)?.rddId === event.rddId, false) });
          break;
        case 'RemoveBroadcast':
          reply(event.replyTo, { type: 'RemoveBroadcastReply', blockManagerId: context.blockManagerId, broadcastId: event.broadcastId, removed: drop((b) => broadcastIdOf(b) === event.broadcastId, true) });
          break;
        case 'RemoveShuffle':
          reply(event.replyTo, { type: 'RemoveShuffleReply', blockManagerId: context.blockManagerId, shuffleId: event.shuffleId, removed: true });
          break;
      }
    }),
    exitExecutor: sendParent({ type: 'blockManager.exit', exitCode: BLOCK_MANAGER_REREGISTRATION_FAILED, reason: REREGISTRATION_FAILED_MESSAGE } satisfies BlockManagerExit),
  },
}).createMachine({
  id: 'BlockManager',
  context: ({ input }) => ({ ...input, blocks: {}, reregistering: false }),
  initial: 'registering',
  on: {
    'blockManager.putBlock': { actions: 'put', description: 'doPut: store the block; tell the master (UpdateBlockInfo) when tellMaster.' },
    'blockManager.readBroadcast': { actions: 'readBroadcast', description: 'TorrentBroadcast.readBroadcastBlock: pieces (told) then the value (not told), once per broadcast.' },
    RemoveRdd: { actions: 'remove', description: 'BlockManagerStorageEndpoint: removeRdd(rddId), reply the count.' },
    RemoveBroadcast: { actions: 'remove', description: 'BlockManagerStorageEndpoint: removeBroadcast(broadcastId, tellMaster = true), reply the count.' },
    RemoveShuffle: { actions: 'remove', description: 'BlockManagerStorageEndpoint: removeShuffle, reply true.' },
  },
  states: {
    registering: {
      description: 'BlockManager.initialize: the RegisterBlockManager ask is on its way (Executor\'s constructor; SparkContext\'s for the driver).',
      entry: 'register',
      on: {
        RegisterBlockManagerReply: { target: 'registered', description: 'Registered: blockManagerId = the reply.' },
      },
    },
    registered: {
      on: {
        'blockManager.reregister': { actions: 'reregister', description: 'HeartbeatResponse(reregisterBlockManager = true): reregister().' },
        UpdateBlockInfoReply: [
          { guard: 'notUpdated', actions: 'reregister', description: 'reportBlockStatus: the master did not know this block manager -> asyncReregister().' },
          { description: 'The master booked the block.' },
        ],
        RegisterBlockManagerReply: [
          { guard: 'refused', target: 'exited', actions: 'exitExecutor', description: 'executorId "invalid": "Exiting executor due to block manager re-registration failure", System.exit(58).' },
          { guard: 'reregistering', actions: 'reportAllBlocks', description: 'Re-registered: reportAllBlocks().' },
          { description: 'A reply to no pending registration: ignored.' },
        ],
      },
    },
    exited: { description: 'The JVM is exiting (System.exit(58)); the process stand-in ends it.' },
  },
});

/** The ids of the blocks the block manager holds, sorted (tests, reports). */
export const storedBlockIds = (c: BlockManagerContext): BlockId[] => Object.keys(c.blocks).sort();
