/**
 * BlockManagerMasterEndpoint with its BlockManagerMasterHeartbeatEndpoint: the driver's book of
 * every block manager and of where each block is. Models core/.../spark/storage/
 * BlockManagerMasterEndpoint.scala (register, updateBlockInfo, removeExecutor/removeBlockManager,
 * removeRdd, removeShuffle, removeBroadcast, handleBlockRemovalFailure) and
 * BlockManagerMasterHeartbeatEndpoint.scala; shared/spark-semantics.md section 7.
 *
 * The two endpoints share `blockManagerInfo` in Spark (the heartbeat endpoint is handed the same
 * map); here one actor holds that map and answers both endpoints' messages, so the map has one owner.
 *
 * Not modelled: topology (TopologyMapper returns None by default), shuffle blocks and the
 * MapOutputTracker, the external shuffle service, decommissioning, replication (every modelled
 * level has replication 1, so an RDD block never has a second holder and the proactive
 * ReplicateBlock of removeBlockManager never applies), and the queries (GetLocations, ...).
 * A storage endpoint that never answers a removal ask: Spark's ask times out after
 * spark.rpc.askTimeout and counts 0 when the executor is not alive; here the answer is settled
 * with 0 when the executor's block manager is removed, which the heartbeat expiry guarantees.
 */
import { enqueueActions, setup, type AnyActorRef } from 'xstate';
import { nowOf } from './clock.js';
import { ENDPOINT, siblingAddress } from './ids.js';
import { networkOf, rpc } from './rpc.js';
import type { Address, BlockManagerId, RpcMessage } from './protocol.js';
import {
  blockManagerKey, broadcastIdOf, INVALID_EXECUTOR_ID, isDriver, isValidLevel, storageLevel, useMemory,
  type BlockId, type BlockManagerHeartbeat, type BlockManagerRemoveExecutor, type BlockStatus, type IsExecutorAliveReply,
  type RegisterBlockManager, type RemoveBroadcastAsk, type RemoveBroadcastReply, type RemoveRddAsk, type RemoveRddReply,
  type RemoveShuffleAsk, type RemoveShuffleReply, type UpdateBlockInfo,
} from './blockManagerMessages.js';
import * as bucketed from './bucketed.js';
import { postToListenerBus, rddBlockId, type SparkListenerEvent } from './sparkListener.js';

/** BlockManagerInfo: one registered block manager. */
export interface BlockManagerInfo {
  blockManagerId: BlockManagerId;
  /** The BlockManagerStorageEndpoint (RegisterBlockManager's `sender`). */
  storageEndpoint: Address;
  registeredMs: number;
  maxOnHeapMem: number;
  maxOffHeapMem: number;
  /** _remainingMem: max memory less the memory-level blocks it holds. */
  remainingMem: number;
  blocks: Record<BlockId, BlockStatus>;
}

export type RemovalKind = 'RemoveRdd' | 'RemoveShuffle' | 'RemoveBroadcast';

/** A fan-out in flight: the storage endpoints asked (block manager keys) and their answers so far. */
export interface PendingRemoval { kind: RemovalKind; id: number; replyTo: Address | undefined; asked: string[]; answers: Record<string, number | boolean> }

/** A finished fan-out, kept for reports: per block manager asked (in order), its answer. */
export interface CompletedRemoval { kind: RemovalKind; id: number; blockManagers: string[]; removed: Array<number | boolean>; completedMs: number }

export interface BlockManagerMasterContext {
  address: Address;
  /** SparkContext.isLocal: false for every modelled deployment (standalone). */
  isLocal: boolean;
  /** By block manager key (`blockManagerKey`). The maps here are bucketed (see bucketed.ts): they hold an entry per executor or per block and change per message. */
  blockManagerInfo: bucketed.Bucketed<BlockManagerInfo>;
  /**
   * BlockManagerInfo.lastSeenMs by block manager key, kept beside the records because every
   * BlockManagerHeartbeat changes it (copying the record of 1,000 block managers per heartbeat was
   * 53% of an idle 1,000-executor cluster's CPU).
   */
  lastSeenMs: bucketed.Bucketed<number>;
  /** Registration order of the keys (Spark iterates a HashMap; the model keeps it deterministic). */
  order: string[];
  blockManagerIdByExecutor: bucketed.Bucketed<string>;
  /** Block id -> the keys of the block managers holding it. */
  blockLocations: bucketed.Bucketed<string[]>;
  /** Re-registrations waiting for the driver's IsExecutorAlive answer, by executor id. */
  pendingRegistrations: Record<string, RegisterBlockManager>;
  pendingRemovals: Record<string, PendingRemoval>;
  completedRemovals: CompletedRemoval[];
  /** Block managers removed (removeBlockManager), oldest first, bounded. */
  removed: Array<{ blockManagerId: BlockManagerId; removedMs: number }>;
}

export interface BlockManagerMasterInput { address: Address; isLocal?: boolean }

export type BlockManagerMasterEvent =
  | RegisterBlockManager | UpdateBlockInfo | BlockManagerHeartbeat | BlockManagerRemoveExecutor
  | RemoveRddAsk | RemoveShuffleAsk | RemoveBroadcastAsk | RemoveRddReply | RemoveShuffleReply | RemoveBroadcastReply
  | IsExecutorAliveReply;

/** What one step sends: through the network to another process, or to an endpoint of the driver. */
export type MasterOut =
  | { to: 'network'; address: Address; message: RpcMessage }
  | { to: 'local'; address: Address; event: { type: string } & Record<string, unknown> }
  | { to: 'listenerBus'; event: SparkListenerEvent };

/** Bounds on the kept history (the live maps are bounded by the cluster itself). */
export const RETAINED_REMOVALS = 1_000;

export function initialMasterContext(input: BlockManagerMasterInput): BlockManagerMasterContext {
  return {
    address: input.address, isLocal: input.isLocal ?? false, blockManagerInfo: bucketed.empty(), lastSeenMs: bucketed.empty(), order: [], blockManagerIdByExecutor: bucketed.empty(), blockLocations: bucketed.empty(),
    pendingRegistrations: {}, pendingRemovals: {}, completedRemovals: [], removed: [],
  };
}

interface Step { ctx: BlockManagerMasterContext; out: MasterOut[]; now: number }

const removalKey = (kind: RemovalKind, id: number) => `${kind}:${id}`;
const bounded = <T>(list: T[]): T[] => (list.length > RETAINED_REMOVALS ? list.slice(list.length - RETAINED_REMOVALS) : list);

/** BlockManagerInfo.updateBlockInfo, and blockLocations with it (valid level adds the location, invalid removes it). */
function updateBlock(step: Step, key: string, blockId: BlockId, status: BlockStatus, touch = true): void {
  const info = bucketed.get(step.ctx.blockManagerInfo, key)!;
  const old = info.blocks[blockId];
  let remainingMem = info.remainingMem + (old && useMemory(old.storageLevel) ? old.memSize : 0);
  const blocks = { ...info.blocks };
  const holders = bucketed.get(step.ctx.blockLocations, blockId) ?? [];
  let blockLocations = step.ctx.blockLocations;
  if (isValidLevel(status.storageLevel)) {
    blocks[blockId] = status;
    if (useMemory(status.storageLevel)) remainingMem -= status.memSize;
    if (!holders.includes(key)) blockLocations = bucketed.set(blockLocations, blockId, [...holders, key]);
  } else {
    delete blocks[blockId];
    blockLocations = withoutHolder(blockLocations, blockId, key);
  }
  step.ctx = { ...step.ctx, blockLocations, blockManagerInfo: bucketed.set(step.ctx.blockManagerInfo, key, { ...info, blocks, remainingMem }) };
  if (touch) touchLastSeen(step, key);
}

/** blockLocations with `key` no longer holding `blockId` (the block's entry dropped with its last holder). */
function withoutHolder(locations: bucketed.Bucketed<string[]>, blockId: BlockId, key: string): bucketed.Bucketed<string[]> {
  const left = (bucketed.get(locations, blockId) ?? []).filter((k) => k !== key);
  return left.length > 0 ? bucketed.set(locations, blockId, left) : bucketed.remove(locations, [blockId]);
}

const touchLastSeen = (step: Step, key: string) => {
  step.ctx = { ...step.ctx, lastSeenMs: bucketed.set(step.ctx.lastSeenMs, key, step.now) };
};

/** BlockManagerInfo.lastSeenMs of a registered block manager. */
export const lastSeenMs = (ctx: BlockManagerMasterContext, key: string): number | undefined => bucketed.get(ctx.lastSeenMs, key);

/** The BlockManagerInfo of a registered block manager, by key. */
export const blockManagerInfoOf = (ctx: BlockManagerMasterContext, key: string): BlockManagerInfo | undefined => bucketed.get(ctx.blockManagerInfo, key);

/** Settles a fan-out's answer from one block manager; the last answer replies the aggregate to the asker. */
function answer(step: Step, kind: RemovalKind, id: number, key: string, value: number | boolean): void {
  const rk = removalKey(kind, id);
  const pending = step.ctx.pendingRemovals[rk];
  if (!pending || !pending.asked.includes(key) || pending.answers[key] !== undefined) return;
  const answers = { ...pending.answers, [key]: value };
  const { [rk]: _done, ...rest } = step.ctx.pendingRemovals;
  if (Object.keys(answers).length < pending.asked.length) {
    step.ctx = { ...step.ctx, pendingRemovals: { ...step.ctx.pendingRemovals, [rk]: { ...pending, answers } } };
    return;
  }
  step.ctx = { ...step.ctx, pendingRemovals: rest };
  complete(step, pending, pending.asked.map((k) => answers[k]!));
}

/** The fan-out's Future.sequence completed: keep it for reports and reply the answers to the asker. */
function complete(step: Step, pending: PendingRemoval, removed: Array<number | boolean>): void {
  const { kind, id } = pending;
  step.ctx = { ...step.ctx, completedRemovals: bounded([...step.ctx.completedRemovals, { kind, id, blockManagers: pending.asked, removed, completedMs: step.now }]) };
  if (pending.replyTo === undefined) return;
  const event = kind === 'RemoveRdd' ? { type: 'RemoveRddResult', rddId: id, removed }
    : kind === 'RemoveShuffle' ? { type: 'RemoveShuffleResult', shuffleId: id, removed }
      : { type: 'RemoveBroadcastResult', broadcastId: id, removed };
  step.out.push({ to: 'local', address: pending.replyTo, event });
}

/**
 * removeBlockManager: forget the block manager and every location it held ("No more replicas
 * available for <blockId>" when none is left); its unanswered removal asks count as failed with the
 * executor gone (handleBlockRemovalFailure: 0 / false). SparkListenerBlockManagerRemoved is read
 * from `removed` by the runtime's listener-bus recorder.
 */
function removeBlockManager(step: Step, key: string): void {
  const info = bucketed.get(step.ctx.blockManagerInfo, key);
  if (!info) return;
  const blockManagerInfo = bucketed.remove(step.ctx.blockManagerInfo, [key]);
  const blockManagerIdByExecutor = bucketed.remove(step.ctx.blockManagerIdByExecutor, [info.blockManagerId.executorId]);
  let blockLocations = step.ctx.blockLocations;
  for (const blockId of Object.keys(info.blocks)) blockLocations = withoutHolder(blockLocations, blockId, key);
  step.ctx = {
    ...step.ctx, blockManagerInfo, blockManagerIdByExecutor, blockLocations, order: step.ctx.order.filter((k) => k !== key), lastSeenMs: bucketed.remove(step.ctx.lastSeenMs, [key]),
    removed: bounded([...step.ctx.removed, { blockManagerId: info.blockManagerId, removedMs: step.now }]),
  };
  for (const pending of Object.values(step.ctx.pendingRemovals)) {
    if (pending.asked.includes(key)) answer(step, pending.kind, pending.id, key, pending.kind === 'RemoveShuffle' ? false : 0);
  }
}

/** removeExecutor(execId): removeBlockManager of the executor's block manager, if it has one. */
function removeExecutor(step: Step, execId: string): void {
  const key = bucketed.get(step.ctx.blockManagerIdByExecutor, execId);
  if (key !== undefined) removeBlockManager(step, key);
}

/**
 * register (7.3): a block manager not yet known is added when it is a first registration or its
 * executor is alive; another block manager of the same executor is removed first ("Got two
 * different block manager registrations on same executor"). The reply is the id, or the id with
 * executorId "invalid" for a re-registration of an executor the driver no longer has (SPARK-41360).
 */
function register(step: Step, msg: RegisterBlockManager, isExecutorAlive: boolean): void {
  const id = msg.blockManagerId;
  const key = blockManagerKey(id);
  if (!bucketed.has(step.ctx.blockManagerInfo, key) && (!msg.isReRegister || isExecutorAlive)) {
    const previous = bucketed.get(step.ctx.blockManagerIdByExecutor, id.executorId);
    if (previous !== undefined) removeExecutor(step, id.executorId);
    const max = msg.maxOnHeapMemSize + msg.maxOffHeapMemSize;
    step.ctx = {
      ...step.ctx,
      lastSeenMs: bucketed.set(step.ctx.lastSeenMs, key, step.now),
      order: [...step.ctx.order, key],
      blockManagerIdByExecutor: bucketed.set(step.ctx.blockManagerIdByExecutor, id.executorId, key),
      blockManagerInfo: bucketed.set(step.ctx.blockManagerInfo, key, {
        blockManagerId: id, storageEndpoint: msg.sender, registeredMs: step.now, maxOnHeapMem: msg.maxOnHeapMemSize, maxOffHeapMem: msg.maxOffHeapMemSize, remainingMem: max, blocks: {},
      }),
    };
  }
  const reply: BlockManagerId = msg.isReRegister && !isExecutorAlive ? { ...id, executorId: INVALID_EXECUTOR_ID } : id;
  step.out.push({ to: 'network', address: msg.sender, message: { type: 'RegisterBlockManagerReply', blockManagerId: reply } });
}

/** Asks every registered storage endpoint (skipping the driver's when `skipDriver`), or replies at once when there is none. */
function fanOut(step: Step, kind: RemovalKind, id: number, replyTo: Address | undefined, message: (to: Address) => RpcMessage, skipDriver: boolean): void {
  const asked = step.ctx.order.filter((k) => !(skipDriver && isDriver(blockManagerInfoOf(step.ctx, k)!.blockManagerId)));
  const rk = removalKey(kind, id);
  if (step.ctx.pendingRemovals[rk]) return; // the same removal is already in flight: Spark would ask again; one answer set is kept
  const pending: PendingRemoval = { kind, id, replyTo, asked, answers: {} };
  if (asked.length === 0) {
    complete(step, pending, []); // Future.sequence of no futures: completed at once
    return;
  }
  step.ctx = { ...step.ctx, pendingRemovals: { ...step.ctx.pendingRemovals, [rk]: pending } };
  for (const k of asked) step.out.push({ to: 'network', address: blockManagerInfoOf(step.ctx, k)!.storageEndpoint, message: message(step.ctx.address) });
}

/** The pure step of one message (BlockManagerMasterEndpoint.receiveAndReply and the heartbeat endpoint's). */
export function blockManagerMasterStep(ctx: BlockManagerMasterContext, e: BlockManagerMasterEvent, now: number): { context: BlockManagerMasterContext; out: MasterOut[] } {
  const step: Step = { ctx, out: [], now };
  switch (e.type) {
    case 'RegisterBlockManager':
      if (!e.isReRegister) {
        register(step, e, true);
        break;
      }
      // isExecutorAlive is lazy in Spark: only a re-registration asks the driver endpoint.
      step.ctx = { ...step.ctx, pendingRegistrations: { ...step.ctx.pendingRegistrations, [e.blockManagerId.executorId]: e } };
      step.out.push({ to: 'local', address: siblingAddress(ctx.address, ENDPOINT.CoarseGrainedScheduler), event: { type: 'IsExecutorAlive', executorId: e.blockManagerId.executorId, replyTo: ctx.address } });
      break;
    case 'IsExecutorAliveReply': {
      const msg = step.ctx.pendingRegistrations[e.executorId];
      if (!msg) break;
      const { [e.executorId]: _answered, ...rest } = step.ctx.pendingRegistrations;
      step.ctx = { ...step.ctx, pendingRegistrations: rest };
      register(step, msg, e.isAlive);
      break;
    }
    case 'UpdateBlockInfo': {
      const key = blockManagerKey(e.blockManagerId);
      let updated: boolean;
      if (!bucketed.has(step.ctx.blockManagerInfo, key)) {
        // "We intentionally do not register the master (except in local mode)": the driver's is taken as updated.
        updated = isDriver(e.blockManagerId) && !step.ctx.isLocal;
      } else {
        updateBlock(step, key, e.blockId, { storageLevel: e.storageLevel, memSize: e.memSize, diskSize: e.diskSize });
        updated = true;
      }
      // SPARK-30594: SparkListenerBlockUpdated only when the update was taken (a false reply is followed by a re-registration).
      if (updated) {
        step.out.push({ to: 'listenerBus', event: { type: 'SparkListenerBlockUpdated', blockUpdatedInfo: { blockManagerId: e.blockManagerId, blockId: e.blockId, storageLevel: storageLevel(e.storageLevel), memSize: e.memSize, diskSize: e.diskSize } } });
      }
      step.out.push({ to: 'network', address: e.replyTo, message: { type: 'UpdateBlockInfoReply', blockId: e.blockId, updated } });
      break;
    }
    case 'BlockManagerHeartbeat': {
      const key = blockManagerKey(e.blockManagerId);
      const info = blockManagerInfoOf(step.ctx, key);
      if (info) touchLastSeen(step, key);
      const registered = info !== undefined || (isDriver(e.blockManagerId) && !step.ctx.isLocal);
      step.out.push({ to: 'local', address: e.replyTo, event: { type: 'BlockManagerHeartbeatReply', blockManagerId: e.blockManagerId, registered } });
      break;
    }
    case 'BlockManagerRemoveExecutor':
      removeExecutor(step, e.execId);
      break;
    case 'RemoveRdd': {
      // "First remove the metadata for the given RDD, and then asynchronously remove the blocks from the storage endpoints."
      const blocks = bucketed.keys(step.ctx.blockLocations).filter((b) => rddBlockId(b)?.rddId === e.rddId);
      for (const blockId of blocks) {
        for (const key of bucketed.get(step.ctx.blockLocations, blockId) ?? []) updateBlock(step, key, blockId, { storageLevel: 'NONE', memSize: 0, diskSize: 0 }, false);
      }
      fanOut(step, 'RemoveRdd', e.rddId, e.replyTo, (replyTo) => ({ type: 'RemoveRdd', rddId: e.rddId, replyTo }), false);
      break;
    }
    case 'RemoveShuffle':
      fanOut(step, 'RemoveShuffle', e.shuffleId, e.replyTo, (replyTo) => ({ type: 'RemoveShuffle', shuffleId: e.shuffleId, replyTo }), false);
      break;
    case 'RemoveBroadcast':
      fanOut(step, 'RemoveBroadcast', e.broadcastId, e.replyTo, (replyTo) => ({ type: 'RemoveBroadcast', broadcastId: e.broadcastId, removeFromDriver: e.removeFromDriver, replyTo }), !e.removeFromDriver);
      break;
    case 'RemoveRddReply':
      answer(step, 'RemoveRdd', e.rddId, blockManagerKey(e.blockManagerId), e.removed);
      break;
    case 'RemoveShuffleReply':
      answer(step, 'RemoveShuffle', e.shuffleId, blockManagerKey(e.blockManagerId), e.removed);
      break;
    case 'RemoveBroadcastReply':
      answer(step, 'RemoveBroadcast', e.broadcastId, blockManagerKey(e.blockManagerId), e.removed);
      break;
  }
  return { context: step.ctx, out: step.out };
}

/** Block managers holding any block of a broadcast (its pieces included), by key. */
export function broadcastHolders(ctx: BlockManagerMasterContext, broadcastId: number): string[] {
  const holders = new Set<string>();
  for (const [blockId, keys] of bucketed.entries(ctx.blockLocations)) if (broadcastIdOf(blockId) === broadcastId) keys.forEach((k) => holders.add(k));
  return [...holders].sort();
}

export const blockManagerMasterMachine = setup({
  types: {
    input: {} as BlockManagerMasterInput,
    context: {} as BlockManagerMasterContext,
    events: {} as BlockManagerMasterEvent,
  },
  actions: {
    /** Applies the pure step; replies to other processes go through the network, to driver endpoints directly. */
    step: enqueueActions(({ context, event, enqueue, system }) => {
      const { context: next, out } = blockManagerMasterStep(context, event, nowOf(system));
      if (next !== context) enqueue.assign(() => next);
      for (const o of out) {
        if (o.to === 'network') {
          enqueue.sendTo(networkOf(system), rpc(context.address, o.address, o.message));
          continue;
        }
        if (o.to === 'listenerBus') {
          postToListenerBus(system, context.address, o.event, (target, event) => enqueue.sendTo(target, event));
          continue;
        }
        // Resolved explicitly: sendTo an undefined target would deliver the event back to this actor.
        const target = system.get(o.address) as AnyActorRef | undefined;
        if (target) enqueue.sendTo(target, o.event);
      }
    }),
  },
}).createMachine({
  id: 'BlockManagerMaster',
  context: ({ input }) => initialMasterContext(input),
  initial: 'active',
  states: {
    active: {
      description: 'BlockManagerMasterEndpoint and BlockManagerMasterHeartbeatEndpoint: one message at a time (a ThreadSafeRpcEndpoint each).',
      on: {
        RegisterBlockManager: { actions: 'step', description: 'register: add a new block manager (replacing another of the same executor); a re-registration first asks the driver IsExecutorAlive.' },
        IsExecutorAliveReply: { actions: 'step', description: 'The lazy isExecutorAlive of a re-registration: alive -> registered; not alive -> reply executorId "invalid" (SPARK-41360).' },
        UpdateBlockInfo: { actions: 'step', description: 'updateBlockInfo: unknown block manager -> false (the driver\'s -> true); else update its block status and blockLocations, true.' },
        BlockManagerHeartbeat: { actions: 'step', description: 'Heartbeat endpoint: known -> lastSeenMs = now, true; unknown -> isDriver && !isLocal.' },
        BlockManagerRemoveExecutor: { actions: 'step', description: 'removeExecutor -> removeBlockManager: forget it and every block location it held.' },
        RemoveRdd: { actions: 'step', description: 'removeRdd: drop the RDD\'s block locations, then ask every storage endpoint RemoveRdd; reply the per-endpoint counts.' },
        RemoveShuffle: { actions: 'step', description: 'removeShuffle: ask every storage endpoint RemoveShuffle; reply the per-endpoint booleans.' },
        RemoveBroadcast: { actions: 'step', description: 'removeBroadcast: ask every storage endpoint (the driver\'s only when removeFromDriver) RemoveBroadcast; reply the per-endpoint counts.' },
        RemoveRddReply: { actions: 'step', description: 'One storage endpoint\'s count of a RemoveRdd.' },
        RemoveShuffleReply: { actions: 'step', description: 'One storage endpoint\'s answer to a RemoveShuffle.' },
        RemoveBroadcastReply: { actions: 'step', description: 'One storage endpoint\'s count of a RemoveBroadcast.' },
      },
    },
  },
});
