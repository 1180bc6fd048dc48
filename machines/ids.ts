/**
 * Spark's id formats and the address of each endpoint.
 *
 * An address is `<process>/<EndpointName>`: the process (a worker's host, `master`, `driver-0`,
 * an executor `app-…/3`) and Spark's endpoint name in that process's RpcEnv. A process is what
 * crashes, hangs or is partitioned; an endpoint is what receives messages.
 */
import type { Address } from './protocol.js';

/** Spark's endpoint names (the ENDPOINT_NAME constants). */
export const ENDPOINT = {
  Master: 'Master',
  Worker: 'Worker',
  AppClient: 'AppClient',
  CoarseGrainedScheduler: 'CoarseGrainedScheduler',
  HeartbeatReceiver: 'HeartbeatReceiver',
  DAGScheduler: 'DAGScheduler',
  Executor: 'Executor',
  /** YarnSchedulerBackend's YarnSchedulerEndpoint, in the driver. */
  YarnScheduler: 'YarnScheduler',
  /** ApplicationMaster's AMEndpoint. */
  YarnAM: 'YarnAM',
  /** Not Spark endpoints: Hadoop YARN's daemons. */
  ResourceManager: 'ResourceManager',
  NodeManager: 'NodeManager',
  /** BlockManagerMaster.DRIVER_ENDPOINT_NAME (the heartbeat endpoint's messages go to the same actor: blockManagerMaster.ts). */
  BlockManagerMaster: 'BlockManagerMaster',
  /** A BlockManager's storage endpoint: "BlockManagerEndpoint" + BlockManager.ID_GENERATOR.next (the first, 1, in each JVM). */
  BlockManagerEndpoint: 'BlockManagerEndpoint1',
  /** Not a Spark RPC endpoint: the user's driver program (SparkContext and its JobWaiters). */
  SparkContext: 'SparkContext',
  /** Not a Spark RPC endpoint: the ExecutorAllocationManager, a listener on the driver's LiveListenerBus (dynamic allocation). */
  ExecutorAllocationManager: 'ExecutorAllocationManager',
} as const;
export type EndpointName = (typeof ENDPOINT)[keyof typeof ENDPOINT];

export function endpointAddress(process: string, endpoint: EndpointName): Address {
  return `${process}/${endpoint}`;
}

/** The process part of an address. */
export function processOf(address: Address): string {
  const slash = address.lastIndexOf('/');
  return slash < 0 ? address : address.slice(0, slash);
}

/** Another endpoint in the same process, as Spark's RpcUtils.makeDriverRef finds HeartbeatReceiver. */
export function siblingAddress(address: Address, endpoint: EndpointName): Address {
  return endpointAddress(processOf(address), endpoint);
}

/** The process name of an executor: `<appId>/<execId>`. */
export function executorProcess(appId: string, execId: number | string): string {
  return `${appId}/${execId}`;
}

/** `yyyyMMddHHmmss` of an epoch-ms time, in UTC (Spark uses the JVM's zone; UTC keeps runs identical everywhere). */
export function sparkDate(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Master.newApplicationId: spark.deploy.appIdPattern default "app-%s-%04d". */
export function applicationId(submitEpochMs: number, number: number): string {
  return `app-${sparkDate(submitEpochMs)}-${String(number).padStart(4, '0')}`;
}

/** Worker.generateWorkerId: "worker-%s-%s-%d" (date, host, port). */
export function workerId(startEpochMs: number, host: string, port: number): string {
  return `worker-${sparkDate(startEpochMs)}-${host}-${port}`;
}
