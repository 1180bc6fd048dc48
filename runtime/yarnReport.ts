/**
 * The YARN part of the report: every container the AMs launched (from StartContainerRequest) with
 * its end as the AM learnt it (the ContainerStatus of an AllocateResponse), and the
 * ResourceManager's view of each NodeManager. A projection of the trace and the RM's snapshot.
 */
import { exitStatusName } from '../machines/yarn/containerExitStatus.js';
import { RESOURCE_MANAGER_ADDRESS, nodeId } from '../machines/yarn/ids.js';
import type { ResourceManagerContext } from '../machines/yarn/resourceManager.js';
import type { Cluster } from './cluster.js';

export interface ContainerReport {
  id: string;
  appId: string;
  executorId: string;
  nodeId: string;
  memoryMb: number;
  vCores: number;
  /** When the AM sent StartContainerRequest (ms after the start). */
  launchedAtMs: number;
  /** When the AM learnt of the completion (AllocateResponse), null while running. */
  completedAtMs: number | null;
  exitStatus: number | null;
  /** ContainerExitStatus name of a special status (PREEMPTED, ABORTED, ...), null for a process exit code. */
  exitStatusName: string | null;
  diagnostics: string | null;
}

export interface NodeManagerReport { nodeId: string; host: string; cores: number; memoryMb: number; state: string | null; vCoresUsed: number | null; memoryUsedMb: number | null }

export interface YarnReport { containers: ContainerReport[]; nodeManagers: NodeManagerReport[] }

export function yarnReport(cluster: Cluster): YarnReport {
  const containers = new Map<string, ContainerReport>();
  for (const m of cluster.trace.messages()) {
    const msg = m.message;
    if (msg.type === 'StartContainerRequest') {
      containers.set(msg.container.id, {
        id: msg.container.id, appId: msg.launchContext.appId, executorId: msg.launchContext.executorId, nodeId: msg.container.nodeId,
        memoryMb: msg.container.resource.memory, vCores: msg.container.resource.vCores, launchedAtMs: m.sentAtMs,
        completedAtMs: null, exitStatus: null, exitStatusName: null, diagnostics: null,
      });
    } else if (msg.type === 'AllocateResponse' && m.outcome === 'delivered') {
      for (const s of msg.completedContainersStatuses) {
        const c = containers.get(s.containerId);
        if (!c || c.completedAtMs !== null) continue;
        Object.assign(c, { completedAtMs: m.atMs, exitStatus: s.exitStatus, exitStatusName: exitStatusName(s.exitStatus) ?? null, diagnostics: s.diagnostics });
      }
    }
  }
  const rm = cluster.actor(RESOURCE_MANAGER_ADDRESS)?.getSnapshot().context as ResourceManagerContext | undefined;
  const nodeManagers = cluster.scenario.nodeManagers.map((nm): NodeManagerReport => {
    const node = rm?.nodes[nodeId(nm.host, nm.port)];
    return { nodeId: nodeId(nm.host, nm.port), host: nm.host, cores: nm.cores, memoryMb: nm.memoryMb, state: node?.state ?? null, vCoresUsed: node?.used.vCores ?? null, memoryUsedMb: node?.used.memory ?? null };
  });
  return { containers: [...containers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), nodeManagers };
}

export function yarnSummaryLines(report: YarnReport): string[] {
  const lines: string[] = [];
  for (const c of report.containers) {
    const end = c.completedAtMs === null ? 'running' : `completed at ${(c.completedAtMs / 1000).toFixed(3)} s, exit status ${c.exitStatus}${c.exitStatusName ? ` (${c.exitStatusName})` : ''}`;
    lines.push(`container ${c.id} on ${c.nodeId}: executor ${c.executorId}, ${end}`);
  }
  for (const n of report.nodeManagers) lines.push(`node manager ${n.nodeId}: ${n.state ?? 'unknown to the ResourceManager'}, ${n.vCoresUsed ?? '-'}/${n.cores} vcores and ${n.memoryUsedMb ?? '-'}/${n.memoryMb} MB used`);
  return lines;
}
