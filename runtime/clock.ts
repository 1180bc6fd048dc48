/**
 * The virtual clock of a simulated cluster: XState's Clock plus `now()`, one for the whole actor
 * system (machine timers, network delivery, tickers and scheduled faults).
 *
 * A binary heap ordered by (deadline, insertion order): each callback runs with `now()` equal to
 * its own deadline, never at the target time of a larger jump, and ties run first-in first-out.
 * (XState's SimulatedClock sorts all timers on every advance and runs due callbacks at the
 * target time, which would reorder Spark's timeouts.)
 */
import type { SimClock } from '../machines/clock.js';

interface Timer {
  readonly id: number;
  readonly deadline: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Thrown when a run exceeds its step bound: a livelock or an unbounded loop in the model. */
export class ClockBoundError extends Error {
  override name = 'ClockBoundError';
}

export class VirtualClock implements SimClock {
  private heap: Timer[] = [];
  private live = new Set<number>();
  private nextId = 1;
  private seq = 0;
  private time: number;
  /** Number of callbacks run so far. */
  steps = 0;

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.nextId++;
    const delay = Number.isFinite(timeout) && timeout > 0 ? timeout : 0;
    this.push({ id, deadline: this.time + delay, seq: this.seq++, fn });
    this.live.add(id);
    return id;
  }

  clearTimeout(id: unknown): void {
    this.live.delete(id as number);
  }

  /** Deadline of the next pending timer, or undefined when idle. */
  nextDeadline(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.deadline;
  }

  pending(): number {
    return this.live.size;
  }

  /**
   * Runs every timer due at or before `targetMs`, each at its own deadline, then sets the clock to
   * `targetMs`. `stop` is checked after each callback; when it returns true the clock stays at
   * that callback's deadline. Returns the number of callbacks run.
   */
  runUntil(targetMs: number, options: { maxSteps?: number; stop?: () => boolean } = {}): number {
    const maxSteps = options.maxSteps ?? 50_000_000;
    let ran = 0;
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.deadline > targetMs) break;
      this.pop();
      this.live.delete(top.id);
      this.time = top.deadline;
      this.steps++;
      ran++;
      top.fn();
      if (options.stop?.()) return ran;
      if (ran >= maxSteps) throw new ClockBoundError(`clock ran ${ran} callbacks before ${targetMs} ms without settling (bound ${maxSteps})`);
    }
    if (targetMs > this.time) this.time = targetMs;
    return ran;
  }

  /** Advances by `ms`, running what falls due. */
  advance(ms: number): number {
    return this.runUntil(this.time + ms);
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && !this.live.has(this.heap[0]!.id)) this.pop();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && this.less(heap[l]!, heap[min]!)) min = l;
      if (r < heap.length && this.less(heap[r]!, heap[min]!)) min = r;
      if (min === i) break;
      [heap[i], heap[min]] = [heap[min]!, heap[i]!];
      i = min;
    }
  }
}
