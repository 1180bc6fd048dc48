/**
 * Hadoop YARN's NodeManager, the parts Spark's executors meet: it registers with the
 * ResourceManager, heartbeats every yarn.resourcemanager.nodemanagers.heartbeat-interval-ms with
 * the statuses of its completed containers, starts containers the AM asks for
 * (ContainerManagerImpl.startContainers; here an executor JVM running
 * YarnCoarseGrainedExecutorBackend) and kills those the RM lists for cleanup. Each container is a
 * child actor (ContainerImpl with its ContainerLaunch) that owns the executor process.
 * Not a Spark class; modelled after hadoop-yarn-server-nodemanager (3.x).
 */
import { assign, enqueueActions, sendParent, setup, spawnChild, stopChild, type AnyActorRef } from 'xstate';
import { networkOf, rpc } from '../rpc.js';
import { tickerPlaceholder } from '../ticker.js';
import type { Address } from '../protocol.js';
import { NM_HEARTBEAT_INTERVAL_MS } from './resourceManager.js';
import type { ContainerStatus, NodeHeartbeatResponse, RegisterNodeManagerResponse, Resource, StartContainerRequest } from './protocol.js';

export const NM_HEARTBEAT_TIMER = 'NodeStatusUpdater';

/** A container's end as its NodeManager reports it. */
export interface ContainerCompleted { type: 'container.completed'; containerId: string; exitStatus: number; diagnostics: string }
/** The NM kills a container (RM cleanup order, or a fault standing in for preemption or the ContainersMonitor). */
export interface ContainerKill { type: 'container.kill'; exitStatus?: number; diagnostics?: string }

export interface ContainerInput { containerId: string; launch: StartContainerRequest['launchContext']; host: string; nodeId: string }

/**
 * ContainerImpl + ContainerLaunch: runs the executor process; when it exits, the container
 * completes with the process's exit code (or the kill's status, as the ContainersMonitor reports
 * KILLED_EXCEEDED_PMEM for a container it killed).
 */
export const containerMachine = setup({
  types: {
    input: {} as ContainerInput,
    context: {} as ContainerInput & { killStatus?: number; killDiagnostics?: string },
    events: {} as { type: 'process.started' } | { type: 'process.startFailed'; error: string } | { type: 'process.exited'; exitCode: number } | ContainerKill,
  },
  actors: { executorProcess: tickerPlaceholder },
}).createMachine({
  id: 'container',
  context: ({ input }) => ({ ...input }),
  initial: 'RUNNING',
  states: {
    RUNNING: {
      entry: spawnChild('executorProcess', {
        id: 'process',
        input: ({ context }: { context: ContainerInput }) => ({
          appId: context.launch.appId,
          execId: Number(context.launch.executorId),
          cores: context.launch.cores,
          memory: context.launch.memory,
          host: context.host,
          workerId: context.nodeId,
          appDesc: context.launch.appDesc,
        }),
      }),
      on: {
        'process.started': {},
        'process.startFailed': {
          target: 'DONE',
          actions: sendParent(({ context, event }): ContainerCompleted => ({ type: 'container.completed', containerId: context.containerId, exitStatus: 1, diagnostics: `Exception from container-launch: ${event.error}` })),
        },
        'process.exited': {
          target: 'DONE',
          actions: sendParent(({ context, event }): ContainerCompleted => ({
            type: 'container.completed',
            containerId: context.containerId,
            exitStatus: context.killStatus ?? event.exitCode,
            diagnostics: context.killDiagnostics ?? (event.exitCode === 0 ? '' : `Exception from container-launch. Exit code: ${event.exitCode}`),
          })),
        },
        'container.kill': {
          actions: [
            assign(({ event }) => ({ ...(event.exitStatus !== undefined ? { killStatus: event.exitStatus } : {}), ...(event.diagnostics !== undefined ? { killDiagnostics: event.diagnostics } : {}) })),
            // ContainerLaunch.cleanupContainer: SIGTERM, then SIGKILL after a delay.
            enqueueActions(({ enqueue, self }) => {
              const process = self.getSnapshot().children['process'] as AnyActorRef | undefined;
              if (process) enqueue.sendTo(process, { type: 'process.destroy' });
            }),
          ],
        },
      },
    },
    DONE: { entry: stopChild('process') },
  },
});

export interface NodeManagerInput { address: Address; nodeId: string; host: string; resource: Resource; resourceManager: Address; heartbeatIntervalMs?: number }
export interface NodeManagerContext extends NodeManagerInput {
  registered: boolean;
  /** Running containers: id -> executor id. */
  containers: Record<string, string>;
  /** Completed since the last heartbeat (NodeStatusUpdaterImpl's pending completed containers). */
  completed: ContainerStatus[];
}

type NodeManagerEvent = RegisterNodeManagerResponse | NodeHeartbeatResponse | StartContainerRequest | ContainerCompleted
  | { type: 'NodeHeartbeat' } | { type: 'fault.killContainer'; containerId: string; exitStatus: number; diagnostics: string };

export const nodeManagerMachine = setup({
  types: { input: {} as NodeManagerInput, context: {} as NodeManagerContext, events: {} as NodeManagerEvent },
  actors: { ticker: tickerPlaceholder, container: containerMachine },
  actions: {
    kill: enqueueActions(({ enqueue, self }, params: { containerId: string; exitStatus?: number; diagnostics?: string }) => {
      const child = self.getSnapshot().children[params.containerId] as AnyActorRef | undefined;
      if (child) enqueue.sendTo(child, { type: 'container.kill', ...(params.exitStatus !== undefined ? { exitStatus: params.exitStatus } : {}), ...(params.diagnostics !== undefined ? { diagnostics: params.diagnostics } : {}) });
    }),
  },
}).createMachine({
  id: 'NodeManager',
  context: ({ input }) => ({ ...input, registered: false, containers: {}, completed: [] }),
  entry: enqueueActions(({ context, enqueue, system }) => {
    enqueue.sendTo(networkOf(system), rpc(context.address, context.resourceManager, { type: 'RegisterNodeManagerRequest', nodeId: context.nodeId, host: context.host, nodeManager: context.address, resource: context.resource }));
  }),
  on: {
    RegisterNodeManagerResponse: {
      description: 'Registered: NodeStatusUpdater heartbeats from now on.',
      actions: [
        assign({ registered: true }),
        spawnChild('ticker', { id: NM_HEARTBEAT_TIMER, input: ({ context }: { context: NodeManagerContext }) => ({ event: { type: 'NodeHeartbeat' }, initialDelayMs: context.heartbeatIntervalMs ?? NM_HEARTBEAT_INTERVAL_MS, periodMs: context.heartbeatIntervalMs ?? NM_HEARTBEAT_INTERVAL_MS }) }),
      ],
    },
    NodeHeartbeat: {
      description: 'NodeStatusUpdaterImpl: heartbeat with the completed containers\' statuses.',
      actions: enqueueActions(({ context, enqueue, system }) => {
        enqueue.sendTo(networkOf(system), rpc(context.address, context.resourceManager, { type: 'NodeHeartbeatRequest', nodeId: context.nodeId, containerStatuses: context.completed }));
        enqueue.assign({ completed: [] });
      }),
    },
    NodeHeartbeatResponse: {
      description: 'Kill the containers the RM lists for cleanup (released, of a finished application).',
      actions: enqueueActions(({ event, enqueue }) => {
        for (const id of event.containersToCleanup) enqueue({ type: 'kill', params: { containerId: id } });
      }),
    },
    StartContainerRequest: {
      description: 'ContainerManagerImpl.startContainers: launch the executor in a new container.',
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (context.containers[event.container.id] !== undefined) return;
        enqueue.spawnChild('container', { id: event.container.id, input: { containerId: event.container.id, launch: event.launchContext, host: context.host, nodeId: context.nodeId } });
        enqueue.assign({ containers: { ...context.containers, [event.container.id]: event.launchContext.executorId } });
      }),
    },
    'container.completed': {
      description: 'The container\'s process ended: its status goes out with the next heartbeat.',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const { [event.containerId]: _gone, ...containers } = context.containers;
        enqueue.assign({ containers, completed: [...context.completed, { containerId: event.containerId, state: 'COMPLETE', exitStatus: event.exitStatus, diagnostics: event.diagnostics }] });
        enqueue.stopChild(event.containerId);
      }),
    },
    'fault.killContainer': {
      description: 'A fault: the container is killed with the given exit status (preemption, the ContainersMonitor\'s memory check, failed disks).',
      actions: { type: 'kill', params: ({ event }) => ({ containerId: event.containerId, exitStatus: event.exitStatus, diagnostics: event.diagnostics }) },
    },
  },
});
