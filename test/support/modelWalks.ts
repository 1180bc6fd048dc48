/**
 * The tests every model-based walk has: one per path the cluster must take, and one per path
 * through an edge documented as unreachable, which must fail the way the edge says (so the list of
 * unreachable edges cannot go stale).
 */
import { expect, it } from 'vitest';
import { describePath, walkPath, WALK_FAILS, type ModelAdapter, type ModelPath, type UnreachableEdge } from './modelBased.js';

export function itWalksEachPath(adapter: ModelAdapter, paths: { reachable: ModelPath[]; unreachable: Array<[ModelPath, UnreachableEdge]> }): void {
  it.each(paths.reachable.map((p) => [describePath(p), p] as const))('%s', (_, path) => {
    walkPath(adapter, path);
  });
  if (paths.unreachable.length === 0) return;
  it.each(paths.unreachable.map(([p, u]) => [describePath(p), p, u] as const))('unreachable in the cluster: %s', (_, path, edge) => {
    expect(() => walkPath(adapter, path)).toThrow(edge.instead ?? WALK_FAILS);
  });
}
