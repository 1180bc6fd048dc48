/**
 * The readable timeline of a run: one line per control-plane message delivered (or lost) and per
 * fault, in simulated time. Per-task and periodic traffic (task launches, status updates,
 * heartbeats) is left out unless asked for: it is counted in the report instead.
 */
import type { TraceEntry } from './trace.js';

/** Message types that repeat per task or per period; shown only with `verbose`. */
export const ROUTINE_MESSAGES: ReadonlySet<string> = new Set([
  'Heartbeat', 'HeartbeatResponse', 'WorkerHeartbeat', 'LaunchTask', 'StatusUpdate', 'UpdateBlockInfoReply',
  // YARN: NodeManager heartbeats every second, the AM's allocate calls every 0.2-3 s.
  'NodeHeartbeatRequest', 'NodeHeartbeatResponse', 'AllocateRequest', 'AllocateResponse',
]);

/** Fields that repeat the sender or receiver, or are constant: left out of a line. */
const QUIET_FIELDS: ReadonlySet<string> = new Set(['applicationMaster', 'nodeManager', 'am', 'sender', 'localDirs', 'masterUrl', 'masterAddress', 'masterWebUiUrl', 'workerWebUiUrl', 'worker', 'master', 'driver', 'executorRef', 'replyTo', 'rpId', 'logUrls', 'resourceProfileId']);

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)}s`.padStart(10);

/** A message's fields as `key=value` text (the timeline's and the HTML report's message labels). */
export function describe(message: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(message)) {
    if (key === 'type' || value === undefined || QUIET_FIELDS.has(key)) continue;
    if (key === 'reason' && value && typeof value === 'object') {
      parts.push(`reason=${JSON.stringify(value)}`);
      continue;
    }
    if (key === 'blockManagerId' && value && typeof value === 'object') {
      // BlockManagerId.toString: BlockManagerId(executorId, host, port, topologyInfo).
      const id = value as { executorId: string; host: string; port: number };
      parts.push(`blockManagerId=${id.executorId}@${id.host}:${id.port}`);
      continue;
    }
    if (typeof value === 'object') continue;
    parts.push(`${key}=${typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value)}`);
  }
  return parts.join(' ');
}

/** A driver-side event read from the driver's snapshots (calls inside the driver are not messages). */
export interface DriverEvent { atMs: number; process: string; text: string }

export function timelineLines(entries: readonly TraceEntry[], options: { verbose?: boolean; driverEvents?: readonly DriverEvent[] } = {}): string[] {
  const lines: string[] = [];
  const driverEvents = [...(options.driverEvents ?? [])].sort((a, b) => a.atMs - b.atMs);
  let next = 0;
  const flushDriverEvents = (untilMs: number) => {
    while (next < driverEvents.length && driverEvents[next]!.atMs <= untilMs) {
      const d = driverEvents[next++]!;
      lines.push(`${seconds(d.atMs)}  ${d.process}  ${d.text}`);
    }
  };
  for (const entry of entries) {
    flushDriverEvents(entry.atMs);
    if (entry.kind === 'fault') {
      lines.push(`${seconds(entry.atMs)}  FAULT ${entry.fault} ${entry.target}: ${entry.detail}`);
      continue;
    }
    if (!options.verbose && ROUTINE_MESSAGES.has(entry.type)) continue;
    const fate = entry.outcome === 'delivered' ? '' : ` [${entry.outcome}${entry.detail ? `: ${entry.detail}` : ''}]`;
    lines.push(`${seconds(entry.atMs)}  ${entry.from} -> ${entry.to}  ${entry.type} ${describe(entry.message as Record<string, unknown>)}${fate}`.trimEnd());
  }
  flushDriverEvents(Number.POSITIVE_INFINITY);
  return lines;
}
