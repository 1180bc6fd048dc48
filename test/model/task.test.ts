import { describe, expect, it } from 'vitest';
import { modelPaths, splitPaths } from '../support/modelBased.js';
import { itWalksEachPath } from '../support/modelWalks.js';
import { taskRunnerAdapter, UNREACHABLE } from './task.model.js';

const paths = modelPaths(taskRunnerAdapter);

describe('TaskRunner model paths on the assembled cluster', () => {
  it('generates paths to every state but LOST (no event leads there, as in Spark 3.5+)', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.value as string)));
    expect([...reached].sort()).toEqual(['FAILED', 'FINISHED', 'KILLED', 'LAUNCHING', 'RUNNING']);
  });

  itWalksEachPath(taskRunnerAdapter, splitPaths(paths, UNREACHABLE));
});
