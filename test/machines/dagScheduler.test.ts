import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { dagSchedulerMachine, finishedPartitions, jobSummaries, stageIdOf, type DagSchedulerContext } from '../../machines/dagScheduler.js';
import { resolveConf } from '../../machines/conf.js';
import type { StageSpec, TaskEndReason, TaskSet } from '../../machines/protocol.js';
import { startMachine } from '../support/harness.js';

const DAG = 'driver-0/DAGScheduler';
const BACKEND = 'driver-0/CoarseGrainedScheduler';
const SC = 'driver-0/SparkContext';
const start = () => {
  const h = startMachine(dagSchedulerMachine, { input: { address: DAG, conf: resolveConf({}).conf }, systemId: DAG, peers: [BACKEND, SC] });
  return { ...h, ctx: () => h.snapshot().context as DagSchedulerContext };
};
type H = ReturnType<typeof start>;
const submit = (h: H, jobId: number, stages: StageSpec[]) => h.send({ type: 'dagScheduler.submitJob', jobId, stages, replyTo: SC });
const info = (partition: number, attemptNumber = 0) => ({ taskId: 0, index: partition, attemptNumber, partitionId: partition, launchTime: 0, executorId: '1', host: 'h', speculative: false });
const started = (h: H, stageId: number, partition: number, attemptNumber = 0) =>
  h.send({ type: 'dagScheduler.taskStarted', stageId, stageAttemptId: 0, taskInfo: info(partition, attemptNumber) });
const ended = (h: H, stageId: number, partition: number, reason: TaskEndReason = { kind: 'Success' }, attemptNumber = 0) =>
  h.send({ type: 'dagScheduler.taskEnded', stageId, stageAttemptId: 0, taskInfo: info(partition, attemptNumber), reason, finishTime: 0 });
const taskSets = (h: H) => h.peers[BACKEND]!.filter((e) => e.type === 'taskScheduler.submitTasks').map((e) => (e as unknown as { taskSet: TaskSet }).taskSet);
const submitted = (h: H) => taskSets(h).map((t) => t.stageId);
const cancels = (h: H) => h.peers[BACKEND]!.filter((e) => e.type === 'taskScheduler.cancelTasks');
const toJobWaiter = (h: H): EventObject[] => h.peers[SC]!;
const thrown: TaskEndReason = { kind: 'ExceptionFailure', className: 'java.lang.RuntimeException', description: 'boom' };

describe('DAGScheduler', () => {
  it('submits a TaskSet for stage 1 only after every partition of its parent stage 0 has succeeded, then answers JobSucceeded', () => {
    const h = start();
    submit(h, 0, [{ id: 0, numTasks: 2, parents: [] }, { id: 1, numTasks: 1, parents: [0] }]);
    expect(taskSets(h)).toEqual([{ stageId: 0, stageAttemptId: 0, jobId: 0, priority: 0, tasks: [{ index: 0, partitionId: 0 }, { index: 1, partitionId: 1 }] }]);
    ended(h, 0, 0);
    expect(submitted(h)).toEqual([0]);
    ended(h, 0, 1);
    expect(submitted(h)).toEqual([0, 1]);
    expect(toJobWaiter(h)).toEqual([]);
    ended(h, 1, 0);
    expect(toJobWaiter(h)).toEqual([{ type: 'JobSucceeded', jobId: 0 }]);
    expect(jobSummaries(h.ctx())).toEqual([{ id: 0, result: 'succeeded', failureReason: null, tasks: 3, attempts: 0, failedAttempts: 0 }]);
    expect(h.sent).toEqual([]); // all inside the driver process: nothing through the network
  });

  it('waits for all parents of a stage (a diamond: 3 depends on 1 and 2, which depend on 0)', () => {
    const h = start();
    submit(h, 0, [{ id: 0, numTasks: 1, parents: [] }, { id: 1, numTasks: 1, parents: [0] }, { id: 2, numTasks: 1, parents: [0] }, { id: 3, numTasks: 1, parents: [1, 2] }]);
    ended(h, 0, 0);
    expect(submitted(h)).toEqual([0, 1, 2]);
    ended(h, 2, 0);
    expect(submitted(h)).toEqual([0, 1, 2]);
    ended(h, 1, 0);
    expect(submitted(h)).toEqual([0, 1, 2, 3]);
    ended(h, 3, 0);
    expect(toJobWaiter(h)).toEqual([{ type: 'JobSucceeded', jobId: 0 }]);
  });

  it('counts a partition once when two attempts of it succeed', () => {
    const h = start();
    submit(h, 0, [{ id: 0, numTasks: 2, parents: [] }, { id: 1, numTasks: 1, parents: [0] }]);
    ended(h, 0, 0, { kind: 'Success' }, 0);
    ended(h, 0, 0, { kind: 'Success' }, 1);
    expect(submitted(h)).toEqual([0]);
    expect(finishedPartitions(h.ctx().stages[0]!)).toBe(1);
    expect(h.ctx().stages[0]!.state).toBe('running');
    ended(h, 0, 1);
    expect(submitted(h)).toEqual([0, 1]);
    // A late duplicate of a completed stage changes nothing (no second TaskSet for stage 1).
    ended(h, 0, 1, { kind: 'Success' }, 1);
    expect(submitted(h)).toEqual([0, 1]);
  });

  it('counts started attempts and attempts that ended in failure; a failure does not finish the partition', () => {
    const h = start();
    submit(h, 0, [{ id: 0, numTasks: 1, parents: [] }]);
    started(h, 0, 0, 0);
    ended(h, 0, 0, thrown, 0);
    started(h, 0, 0, 1);
    ended(h, 0, 0, { kind: 'ExecutorLostFailure', execId: '1', exitCausedByApp: false, reason: 'lost' }, 1);
    started(h, 0, 0, 2);
    ended(h, 0, 0, { kind: 'TaskKilled', reason: 'another attempt succeeded' }, 2);
    expect(toJobWaiter(h)).toEqual([]);
    expect(jobSummaries(h.ctx())[0]).toMatchObject({ result: 'running', attempts: 3, failedAttempts: 3 });
    started(h, 0, 0, 3);
    ended(h, 0, 0, { kind: 'Success' }, 3);
    expect(jobSummaries(h.ctx())).toEqual([{ id: 0, result: 'succeeded', failureReason: null, tasks: 1, attempts: 4, failedAttempts: 3 }]);
  });

  it('fails the job on TaskSetFailed with "Job aborted due to stage failure: " and cancels its running stages with that message before answering', () => {
    const h = start();
    // Stages 0 and 1 run side by side; 2 waits for both and is never submitted.
    submit(h, 0, [{ id: 0, numTasks: 2, parents: [] }, { id: 1, numTasks: 2, parents: [] }, { id: 2, numTasks: 1, parents: [0, 1] }]);
    started(h, 0, 0);
    ended(h, 0, 0, thrown);
    const reason = 'Task 0 in stage 0.0 failed 4 times, most recent failure: Lost task 0.3 in stage 0.0 (TID 3) (h executor 1): java.lang.RuntimeException: boom\nDriver stacktrace:';
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 0, stageAttemptId: 0, reason });
    const message = `Job aborted due to stage failure: ${reason}`;
    // cancelRunningIndependentStages: every running stage of the job, the aborted one included
    // (killAllTaskAttempts(stageId, interrupt, error.getMessage)); the waiting stage 2 has no tasks to kill.
    expect(cancels(h)).toEqual([
      { type: 'taskScheduler.cancelTasks', stageId: 0, reason: message },
      { type: 'taskScheduler.cancelTasks', stageId: 1, reason: message },
    ]);
    expect(toJobWaiter(h)).toEqual([{ type: 'JobFailed', jobId: 0, exception: message }]);
    expect(jobSummaries(h.ctx())).toEqual([{ id: 0, result: 'failed', failureReason: message, tasks: 5, attempts: 1, failedAttempts: 1 }]);
    // Later events of the failed job: ignored (its stages are gone in Spark).
    started(h, 1, 0);
    ended(h, 1, 0);
    ended(h, 1, 1);
    ended(h, 0, 1, { kind: 'TaskKilled', reason: 'Stage cancelled' });
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 1, stageAttemptId: 0, reason: 'again' });
    expect(submitted(h)).toEqual([0, 1]);
    expect(cancels(h)).toHaveLength(2);
    expect(toJobWaiter(h)).toHaveLength(1);
    expect(jobSummaries(h.ctx())[0]).toMatchObject({ attempts: 1, failedAttempts: 1 });
  });

  it('does not cancel a stage of the failed job that already succeeded', () => {
    const h = start();
    submit(h, 0, [{ id: 0, numTasks: 1, parents: [] }, { id: 1, numTasks: 1, parents: [0] }]);
    ended(h, 0, 0);
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 1, stageAttemptId: 0, reason: 'x' });
    expect(cancels(h).map((e) => (e as unknown as { stageId: number }).stageId)).toEqual([1]);
    expect(h.ctx().stages[0]!.state).toBe('succeeded');
    expect(h.ctx().stages[1]).toMatchObject({ state: 'failed', failureReason: 'Job aborted due to stage failure: x' });
  });

  it('runs two independent jobs side by side: the failure of one leaves the other running to success', () => {
    const h = start();
    submit(h, 0, [{ id: 0, numTasks: 1, parents: [] }]);
    submit(h, 1, [{ id: 0, numTasks: 2, parents: [] }]);
    expect(taskSets(h).map((t) => [t.stageId, t.jobId, t.priority])).toEqual([[0, 0, 0], [1, 1, 1]]);
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 0, stageAttemptId: 0, reason: 'x' });
    expect(cancels(h).map((e) => (e as unknown as { stageId: number }).stageId)).toEqual([0]);
    ended(h, 1, 0);
    ended(h, 1, 1);
    expect(toJobWaiter(h)).toEqual([
      { type: 'JobFailed', jobId: 0, exception: 'Job aborted due to stage failure: x' },
      { type: 'JobSucceeded', jobId: 1 },
    ]);
    expect(jobSummaries(h.ctx()).map((j) => j.result)).toEqual(['failed', 'succeeded']);
  });

  it('numbers stages globally in submission order, each job\'s in the order given, and keeps the mapping to the job\'s own ids', () => {
    const h = start();
    submit(h, 0, [{ id: 5, numTasks: 1, parents: [] }, { id: 3, numTasks: 1, parents: [5] }]);
    submit(h, 1, [{ id: 0, numTasks: 1, parents: [] }, { id: 1, numTasks: 1, parents: [0] }]);
    const c = h.ctx();
    expect([stageIdOf(c, 0, 5), stageIdOf(c, 0, 3), stageIdOf(c, 1, 0), stageIdOf(c, 1, 1), stageIdOf(c, 1, 7)]).toEqual([0, 1, 2, 3, undefined]);
    expect(c.stages[3]).toMatchObject({ jobId: 1, specId: 1, parents: [2] });
    expect(c.nextStageId).toBe(4);
    expect(submitted(h)).toEqual([0, 2]);
    ended(h, 2, 0);
    expect(submitted(h)).toEqual([0, 2, 3]);
    // Already-global ids (as runtime/workload.ts submits them) map to themselves.
    submit(h, 2, [{ id: 4, numTasks: 1, parents: [] }, { id: 5, numTasks: 1, parents: [4] }]);
    expect([stageIdOf(h.ctx(), 2, 4), stageIdOf(h.ctx(), 2, 5)]).toEqual([4, 5]);
  });

  it('ignores events of unknown stages, of stages not yet submitted, a second submission of a job id, and executor events', () => {
    const h = start();
    submit(h, 0, [{ id: 0, numTasks: 1, parents: [] }, { id: 1, numTasks: 1, parents: [0] }]);
    const before = h.ctx();
    started(h, 7, 0);
    ended(h, 7, 0);
    ended(h, 1, 0); // stage 1 waits for stage 0
    started(h, 1, 0);
    ended(h, 0, 5); // no partition 5 in stage 0
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 9, stageAttemptId: 0, reason: 'x' });
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 1, stageAttemptId: 0, reason: 'x' });
    submit(h, 0, [{ id: 0, numTasks: 3, parents: [] }]);
    h.send({ type: 'dagScheduler.executorAdded', executorId: '1', host: 'h' });
    h.send({ type: 'dagScheduler.executorLost', executorId: '1', reason: { kind: 'ExecutorKilled' } });
    expect(h.ctx()).toBe(before);
    expect(submitted(h)).toEqual([0]);
    expect(cancels(h)).toEqual([]);
    expect(toJobWaiter(h)).toEqual([]);
  });

  it('ends a job without stages at once, as Spark does a job with no partitions', () => {
    const h = start();
    submit(h, 0, []);
    expect(toJobWaiter(h)).toEqual([{ type: 'JobSucceeded', jobId: 0 }]);
    expect(submitted(h)).toEqual([]);
  });
});
