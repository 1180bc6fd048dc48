/**
 * The body of a task attempt, simulated: it runs for a duration and then succeeds, or throws
 * where the scenario injects a task failure. Not a Spark class: the stand-in for Task.run inside
 * Executor.TaskRunner. Durations and failures are decided by the runtime (runtime/workload.ts);
 * this module only keeps time on the system clock.
 *
 * The body is a timer owned by its TaskRunner, not an actor: the TaskRunner's RUNNING state
 * starts it (`runTaskBody`) and interrupts it on exit (`interruptTaskBody`), and the timer reports
 * work.succeeded or work.failed to the TaskRunner. A callback actor spawned and stopped per task
 * (two more transitions, its creation, and a copy of the TaskRunner's children each way) cost
 * 5-11 % of a busy cluster's CPU (scenario 1, 1,000 executors: 6.9 s -> 6.4 s, medians of 4
 * interleaved pairs).
 */
import type { AnyActorRef } from 'xstate';
import type { TaskDescription, WorkFailed, WorkSucceeded } from '../machines/protocol.js';
import type { SimClock } from '../machines/clock.js';
import type { TaskRunnerContext } from '../machines/task.js';

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

interface BodyActionArgs { context: TaskRunnerContext; self: AnyActorRef }

/** The TaskRunner's `runTaskBody` and `interruptTaskBody` actions, timed on `env.clock`. */
export function createTaskWork(env: TaskWorkEnvironment) {
  /** The pending timer of each running body, by its TaskRunner. */
  const timers = new Map<AnyActorRef, unknown>();
  const interrupt = (runner: AnyActorRef) => {
    const timer = timers.get(runner);
    if (timer === undefined) return;
    timers.delete(runner);
    env.clock.clearTimeout(timer);
  };
  return {
    runTaskBody: ({ context, self }: BodyActionArgs) => {
      // Armed at once, in the step that enters RUNNING, before the RUNNING StatusUpdate reaches the
      // network: the order on the clock in which a spawned body actor used to start.
      const outcome = env.outcome(context.taskDescription);
      timers.set(self, env.clock.setTimeout(() => {
        timers.delete(self);
        const done: WorkSucceeded | WorkFailed = outcome.failure ? { type: 'work.failed', ...outcome.failure } : { type: 'work.succeeded' };
        self.send(done);
      }, outcome.durationMs));
      // A TaskRunner stopped with its executor (no exit actions run) takes its body with it.
      self.subscribe({ complete: () => interrupt(self), error: () => interrupt(self) });
    },
    interruptTaskBody: ({ self }: BodyActionArgs) => interrupt(self),
  };
}
