import { describe, expect, it } from 'vitest';
import { blockManagerMasterMachine, broadcastHolders, lastSeenMs, type BlockManagerMasterContext } from '../../machines/blockManagerMaster.js';
import type { BlockManagerId } from '../../machines/protocol.js';
import * as bucketed from '../../machines/bucketed.js';
import { startMachine } from '../support/harness.js';

const MASTER = 'driver-0/BlockManagerMaster';
const BACKEND = 'driver-0/CoarseGrainedScheduler';
const HB = 'driver-0/HeartbeatReceiver';
const SC = 'driver-0/SparkContext';
const LISTENER = 'driver-0/ExecutorAllocationManager';
const bm = (executorId: string): BlockManagerId => ({ executorId, host: executorId === 'driver' ? 'driver-host' : `host-${executorId}`, port: 7079 });
const endpoint = (executorId: string) => `app/${executorId}/BlockManagerEndpoint1`;
const start = () => {
  const h = startMachine(blockManagerMasterMachine, { input: { address: MASTER }, systemId: MASTER, peers: [BACKEND, HB, SC, LISTENER] });
  return { ...h, ctx: () => h.snapshot().context as BlockManagerMasterContext };
};
type H = ReturnType<typeof start>;
const register = (h: H, executorId: string, isReRegister = false) => h.send({
  type: 'RegisterBlockManager', blockManagerId: bm(executorId), localDirs: [], maxOnHeapMemSize: 1000, maxOffHeapMemSize: 0, sender: endpoint(executorId), isReRegister,
});
const update = (h: H, executorId: string, blockId: string, storageLevel = 'MEMORY_ONLY', memSize = 100) =>
  h.send({ type: 'UpdateBlockInfo', blockManagerId: bm(executorId), blockId, storageLevel, memSize, diskSize: 0, replyTo: endpoint(executorId) });
const replies = (h: H, type: string) => h.sent.filter((s) => s.message.type === type).map((s) => ({ to: s.to, ...s.message }));

describe('BlockManagerMasterEndpoint', () => {
  it('registers a block manager and replies its BlockManagerId to the storage endpoint that sent it', () => {
    const h = start();
    register(h, '0');
    expect(bucketed.keys(h.ctx().blockManagerInfo)).toEqual(['0@host-0:7079']);
    expect(bucketed.toRecord(h.ctx().blockManagerIdByExecutor)).toEqual({ '0': '0@host-0:7079' });
    expect(bucketed.get(h.ctx().blockManagerInfo, '0@host-0:7079')!.remainingMem).toBe(1000);
    expect(replies(h, 'RegisterBlockManagerReply')).toEqual([{ to: endpoint('0'), type: 'RegisterBlockManagerReply', blockManagerId: bm('0') }]);
  });

  it('replaces the block manager of an executor that registers a second, different one (its blocks dropped)', () => {
    const h = start();
    register(h, '0');
    update(h, '0', 'rdd_1_0');
    h.send({ type: 'RegisterBlockManager', blockManagerId: { ...bm('0'), port: 7080 }, localDirs: [], maxOnHeapMemSize: 1000, maxOffHeapMemSize: 0, sender: endpoint('0'), isReRegister: false });
    expect(bucketed.keys(h.ctx().blockManagerInfo)).toEqual(['0@host-0:7080']);
    expect(bucketed.toRecord(h.ctx().blockLocations)).toEqual({});
    expect(h.ctx().removed.map((r) => r.blockManagerId.port)).toEqual([7079]);
  });

  it('UpdateBlockInfo books the block at that block manager, takes its memory, and an invalid level removes it', () => {
    const h = start();
    register(h, '0');
    register(h, '1');
    update(h, '0', 'broadcast_0_piece0');
    update(h, '1', 'broadcast_0_piece0');
    expect(bucketed.toRecord(h.ctx().blockLocations)).toEqual({ broadcast_0_piece0: ['0@host-0:7079', '1@host-1:7079'] });
    expect(bucketed.get(h.ctx().blockManagerInfo, '0@host-0:7079')!.remainingMem).toBe(900);
    update(h, '0', 'broadcast_0_piece0', 'NONE', 0);
    expect(bucketed.toRecord(h.ctx().blockLocations)).toEqual({ broadcast_0_piece0: ['1@host-1:7079'] });
    expect(bucketed.get(h.ctx().blockManagerInfo, '0@host-0:7079')!.remainingMem).toBe(1000);
    update(h, '1', 'broadcast_0_piece0', 'NONE', 0);
    expect(bucketed.toRecord(h.ctx().blockLocations)).toEqual({});
    expect(replies(h, 'UpdateBlockInfoReply').map((r) => (r as { updated: boolean }).updated)).toEqual([true, true, true, true]);
  });

  it('UpdateBlockInfo from an unknown block manager is answered false (the executor then re-registers), from the unregistered driver true', () => {
    const h = start();
    update(h, '3', 'rdd_0_0');
    update(h, 'driver', 'broadcast_0_piece0');
    expect(replies(h, 'UpdateBlockInfoReply').map((r) => (r as { updated: boolean }).updated)).toEqual([false, true]);
    expect(bucketed.toRecord(h.ctx().blockLocations)).toEqual({});
  });

  it('posts SparkListenerBlockUpdated (BlockUpdatedInfo with the StorageLevel) on the listener bus only for an update it took (SPARK-30594)', () => {
    const h = start();
    register(h, '0');
    update(h, '0', 'rdd_1_0', 'MEMORY_ONLY', 100);
    update(h, '5', 'rdd_1_1');
    expect(h.peers[LISTENER]).toEqual([{
      type: 'SparkListenerBlockUpdated',
      blockUpdatedInfo: { blockManagerId: bm('0'), blockId: 'rdd_1_0', storageLevel: { useDisk: false, useMemory: true, useOffHeap: false, deserialized: true, replication: 1 }, memSize: 100, diskSize: 0 },
    }]);
  });

  it('BlockManagerHeartbeat: a known block manager is touched and answered true, an unknown executor\'s false, the driver\'s true', () => {
    const h = start();
    register(h, '0');
    h.clock.advance(5000);
    h.send({ type: 'BlockManagerHeartbeat', blockManagerId: bm('0'), replyTo: HB });
    h.send({ type: 'BlockManagerHeartbeat', blockManagerId: bm('7'), replyTo: HB });
    h.send({ type: 'BlockManagerHeartbeat', blockManagerId: bm('driver'), replyTo: HB });
    expect(h.peers[HB]!.map((e) => (e as unknown as { registered: boolean }).registered)).toEqual([true, false, true]);
    expect(lastSeenMs(h.ctx(), '0@host-0:7079')).toBe(5000);
  });

  it('a re-registration asks the driver IsExecutorAlive: alive -> registered and answered with its id', () => {
    const h = start();
    register(h, '2', true);
    expect(h.peers[BACKEND]).toEqual([{ type: 'IsExecutorAlive', executorId: '2', replyTo: MASTER }]);
    expect(bucketed.toRecord(h.ctx().blockManagerInfo)).toEqual({});
    h.send({ type: 'IsExecutorAliveReply', executorId: '2', isAlive: true });
    expect(bucketed.keys(h.ctx().blockManagerInfo)).toEqual(['2@host-2:7079']);
    expect(replies(h, 'RegisterBlockManagerReply')).toEqual([{ to: endpoint('2'), type: 'RegisterBlockManagerReply', blockManagerId: bm('2') }]);
  });

  it('a re-registration of an executor the driver no longer has is refused with executorId "invalid" (SPARK-41360)', () => {
    const h = start();
    register(h, '2', true);
    h.send({ type: 'IsExecutorAliveReply', executorId: '2', isAlive: false });
    expect(bucketed.toRecord(h.ctx().blockManagerInfo)).toEqual({});
    expect(replies(h, 'RegisterBlockManagerReply')).toEqual([{ to: endpoint('2'), type: 'RegisterBlockManagerReply', blockManagerId: { ...bm('2'), executorId: 'invalid' } }]);
  });

  it('RemoveExecutor drops the block manager and every block location it held, keeping the other holders', () => {
    const h = start();
    register(h, '0');
    register(h, '1');
    update(h, '0', 'rdd_3_0');
    update(h, '0', 'broadcast_0_piece0');
    update(h, '1', 'broadcast_0_piece0');
    h.send({ type: 'BlockManagerRemoveExecutor', execId: '0' });
    expect(bucketed.keys(h.ctx().blockManagerInfo)).toEqual(['1@host-1:7079']);
    expect(bucketed.toRecord(h.ctx().blockManagerIdByExecutor)).toEqual({ '1': '1@host-1:7079' });
    expect(bucketed.toRecord(h.ctx().blockLocations)).toEqual({ broadcast_0_piece0: ['1@host-1:7079'] });
    expect(h.ctx().removed.map((r) => r.blockManagerId.executorId)).toEqual(['0']);
  });

  it('RemoveBroadcast(removeFromDriver = false) asks every executor\'s storage endpoint, not the driver\'s, and replies the counts once all answered', () => {
    const h = start();
    register(h, 'driver');
    register(h, '0');
    register(h, '1');
    h.send({ type: 'RemoveBroadcast', broadcastId: 4, removeFromDriver: false, replyTo: SC });
    expect(replies(h, 'RemoveBroadcast').map((r) => r.to)).toEqual([endpoint('0'), endpoint('1')]);
    h.send({ type: 'RemoveBroadcastReply', blockManagerId: bm('1'), broadcastId: 4, removed: 2 });
    expect(h.peers[SC]).toEqual([]);
    h.send({ type: 'RemoveBroadcastReply', blockManagerId: bm('0'), broadcastId: 4, removed: 3 });
    expect(h.peers[SC]).toEqual([{ type: 'RemoveBroadcastResult', broadcastId: 4, removed: [3, 2] }]);
    expect(h.ctx().completedRemovals).toEqual([{ kind: 'RemoveBroadcast', id: 4, blockManagers: ['0@host-0:7079', '1@host-1:7079'], removed: [3, 2], completedMs: 0 }]);
  });

  it('RemoveBroadcast(removeFromDriver = true) asks the driver\'s block manager too', () => {
    const h = start();
    register(h, 'driver');
    register(h, '0');
    h.send({ type: 'RemoveBroadcast', broadcastId: 0, removeFromDriver: true, replyTo: SC });
    expect(replies(h, 'RemoveBroadcast').map((r) => r.to)).toEqual([endpoint('driver'), endpoint('0')]);
  });

  it('a block manager removed while a removal waits on it counts 0 (handleBlockRemovalFailure: executor not alive)', () => {
    const h = start();
    register(h, '0');
    register(h, '1');
    h.send({ type: 'RemoveBroadcast', broadcastId: 0, removeFromDriver: false, replyTo: SC });
    h.send({ type: 'RemoveBroadcastReply', blockManagerId: bm('0'), broadcastId: 0, removed: 2 });
    h.send({ type: 'BlockManagerRemoveExecutor', execId: '1' });
    expect(h.peers[SC]).toEqual([{ type: 'RemoveBroadcastResult', broadcastId: 0, removed: [2, 0] }]);
  });

  it('RemoveRdd drops the RDD\'s locations at once, then fans out and replies the per-endpoint counts', () => {
    const h = start();
    register(h, '0');
    update(h, '0', 'rdd_2_0');
    update(h, '0', 'rdd_2_1');
    update(h, '0', 'rdd_5_0');
    h.send({ type: 'RemoveRdd', rddId: 2, replyTo: SC });
    expect(bucketed.keys(h.ctx().blockLocations)).toEqual(['rdd_5_0']);
    expect(Object.keys(bucketed.get(h.ctx().blockManagerInfo, '0@host-0:7079')!.blocks)).toEqual(['rdd_5_0']);
    expect(replies(h, 'RemoveRdd')).toEqual([{ to: endpoint('0'), type: 'RemoveRdd', rddId: 2, replyTo: MASTER }]);
    h.send({ type: 'RemoveRddReply', blockManagerId: bm('0'), rddId: 2, removed: 2 });
    expect(h.peers[SC]).toEqual([{ type: 'RemoveRddResult', rddId: 2, removed: [2] }]);
  });

  it('RemoveShuffle fans out to every storage endpoint and replies the booleans', () => {
    const h = start();
    register(h, 'driver');
    register(h, '0');
    h.send({ type: 'RemoveShuffle', shuffleId: 1, replyTo: SC });
    expect(replies(h, 'RemoveShuffle').map((r) => r.to)).toEqual([endpoint('driver'), endpoint('0')]);
    h.send({ type: 'RemoveShuffleReply', blockManagerId: bm('driver'), shuffleId: 1, removed: true });
    h.send({ type: 'RemoveShuffleReply', blockManagerId: bm('0'), shuffleId: 1, removed: true });
    expect(h.peers[SC]).toEqual([{ type: 'RemoveShuffleResult', shuffleId: 1, removed: [true, true] }]);
  });

  it('a removal with no block manager to ask replies an empty list at once', () => {
    const h = start();
    h.send({ type: 'RemoveBroadcast', broadcastId: 0, removeFromDriver: false, replyTo: SC });
    expect(h.peers[SC]).toEqual([{ type: 'RemoveBroadcastResult', broadcastId: 0, removed: [] }]);
    expect(h.ctx().pendingRemovals).toEqual({});
  });

  it('broadcastHolders lists the block managers holding any piece of a broadcast', () => {
    const h = start();
    register(h, '0');
    register(h, '1');
    update(h, '1', 'broadcast_0_piece1');
    update(h, '0', 'broadcast_0_piece0');
    update(h, '0', 'broadcast_1_piece0');
    expect(broadcastHolders(h.ctx(), 0)).toEqual(['0@host-0:7079', '1@host-1:7079']);
  });
});
