import { describe, expect, it } from 'vitest';
import { blockManagerMachine, broadcastPieceSizes, storedBlockIds, type BlockManagerContext } from '../../machines/blockManager.js';
import type { BlockManagerId } from '../../machines/protocol.js';
import { startMachine } from '../support/harness.js';

const ADDRESS = 'app/0/BlockManagerEndpoint1';
const MASTER = 'driver-0/BlockManagerMaster';
const ID: BlockManagerId = { executorId: '0', host: 'host-0', port: 7079 };
const start = () => {
  const h = startMachine(blockManagerMachine, { input: { address: ADDRESS, blockManagerId: ID, masterAddress: MASTER, maxOnHeapMemSize: 1000, maxOffHeapMemSize: 0 }, systemId: ADDRESS });
  return { ...h, ctx: () => h.snapshot().context as BlockManagerContext, state: () => h.snapshot().value };
};
type H = ReturnType<typeof start>;
const registered = (h: H, executorId = '0') => h.send({ type: 'RegisterBlockManagerReply', blockManagerId: { ...ID, executorId } });
const put = (h: H, blockId: string, tellMaster = true) => h.send({ type: 'blockManager.putBlock', blockId, storageLevel: 'MEMORY_ONLY', memSize: 10, diskSize: 0, tellMaster });
const toMaster = (h: H, type: string) => h.sent.filter((s) => s.to === MASTER && s.message.type === type).map((s) => s.message as unknown as Record<string, unknown>);

describe('BlockManager (executor side) and its storage endpoint', () => {
  it('registers with the master when created (isReRegister = false), its storage endpoint as sender', () => {
    const h = start();
    expect(toMaster(h, 'RegisterBlockManager')).toEqual([{ type: 'RegisterBlockManager', blockManagerId: ID, localDirs: [], maxOnHeapMemSize: 1000, maxOffHeapMemSize: 0, sender: ADDRESS, isReRegister: false }]);
    registered(h);
    expect(h.state()).toBe('registered');
  });

  it('a stored block with tellMaster is reported by UpdateBlockInfo; one without is not', () => {
    const h = start();
    registered(h);
    put(h, 'rdd_0_0');
    put(h, 'broadcast_0', false);
    expect(storedBlockIds(h.ctx())).toEqual(['broadcast_0', 'rdd_0_0']);
    expect(toMaster(h, 'UpdateBlockInfo').map((m) => m['blockId'])).toEqual(['rdd_0_0']);
  });

  it('UpdateBlockInfo answered false -> asyncReregister: RegisterBlockManager(isReRegister = true), once while it is pending', () => {
    const h = start();
    registered(h);
    h.send({ type: 'UpdateBlockInfoReply', blockId: 'rdd_0_0', updated: false });
    h.send({ type: 'UpdateBlockInfoReply', blockId: 'rdd_0_1', updated: false });
    expect(toMaster(h, 'RegisterBlockManager').map((m) => m['isReRegister'])).toEqual([false, true]);
  });

  it('HeartbeatResponse(reregisterBlockManager) -> reregister, then reportAllBlocks of the told blocks', () => {
    const h = start();
    registered(h);
    put(h, 'rdd_0_0');
    put(h, 'broadcast_0', false);
    h.takeSent();
    h.send({ type: 'blockManager.reregister' });
    expect(toMaster(h, 'RegisterBlockManager').map((m) => m['isReRegister'])).toEqual([true]);
    registered(h);
    expect(toMaster(h, 'UpdateBlockInfo').map((m) => m['blockId'])).toEqual(['rdd_0_0']);
    expect(h.ctx().reregistering).toBe(false);
  });

  it('a re-registration refused with executorId "invalid" exits the executor with code 58', () => {
    const h = start();
    registered(h);
    h.send({ type: 'blockManager.reregister' });
    registered(h, 'invalid');
    expect(h.state()).toBe('exited');
    expect(h.toParent).toEqual([{ type: 'blockManager.exit', exitCode: 58, reason: 'Exiting executor due to block manager re-registration failure' }]);
  });

  it('RemoveBroadcast removes the broadcast\'s blocks, reports the told pieces with level NONE, and replies the count', () => {
    const h = start();
    registered(h);
    h.send({ type: 'blockManager.readBroadcast', broadcastId: 3, totalSize: 10, blockSize: 4 });
    put(h, 'rdd_1_0');
    expect(storedBlockIds(h.ctx())).toEqual(['broadcast_3', 'broadcast_3_piece0', 'broadcast_3_piece1', 'broadcast_3_piece2', 'rdd_1_0']);
    h.takeSent();
    h.send({ type: 'RemoveBroadcast', broadcastId: 3, removeFromDriver: false, replyTo: MASTER });
    expect(storedBlockIds(h.ctx())).toEqual(['rdd_1_0']);
    expect(toMaster(h, 'UpdateBlockInfo').map((m) => [m['blockId'], m['storageLevel']])).toEqual([
      ['broadcast_3_piece0', 'NONE'], ['broadcast_3_piece1', 'NONE'], ['broadcast_3_piece2', 'NONE'],
    ]);
    expect(toMaster(h, 'RemoveBroadcastReply')).toEqual([{ type: 'RemoveBroadcastReply', blockManagerId: ID, broadcastId: 3, removed: 4 }]);
  });

  it('a broadcast already read is not stored again (the value is local)', () => {
    const h = start();
    registered(h);
    h.send({ type: 'blockManager.readBroadcast', broadcastId: 0, totalSize: 10, blockSize: 4 });
    h.takeSent();
    h.send({ type: 'blockManager.readBroadcast', broadcastId: 0, totalSize: 10, blockSize: 4 });
    expect(h.sent).toEqual([]);
  });

  it('RemoveRdd removes that RDD\'s blocks without telling the master (it dropped them first) and replies the count', () => {
    const h = start();
    registered(h);
    put(h, 'rdd_1_0');
    put(h, 'rdd_1_1');
    put(h, 'rdd_2_0');
    h.takeSent();
    h.send({ type: 'RemoveRdd', rddId: 1, replyTo: MASTER });
    expect(storedBlockIds(h.ctx())).toEqual(['rdd_2_0']);
    expect(toMaster(h, 'UpdateBlockInfo')).toEqual([]);
    expect(toMaster(h, 'RemoveRddReply')).toEqual([{ type: 'RemoveRddReply', blockManagerId: ID, rddId: 1, removed: 2 }]);
  });

  it('RemoveShuffle is answered true', () => {
    const h = start();
    registered(h);
    h.send({ type: 'RemoveShuffle', shuffleId: 0, replyTo: MASTER });
    expect(toMaster(h, 'RemoveShuffleReply')).toEqual([{ type: 'RemoveShuffleReply', blockManagerId: ID, shuffleId: 0, removed: true }]);
  });

  it('TorrentBroadcast cuts a value into spark.broadcast.blockSize pieces, the last one shorter', () => {
    expect(broadcastPieceSizes(10, 4)).toEqual([4, 4, 2]);
    expect(broadcastPieceSizes(8, 4)).toEqual([4, 4]);
  });
});
