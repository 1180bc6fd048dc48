/** Listener events posted on the driver's LiveListenerBus (machines/sparkListener.ts) by the DAGScheduler and the DriverEndpoint. */
import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { resolveConf } from '../../machines/conf.js';
import { dagSchedulerMachine } from '../../machines/dagScheduler.js';
import { schedulerBackendMachine } from '../../machines/schedulerBackend.js';
import { rddBlockId, shuffleDataBlockShuffleId } from '../../machines/sparkListener.js';
import { startMachine } from '../support/harness.js';

const DAG = 'driver-0/DAGScheduler';
const BACKEND = 'driver-0/CoarseGrainedScheduler';
const SC = 'driver-0/SparkContext';
const EAM = 'driver-0/ExecutorAllocationManager';
const HR = 'driver-0/HeartbeatReceiver';
const CLIENT = 'driver-0/AppClient';
const info = (partition: number) => ({ taskId: partition, index: partition, attemptNumber: 0, partitionId: partition, launchTime: 0, executorId: '1', host: 'h', speculative: false });
const summary = (events: EventObject[]) => events.map((e) => {
  const x = e as EventObject & Record<string, any>;
  switch (x.type) {
    case 'SparkListenerStageSubmitted': case 'SparkListenerStageCompleted': return `${x.type}(${x.stageInfo.stageId}${x.stageInfo.shuffleDepId !== undefined ? ` shuffle ${x.stageInfo.shuffleDepId}` : ''})`;
    case 'SparkListenerTaskStart': return `${x.type}(${x.stageId}.${x.taskInfo.index})`;
    case 'SparkListenerTaskEnd': return `${x.type}(${x.stageId}.${x.taskInfo.index} ${x.taskType} ${x.reason.kind})`;
    case 'SparkListenerJobStart': return `${x.type}(${x.jobId}: ${x.stageInfos.map((s: { stageId: number }) => s.stageId).join(',')})`;
    case 'SparkListenerJobEnd': return `${x.type}(${x.jobId} ${x.jobResult.result})`;
    default: return x.type;
  }
});

describe('LiveListenerBus: events the DAGScheduler posts', () => {
  it('posts job start, stage submitted, task start/end (ShuffleMapTask for a parent stage), stage completed and job end in Spark order', () => {
    const h = startMachine(dagSchedulerMachine, { input: { address: DAG, conf: resolveConf({}).conf }, systemId: DAG, peers: [BACKEND, SC, EAM] });
    h.send({ type: 'dagScheduler.submitJob', jobId: 0, stages: [{ id: 0, numTasks: 1, parents: [] }, { id: 1, numTasks: 1, parents: [0] }], replyTo: SC });
    h.send({ type: 'dagScheduler.taskStarted', stageId: 0, stageAttemptId: 0, taskInfo: info(0) });
    h.send({ type: 'dagScheduler.taskEnded', stageId: 0, stageAttemptId: 0, taskInfo: info(0), reason: { kind: 'Success' }, finishTime: 0 });
    h.send({ type: 'dagScheduler.taskStarted', stageId: 1, stageAttemptId: 0, taskInfo: info(0) });
    h.send({ type: 'dagScheduler.taskEnded', stageId: 1, stageAttemptId: 0, taskInfo: info(0), reason: { kind: 'Success' }, finishTime: 0 });
    // A late task end of the finished job: Spark still posts SparkListenerTaskEnd.
    h.send({ type: 'dagScheduler.taskEnded', stageId: 1, stageAttemptId: 0, taskInfo: info(0), reason: { kind: 'TaskKilled', reason: 'late' }, finishTime: 0 });
    expect(summary(h.peers[EAM]!)).toEqual([
      'SparkListenerJobStart(0: 0,1)',
      'SparkListenerStageSubmitted(0 shuffle 0)',
      'SparkListenerTaskStart(0.0)',
      'SparkListenerTaskEnd(0.0 ShuffleMapTask Success)',
      'SparkListenerStageCompleted(0 shuffle 0)',
      'SparkListenerStageSubmitted(1)',
      'SparkListenerTaskStart(1.0)',
      'SparkListenerTaskEnd(1.0 ResultTask Success)',
      'SparkListenerStageCompleted(1)',
      'SparkListenerJobEnd(0 JobSucceeded)',
      'SparkListenerTaskEnd(1.0 ResultTask TaskKilled)',
    ]);
  });

  it('posts a failed stage completion with its failure reason and JobEnd(JobFailed) when a task set aborts', () => {
    const h = startMachine(dagSchedulerMachine, { input: { address: DAG, conf: resolveConf({}).conf }, systemId: DAG, peers: [BACKEND, SC, EAM] });
    h.send({ type: 'dagScheduler.submitJob', jobId: 3, stages: [{ id: 0, numTasks: 2, parents: [] }], replyTo: SC });
    h.send({ type: 'dagScheduler.taskSetFailed', stageId: 0, stageAttemptId: 0, reason: 'boom' });
    const events = h.peers[EAM]! as Array<EventObject & Record<string, any>>;
    expect(summary(events).slice(-2)).toEqual(['SparkListenerStageCompleted(0)', 'SparkListenerJobEnd(3 JobFailed)']);
    expect(events.at(-2)!.stageInfo.failureReason).toBe('Job aborted due to stage failure: boom');
  });

  it('posts nothing anywhere when no listener runs (dynamic allocation off): the event does not bounce back to the poster', () => {
    const h = startMachine(dagSchedulerMachine, { input: { address: DAG, conf: resolveConf({}).conf }, systemId: DAG, peers: [BACKEND, SC] });
    h.send({ type: 'dagScheduler.submitJob', jobId: 0, stages: [{ id: 0, numTasks: 1, parents: [] }], replyTo: SC });
    expect(h.peers[BACKEND]!.map((e) => e.type)).toEqual(['taskScheduler.submitTasks']);
    expect(h.snapshot().status).toBe('active');
  });
});

describe('LiveListenerBus: events the DriverEndpoint posts', () => {
  it('posts SparkListenerExecutorAdded at registration and SparkListenerExecutorRemoved with the effective loss reason text', () => {
    const h = startMachine(schedulerBackendMachine, { input: { address: BACKEND, conf: resolveConf({}).conf }, systemId: BACKEND, peers: [HR, DAG, CLIENT, SC, EAM], startMs: 5000 });
    h.send({ type: 'RegisterExecutor', executorId: '1', executorRef: 'app-1/1/Executor', hostname: '10.0.0.1', cores: 4, logUrls: {}, resourceProfileId: 0 });
    h.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: false, countFailures: false, force: false });
    h.send({ type: 'RemoveExecutor', executorId: '1', reason: { kind: 'ExecutorExited', exitCode: 143, exitCausedByApp: true, message: 'Command exited with code 143' } });
    h.send({ type: 'RemoveExecutor', executorId: '9', reason: { kind: 'ExecutorProcessLost', message: 'gone', causedByApp: true } });
    expect(h.peers[EAM]).toEqual([
      { type: 'SparkListenerExecutorAdded', time: 5000, executorId: '1', executorInfo: { executorHost: '10.0.0.1', totalCores: 4, resourceProfileId: 0 } },
      { type: 'SparkListenerExecutorRemoved', time: 5000, executorId: '1', reason: 'Executor killed by driver.' },
      { type: 'SparkListenerExecutorRemoved', time: 5000, executorId: '9', reason: 'gone' },
    ]);
  });
});

describe('block ids', () => {
  it("parses RDDBlockId and ShuffleDataBlockId names as Spark's BlockId.apply does", () => {
    expect(rddBlockId('rdd_3_7')).toEqual({ rddId: 3, splitIndex: 7 });
    expect(rddBlockId('broadcast_0')).toBeUndefined();
    expect(shuffleDataBlockShuffleId('shuffle_2_5_0.data')).toBe(2);
    expect(shuffleDataBlockShuffleId('shuffle_2_5_0.index')).toBeUndefined();
  });
});

describe('ExecutorAllocationClient on the DriverEndpoint', () => {
  it('requestTotalExecutors replaces the target and sends RequestExecutors to the cluster manager through the AppClient; the first connected() tells the SparkContext the backend started', () => {
    const h = startMachine(schedulerBackendMachine, { input: { address: BACKEND, conf: resolveConf({}).conf }, systemId: BACKEND, peers: [HR, DAG, CLIENT, SC, EAM] });
    h.send({ type: 'appClient.connected', appId: 'app-1' });
    h.send({ type: 'appClient.connected', appId: 'app-1' });
    expect(h.peers[SC]).toEqual([{ type: 'sparkContext.schedulerBackendStarted' }]);
    h.send({ type: 'backend.requestTotalExecutors', resourceProfileIdToNumExecutors: { 0: 4 } });
    expect(h.peers[CLIENT]).toEqual([{ type: 'RequestExecutors', appId: 'app-1', resourceProfileToTotalExecs: { 0: 4 } }]);
    expect((h.snapshot().context as { requestedTotal: number }).requestedTotal).toBe(4);
    // An idle-timeout kill (adjustTargetNumExecutors false) leaves the target alone: only KillExecutors goes out.
    h.send({ type: 'RegisterExecutor', executorId: '1', executorRef: 'app-1/1/Executor', hostname: '10.0.0.1', cores: 4, logUrls: {}, resourceProfileId: 0 });
    h.send({ type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: false, countFailures: false, force: false });
    expect(h.peers[CLIENT]!.slice(1)).toEqual([{ type: 'KillExecutors', appId: 'app-1', executorIds: ['1'] }]);
    expect((h.snapshot().context as { requestedTotal: number }).requestedTotal).toBe(4);
  });
});
