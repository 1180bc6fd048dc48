import { describe, expect, it } from 'vitest';
import { rmStep, type ResourceManagerContext, type ResourceManagerEvent } from '../../../machines/yarn/resourceManager.js';

const TS = 1767225600000;
const ATTEMPT = `appattempt_${TS}_0001_000001`;
const AM = `${ATTEMPT}/YarnAM`;
const capability = { memory: 1408, vCores: 2 };

function steps(events: Array<[ResourceManagerEvent, number?]>, ctx?: ResourceManagerContext) {
  let context: ResourceManagerContext = ctx ?? { address: 'resourcemanager/ResourceManager', clusterTimestamp: TS, livenessExpiryMs: 600_000, nodes: {}, apps: {}, containers: {} };
  const out = [];
  for (const [event, now] of events) {
    const r = rmStep(context, event, now ?? 0);
    context = r.context;
    out.push(...r.out);
  }
  return { context, out };
}
const register = (host: string): ResourceManagerEvent => ({ type: 'RegisterNodeManagerRequest', nodeId: `${host}:8041`, host, nodeManager: `${host}/NodeManager`, resource: { memory: 4096, vCores: 4 } });
const heartbeat = (host: string, containerStatuses: Array<{ containerId: string; state: 'COMPLETE'; exitStatus: number; diagnostics: string }> = []): ResourceManagerEvent => ({ type: 'NodeHeartbeatRequest', nodeId: `${host}:8041`, containerStatuses });
const allocate = (responseId: number, ask?: number, releaseList: string[] = []): ResourceManagerEvent => ({ type: 'AllocateRequest', appAttemptId: ATTEMPT, responseId, ...(ask !== undefined ? { ask: { numContainers: ask, capability } } : {}), releaseList });

/** Two nodes, one application asking for three containers, placed at node heartbeats. */
function withContainers() {
  return steps([[register('10.0.0.1')], [register('10.0.0.2')], [{ type: 'RegisterApplicationMasterRequest', appAttemptId: ATTEMPT, host: 'am', applicationMaster: AM }], [allocate(0, 3)], [heartbeat('10.0.0.1')], [heartbeat('10.0.0.2')]]);
}

describe('ResourceManager', () => {
  it('places outstanding requests when a node heartbeats, filling it first, and hands them to the AM at its next allocate', () => {
    const { context } = withContainers();
    expect(context.nodes['10.0.0.1:8041']!.used).toEqual({ memory: 2816, vCores: 4 });
    expect(context.nodes['10.0.0.2:8041']!.used).toEqual({ memory: 1408, vCores: 2 });
    const { out } = steps([[allocate(1)]], context);
    const response = out[0]!.message as { allocatedContainers: Array<{ id: string; nodeHost: string }> };
    expect(response.allocatedContainers.map((c) => [c.id, c.nodeHost])).toEqual([
      [`container_${TS}_0001_01_000002`, '10.0.0.1'], [`container_${TS}_0001_01_000003`, '10.0.0.1'], [`container_${TS}_0001_01_000004`, '10.0.0.2'],
    ]);
    // Pulled once.
    expect((steps([[allocate(1)], [allocate(2)]], context).out[1]!.message as { allocatedContainers: unknown[] }).allocatedContainers).toEqual([]);
  });

  it('a released container completes ABORTED "Container released by application" in the same allocate response, and its node is told to clean it up', () => {
    const id = `container_${TS}_0001_01_000002`;
    const { context, out } = steps([[allocate(1, undefined, [id])], [heartbeat('10.0.0.1')]], withContainers().context);
    expect((out[0]!.message as { completedContainersStatuses: unknown[] }).completedContainersStatuses).toEqual([{ containerId: id, state: 'COMPLETE', exitStatus: -100, diagnostics: 'Container released by application' }]);
    expect(out[1]!.message).toEqual({ type: 'NodeHeartbeatResponse', containersToCleanup: [id] });
    expect(context.nodes['10.0.0.1:8041']!.used).toEqual({ memory: 1408, vCores: 2 });
  });

  it('a container the NodeManager reports completed reaches the AM with the NM\'s exit status', () => {
    const id = `container_${TS}_0001_01_000004`;
    const { out } = steps([[allocate(1)], [heartbeat('10.0.0.2', [{ containerId: id, state: 'COMPLETE', exitStatus: -102, diagnostics: 'Container preempted by scheduler' }])], [allocate(2)]], withContainers().context);
    expect((out[2]!.message as { completedContainersStatuses: unknown[] }).completedContainersStatuses).toEqual([{ containerId: id, state: 'COMPLETE', exitStatus: -102, diagnostics: 'Container preempted by scheduler' }]);
  });

  it('a node silent for the liveness expiry is LOST and its containers complete ABORTED "Container released on a *lost* node"; it gets no more containers', () => {
    const start = withContainers().context;
    const early = steps([[{ type: 'CheckNodeExpiry' }, 599_999]], start).context;
    expect(early.nodes['10.0.0.1:8041']!.state).toBe('RUNNING');
    const { context, out } = steps([[allocate(1)], [{ type: 'CheckNodeExpiry' }, 600_000], [allocate(2)]], start);
    expect(context.nodes['10.0.0.1:8041']!.state).toBe('LOST');
    expect((out[1]!.message as { completedContainersStatuses: Array<{ exitStatus: number; diagnostics: string }> }).completedContainersStatuses.map((s) => [s.exitStatus, s.diagnostics]))
      .toEqual([[-100, 'Container released on a *lost* node'], [-100, 'Container released on a *lost* node'], [-100, 'Container released on a *lost* node']]);
    expect(steps([heartbeat('10.0.0.1')].map((e) => [e, 600_001] as [ResourceManagerEvent, number]), context).out).toEqual([]);
  });
});
