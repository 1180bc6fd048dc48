/**
 * The body of a task attempt, simulated: it runs for a duration and then succeeds, or throws
 * where the scenario injects a task failure. Not a Spark class: the stand-in for Task.run inside
 * Executor.TaskRunner. Durations and failures are decided by the runtime (runtime/workload.ts);
 * this actor only keeps time on the system clock.
 */
import { fromCallback, type EventObject } from 'xstate';
import type { TaskDescription, WorkFailed, WorkSucceeded } from '../machines/protocol.js';
import type { SimClock } from '../machines/clock.js';

export interface TaskOutcome {
  durationMs: number;
  /** The exception the task's user code throws at the end, if any. */
  failure?: { className: string; description: string };
}

export interface TaskWorkEnvironment {
  clock: SimClock;
  /** What this attempt of this application's task does: from the scenario, deterministic per attempt. */
  outcome(task: TaskDescription): TaskOutcome;
}

export function createTaskWork(env: TaskWorkEnvironment) {
  return fromCallback<EventObject, { taskDescription: TaskDescription }>(({ input, sendBack }) => {
    const outcome = env.outcome(input.taskDescription);
    const timer = env.clock.setTimeout(() => {
      const done: WorkSucceeded | WorkFailed = outcome.failure ? { type: 'work.failed', ...outcome.failure } : { type: 'work.succeeded' };
      sendBack(done);
    }, outcome.durationMs);
    return () => env.clock.clearTimeout(timer);
  });
}
