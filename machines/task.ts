/**
 * Executor.TaskRunner: one task attempt on an executor, LAUNCHING -> RUNNING -> FINISHED | FAILED |
 * KILLED (| LOST). Models core/src/main/scala/org/apache/spark/executor/Executor.scala (TaskRunner.run,
 * kill) and TaskState.scala; shared/spark-semantics.md section 2.3.
 *
 * The task body is an effect: a child from the `taskWork` slot (the runtime provides a timed
 * stand-in) that reports work.succeeded or work.failed. LOST stays in the chart as TaskState has
 * it, but no event leads there: executors never send LOST (it came from Mesos fine-grained mode),
 * and a task whose process dies sends nothing at all.
 */
import { fromCallback, sendParent, setup, spawnChild, stopChild, type AnyActorLogic, type EventObject } from 'xstate';
import type { StatusUpdateData, TaskDescription, TaskRunnerKill, TaskRunnerStatusUpdate, WorkFailed, WorkSucceeded } from './protocol.js';
import type { TaskState } from './states.js';

export interface TaskRunnerInput { taskDescription: TaskDescription }
export type TaskRunnerEvent = TaskRunnerKill | WorkSucceeded | WorkFailed;

/** Placeholder for the task body; the runtime provides the timed stand-in (actors/taskWork.ts). */
export const taskWorkPlaceholder: AnyActorLogic = fromCallback<EventObject, TaskRunnerInput>(() => undefined);

const update = (task: TaskDescription, state: TaskState, data: StatusUpdateData = {}): TaskRunnerStatusUpdate => ({ type: 'taskRunner.statusUpdate', taskId: task.taskId, state, data });

export const taskRunnerMachine = setup({
  types: {
    input: {} as TaskRunnerInput,
    context: {} as TaskRunnerInput,
    events: {} as TaskRunnerEvent,
  },
  actors: { taskWork: taskWorkPlaceholder },
}).createMachine({
  id: 'TaskRunner',
  context: ({ input }) => ({ taskDescription: input.taskDescription }),
  initial: 'LAUNCHING',
  states: {
    LAUNCHING: {
      description: 'TaskRunner created and handed to the thread pool; run() begins by reporting RUNNING.',
      always: {
        target: 'RUNNING',
        actions: sendParent(({ context }) => update(context.taskDescription, 'RUNNING')),
      },
    },
    RUNNING: {
      description: 'RUNNING was sent (before deserialization); the task body runs.',
      entry: spawnChild('taskWork', { id: 'work', input: ({ context }: { context: TaskRunnerInput }) => ({ taskDescription: context.taskDescription }) }),
      exit: stopChild('work'),
      on: {
        'work.succeeded': {
          target: 'FINISHED',
          description: 'The result is serialized and sent: StatusUpdate(FINISHED).',
          actions: sendParent(({ context }) => update(context.taskDescription, 'FINISHED')),
        },
        'work.failed': {
          target: 'FAILED',
          description: 'User code threw: StatusUpdate(FAILED, ExceptionFailure).',
          actions: sendParent(({ context, event }) => update(context.taskDescription, 'FAILED', { reason: { kind: 'ExceptionFailure', className: event.className, description: event.description } })),
        },
        'taskRunner.kill': {
          target: 'KILLED',
          description: 'kill(interruptThread, reason): TaskKilledException, StatusUpdate(KILLED, TaskKilled(reason)).',
          actions: sendParent(({ context, event }) => update(context.taskDescription, 'KILLED', { reason: { kind: 'TaskKilled', reason: event.reason } })),
        },
      },
    },
    FINISHED: { type: 'final' },
    FAILED: { type: 'final' },
    KILLED: { type: 'final' },
    LOST: { type: 'final', description: 'TaskState.LOST: kept for the enum; executors of Spark 3.5+ never report it.' },
  },
});
