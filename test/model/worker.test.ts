import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, splitPaths, walkPath, type ModelPath } from '../support/modelBased.js';
import { itWalksEachPath } from '../support/modelWalks.js';
import { UNREACHABLE, workerAdapter } from './worker.model.js';

const paths = modelPaths(workerAdapter);
const split = splitPaths(paths, UNREACHABLE, true);
const reachable = split.reachable;
const step = (type: string, value: unknown) => ({ event: { type }, value });

describe('Worker registration model paths on the assembled cluster', () => {
  it('generates paths reaching every state of the machine', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.value as string)));
    expect([...reached].sort()).toEqual(['exited', 'registered', 'registering']);
    expect(reachable.map(describePath)).toContain('registering --ReregisterWithMaster--> registering --ReregisterWithMaster--> registering --ReregisterWithMaster--> exited');
  });

  itWalksEachPath(workerAdapter, split);

  it('unreachable in the cluster: a ReregisterWithMaster tick once registered (the retry timer is stopped on leaving registering)', () => {
    const path: ModelPath = { steps: [step('xstate.init', 'registering'), step('RegisteredWorker', 'registered'), step('ReregisterWithMaster', 'registered')] };
    expect(() => walkPath(workerAdapter, path)).toThrow(/never took ReregisterWithMaster from registered/);
  });
});
