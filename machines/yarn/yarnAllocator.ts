/**
 * YarnAllocator, the ApplicationMaster's book of containers and executors, as pure functions
 * (state and input in, next state and effects out) for the AM machine (applicationMaster.ts).
 * Only the default resource profile (id 0) is modelled.
 *
 * Models resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn/YarnAllocator.scala
 * (Spark 3.5): requestTotalExecutorsWithPreferredLocalities, updateResourceRequests,
 * handleAllocatedContainers / runAllocatedContainers, killExecutor, processCompletedContainers,
 * enqueueGetLossReasonRequest; shared/spark-semantics.md sections 6.4, 6.5.
 *
 * Not modelled: locality (container placement strategy, hostToLocalTaskCount), node exclusion
 * (AllocatorNodeHealthTracker), the executor-failure budget (spark.executor.maxNumFailures),
 * the asynchronous launcher pool (an allocated container counts as running once
 * StartContainerRequest is sent, where Spark counts it as starting until the launch returns).
 */
import type { Address, ApplicationDescription, ExecutorLossReason } from '../protocol.js';
import { completedContainerReason, releasedContainerReason } from './containerExitStatus.js';
import type { Container, ContainerStatus, Resource } from './protocol.js';

export interface YarnAllocatorState {
  appId: string;
  /** The executor container's resource: executor memory + overhead, executor cores. */
  resource: Resource;
  executorCores: number;
  executorMemory: number;
  appDesc: ApplicationDescription;
  /** targetNumExecutorsPerResourceProfileId(0). */
  targetNumExecutors: number;
  /** executorIdCounter: the last executor id handed out (ids start at 1). */
  executorIdCounter: number;
  /** The AMRMClient's outstanding container requests (getNumContainersPendingAllocate). */
  numPendingAllocate: number;
  /** The request table changed since the last allocate call: the next one sends `ask`. */
  askChanged: boolean;
  /** Containers released since the last allocate call (AMRMClient's release list). */
  pendingRelease: string[];
  /** releasedContainers: released by the AM, completion not yet seen. */
  releasedContainers: Record<string, true>;
  /** runningExecutorsPerResourceProfileId(0). */
  runningExecutors: Record<string, true>;
  executorIdToContainer: Record<string, Container>;
  containerIdToExecutorId: Record<string, string>;
  /** pendingLossReasonRequests: executor id -> the askers waiting for its loss reason. */
  pendingLossReasonRequests: Record<string, Address[]>;
  /** releasedExecutorLossReasons: reasons of executors released before anyone asked. */
  releasedExecutorLossReasons: Record<string, ExecutorLossReason>;
  numUnexpectedContainerRelease: number;
  /** The AM is shutting down (Shutdown from the driver): completions are not the app's fault. */
  shutdown: boolean;
}

export type AllocatorEffect =
  | { kind: 'startContainer'; container: Container; executorId: string }
  /** driverRef.send(RemoveExecutor(eid, reason)): a container the AM did not release completed. */
  | { kind: 'removeExecutor'; executorId: string; reason: ExecutorLossReason }
  | { kind: 'replyLossReason'; replyTo: Address; executorId: string; reason: ExecutorLossReason }
  | { kind: 'failLossReason'; replyTo: Address; executorId: string; message: string };

export interface AllocatorResult { state: YarnAllocatorState; effects: AllocatorEffect[] }

/** YarnSparkHadoopUtil: MEMORY_OVERHEAD_FACTOR 0.10 and MEMORY_OVERHEAD_MIN 384 MiB (spark.executor.memoryOverhead unset). */
export const MEMORY_OVERHEAD_FACTOR = 0.1;
export const MEMORY_OVERHEAD_MIN = 384;
export const executorMemoryOverhead = (executorMemoryMb: number) => Math.max(Math.floor(MEMORY_OVERHEAD_FACTOR * executorMemoryMb), MEMORY_OVERHEAD_MIN);

export function newYarnAllocator(input: { appId: string; executorCores: number; executorMemory: number; appDesc: ApplicationDescription; initialTarget: number }): YarnAllocatorState {
  return {
    appId: input.appId,
    resource: { memory: input.executorMemory + executorMemoryOverhead(input.executorMemory), vCores: input.executorCores },
    executorCores: input.executorCores,
    executorMemory: input.executorMemory,
    appDesc: input.appDesc,
    targetNumExecutors: input.initialTarget,
    executorIdCounter: 0,
    numPendingAllocate: 0,
    askChanged: false,
    pendingRelease: [],
    releasedContainers: {},
    runningExecutors: {},
    executorIdToContainer: {},
    containerIdToExecutorId: {},
    pendingLossReasonRequests: {},
    releasedExecutorLossReasons: {},
    numUnexpectedContainerRelease: 0,
    shutdown: false,
  };
}

export const numRunningExecutors = (s: YarnAllocatorState) => Object.keys(s.runningExecutors).length;
export const numPendingLossReasonRequests = (s: YarnAllocatorState) => Object.keys(s.pendingLossReasonRequests).length;

/**
 * requestTotalExecutorsWithPreferredLocalities: sets the target; true if it changed (the
 * AMEndpoint then wakes the reporter thread at the initial allocation interval).
 */
export function requestTotalExecutors(s: YarnAllocatorState, total: number): { state: YarnAllocatorState; changed: boolean } {
  if (total === s.targetNumExecutors) return { state: s, changed: false };
  return { state: { ...s, targetNumExecutors: total }, changed: true };
}

/**
 * updateResourceRequests: missing = target - pending - running. Missing executors become new
 * container requests; a surplus cancels pending requests (never running executors).
 */
export function updateResourceRequests(s: YarnAllocatorState): YarnAllocatorState {
  const missing = s.targetNumExecutors - s.numPendingAllocate - numRunningExecutors(s);
  if (missing > 0) return { ...s, numPendingAllocate: s.numPendingAllocate + missing, askChanged: true };
  if (missing < 0 && s.numPendingAllocate > 0) {
    const cancel = Math.min(s.numPendingAllocate, -missing);
    return { ...s, numPendingAllocate: s.numPendingAllocate - cancel, askChanged: true };
  }
  return s;
}

/** The allocate call's payload (after updateResourceRequests); clears the change flag and the release list. */
export function allocateCall(s: YarnAllocatorState): { state: YarnAllocatorState; ask?: { numContainers: number; capability: Resource }; releaseList: string[] } {
  const ask = s.askChanged ? { numContainers: s.numPendingAllocate, capability: s.resource } : undefined;
  return { state: { ...s, askChanged: false, pendingRelease: [] }, ...(ask ? { ask } : {}), releaseList: s.pendingRelease };
}

const release = (d: YarnAllocatorState, id: string) => {
  d.releasedContainers = { ...d.releasedContainers, [id]: true };
  d.pendingRelease = [...d.pendingRelease, id];
};

/**
 * handleAllocatedContainers + runAllocatedContainers: each allocated container matches one
 * pending request (removeContainerRequest); while running executors are below the target, a
 * container gets the next executor id and is launched (ExecutorRunnable: StartContainerRequest
 * to its NodeManager); a surplus container is released ("Releasing surplus container").
 */
export function handleAllocatedContainers(s: YarnAllocatorState, containers: readonly Container[]): AllocatorResult {
  if (containers.length === 0) return { state: s, effects: [] };
  const d: YarnAllocatorState = { ...s, numPendingAllocate: Math.max(0, s.numPendingAllocate - containers.length), askChanged: true };
  const effects: AllocatorEffect[] = [];
  for (const container of containers) {
    if (numRunningExecutors(d) < d.targetNumExecutors) {
      const executorId = String(d.executorIdCounter + 1);
      d.executorIdCounter += 1;
      d.runningExecutors = { ...d.runningExecutors, [executorId]: true };
      d.executorIdToContainer = { ...d.executorIdToContainer, [executorId]: container };
      d.containerIdToExecutorId = { ...d.containerIdToExecutorId, [container.id]: executorId };
      effects.push({ kind: 'startContainer', container, executorId });
    } else {
      release(d, container.id);
    }
  }
  return { state: d, effects };
}

/**
 * killExecutor: release the executor's container if it is known and not released yet, and stop
 * counting it as running; else "Attempted to kill unknown executor".
 */
export function killExecutor(s: YarnAllocatorState, executorId: string): YarnAllocatorState {
  const container = s.executorIdToContainer[executorId];
  if (!container || s.releasedContainers[container.id]) return s;
  const d: YarnAllocatorState = { ...s };
  release(d, container.id);
  const { [executorId]: _gone, ...running } = d.runningExecutors;
  d.runningExecutors = running;
  return d;
}

/**
 * processCompletedContainers: a container the AM released completes "from explicit termination
 * request" (not the app's fault) and nobody is told; any other completion stops counting the
 * executor as running, takes its reason from the exit status (containerExitStatus.ts) and sends
 * RemoveExecutor to the driver. Askers waiting for the executor's loss reason get it; if none
 * asked yet, it is kept for a later GetExecutorLossReason.
 */
export function processCompletedContainers(s: YarnAllocatorState, statuses: readonly ContainerStatus[]): AllocatorResult {
  if (statuses.length === 0) return { state: s, effects: [] };
  const d: YarnAllocatorState = { ...s };
  const effects: AllocatorEffect[] = [];
  for (const status of statuses) {
    const alreadyReleased = d.releasedContainers[status.containerId] === true;
    if (alreadyReleased) {
      const { [status.containerId]: _r, ...rest } = d.releasedContainers;
      d.releasedContainers = rest;
    }
    const executorId = d.containerIdToExecutorId[status.containerId];
    const host = executorId !== undefined ? d.executorIdToContainer[executorId]?.nodeHost : undefined;
    const completed = { containerId: status.containerId, exitStatus: status.exitStatus, diagnostics: status.diagnostics, ...(host !== undefined ? { host } : {}) };
    const reason = alreadyReleased ? releasedContainerReason(completed) : completedContainerReason(completed, d.shutdown);
    if (!alreadyReleased && executorId !== undefined) {
      const { [executorId]: _gone, ...running } = d.runningExecutors;
      d.runningExecutors = running;
    }
    if (executorId === undefined) continue;
    const { [status.containerId]: _c, ...containers } = d.containerIdToExecutorId;
    d.containerIdToExecutorId = containers;
    const { [executorId]: _e, ...byExecutor } = d.executorIdToContainer;
    d.executorIdToContainer = byExecutor;
    const askers = d.pendingLossReasonRequests[executorId];
    if (askers) {
      for (const replyTo of askers) effects.push({ kind: 'replyLossReason', replyTo, executorId, reason });
      const { [executorId]: _p, ...pending } = d.pendingLossReasonRequests;
      d.pendingLossReasonRequests = pending;
    } else {
      d.releasedExecutorLossReasons = { ...d.releasedExecutorLossReasons, [executorId]: reason };
    }
    if (!alreadyReleased) {
      d.numUnexpectedContainerRelease += 1;
      effects.push({ kind: 'removeExecutor', executorId, reason });
    }
  }
  return { state: d, effects };
}

/**
 * enqueueGetLossReasonRequest: an executor with a live container waits for its completion (the
 * reply comes from processCompletedContainers); one released before the question gets the stored
 * reason at once; an unknown one fails ("Fail to find loss reason for non-existent executor").
 */
export function enqueueGetLossReasonRequest(s: YarnAllocatorState, executorId: string, replyTo: Address): AllocatorResult {
  if (s.executorIdToContainer[executorId]) {
    const askers = [...(s.pendingLossReasonRequests[executorId] ?? []), replyTo];
    return { state: { ...s, pendingLossReasonRequests: { ...s.pendingLossReasonRequests, [executorId]: askers } }, effects: [] };
  }
  const stored = s.releasedExecutorLossReasons[executorId];
  if (stored) {
    const { [executorId]: _r, ...rest } = s.releasedExecutorLossReasons;
    return { state: { ...s, releasedExecutorLossReasons: rest }, effects: [{ kind: 'replyLossReason', replyTo, executorId, reason: stored }] };
  }
  return { state: s, effects: [{ kind: 'failLossReason', replyTo, executorId, message: `Fail to find loss reason for non-existent executor ${executorId}` }] };
}
