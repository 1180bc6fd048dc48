import type { ActorSystem } from 'xstate';

/** XState's Clock interface (not exported by xstate's entry point under that name). */
export type Clock = ActorSystem<any>['_clock'];

/**
 * The clock every actor system of this project runs on: XState's Clock plus the current time.
 * Machines read time only through the system they run in (rule 1 of DESIGN.md), so the same
 * machine runs on the runtime's virtual clock and on a test's manual clock.
 */
export interface SimClock extends Clock {
  now(): number;
}

export function isSimClock(clock: Clock): clock is SimClock {
  return typeof (clock as Partial<SimClock>).now === 'function';
}

/** Current time (ms) of the system's clock. Fails loudly on a clock without `now()`. */
export function nowOf(system: ActorSystem<any>): number {
  const clock = system._clock;
  if (!isSimClock(clock)) {
    throw new Error('spark-statecharts machines need a clock with now(): create the actor with { clock: new VirtualClock() }');
  }
  return clock.now();
}
