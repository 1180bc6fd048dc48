/**
 * The trace of a run: every envelope with its fate, and every fault injected, in the order they
 * happened. Reports and the timeline are projections of it and of the actors' snapshots; it is
 * the one record of what crossed the network.
 */
import type { Envelope, EnvelopeOutcome, NetworkObserver } from '../actors/network.js';

export interface TraceMessage {
  kind: 'message';
  atMs: number;
  id: string;
  seq: number;
  type: string;
  from: string;
  to: string;
  sentAtMs: number;
  causeId: string | undefined;
  outcome: EnvelopeOutcome;
  detail?: string;
  message: Envelope['message'];
}

export interface TraceFault {
  kind: 'fault';
  atMs: number;
  fault: string;
  target: string;
  detail: string;
}

export type TraceEntry = TraceMessage | TraceFault;

export interface TraceOptions {
  /** Keep full entries (with message bodies) or only counts. Counts are always kept. */
  keepEntries: boolean;
  /** Bound on kept entries; the run fails with a clear error beyond it rather than eat memory. */
  maxEntries?: number;
}

export class TraceLimitError extends Error {
  override name = 'TraceLimitError';
}

export class Trace implements NetworkObserver {
  readonly entries: TraceEntry[] = [];
  /** Delivered messages by type. */
  readonly delivered = new Map<string, number>();
  readonly dropped = new Map<string, number>();
  readonly deadLetters = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(private readonly options: TraceOptions, private readonly startMs: number) {
    this.maxEntries = options.maxEntries ?? 5_000_000;
  }

  onEnvelope(envelope: Envelope, outcome: EnvelopeOutcome, atMs: number, detail?: string): void {
    const type = envelope.message.type;
    const counts = outcome === 'delivered' ? this.delivered : outcome === 'dropped' ? this.dropped : this.deadLetters;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    if (!this.options.keepEntries) return;
    this.push({
      kind: 'message',
      atMs: atMs - this.startMs,
      id: envelope.id,
      seq: envelope.seq,
      type,
      from: envelope.from,
      to: envelope.to,
      sentAtMs: envelope.sentAt - this.startMs,
      causeId: envelope.causeId,
      outcome,
      ...(detail !== undefined ? { detail } : {}),
      message: envelope.message,
    });
  }

  fault(atMs: number, fault: string, target: string, detail: string): void {
    this.push({ kind: 'fault', atMs: atMs - this.startMs, fault, target, detail });
  }

  messages(): TraceMessage[] {
    return this.entries.filter((e): e is TraceMessage => e.kind === 'message');
  }

  private push(entry: TraceEntry): void {
    if (this.entries.length >= this.maxEntries) {
      throw new TraceLimitError(`the trace reached ${this.maxEntries} entries; run a shorter scenario or without the full trace`);
    }
    this.entries.push(entry);
  }
}
