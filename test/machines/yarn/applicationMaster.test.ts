import { describe, expect, it } from 'vitest';
import { applicationMasterMachine, initialTargetExecutorNumber } from '../../../machines/yarn/applicationMaster.js';
import { resolveConf } from '../../../machines/conf.js';
import { startMachine } from '../../support/harness.js';

const ATTEMPT = 'appattempt_1_0001_000001';
const AM = `${ATTEMPT}/YarnAM`;
const input = {
  address: AM, appId: 'application_1_0001', appAttemptId: ATTEMPT, host: 'am', resourceManager: 'resourcemanager/ResourceManager', driver: 'driver-0/YarnScheduler',
  appDesc: { name: 'etl', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 1024 }, executorCores: 2, executorMemory: 1024, initialTarget: 2,
  heartbeatIntervalMs: 3000, initialAllocationIntervalMs: 200,
};
const container = (n: number) => ({ id: `container_1_0001_01_00000${n}`, nodeId: '10.0.0.1:8041', nodeHost: '10.0.0.1', nodeManager: '10.0.0.1/NodeManager', resource: { memory: 1408, vCores: 2 } });

function registered() {
  const h = startMachine(applicationMasterMachine, { input, systemId: AM });
  expect(h.sentOf('RegisterApplicationMasterRequest')).toHaveLength(1);
  h.send({ type: 'RegisterApplicationMasterResponse', maximumResourceCapability: { memory: 4096, vCores: 4 } });
  expect(h.sentOf('RegisterClusterManager').map((s) => [s.to, s.message.am])).toEqual([['driver-0/YarnScheduler', AM]]);
  return h;
}
/** Answers every allocate call with nothing and returns the times of the calls up to `untilMs`. */
function allocateTimes(h: ReturnType<typeof registered>, untilMs: number): number[] {
  const times: number[] = [];
  let answered = 0;
  const answer = () => {
    const calls = h.sentOf('AllocateRequest');
    while (answered < calls.length) {
      times.push(h.clock.now());
      h.send({ type: 'AllocateResponse', responseId: calls[answered]!.message.responseId, allocatedContainers: [], completedContainersStatuses: [] });
      answered += 1;
    }
  };
  answer();
  while (h.clock.now() < untilMs) {
    h.clock.runUntil(h.clock.now() + 100);
    answer();
  }
  return times;
}

describe('ApplicationMaster reporter', () => {
  it('allocates at once after registering, then every 200 ms doubling up to 3 s while containers are pending', () => {
    const h = registered();
    expect(h.sentOf('AllocateRequest')[0]!.message.ask).toEqual({ numContainers: 2, capability: { memory: 1408, vCores: 2 } });
    expect(allocateTimes(h, 12_000)).toEqual([0, 200, 600, 1400, 3000, 6000, 9000, 12_000]);
  });

  it('sleeps the heartbeat interval when nothing is pending, and a RequestExecutors that changes the target wakes it at once', () => {
    const h = registered();
    h.send({ type: 'AllocateResponse', responseId: 0, allocatedContainers: [container(2), container(3)], completedContainersStatuses: [] });
    expect(h.sentOf('StartContainerRequest').map((s) => [s.to, s.message.launchContext.executorId])).toEqual([['10.0.0.1/NodeManager', '1'], ['10.0.0.1/NodeManager', '2']]);
    h.clock.runUntil(2999);
    expect(h.sentOf('AllocateRequest')).toHaveLength(1);
    h.clock.runUntil(3000);
    expect(h.sentOf('AllocateRequest')).toHaveLength(2);
    h.send({ type: 'AllocateResponse', responseId: 1, allocatedContainers: [], completedContainersStatuses: [] });
    h.clock.runUntil(3500);
    h.send({ type: 'YarnRequestExecutors', resourceProfileToTotalExecs: { 0: 2 } });
    h.clock.runUntil(3500);
    expect(h.sentOf('AllocateRequest')).toHaveLength(2);
    h.send({ type: 'YarnRequestExecutors', resourceProfileToTotalExecs: { 0: 3 } });
    h.clock.runUntil(3500);
    expect(h.sentOf('AllocateRequest').map((s) => s.message.ask)).toEqual([
      { numContainers: 2, capability: { memory: 1408, vCores: 2 } },
      // The matched requests were removed (removeContainerRequest): the table changed, 0 outstanding.
      { numContainers: 0, capability: { memory: 1408, vCores: 2 } },
      { numContainers: 1, capability: { memory: 1408, vCores: 2 } },
    ]);
  });

  it('KillExecutors releases the container at the next allocate call; Shutdown unregisters', () => {
    const h = registered();
    h.send({ type: 'AllocateResponse', responseId: 0, allocatedContainers: [container(2), container(3)], completedContainersStatuses: [] });
    h.send({ type: 'YarnKillExecutors', executorIds: ['2', '9'] });
    h.clock.runUntil(3000);
    expect(h.sentOf('AllocateRequest')[1]!.message.releaseList).toEqual([container(3).id]);
    h.send({ type: 'Shutdown', exitCode: 0 });
    expect(h.sentOf('FinishApplicationMasterRequest').map((s) => s.message.finalApplicationStatus)).toEqual(['SUCCEEDED']);
    expect(h.snapshot().status).toBe('done');
  });

  it('initial target: spark.executor.instances, default 2; with dynamic allocation max(min, initial, instances)', () => {
    expect(initialTargetExecutorNumber(resolveConf({}).conf)).toBe(2);
    expect(initialTargetExecutorNumber(resolveConf({ 'spark.executor.instances': 5 }).conf)).toBe(5);
    expect(initialTargetExecutorNumber(resolveConf({ 'spark.dynamicAllocation.enabled': true, 'spark.dynamicAllocation.minExecutors': 1, 'spark.dynamicAllocation.initialExecutors': 3 }).conf)).toBe(3);
    expect(initialTargetExecutorNumber(resolveConf({ 'spark.dynamicAllocation.enabled': true, 'spark.executor.instances': 4 }).conf)).toBe(4);
  });
});
