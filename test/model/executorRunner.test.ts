import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, walkPath } from '../support/modelBased.js';
import { executorRunnerAdapter, UNREACHABLE } from './executorRunner.model.js';

const paths = modelPaths(executorRunnerAdapter);
const reachable = paths.filter((p) => !UNREACHABLE.some((u) => u.edge.test(describePath(p))));
const unreachable = paths.filter((p) => UNREACHABLE.some((u) => u.edge.test(describePath(p))));

describe('ExecutorRunner model paths on the assembled cluster', () => {
  it('generates shortest and simple paths reaching every state of the machine', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => JSON.stringify(s.value))));
    expect([...reached].sort()).toEqual(['"EXITED"', '"FAILED"', '"LAUNCHING"', '"RUNNING"', '{"KILLED":"terminated"}', '{"KILLED":"terminating"}']);
  });

  it.each(reachable.map((p) => [describePath(p), p] as const))('%s', (_, path) => {
    walkPath(executorRunnerAdapter, path);
  });

  it.each(unreachable.map((p) => [describePath(p), p] as const))('unreachable in the cluster: %s', (_, path) => {
    expect(() => walkPath(executorRunnerAdapter, path)).toThrow(/never took|the live actor took/);
  });
});
