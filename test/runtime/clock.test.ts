import { describe, expect, it } from 'vitest';
import { ClockBoundError, VirtualClock } from '../../runtime/clock.js';

describe('VirtualClock', () => {
  it('runs each timer at its own deadline, in deadline order, ties first-in first-out', () => {
    const clock = new VirtualClock(1000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['c', clock.now()]), 30);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
    clock.setTimeout(() => seen.push(['b1', clock.now()]), 20);
    clock.setTimeout(() => seen.push(['b2', clock.now()]), 20);
    clock.runUntil(5000);
    expect(seen).toEqual([['a', 1010], ['b1', 1020], ['b2', 1020], ['c', 1030]]);
    expect(clock.now()).toBe(5000);
  });

  it('runs timers set by callbacks when they fall inside the jump, never after it', () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
      clock.setTimeout(() => seen.push(clock.now()), 500);
    }, 10);
    clock.runUntil(100);
    expect(seen).toEqual([10, 15]);
    expect(clock.nextDeadline()).toBe(510);
  });

  it('does not run cleared timers', () => {
    const clock = new VirtualClock(0);
    let ran = false;
    const id = clock.setTimeout(() => (ran = true), 10);
    clock.clearTimeout(id);
    clock.runUntil(100);
    expect(ran).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('stops where the stop condition first holds', () => {
    const clock = new VirtualClock(0);
    let count = 0;
    for (let t = 1; t <= 10; t++) clock.setTimeout(() => count++, t * 10);
    clock.runUntil(1000, { stop: () => count === 3 });
    expect(clock.now()).toBe(30);
  });

  it('fails with a reason when a run exceeds its step bound', () => {
    const clock = new VirtualClock(0);
    const loop = () => void clock.setTimeout(loop, 0);
    loop();
    expect(() => clock.runUntil(1, { maxSteps: 100 })).toThrow(ClockBoundError);
  });
});
