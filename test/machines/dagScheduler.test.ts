import { describe, expect, it } from 'vitest';
import { dagSchedulerMachine, jobSummaries, type DagSchedulerContext } from '../../machines/dagScheduler.js';
import { resolveConf } from '../../machines/conf.js';
import type { TaskEndReason } from '../../machines/protocol.js';
import { startMachine } from '../support/harness.js';

const DAG = 'driver-0/DAGScheduler';
const BACKEND = 'driver-0/CoarseGrainedScheduler';
const SC = 'driver-0/SparkContext';
const start = () => {
  const h = startMachine(dagSchedulerMachine, { input: { address: DAG, conf: resolveConf({}).conf }, systemId: DAG, peers: [BACKEND, SC] });
  return { ...h, ctx: () => h.snapshot().context as DagSchedulerContext };
};
type H = ReturnType<typeof start>;
const ended = (h: H, stageId: number, partition: number, reason: TaskEndReason = { kind: 'Success' }) =>
  h.send({ type: 'dagScheduler.taskEnded', stageId, stageAttemptId: 0, taskInfo: { taskId: 0, index: partition, attemptNumber: 0, partitionId: partition, launchTime: 0, executorId: '1', host: 'h', speculative: false }, reason, finishTime: 0 });
const submitted = (h: H) => h.peers[BACKEND]!.filter((e) => e.type === 'taskScheduler.submitTasks').map((e) => (e as unknown as { taskSet: { stageId: number } }).taskSet.stageId);

describe('DAGScheduler', () => {
  it('submits a stage only when its parents have completed, and answers JobSucceeded at the end', () => {
    const h = start();
    h.send({ type: 'dagScheduler.submitJob', jobId: 0, stages: [{ id: 0, numTasks: 2, parents: [] }, { id: 1, numTasks: 1, parents: [0] }], replyTo: SC });
    expect(submitted(h)).toEqual([0]);
    ended(h, 0, 0);
    ended(h, 0, 0);
    expect(submitted(h)).toEqual([0]);
    ended(h, 0, 1);
    expect(submitted(h)).toEqual([0, 1]);
    ended(h, 1, 0);
    expect(h.peers[SC]).toEqual([{ type: 'JobSucceeded', jobId: 0 }]);
    expect(jobSummaries(h.ctx())).toEqual([{ id: 0, result: 'succeeded', failureReason: null, tasks: 3, attempts: 0, failedAttempts: 0 }]);
  });

  it('fails the job with Spark\'s message and cancels its other running stages', () => {
    const h = start();
    h.send({ type: 'dagScheduler.submitJob', jobId: 0, stages: [{ id: 0, numTasks: 2, parents: [] }, { id: 1, numTasks: 2, parents: [] }], replyTo: SC });
    ended(h, 0, 0, { kind: 'ExceptionFailure', className: 'E', description: 'x' });
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 0, stageAttemptId: 0, reason: 'Task 0 in stage 0.0 failed 4 times' });
    expect(h.peers[SC]).toEqual([{ type: 'JobFailed', jobId: 0, exception: 'Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times' }]);
    expect(h.peers[BACKEND]!.filter((e) => e.type === 'taskScheduler.cancelTasks')).toEqual([{ type: 'taskScheduler.cancelTasks', stageId: 1, reason: 'Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times' }]);
    ended(h, 1, 0);
    ended(h, 1, 1);
    expect(h.peers[SC]).toHaveLength(1);
    expect(jobSummaries(h.ctx())[0]).toMatchObject({ result: 'failed', failedAttempts: 1 });
  });

  it('runs two jobs independently and ignores events of unknown stages', () => {
    const h = start();
    h.send({ type: 'dagScheduler.submitJob', jobId: 0, stages: [{ id: 0, numTasks: 1, parents: [] }], replyTo: SC });
    h.send({ type: 'dagScheduler.submitJob', jobId: 1, stages: [{ id: 1, numTasks: 1, parents: [] }], replyTo: SC });
    ended(h, 7, 0);
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 9, stageAttemptId: 0, reason: 'x' });
    ended(h, 1, 0);
    expect(h.peers[SC]).toEqual([{ type: 'JobSucceeded', jobId: 1 }]);
  });
});
