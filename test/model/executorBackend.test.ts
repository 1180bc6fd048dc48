import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, walkPath } from '../support/modelBased.js';
import { executorBackendAdapter, UNREACHABLE } from './executorBackend.model.js';

const paths = modelPaths(executorBackendAdapter);
const isUnreachable = (p: (typeof paths)[number]) => UNREACHABLE.some((u) => u.edge.test(describePath(p)));
const reachable = paths.filter((p) => !isUnreachable(p));
const unreachable = paths.filter(isUnreachable);

describe('CoarseGrainedExecutorBackend model paths on the assembled cluster', () => {
  it('generates paths reaching every state (stopping is left within the same step: it raises Shutdown)', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.value as string)));
    expect([...reached].sort()).toEqual(['exited', 'registering', 'running']);
    // With spark.executor.heartbeat.maxFailures = 2 the third tick without an answer ends the JVM (exit 56).
    expect(paths.map(describePath)).toContain(`registering --RegisteredExecutor--> running${' --executor.reportHeartBeat--> running'.repeat(2)} --executor.reportHeartBeat--> exited`);
  });

  it.each(reachable.map((p) => [describePath(p), p] as const))('%s', (_, path) => {
    walkPath(executorBackendAdapter, path);
  });

  it.each(unreachable.map((p) => [describePath(p), p] as const))('unreachable in the cluster: %s', (_, path) => {
    expect(() => walkPath(executorBackendAdapter, path)).toThrow(/never took|the live actor took/);
  });
});
