import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, walkPath } from '../support/modelBased.js';
import { taskRunnerAdapter, UNREACHABLE } from './task.model.js';

const paths = modelPaths(taskRunnerAdapter);
const reachable = paths.filter((p) => !UNREACHABLE.test(describePath(p)));
const unreachable = paths.filter((p) => UNREACHABLE.test(describePath(p)));

describe('TaskRunner model paths on the assembled cluster', () => {
  it('generates paths to every state but LOST (no event leads there, as in Spark 3.5+)', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.value as string)));
    expect([...reached].sort()).toEqual(['FAILED', 'FINISHED', 'KILLED', 'LAUNCHING', 'RUNNING']);
  });

  it.each(reachable.map((p) => [describePath(p), p] as const))('%s', (_, path) => {
    walkPath(taskRunnerAdapter, path);
  });

  it.each(unreachable.map((p) => [describePath(p), p] as const))('unreachable in the cluster: %s', (_, path) => {
    expect(() => walkPath(taskRunnerAdapter, path)).toThrow(/the live actor took taskRunner.run/);
  });
});
