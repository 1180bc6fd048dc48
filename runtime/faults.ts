/**
 * Injects the scenario's faults at their times. Faults act only where they would in a real
 * cluster: on processes (a crash, a launch failure, a lost host) and on the network (a partition,
 * a hung process that neither sends nor receives). Spark's own logic then notices and recovers.
 * `task-failure` faults are not scheduled: the workload consults them when a task attempt runs.
 */
import { executorProcess } from '../machines/ids.js';
import { num } from '../machines/conf.js';
import { ContainerExitStatus, DIAGNOSTICS } from '../machines/yarn/containerExitStatus.js';
import { nodeManagerAddress } from '../machines/yarn/ids.js';
import { executorMemoryOverhead } from '../machines/yarn/yarnAllocator.js';
import type { Cluster } from './cluster.js';
import type { FaultSpec, PartitionEndpoint } from './scenario.js';

/** What ExecutorRunner reports when the executor process cannot be started (ProcessBuilder.start failing). */
export const LAUNCH_FAILURE_ERROR = 'java.io.IOException: Cannot run program "/usr/bin/java" (in directory "/opt/spark/work"): error=2, No such file or directory';

export class FaultInjector {
  /** Launch failures armed per worker id, consumed one per executor process start. */
  private readonly launchFailures = new Map<string, number>();
  /** Launch delays armed per worker id, consumed one per executor process start (oldest first). */
  private readonly launchDelays = new Map<string, number[]>();

  constructor(private readonly cluster: Cluster) {}

  schedule(): void {
    for (const fault of this.cluster.scenario.faults) {
      if (fault.kind === 'task-failure') continue;
      this.cluster.clock.setTimeout(() => this.inject(fault), fault.atMs);
    }
  }

  takeLaunchFailure(workerId: string): string | undefined {
    const left = this.launchFailures.get(workerId) ?? 0;
    if (left <= 0) return undefined;
    this.launchFailures.set(workerId, left - 1);
    return LAUNCH_FAILURE_ERROR;
  }

  /** How long this executor process start takes before builder.start() returns; undefined = at once. */
  takeLaunchDelay(workerId: string): number | undefined {
    return this.launchDelays.get(workerId)?.shift();
  }

  private note(fault: string, target: string, detail: string): void {
    this.cluster.trace.fault(this.cluster.clock.now(), fault, target, detail);
  }

  private workerIdOf(index: number): string {
    const worker = this.cluster.scenario.workers[index]!;
    const snapshot = this.cluster.actor(`${worker.host}/Worker`)?.getSnapshot();
    return (snapshot?.context as { workerId: string } | undefined)?.workerId ?? worker.host;
  }

  /** Injects one fault now (the scheduled ones call this at their times; model-based tests call it at a step). */
  inject(fault: Exclude<FaultSpec, { kind: 'task-failure' }>): void {
    const { cluster } = this;
    switch (fault.kind) {
      case 'executor-launch-failure': {
        const id = this.workerIdOf(fault.worker);
        this.launchFailures.set(id, (this.launchFailures.get(id) ?? 0) + fault.times);
        this.note(fault.kind, id, `the next ${fault.times} executor launches on this worker fail to start`);
        return;
      }
      case 'executor-launch-delay': {
        const id = this.workerIdOf(fault.worker);
        this.launchDelays.set(id, [...(this.launchDelays.get(id) ?? []), ...Array.from({ length: fault.times }, () => fault.durationMs)]);
        this.note(fault.kind, id, `the next ${fault.times} executor launches on this worker take ${fault.durationMs} ms to start (the runner stays LAUNCHING)`);
        return;
      }
      case 'executor-crash': {
        const appId = cluster.appId(fault.app);
        const found = appId === undefined ? undefined : cluster.executorProcessActor(appId, fault.executor);
        if (!found) {
          this.note(fault.kind, `${appId ?? `application ${fault.app}`}/${fault.executor}`, 'not injected: no such executor process is running');
          return;
        }
        this.note(fault.kind, executorProcess(appId!, fault.executor), `the executor process exits with code ${fault.exitCode}`);
        found.process.send({ type: 'fault.crash', exitCode: fault.exitCode });
        return;
      }
      case 'executor-hang': {
        const appId = cluster.appId(fault.app);
        if (appId === undefined || !cluster.executorProcessActor(appId, fault.executor)) {
          this.note(fault.kind, `${appId ?? `application ${fault.app}`}/${fault.executor}`, 'not injected: no such executor process is running');
          return;
        }
        const process = executorProcess(appId, fault.executor);
        this.note(fault.kind, process, fault.durationMs === undefined ? 'the executor stops heartbeating and reporting for ever' : `the executor stops heartbeating and reporting for ${fault.durationMs} ms`);
        cluster.network({ type: 'network.freeze', process });
        if (fault.durationMs !== undefined) {
          cluster.clock.setTimeout(() => {
            this.note('executor-hang-end', process, 'the executor resumes');
            cluster.network({ type: 'network.thaw', process });
          }, fault.durationMs);
        }
        return;
      }
      case 'worker-crash': {
        const worker = cluster.scenario.workers[fault.worker]!;
        const workerActor = cluster.actor(`${worker.host}/Worker`);
        const runners = Object.keys(workerActor?.getSnapshot().children ?? {}).filter((id) => id.includes('/'));
        this.note(fault.kind, worker.host, `the worker's host vanishes with its ${runners.length} executor process(es); nobody is told`);
        cluster.network({ type: 'network.processVanished', process: worker.host });
        for (const runner of runners.sort()) cluster.network({ type: 'network.processVanished', process: runner });
        cluster.stopProcess(`${worker.host}/Worker`);
        return;
      }
      case 'node-manager-crash': {
        const nm = cluster.scenario.nodeManagers[fault.nodeManager]!;
        const containers = Object.entries(cluster.nodeManagerContainers(nm)).sort(([a], [b]) => (a < b ? -1 : 1));
        this.note(fault.kind, nm.host, `the node manager's host vanishes with its ${containers.length} container(s); nobody is told`);
        cluster.network({ type: 'network.processVanished', process: nm.host });
        for (const [containerId, executorId] of containers) {
          // container_<clusterTimestamp>_<app number>_<attempt>_<n> belongs to application_<clusterTimestamp>_<app number>.
          const [, ts, app] = containerId.split('_');
          cluster.network({ type: 'network.processVanished', process: executorProcess(`application_${ts}_${app}`, executorId) });
        }
        cluster.stopProcess(nodeManagerAddress(nm.host));
        return;
      }
      case 'container-killed': {
        const appId = cluster.appId(fault.app);
        const found = appId === undefined ? undefined : cluster.executorContainer(appId, fault.executor);
        if (!found) {
          this.note(fault.kind, `${appId ?? `application ${fault.app}`}/${fault.executor}`, 'not injected: no container runs this executor');
          return;
        }
        const exitStatus = ContainerExitStatus[fault.exitStatus];
        this.note(fault.kind, found.containerId, `the container is killed with exit status ${fault.exitStatus} (${exitStatus})`);
        const app = cluster.scenario.applications[fault.app]!;
        cluster.actor(nodeManagerAddress(found.nodeManager.host))?.send({ type: 'fault.killContainer', containerId: found.containerId, exitStatus, diagnostics: killDiagnostics(fault.exitStatus, found.containerId, num(app.conf, 'spark.executor.memory')) });
        return;
      }
      case 'partition': {
        const [a, b] = fault.between.map((e) => this.processOf(e));
        if (a === undefined || b === undefined) {
          this.note(fault.kind, fault.between.map(describeEndpoint).join(' <-> '), 'not injected: an endpoint does not exist yet');
          return;
        }
        this.note(fault.kind, `${a} <-> ${b}`, fault.durationMs === undefined ? 'nothing gets through between them any more' : `nothing gets through between them for ${fault.durationMs} ms (then what was sent arrives, as TCP retransmits it)`);
        cluster.network({ type: 'network.partition', a, b });
        if (fault.durationMs !== undefined) {
          cluster.clock.setTimeout(() => {
            this.note('partition-end', `${a} <-> ${b}`, 'the partition heals');
            cluster.network({ type: 'network.heal', a, b });
          }, fault.durationMs);
        }
        return;
      }
    }
  }

  private processOf(endpoint: PartitionEndpoint): string | undefined {
    const { scenario } = this.cluster;
    switch (endpoint.kind) {
      case 'master': return 'master';
      case 'worker': return scenario.workers[endpoint.worker]!.host;
      case 'driver': return `driver-${endpoint.app}`;
      case 'executor': {
        const appId = this.cluster.appId(endpoint.app);
        return appId === undefined ? undefined : executorProcess(appId, endpoint.executor);
      }
    }
  }
}

/** The diagnostics the RM or NM gives a container killed with this status (ContainersMonitorImpl's text for memory kills). */
function killDiagnostics(status: keyof typeof ContainerExitStatus, containerId: string, executorMemoryMb: number): string {
  const limitGb = (executorMemoryMb + executorMemoryOverhead(executorMemoryMb)) / 1024;
  const gb = (x: number) => `${x.toFixed(1)} GB`;
  switch (status) {
    case 'PREEMPTED': return DIAGNOSTICS.PREEMPTED_CONTAINER;
    case 'KILLED_EXCEEDED_PMEM':
      return `Container [pid=4242,containerID=${containerId}] is running beyond physical memory limits. Current usage: ${gb(limitGb + 0.1)} of ${gb(limitGb)} physical memory used; ${gb(limitGb * 2)} of ${gb(limitGb * 2.1)} virtual memory used. Killing container.`;
    case 'KILLED_EXCEEDED_VMEM':
      return `Container [pid=4242,containerID=${containerId}] is running beyond virtual memory limits. Current usage: ${gb(limitGb - 0.1)} of ${gb(limitGb)} physical memory used; ${gb(limitGb * 2.1 + 0.1)} of ${gb(limitGb * 2.1)} virtual memory used. Killing container.`;
    case 'DISKS_FAILED': return 'Container killed: the node\'s local and log directories are bad';
    default: return 'Container killed by the ResourceManager';
  }
}

function describeEndpoint(endpoint: PartitionEndpoint): string {
  switch (endpoint.kind) {
    case 'master': return 'master';
    case 'worker': return `worker:${endpoint.worker}`;
    case 'driver': return `driver:${endpoint.app}`;
    case 'executor': return `executor:${endpoint.app}:${endpoint.executor}`;
  }
}
