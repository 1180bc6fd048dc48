import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, walkPath, type ModelPath } from '../support/modelBased.js';
import { UNREACHABLE, workerAdapter } from './worker.model.js';

const paths = modelPaths(workerAdapter);
const isUnreachable = (p: ModelPath) => UNREACHABLE.some((u) => u.edge.test(describePath(p)));
const reachable = paths.filter((p) => !isUnreachable(p));
// The shortest model path that takes each unreachable edge (paths come sorted by length).
const unreachable = UNREACHABLE.map((u) => paths.find((p) => u.edge.test(describePath(p)))!);
const step = (type: string, value: unknown) => ({ event: { type }, value });

describe('Worker registration model paths on the assembled cluster', () => {
  it('generates paths reaching every state of the machine', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.value as string)));
    expect([...reached].sort()).toEqual(['exited', 'registered', 'registering']);
    expect(reachable.map(describePath)).toContain('registering --ReregisterWithMaster--> registering --ReregisterWithMaster--> registering --ReregisterWithMaster--> exited');
  });

  it.each(reachable.map((p) => [describePath(p), p] as const))('%s', (_, path) => {
    walkPath(workerAdapter, path);
  });

  it.each(unreachable.map((p) => [describePath(p), p] as const))('unreachable in the cluster: %s', (_, path) => {
    expect(() => walkPath(workerAdapter, path)).toThrow(/never took|the live actor took/);
  });

  it('unreachable in the cluster: a ReregisterWithMaster tick once registered (the retry timer is stopped on leaving registering)', () => {
    const path: ModelPath = { steps: [step('xstate.init', 'registering'), step('RegisteredWorker', 'registered'), step('ReregisterWithMaster', 'registered')] };
    expect(() => walkPath(workerAdapter, path)).toThrow(/never took ReregisterWithMaster from registered/);
  });
});
