/**
 * Coverage of the model-based walks against a sweep: which states and transitions of each machine
 * the walks on the assembled cluster reached, and which a sweep of seeded storms reached. The table
 * is printed with the test output; the README's testing section summarises it.
 */
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { Coverage, CLUSTER_MACHINES } from '../../runtime/coverage.js';
import { runSeed } from '../../runtime/sweep.js';
import { modelPaths, splitPaths, walkAll, type ModelAdapter, type UnreachableEdge } from '../support/modelBased.js';
import { executorRunnerAdapter, UNREACHABLE as RUNNER_UNREACHABLE } from './executorRunner.model.js';
import { taskRunnerAdapter, UNREACHABLE as TASK_UNREACHABLE } from './task.model.js';
import { heartbeatReceiverAdapter } from './heartbeatReceiver.model.js';
import { executorBackendAdapter, UNREACHABLE as BACKEND_UNREACHABLE } from './executorBackend.model.js';
import { workerAdapter, UNREACHABLE as WORKER_UNREACHABLE } from './worker.model.js';
import { appClientAdapter, UNREACHABLE as APP_CLIENT_UNREACHABLE } from './appClient.model.js';
import { applicationRetryAdapter } from './applicationRetry.model.js';

const SWEEP_SEEDS = 10;

const walked: Array<{ adapter: ModelAdapter; unreachable: UnreachableEdge[] }> = [
  { adapter: executorRunnerAdapter, unreachable: RUNNER_UNREACHABLE },
  { adapter: taskRunnerAdapter, unreachable: TASK_UNREACHABLE },
  { adapter: heartbeatReceiverAdapter, unreachable: [] },
  { adapter: executorBackendAdapter, unreachable: BACKEND_UNREACHABLE },
  { adapter: workerAdapter, unreachable: WORKER_UNREACHABLE },
  { adapter: appClientAdapter, unreachable: APP_CLIENT_UNREACHABLE },
  // Projected from the Master's context: its walks count toward the Master's row.
  { adapter: applicationRetryAdapter, unreachable: [] },
];

const fraction = ([a, b]: [number, number]) => `${a}/${b}`.padStart(7);

describe('model-based coverage', () => {
  it('walks reach every state of each walked machine but the ones documented as unreachable, and the table compares them with a sweep', () => {
    const model = new Coverage();
    for (const { adapter, unreachable } of walked) {
      const paths = splitPaths(modelPaths(adapter), unreachable).reachable;
      model.merge(walkAll(adapter, paths).toJSON());
    }
    const sweep = new Coverage();
    for (let seed = 1; seed <= SWEEP_SEEDS; seed++) {
      for (const mode of ['safety', 'liveness'] as const) sweep.merge(runSeed(seed, mode, { coverage: true }).coverage!);
    }
    const machines: readonly AnyStateMachine[] = CLUSTER_MACHINES;
    const modelRows = new Map(model.summary(machines).map((r) => [r.machine, r]));
    const lines = [`machine                      model walks: states  transitions   sweep (${SWEEP_SEEDS} seeds x 2 modes): states  transitions`];
    for (const row of sweep.summary(machines)) {
      const m = modelRows.get(row.machine)!;
      lines.push(`${row.machine.padEnd(28)} ${fraction(m.states)}  ${fraction(m.transitions)}   ${fraction(row.states)}  ${fraction(row.transitions)}`);
    }
    console.log(lines.join('\n'));

    const runner = modelRows.get('ExecutorRunner')!;
    expect(runner.missedStates).toEqual([]);
    // LOST has no incoming edge on purpose (machines/task.ts).
    expect(modelRows.get('TaskRunner')!.missedStates).toEqual(['TaskRunner.LOST']);
    // A constructor that throws (invalid conf) is rejected by scenario validation before any cluster runs.
    expect(modelRows.get('HeartbeatReceiver')!.missedStates).toEqual(['HeartbeatReceiver.failed']);
    // `stopping` is reached too: the walks see microsteps, and it raises Shutdown within the same step.
    expect(modelRows.get('CoarseGrainedExecutorBackend')!.missedStates).toEqual([]);
    // The Worker's walks reach exited, which no sweep reaches; what they miss is what worker.model.ts proves
    // unreachable, plus MasterInStandby (the only Master elects itself as it starts, before any RegisterWorker).
    const worker = modelRows.get('Worker')!;
    expect(worker.missedStates).toEqual([]);
    expect([...worker.missedTransitions].sort()).toEqual([
      'Worker on MasterInStandby',
      'Worker.registered on RegisterWorkerFailed', 'Worker.registered on ReregisterWithMaster', 'Worker.registered on onDisconnected',
      'Worker.registering on RegisterWorkerFailed', 'Worker.registering on onDisconnected',
    ]);
    expect(modelRows.get('AppClient')!.missedStates).toEqual([]);
    // Every walk starts the Master (STANDBY, then ALIVE); the retry-count walks compare a view of its context.
    expect(modelRows.get('Master')!.missedStates).toEqual([]);
  }, 120_000);
});
