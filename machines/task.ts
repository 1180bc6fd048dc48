/**
 * Executor.TaskRunner: one task attempt on an executor. State values are Spark's TaskState:
 * LAUNCHING -> RUNNING -> FINISHED | FAILED | KILLED (| LOST).
 * Models core/src/main/scala/org/apache/spark/executor/Executor.scala (TaskRunner.run, TaskRunner.kill,
 * launchTask) and core/.../spark/TaskState.scala; shared/spark-semantics.md section 2.3.
 *
 * - LAUNCHING: the TaskRunner exists (Executor.runningTasks holds it) but no pool thread runs it yet.
 *   `taskRunner.run` is Executor.launchTask's threadPool.execute(runner). A kill here only records
 *   `reasonIfKilled` (the Task is not deserialized yet, so there is nothing to interrupt); run()
 *   then still reports RUNNING first and throws TaskKilledException after deserialization: KILLED.
 * - RUNNING: run() reported RUNNING (its first statement) and the task body runs: the entry
 *   action `runTaskBody` starts it and the exit action `interruptTaskBody` interrupts it (the
 *   runtime provides both: a timer on the system clock, actors/taskWork.ts), and the body reports
 *   work.succeeded or work.failed to this TaskRunner. The body is not an actor: Task.run is not a
 *   Spark endpoint, and an actor spawned and stopped per task cost 5-11 % of a busy cluster's CPU
 *   (scenario 1: 6.9 s -> 6.4 s, medians of 4 interleaved pairs). A kill ends the attempt at once as KILLED: the model's task bodies honour
 *   interrupts immediately. (Spark: task.kill marks the TaskContext interrupted, and interrupts the
 *   thread if asked; a body that never checks still ends KILLED, at the latest when run() calls
 *   killTaskIfInterrupted after it. Both interruptThread values therefore end the same way here.)
 * - Exactly one terminal status update is sent, and nothing once a final state is reached.
 * - A status update is execBackend.statusUpdate, which Spark runs on the task's own thread:
 *   StatusUpdate(executorId, taskId, state, data, taskCpus) goes to the driver through the network,
 *   from the backend's endpoint, without a message to the backend actor (its receive has no such
 *   case). The Executor forgets the task when the TaskRunner ends (run()'s finally:
 *   runningTasks.remove): the backend hears that from the runner's done event. (A status update as
 *   an event to the backend cost two more transitions per task: scenario 1, 5-7 % of its CPU.)
 *
 * LOST stays in the chart because TaskState has it, but no event leads there, on purpose: Spark
 * 3.5+/4.x executors never send LOST (only Mesos fine-grained mode did; 4.x's TaskSchedulerImpl
 * asserts state != LOST), and a TaskRunner whose process dies sends nothing at all: the process
 * stand-in stops the backend with its TaskRunners, and the driver learns of the loss from the
 * disconnect or the heartbeat expiry (ExecutorLostFailure), not from a task state.
 *
 * Not modelled: fetch failures, TaskCommitDenied, result size limits (IndirectTaskResult,
 * spark.driver.maxResultSize) and the TaskReaper (spark.task.reaper.enabled, default false).
 */
import { assign, enqueueActions, sendTo, setup } from 'xstate';
import { rddBlockName } from './blockManagerMessages.js';
import type { PutBlock, ReadBroadcast } from './blockManager.js';
import type { Address, StatusUpdateData, TaskDescription, TaskRunnerKill, TaskRunnerRun, WorkFailed, WorkSucceeded } from './protocol.js';
import { networkOf, rpc, type NetworkSend } from './rpc.js';
import type { TaskState } from './states.js';

/** The TaskRunner's execBackend: the CoarseGrainedExecutorBackend whose statusUpdate it calls. */
export interface ExecBackend {
  /** The backend's endpoint address (the sender of StatusUpdate). */
  address: Address;
  executorId: string;
  /** The driver's CoarseGrainedScheduler. */
  driverUrl: Address;
}

export interface TaskRunnerInput { taskDescription: TaskDescription; execBackend: ExecBackend }

export interface TaskRunnerContext {
  taskDescription: TaskDescription;
  execBackend: ExecBackend;
  /** TaskRunner.reasonIfKilled: set by a kill that came before run() deserialized the task. */
  reasonIfKilled: string | undefined;
}

export type TaskRunnerEvent = TaskRunnerRun | TaskRunnerKill | WorkSucceeded | WorkFailed;

/** The final state the attempt ended in. */
export interface TaskRunnerOutput { state: TaskState }

/**
 * Placeholders for the task body (Task.run inside TaskRunner.run): `runTaskBody` starts it for the
 * attempt's TaskDescription, `interruptTaskBody` interrupts it (task.kill); a started body later
 * reports work.succeeded or work.failed to the TaskRunner. The runtime provides the timed stand-in
 * (actors/taskWork.ts); these do nothing, so a body never ends unless a test sends its report.
 */
export const taskBodyPlaceholders = {
  runTaskBody: (_: { context: TaskRunnerContext }) => undefined,
  interruptTaskBody: (_: { context: TaskRunnerContext }) => undefined,
};

/**
 * CoarseGrainedExecutorBackend.statusUpdate(taskId, state, data): driver.send(StatusUpdate(executorId,
 * taskId, state, data, taskCpus)), through the network from the backend's endpoint; taskCpus is
 * the TaskDescription's cpus (what the Executor's runningTasks entry holds).
 */
export function statusUpdate(context: Pick<TaskRunnerContext, 'taskDescription' | 'execBackend'>, state: TaskState, data: StatusUpdateData = {}): NetworkSend {
  const { execBackend: backend, taskDescription: task } = context;
  return rpc(backend.address, backend.driverUrl, { type: 'StatusUpdate', executorId: backend.executorId, taskId: task.taskId, state, data, taskCpus: task.cpus });
}

const toNetwork = ({ system }: { system: Parameters<typeof networkOf>[0] }) => networkOf(system);

export const taskRunnerMachine = setup({
  types: {
    input: {} as TaskRunnerInput,
    context: {} as TaskRunnerContext,
    events: {} as TaskRunnerEvent,
    output: {} as TaskRunnerOutput,
  },
  guards: {
    killedBeforeRun: ({ context }) => context.reasonIfKilled !== undefined,
  },
  actions: {
    ...taskBodyPlaceholders,
    reportRunning: sendTo(toNetwork, ({ context }) => statusUpdate(context, 'RUNNING')),
    reportKilledBeforeRun: sendTo(toNetwork, ({ context }) => statusUpdate(context, 'KILLED', { reason: { kind: 'TaskKilled', reason: context.reasonIfKilled! } })),
    reportFinished: sendTo(toNetwork, ({ context }) => statusUpdate(context, 'FINISHED')),
    reportFailed: sendTo(toNetwork, ({ context, event }) =>
      statusUpdate(context, 'FAILED', event.type === 'work.failed' ? { reason: { kind: 'ExceptionFailure', className: event.className, description: event.description } } : {})),
    reportKilled: sendTo(toNetwork, ({ context, event }) =>
      statusUpdate(context, 'KILLED', event.type === 'taskRunner.kill' ? { reason: { kind: 'TaskKilled', reason: event.reason } } : {})),
    /** The closure reads its broadcast variable: TorrentBroadcast.readBroadcastBlock in this executor's BlockManager (via the backend). */
    readBroadcast: enqueueActions(({ context, enqueue }) => {
      const b = context.taskDescription.storage?.broadcast;
      if (b) enqueue.sendParent({ type: 'blockManager.readBroadcast', broadcastId: b.broadcastId, totalSize: b.totalSize, blockSize: b.blockSize } satisfies ReadBroadcast);
    }),
    /** A persisted RDD's partition, computed: BlockManager.getOrElseUpdate stores it (MEMORY_ONLY, RDD.cache) and tells the master. */
    storeCachedPartition: enqueueActions(({ context, enqueue }) => {
      const rdd = context.taskDescription.storage?.cachedRdd;
      if (!rdd) return;
      enqueue.sendParent({ type: 'blockManager.putBlock', blockId: rddBlockName(rdd.rddId, context.taskDescription.partitionId), storageLevel: 'MEMORY_ONLY', memSize: rdd.blockSize, diskSize: 0, tellMaster: true } satisfies PutBlock);
    }),
  },
}).createMachine({
  id: 'TaskRunner',
  context: ({ input }) => ({ taskDescription: input.taskDescription, execBackend: input.execBackend, reasonIfKilled: undefined }),
  initial: 'LAUNCHING',
  states: {
    LAUNCHING: {
      description: 'Executor.launchTask created the TaskRunner (runningTasks.put); it waits for a thread of the executor\'s pool (Executor.scala).',
      on: {
        'taskRunner.run': [
          {
            guard: 'killedBeforeRun',
            target: 'KILLED',
            description: 'run(): statusUpdate(RUNNING) first, then, after deserialization, reasonIfKilled is set: TaskKilledException, statusUpdate(KILLED, TaskKilled(reason)); the body never runs (Executor.scala).',
            actions: ['reportRunning', 'reportKilledBeforeRun'],
          },
          {
            target: 'RUNNING',
            description: 'run(): statusUpdate(RUNNING, EMPTY_BYTE_BUFFER) is the first statement, before dependencies and deserialization (Executor.scala).',
            actions: 'reportRunning',
          },
        ],
        'taskRunner.kill': {
          description: 'TaskRunner.kill before run(): reasonIfKilled = Some(reason); task is null, so nothing is interrupted (a later kill overwrites the reason) (Executor.scala).',
          actions: assign({ reasonIfKilled: ({ event }) => event.reason }),
        },
        'work.succeeded': { description: 'Ignored: no task body runs before run().' },
        'work.failed': { description: 'Ignored: no task body runs before run().' },
      },
    },
    RUNNING: {
      description: 'RUNNING was reported; the task body (Task.run) runs.',
      entry: ['readBroadcast', 'runTaskBody'],
      exit: 'interruptTaskBody',
      on: {
        'work.succeeded': {
          target: 'FINISHED',
          description: 'A cached partition is stored in the BlockManager as it is computed; the result is serialized and sent: statusUpdate(FINISHED, DirectTaskResult) (Executor.scala).',
          actions: ['storeCachedPartition', 'reportFinished'],
        },
        'work.failed': {
          target: 'FAILED',
          description: 'User code threw a non-fatal Throwable: statusUpdate(FAILED, ExceptionFailure) (Executor.scala).',
          actions: 'reportFailed',
        },
        'taskRunner.kill': {
          target: 'KILLED',
          description: 'TaskRunner.kill -> task.kill(interruptThread, reason): TaskKilledException, statusUpdate(KILLED, TaskKilled(reason)) (Executor.scala).',
          actions: 'reportKilled',
        },
        'taskRunner.run': { description: 'Ignored: a TaskRunner is executed once.' },
      },
    },
    FINISHED: { type: 'final', output: { state: 'FINISHED' } },
    FAILED: { type: 'final', output: { state: 'FAILED' } },
    KILLED: { type: 'final', output: { state: 'KILLED' } },
    LOST: {
      type: 'final',
      output: { state: 'LOST' },
      description: 'TaskState.LOST: kept for the enum, unreachable on purpose (executors of Spark 3.5+ never report it; a dying process reports nothing).',
    },
  },
  output: ({ event }) => (event as unknown as { output: TaskRunnerOutput }).output,
});
