import { describe, expect, it } from 'vitest';
import { modelPaths, splitPaths } from '../support/modelBased.js';
import { itWalksEachPath } from '../support/modelWalks.js';
import { executorRunnerAdapter, UNREACHABLE } from './executorRunner.model.js';

const paths = modelPaths(executorRunnerAdapter);

describe('ExecutorRunner model paths on the assembled cluster', () => {
  it('generates shortest and simple paths reaching every state of the machine', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => JSON.stringify(s.value))));
    expect([...reached].sort()).toEqual(['"EXITED"', '"FAILED"', '"LAUNCHING"', '"RUNNING"', '{"KILLED":"terminated"}', '{"KILLED":"terminating"}']);
  });

  itWalksEachPath(executorRunnerAdapter, splitPaths(paths, UNREACHABLE));
});
