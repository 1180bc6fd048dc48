/**
 * Executor.TaskRunner, walked on the assembled cluster. Stage 0's only task is the subject; stage 1
 * runs beside it (no parents). The task succeeds when time passes, fails where a task-failure fault
 * makes its user code throw, and is killed when stage 1's task fails with spark.task.maxFailures = 1:
 * the job aborts and the DAGScheduler cancels stage 0 ("Stage cancelled" KillTask).
 */
import { taskRunnerMachine } from '../../machines/task.js';
import { pathTakes as takes, withoutEffects, type ModelAdapter, type UnreachableEdge } from '../support/modelBased.js';

const taskDescription = { taskId: 0, attemptNumber: 0, executorId: '0', name: 'task 0.0 in stage 0.0', index: 0, partitionId: 0, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 };

export const taskRunnerAdapter: ModelAdapter = {
  machine: taskRunnerMachine,
  model: withoutEffects(taskRunnerMachine, ['reportRunning', 'reportKilledBeforeRun', 'reportFinished', 'reportFailed', 'reportKilled', 'readBroadcast', 'storeCachedPartition']),
  input: { taskDescription },
  events: [{ type: 'taskRunner.run' }, { type: 'taskRunner.kill', interruptThread: true, reason: 'Stage cancelled' }, { type: 'work.succeeded' }, { type: 'work.failed', className: 'java.lang.RuntimeException', description: 'boom' }],
  scenario: (path) => {
    const killed = takes(path, 'taskRunner.kill');
    return {
      name: 'model-task',
      seed: 1,
      workers: [{ count: 1, cores: 2, memory: '2g' }],
      applications: [{
        name: 'app',
        submitAt: '1s',
        conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '1g', 'spark.task.maxFailures': 1 },
        jobs: [{ submitAt: '0s', stages: [{ id: 0, tasks: 1, taskDuration: '1min' }, ...(killed ? [{ id: 1, tasks: 1, taskDuration: '5s' }] : [])] }],
      }],
      faults: [
        ...(takes(path, 'work.failed') ? [{ kind: 'task-failure', app: 'app', job: 0, stage: 0, partition: 0, attempts: 1 }] : []),
        ...(killed ? [{ kind: 'task-failure', app: 'app', job: 0, stage: 1, partition: 0, attempts: 'all' }] : []),
      ],
      stopAt: '30min',
    };
  },
  pick: (context) => (context as { taskDescription: { stageId: number } }).taskDescription.stageId === 0,
};

/**
 * A kill before run() needs a KillTask to reach the executor before the LaunchTask the driver sent
 * earlier; the driver-executor connection is FIFO, and the backend runs a launched TaskRunner at once.
 * The test below proves these paths stay unreachable. LOST is unreachable on purpose (machines/task.ts).
 */
export const UNREACHABLE: UnreachableEdge[] = [
  { edge: /^LAUNCHING --taskRunner\.kill-->/, why: 'a KillTask cannot overtake the LaunchTask on the FIFO driver-executor connection, and the backend runs a launched TaskRunner at once', instead: /the live actor took taskRunner.run/ },
];
