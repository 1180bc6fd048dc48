import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, splitPaths, walkPath, type ModelPath } from '../support/modelBased.js';
import { itWalksEachPath } from '../support/modelWalks.js';
import { appClientAdapter, REGISTRATION_TIMEOUT_EVENT, UNREACHABLE } from './appClient.model.js';

const paths = modelPaths(appClientAdapter);
const split = splitPaths(paths, UNREACHABLE, true);
const reachable = split.reachable;

describe('StandaloneAppClient model paths on the assembled cluster', () => {
  it('generates paths reaching every state of the machine', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.value as string)));
    expect([...reached].sort()).toEqual(['dead', 'registered', 'registering', 'stopped']);
    const T = `--${REGISTRATION_TIMEOUT_EVENT}-->`;
    expect(reachable.map(describePath)).toContain(`registering ${T} registering ${T} registering ${T} dead`);
    expect(reachable.map(describePath)).toContain('registering --RegisteredApplication--> registered --ApplicationRemoved--> dead');
  });

  itWalksEachPath(appClientAdapter, split);

  it('a partition that heals after a retry delivers both RegisterApplications: the Master answers both and the client takes the second answer too (regression: the machine used to ignore it, and the walk now tells an ignored event from a taken edge)', () => {
    const step = (type: string, value: unknown) => ({ event: { type }, value });
    const path: ModelPath = {
      steps: [step('xstate.init', 'registering'), step(REGISTRATION_TIMEOUT_EVENT, 'registering'), step('RegisteredApplication', 'registered'), step('RegisteredApplication', 'registered')],
    };
    expect(() => walkPath(appClientAdapter, path)).not.toThrow();
  });
});
