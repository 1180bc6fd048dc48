/**
 * Pacing a run so a person can follow it: `--speed 10x` advances the virtual clock against real
 * time (ten simulated seconds per real second), `--step` waits for Enter before each time step
 * (every timer due at one simulated instant: a delivered message, a tick, a fault). The
 * simulation itself is unchanged: the same callbacks run in the same order, only later.
 *
 * Real time comes from an injected source, so tests drive it without sleeping.
 */
import { InvalidArgumentError } from 'commander';
import type { VirtualClock } from './clock.js';

/** Where real time comes from: the process's clock in the CLI, a fake in tests. */
export interface RealTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemRealTime: RealTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Called before the clock runs the callbacks due at `atMs` (virtual epoch ms). */
export interface Pacer {
  before(atMs: number): Promise<void>;
}

/** Fastest and slowest pace accepted: beyond these a run is either unreadable or not worth pacing. */
export const MIN_SPEED = 0.01;
export const MAX_SPEED = 1_000_000;

/** `10x`, `0.5x`, `1x` (or a bare number): simulated time per real time. */
export function parseSpeed(value: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)x?$/.exec(value.trim());
  const factor = match ? Number(match[1]) : Number.NaN;
  if (!Number.isFinite(factor) || factor < MIN_SPEED || factor > MAX_SPEED) {
    throw new InvalidArgumentError(`expected a speed such as 10x or 0.5x (between ${MIN_SPEED}x and ${MAX_SPEED}x), got "${value}"`);
  }
  return factor;
}

/**
 * Real time follows virtual time `factor` times slower: a step at virtual `atMs` waits until
 * `(atMs - start) / factor` real ms have passed since the first step.
 */
export function speedPacer(factor: number, realTime: RealTime): Pacer {
  let anchor: { virtualMs: number; realMs: number } | undefined;
  return {
    async before(atMs) {
      anchor ??= { virtualMs: atMs, realMs: realTime.now() };
      const due = anchor.realMs + (atMs - anchor.virtualMs) / factor;
      const wait = due - realTime.now();
      if (wait > 0) await realTime.sleep(wait);
    },
  };
}

/**
 * Waits for a line (Enter) before each step. `nextLine` resolves to the line, or null at the end of
 * the input; `c` (continue) or the end of the input lets the rest of the run go unpaced.
 */
export function stepPacer(nextLine: () => Promise<string | null>, prompt: (atMs: number) => void): Pacer {
  let free = false;
  return {
    async before(atMs) {
      if (free) return;
      prompt(atMs);
      const line = await nextLine();
      if (line === null || line.trim() === 'c') free = true;
    },
  };
}

/**
 * One phase of a run (Cluster.runPaced) advanced deadline by deadline, asking the pacer before
 * each and reporting after each; the same callbacks and stop checks as `clock.runUntil(targetMs)`.
 */
export async function runUntilPaced(clock: VirtualClock, targetMs: number, stop: () => boolean, pacer: Pacer, afterStep: () => void = () => {}): Promise<void> {
  for (;;) {
    const next = clock.nextDeadline();
    if (next === undefined || next > targetMs) break;
    await pacer.before(next);
    clock.runUntil(next, { stop });
    afterStep();
    if (stop()) return;
  }
  // Nothing is due before the target: jump (an idle tail is not worth waiting for).
  clock.runUntil(targetMs);
}
