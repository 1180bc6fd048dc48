/**
 * The block manager facts of one application: a projection of its BlockManagerMaster's snapshot
 * (machines/blockManagerMaster.ts), for the report, its summary line and the timeline.
 */
import * as bucketed from '../machines/bucketed.js';
import { rddBlockId } from '../machines/sparkListener.js';
import type { BlockManagerMasterContext } from '../machines/blockManagerMaster.js';
import type { DriverEvent } from './timeline.js';

export interface RemovalReport {
  /** RemoveBroadcast, RemoveRdd or RemoveShuffle. */
  kind: string;
  id: number;
  /** Storage endpoints asked (the driver's is skipped by unpersist: removeFromDriver = false). */
  blockManagers: number;
  /** Blocks removed, summed over their answers (RemoveShuffle: endpoints that answered true). */
  blocksRemoved: number;
  /** Per block manager asked, by executor id: its answer. */
  byExecutor: Record<string, number | boolean>;
  completedAtMs: number;
}

export interface BlockManagersReport {
  /** Executor ids of the block managers registered at the end, in registration order ("driver" included). */
  registered: string[];
  /** Block managers removed (RemoveExecutor), with when. */
  removed: Array<{ executorId: string; atMs: number }>;
  /** Blocks the master knows a location of at the end, and how many of them are cached RDD partitions. */
  blocks: number;
  cachedRddBlocks: number;
  removals: RemovalReport[];
  /** Removal asks still waiting for answers at the end. */
  pendingRemovals: number;
}

const executorOfKey = (key: string) => key.slice(0, key.indexOf('@'));

export function blockManagersReport(ctx: BlockManagerMasterContext | undefined, startMs: number): BlockManagersReport | null {
  if (!ctx) return null;
  const blockIds = bucketed.keys(ctx.blockLocations);
  return {
    registered: ctx.order.map(executorOfKey),
    removed: ctx.removed.map((r) => ({ executorId: r.blockManagerId.executorId, atMs: r.removedMs - startMs })),
    blocks: blockIds.length,
    cachedRddBlocks: blockIds.filter((b) => rddBlockId(b) !== undefined).length,
    removals: ctx.completedRemovals.map((r) => ({
      kind: r.kind,
      id: r.id,
      blockManagers: r.blockManagers.length,
      blocksRemoved: r.removed.reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : v ? 1 : 0), 0),
      byExecutor: Object.fromEntries(r.blockManagers.map((k, i) => [executorOfKey(k), r.removed[i]!])),
      completedAtMs: r.completedMs - startMs,
    })),
    pendingRemovals: Object.keys(ctx.pendingRemovals).length,
  };
}

const NOUN: Record<string, string> = { RemoveBroadcast: 'broadcast', RemoveRdd: 'rdd', RemoveShuffle: 'shuffle' };

/** One line per finished removal, e.g. "broadcast 0 removed: 12 blocks from 4 block managers". */
export function removalText(r: RemovalReport): string {
  return `${NOUN[r.kind] ?? r.kind} ${r.id} removed: ${r.blocksRemoved} blocks from ${r.blockManagers} block managers`;
}

/** Timeline lines of the driver's BlockManagerMaster: removals finished and block managers removed. */
export function blockManagerDriverEvents(report: BlockManagersReport | null, process: string): DriverEvent[] {
  if (!report) return [];
  return [
    ...report.removed.map((r) => ({ atMs: r.atMs, process, text: `block manager of executor ${r.executorId} removed (its block locations dropped)` })),
    ...report.removals.map((r) => ({ atMs: r.completedAtMs, process, text: removalText(r) })),
  ];
}
