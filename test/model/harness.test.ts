/** The model-based driver itself: a wrong model expectation must fail the walk, naming the path. */
import { describe, expect, it } from 'vitest';
import { walkPath, type ModelPath } from '../support/modelBased.js';
import { executorRunnerAdapter } from './executorRunner.model.js';
import { executorBackendAdapter } from './executorBackend.model.js';

const step = (type: string, value: unknown) => ({ event: { type }, value });

describe('model-based driver', () => {
  it('accepts a path the cluster takes', () => {
    const path: ModelPath = { steps: [step('xstate.init', 'LAUNCHING'), step('process.started', 'RUNNING')] };
    expect(() => walkPath(executorRunnerAdapter, path)).not.toThrow();
  });

  it('fails when the model expects another target state, and prints the path and what the live actor did', () => {
    const wrong: ModelPath = { steps: [step('xstate.init', 'LAUNCHING'), step('process.started', 'EXITED')] };
    expect(() => walkPath(executorRunnerAdapter, wrong)).toThrow(
      /step 1: after process.started the model is in EXITED, the live actor in RUNNING\n {2}model path: LAUNCHING --process.started--> EXITED\n {2}live ExecutorRunner: xstate.init -> LAUNCHING, process.started -> RUNNING/,
    );
  });

  it('fails when the cluster takes another edge than the model', () => {
    // With no launch failure armed, the process starts: the model's process.startFailed edge is not taken.
    const wrong: ModelPath = { steps: [step('xstate.init', 'LAUNCHING'), step('process.startFailed', 'FAILED')] };
    const adapter = { ...executorRunnerAdapter, scenario: () => executorRunnerAdapter.scenario({ steps: [] }) };
    expect(() => walkPath(adapter, wrong)).toThrow(/expected process.startFailed from LAUNCHING, the live actor took process.started to RUNNING/);
  });

  it('compares a step with the state its macrostep settles in, not a state it passes through', () => {
    // A failed registration enters `stopping`, which raises Shutdown: the backend settles in `exited` within the same step.
    const path = (value: string): ModelPath => ({ steps: [step('xstate.init', 'registering'), step('RegisterExecutorFailed', value)] });
    expect(() => walkPath(executorBackendAdapter, path('exited'))).not.toThrow();
    expect(() => walkPath(executorBackendAdapter, path('stopping'))).toThrow(/step 1: after RegisterExecutorFailed the model is in stopping, the live actor in exited/);
  });

  it('fails when the initial state is wrong', () => {
    const wrong: ModelPath = { steps: [step('xstate.init', 'RUNNING')] };
    expect(() => walkPath(executorRunnerAdapter, wrong)).toThrow(/step 0: after xstate.init the model is in RUNNING, the live actor in LAUNCHING/);
  });
});
