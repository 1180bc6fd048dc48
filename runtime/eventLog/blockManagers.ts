/**
 * The one place SparkListenerBlockManagerAdded / SparkListenerBlockManagerRemoved come from.
 *
 * In Spark they are posted by BlockManagerMasterEndpoint (core/.../storage/BlockManagerMasterEndpoint.scala):
 * `register` posts BlockManagerAdded when a block manager registers (the driver's while SparkContext
 * starts, an executor's when its Executor is created, just before the backend sends
 * LaunchedExecutor), and `removeBlockManager` posts BlockManagerRemoved when the executor is
 * removed (DAGScheduler's executor-lost handling -> BlockManagerMaster.removeExecutor), which in
 * the shipped logs precedes the matching SparkListenerExecutorRemoved.
 *
 * The project has no BlockManagerMaster machine yet, so the events are derived from the driver's
 * registration steps: the driver's block manager when the application registers, an executor's
 * when the driver receives its LaunchedExecutor, removal when the driver removes the executor.
 * When a BlockManagerMaster actor exists, this function is what changes: it would read that
 * actor's steps instead.
 */
import { BLOCK_MANAGER_PORT } from '../../machines/executorBackend.js';
import { num, type ResolvedConf } from '../../machines/conf.js';
import { DRIVER_MEMORY_MB, maxOnHeapMemory } from '../../machines/blockManager.js';
import type { SchedulerBackendContext } from '../../machines/driverEndpoint.js';
import { blockManagerIdJson, type SparkEvent } from './events.js';


export { maxOnHeapMemory };

/** A step of a driver component, as the listener bus recorder sees it. */
export type DriverStep =
  | { endpoint: 'appClient'; registered: boolean; driverHost: string; now: number }
  | { endpoint: 'backend'; event: { type: string; executorId?: unknown }; before: SchedulerBackendContext | undefined; after: SchedulerBackendContext; now: number };

/** The block managers registered so far (by executor id), kept by the recorder per application. */
export type BlockManagerRegistry = Map<string, { executorId: string; host: string; port: number }>;

function added(id: { executorId: string; host: string; port: number }, memoryMb: number, now: number): SparkEvent {
  const max = maxOnHeapMemory(memoryMb);
  return { Event: 'SparkListenerBlockManagerAdded', 'Block Manager ID': blockManagerIdJson(id), 'Maximum Memory': max, Timestamp: now, 'Maximum Onheap Memory': max, 'Maximum Offheap Memory': 0 };
}

/** The block-manager events of one driver step, in the order Spark posts them. */
export function blockManagerEvents(step: DriverStep, registry: BlockManagerRegistry, conf: ResolvedConf): SparkEvent[] {
  if (step.endpoint === 'appClient') {
    if (!step.registered || registry.has('driver')) return [];
    const id = { executorId: 'driver', host: step.driverHost, port: BLOCK_MANAGER_PORT };
    registry.set('driver', id);
    return [added(id, DRIVER_MEMORY_MB, step.now)];
  }
  const out: SparkEvent[] = [];
  const { before, after, event, now } = step;
  if (event.type === 'LaunchedExecutor' && typeof event.executorId === 'string') {
    const data = after.executors[event.executorId];
    if (data && !registry.has(data.executorId)) {
      const id = { executorId: data.executorId, host: data.host, port: BLOCK_MANAGER_PORT };
      registry.set(data.executorId, id);
      out.push(added(id, num(conf, 'spark.executor.memory'), now));
    }
  }
  if (before && before.executors !== after.executors) {
    for (const executorId of Object.keys(before.executors)) {
      if (after.executors[executorId] !== undefined) continue;
      const id = registry.get(executorId);
      if (!id) continue;
      registry.delete(executorId);
      out.push({ Event: 'SparkListenerBlockManagerRemoved', 'Block Manager ID': blockManagerIdJson(id), Timestamp: now });
    }
  }
  return out;
}
