/**
 * Hadoop YARN's ResourceManager, the parts Spark's control plane meets: the ResourceTracker
 * (NodeManagers register and heartbeat), the ApplicationMasterService (an AM registers and calls
 * allocate), the scheduler (containers for the AM's outstanding requests, placed when a node
 * heartbeats, as the CapacityScheduler does with multiple assignments per heartbeat), released
 * and lost containers (SchedulerUtils' abnormal container statuses) and the NMLivelinessMonitor.
 * Not a Spark class; modelled after hadoop-yarn-server-resourcemanager (3.x) defaults.
 *
 * Not modelled: queues, fairness between applications (applications are served in attempt-id
 * order), locality, resource normalisation to yarn.scheduler.minimum-allocation-mb, AM
 * containers (the AM runs outside the NodeManagers), RM restart, preemption by the scheduler
 * (the container-killed fault stands in for it).
 */
import { enqueueActions, setup, spawnChild } from 'xstate';
import { nowOf } from '../clock.js';
import { produce } from '../copyOnWrite.js';
import { networkOf, rpc } from '../rpc.js';
import { tickerPlaceholder } from '../ticker.js';
import type { Address, RpcMessage } from '../protocol.js';
import { ContainerExitStatus, DIAGNOSTICS } from './containerExitStatus.js';
import { containerId } from './ids.js';
import type {
  AllocateRequest, Container, ContainerStatus, FinishApplicationMasterRequest, NodeHeartbeatRequest, RegisterApplicationMasterRequest, RegisterNodeManagerRequest, Resource,
} from './protocol.js';

/** yarn.nm.liveness-monitor.expiry-interval-ms (Hadoop default): a node silent this long is LOST. */
export const NM_LIVENESS_EXPIRY_MS = 600_000;
/** yarn.resourcemanager.nodemanagers.heartbeat-interval-ms (Hadoop default). */
export const NM_HEARTBEAT_INTERVAL_MS = 1000;
/** The child id of the NMLivelinessMonitor's timer (AbstractLivelinessMonitor checks every expiry / 3). */
export const LIVELINESS_TIMER = 'NMLivelinessMonitor';

export interface RmNode { nodeId: string; host: string; nodeManager: Address; resource: Resource; used: Resource; state: 'RUNNING' | 'LOST'; lastHeartbeatMs: number; containersToCleanup: string[] }
export interface RmContainer { container: Container; appAttemptId: string }
export interface RmApp {
  appAttemptId: string;
  applicationMaster: Address;
  /** Outstanding container requests (the AM's last ask, less what was allocated since). */
  ask: number;
  capability: Resource;
  /** The next container number (000001 is the AM's). */
  nextContainer: number;
  /** Allocated since the last allocate call (pullNewlyAllocatedContainers). */
  newlyAllocated: Container[];
  /** Completed since the last allocate call (pullJustFinishedContainers). */
  justFinished: ContainerStatus[];
}

export interface ResourceManagerContext {
  address: Address;
  clusterTimestamp: number;
  livenessExpiryMs: number;
  nodes: Record<string, RmNode>;
  apps: Record<string, RmApp>;
  containers: Record<string, RmContainer>;
}

export type ResourceManagerEvent =
  | RegisterNodeManagerRequest | NodeHeartbeatRequest | RegisterApplicationMasterRequest | AllocateRequest | FinishApplicationMasterRequest
  | { type: 'CheckNodeExpiry' };

export interface RmOutput { to: Address; message: RpcMessage }

const fits = (node: RmNode, r: Resource) => node.used.memory + r.memory <= node.resource.memory && node.used.vCores + r.vCores <= node.resource.vCores;

/** completedContainer: the container ends with `status`; its node gets its resources back; its application hears of it at its next allocate. */
function completeContainer(d: ResourceManagerContext, id: string, exitStatus: number, diagnostics: string, cleanup: boolean): void {
  const c = d.containers[id];
  if (!c) return;
  delete d.containers[id];
  const node = d.nodes[c.container.nodeId];
  if (node) {
    node.used = { memory: node.used.memory - c.container.resource.memory, vCores: node.used.vCores - c.container.resource.vCores };
    if (cleanup && node.state === 'RUNNING') node.containersToCleanup.push(id);
  }
  d.apps[c.appAttemptId]?.justFinished.push({ containerId: id, state: 'COMPLETE', exitStatus, diagnostics });
}

/** The application number of an attempt id (appattempt_<ts>_<0001>_<000001>). */
const appNumber = (appAttemptId: string) => Number(appAttemptId.split('_')[2]);

/** Node heartbeat: the scheduler fills the node with the outstanding requests of each application in turn. */
function assignContainers(d: ResourceManagerContext, node: RmNode): void {
  for (const app of Object.values(d.apps).sort((a, b) => (a.appAttemptId < b.appAttemptId ? -1 : 1))) {
    while (app.ask > 0 && fits(node, app.capability)) {
      const id = containerId(d.clusterTimestamp, appNumber(app.appAttemptId), app.nextContainer);
      app.nextContainer += 1;
      app.ask -= 1;
      const container: Container = { id, nodeId: node.nodeId, nodeHost: node.host, nodeManager: node.nodeManager, resource: app.capability };
      node.used = { memory: node.used.memory + app.capability.memory, vCores: node.used.vCores + app.capability.vCores };
      d.containers[id] = { container, appAttemptId: app.appAttemptId };
      app.newlyAllocated.push(container);
    }
  }
}

/** The ResourceManager's handling of one event: next context and the messages it sends. */
export function rmStep(ctx: ResourceManagerContext, event: ResourceManagerEvent, now: number): { context: ResourceManagerContext; out: RmOutput[] } {
  const out: RmOutput[] = [];
  let context = ctx;
  switch (event.type) {
    case 'RegisterNodeManagerRequest':
      context = produce(ctx, (d) => {
        d.nodes[event.nodeId] = { nodeId: event.nodeId, host: event.host, nodeManager: event.nodeManager, resource: event.resource, used: { memory: 0, vCores: 0 }, state: 'RUNNING', lastHeartbeatMs: now, containersToCleanup: [] };
      });
      out.push({ to: event.nodeManager, message: { type: 'RegisterNodeManagerResponse', nodeAction: 'NORMAL' } });
      break;
    case 'NodeHeartbeatRequest': {
      const node = ctx.nodes[event.nodeId];
      // A LOST node's heartbeat would get a resync order; the model's lost nodes never come back.
      if (!node || node.state !== 'RUNNING') break;
      context = produce(ctx, (d) => {
        const n = d.nodes[event.nodeId]!;
        n.lastHeartbeatMs = now;
        for (const s of event.containerStatuses) completeContainer(d, s.containerId, s.exitStatus, s.diagnostics, false);
        assignContainers(d, n);
        n.containersToCleanup = [];
      });
      out.push({ to: node.nodeManager, message: { type: 'NodeHeartbeatResponse', containersToCleanup: ctx.nodes[event.nodeId]!.containersToCleanup } });
      break;
    }
    case 'RegisterApplicationMasterRequest':
      context = produce(ctx, (d) => {
        d.apps[event.appAttemptId] = { appAttemptId: event.appAttemptId, applicationMaster: event.applicationMaster, ask: 0, capability: { memory: 0, vCores: 0 }, nextContainer: 2, newlyAllocated: [], justFinished: [] };
      });
      // The largest node's resource stands for yarn.scheduler.maximum-allocation-*.
      out.push({ to: event.applicationMaster, message: { type: 'RegisterApplicationMasterResponse', maximumResourceCapability: maxCapability(ctx) } });
      break;
    case 'AllocateRequest': {
      const app = ctx.apps[event.appAttemptId];
      if (!app) break;
      context = produce(ctx, (d) => {
        const a = d.apps[event.appAttemptId]!;
        if (event.ask) {
          a.ask = event.ask.numContainers;
          a.capability = event.ask.capability;
        }
        for (const id of event.releaseList) {
          if (d.containers[id]?.appAttemptId === event.appAttemptId) completeContainer(d, id, ContainerExitStatus.ABORTED, DIAGNOSTICS.RELEASED_CONTAINER, true);
        }
      });
      const a = context.apps[event.appAttemptId]!;
      out.push({ to: a.applicationMaster, message: { type: 'AllocateResponse', responseId: event.responseId, allocatedContainers: a.newlyAllocated, completedContainersStatuses: a.justFinished } });
      context = produce(context, (d) => {
        d.apps[event.appAttemptId]!.newlyAllocated = [];
        d.apps[event.appAttemptId]!.justFinished = [];
      });
      break;
    }
    case 'FinishApplicationMasterRequest':
      if (!ctx.apps[event.appAttemptId]) break;
      // The application's remaining containers are killed (KILLED_AFTER_APP_COMPLETION), nobody to report to.
      context = produce(ctx, (d) => {
        for (const [id, c] of Object.entries(d.containers)) {
          if (c.appAttemptId === event.appAttemptId) completeContainer(d, id, ContainerExitStatus.KILLED_AFTER_APP_COMPLETION, DIAGNOSTICS.COMPLETED_APPLICATION, true);
        }
        delete d.apps[event.appAttemptId];
      });
      break;
    case 'CheckNodeExpiry': {
      const expired = Object.values(ctx.nodes).filter((n) => n.state === 'RUNNING' && now - n.lastHeartbeatMs >= ctx.livenessExpiryMs);
      if (expired.length === 0) break;
      // RMNodeImpl: the node becomes LOST and the scheduler kills its containers (LOST_CONTAINER).
      context = produce(ctx, (d) => {
        for (const n of expired) {
          d.nodes[n.nodeId]!.state = 'LOST';
          for (const [id, c] of Object.entries(d.containers)) {
            if (c.container.nodeId === n.nodeId) completeContainer(d, id, ContainerExitStatus.ABORTED, DIAGNOSTICS.LOST_CONTAINER, false);
          }
        }
      });
      break;
    }
  }
  return { context, out };
}

function maxCapability(ctx: ResourceManagerContext): Resource {
  const nodes = Object.values(ctx.nodes);
  return { memory: Math.max(0, ...nodes.map((n) => n.resource.memory)), vCores: Math.max(0, ...nodes.map((n) => n.resource.vCores)) };
}

export interface ResourceManagerInput { address: Address; clusterTimestamp: number; livenessExpiryMs?: number }

export const resourceManagerMachine = setup({
  types: { input: {} as ResourceManagerInput, context: {} as ResourceManagerContext, events: {} as ResourceManagerEvent },
  actors: { ticker: tickerPlaceholder },
  actions: {
    handle: enqueueActions(({ context, event, enqueue, system }) => {
      const { context: next, out } = rmStep(context, event, nowOf(system));
      if (next !== context) enqueue.assign(() => next);
      for (const o of out) enqueue.sendTo(networkOf(system), rpc(context.address, o.to, o.message));
    }),
  },
}).createMachine({
  id: 'ResourceManager',
  context: ({ input }) => ({ address: input.address, clusterTimestamp: input.clusterTimestamp, livenessExpiryMs: input.livenessExpiryMs ?? NM_LIVENESS_EXPIRY_MS, nodes: {}, apps: {}, containers: {} }),
  entry: spawnChild('ticker', {
    id: LIVELINESS_TIMER,
    input: ({ context }: { context: ResourceManagerContext }) => ({ event: { type: 'CheckNodeExpiry' }, initialDelayMs: context.livenessExpiryMs / 3, periodMs: context.livenessExpiryMs / 3 }),
  }),
  on: {
    RegisterNodeManagerRequest: { actions: 'handle', description: 'ResourceTrackerService: the node joins with its resource (RUNNING).' },
    NodeHeartbeatRequest: { actions: 'handle', description: 'The node is alive; its completed containers are finished; the scheduler places outstanding requests on it; the answer lists containers to clean up.' },
    RegisterApplicationMasterRequest: { actions: 'handle', description: 'ApplicationMasterService: the attempt registers; the answer holds the maximum capability.' },
    AllocateRequest: { actions: 'handle', description: 'The AM\'s outstanding requests replace the old ones; released containers complete (ABORTED, "Container released by application") and their nodes clean them up; the answer pulls newly allocated and just-finished containers.' },
    FinishApplicationMasterRequest: { actions: 'handle', description: 'The application unregisters; its containers are killed.' },
    CheckNodeExpiry: { actions: 'handle', description: 'NMLivelinessMonitor: a node silent for yarn.nm.liveness-monitor.expiry-interval-ms is LOST; its containers complete (ABORTED, "Container released on a *lost* node").' },
  },
});
