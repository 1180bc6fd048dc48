import { describe, expect, it } from 'vitest';
import { ContainerExitStatus, completedContainerReason } from '../../../machines/yarn/containerExitStatus.js';
import type { Container } from '../../../machines/yarn/protocol.js';
import {
  allocateCall, enqueueGetLossReasonRequest, handleAllocatedContainers, killExecutor, newYarnAllocator, numRunningExecutors, processCompletedContainers,
  requestTotalExecutors, updateResourceRequests,
} from '../../../machines/yarn/yarnAllocator.js';

const appDesc = { name: 'etl', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 1024 };
const fresh = (initialTarget = 2) => newYarnAllocator({ appId: 'application_1_0001', executorCores: 2, executorMemory: 1024, appDesc, initialTarget });
const container = (n: number, host = '10.0.0.1'): Container => ({ id: `container_1_0001_01_00000${n}`, nodeId: `${host}:8041`, nodeHost: host, nodeManager: `${host}/NodeManager`, resource: { memory: 1408, vCores: 2 } });

/** An allocator that asked for two executors and got both containers. */
function running() {
  const asked = allocateCall(updateResourceRequests(fresh())).state;
  return handleAllocatedContainers(asked, [container(2), container(3, '10.0.0.2')]);
}

describe('YarnAllocator requests', () => {
  it('asks for the missing executors once, with executor memory plus max(384, 10%) overhead', () => {
    const s = updateResourceRequests(fresh(2));
    const call = allocateCall(s);
    expect(call.ask).toEqual({ numContainers: 2, capability: { memory: 1024 + 384, vCores: 2 } });
    // Nothing changed: the next allocate call sends no ask.
    expect(allocateCall(updateResourceRequests(call.state)).ask).toBeUndefined();
  });

  it('a lower target cancels pending requests, never running executors', () => {
    const { state } = running();
    const lowered = updateResourceRequests(requestTotalExecutors(state, 1).state);
    expect(numRunningExecutors(lowered)).toBe(2);
    expect(lowered.numPendingAllocate).toBe(0);
    const pending = updateResourceRequests(requestTotalExecutors(updateResourceRequests(fresh(0)), 3).state);
    expect(pending.numPendingAllocate).toBe(3);
    expect(updateResourceRequests(requestTotalExecutors(pending, 1).state).numPendingAllocate).toBe(1);
  });

  it('requestTotalExecutors reports whether the target changed', () => {
    expect(requestTotalExecutors(fresh(2), 2).changed).toBe(false);
    expect(requestTotalExecutors(fresh(2), 3).changed).toBe(true);
  });
});

describe('YarnAllocator allocated containers', () => {
  it('launches one executor per container with ids from 1, and releases a surplus container', () => {
    const { state, effects } = running();
    expect(effects).toEqual([
      { kind: 'startContainer', container: container(2), executorId: '1' },
      { kind: 'startContainer', container: container(3, '10.0.0.2'), executorId: '2' },
    ]);
    const surplus = handleAllocatedContainers(state, [container(4)]);
    expect(surplus.effects).toEqual([]);
    expect(allocateCall(surplus.state).releaseList).toEqual([container(4).id]);
  });
});

describe('YarnAllocator kill and completion', () => {
  it('killExecutor releases the container; its completion is "explicit termination", kept for GetExecutorLossReason, no RemoveExecutor', () => {
    const killed = killExecutor(running().state, '1');
    expect(numRunningExecutors(killed)).toBe(1);
    expect(allocateCall(killed).releaseList).toEqual([container(2).id]);
    expect(killExecutor(killed, '1')).toBe(killed);
    const done = processCompletedContainers(killed, [{ containerId: container(2).id, state: 'COMPLETE', exitStatus: ContainerExitStatus.ABORTED, diagnostics: 'Container released by application' }]);
    expect(done.effects).toEqual([]);
    const asked = enqueueGetLossReasonRequest(done.state, '1', 'driver-0/YarnScheduler');
    expect(asked.effects).toEqual([{
      kind: 'replyLossReason', replyTo: 'driver-0/YarnScheduler', executorId: '1',
      reason: { kind: 'ExecutorExited', exitCode: -100, exitCausedByApp: false, message: `Container ${container(2).id} exited from explicit termination request.` },
    }]);
    expect(enqueueGetLossReasonRequest(asked.state, '1', 'x').effects[0]).toMatchObject({ kind: 'failLossReason', message: 'Fail to find loss reason for non-existent executor 1' });
  });

  it('an unexpected completion sends RemoveExecutor with the reason and answers waiting askers', () => {
    const asked = enqueueGetLossReasonRequest(running().state, '2', 'driver-0/YarnScheduler');
    expect(asked.effects).toEqual([]);
    const done = processCompletedContainers(asked.state, [{ containerId: container(3).id, state: 'COMPLETE', exitStatus: ContainerExitStatus.PREEMPTED, diagnostics: 'Container preempted by scheduler' }]);
    const reason = { kind: 'ExecutorExited', exitCode: -102, exitCausedByApp: false, message: `Container ${container(3).id} on host: 10.0.0.2 was preempted.` };
    expect(done.effects).toEqual([
      { kind: 'replyLossReason', replyTo: 'driver-0/YarnScheduler', executorId: '2', reason },
      { kind: 'removeExecutor', executorId: '2', reason },
    ]);
    expect(numRunningExecutors(done.state)).toBe(1);
    // The reporter's next allocate asks for a replacement.
    expect(updateResourceRequests(done.state).numPendingAllocate).toBe(1);
  });
});

describe('completed-container reasons (YarnAllocator.processCompletedContainers)', () => {
  const reason = (exitStatus: number, diagnostics = '') => completedContainerReason({ containerId: 'c1', exitStatus, diagnostics, host: 'h' });
  it('uses Spark\'s texts and exitCausedByApp flags', () => {
    expect(reason(0)).toEqual({ kind: 'ExecutorExited', exitCode: 0, exitCausedByApp: false, message: 'Executor for container c1 exited because of a YARN event (e.g., preemption) and not because of an error in the running job.' });
    expect(reason(-102)).toMatchObject({ exitCausedByApp: false, message: 'Container c1 on host: h was preempted.' });
    expect(reason(-104, 'Container [pid=1,containerID=c1] is running beyond physical memory limits. Current usage: 1.5 GB of 1.4 GB physical memory used; 3.0 GB of 2.9 GB virtual memory used. Killing container.'))
      .toMatchObject({ exitCausedByApp: true, message: 'Container killed by YARN for exceeding physical memory limits. 1.5 GB of 1.4 GB physical memory used. Consider boosting spark.executor.memoryOverhead.' });
    expect(reason(-103, 'Current usage: 1.5 GB of 1.4 GB physical memory used; 3.0 GB of 2.9 GB virtual memory used.')).toMatchObject({
      exitCausedByApp: true,
      message: 'Container killed by YARN for exceeding virtual memory limits. 3.0 GB of 2.9 GB virtual memory used. Consider boosting spark.executor.memoryOverhead or boosting yarn.nodemanager.vmem-pmem-ratio or disabling yarn.nodemanager.vmem-check-enabled because of YARN-4714.',
    });
    expect(reason(-100, 'Container released on a *lost* node')).toMatchObject({ exitCausedByApp: false, message: 'Container marked as failed: c1 on host: h. Exit status: -100. Diagnostics: Container released on a *lost* node.' });
    expect(reason(-101, 'disks bad')).toMatchObject({ exitCausedByApp: false });
    expect(reason(1, 'Exception from container-launch.')).toMatchObject({ exitCausedByApp: true, message: 'Container from a bad node: c1 on host: h. Exit status: 1. Diagnostics: Exception from container-launch..' });
    expect(completedContainerReason({ containerId: 'c1', exitStatus: 1, diagnostics: '' }, true)).toMatchObject({ exitCausedByApp: false, message: 'Executor for container c1 exited after Application shutdown.' });
  });
});
