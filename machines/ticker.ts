/**
 * The contract of periodic timers (DESIGN.md rule 2). A machine that Spark gives a periodic
 * self-message (ExpireDeadHosts, SendHeartbeat, CheckForWorkerTimeOut, ReviveOffers, ...)
 * spawns a child from its `ticker` actor slot, with the event to send and Spark's schedule,
 * and stops that child when Spark cancels the timer. The machine itself only handles the
 * event, so it stays a finite graph that xstate/graph can walk.
 *
 * The placeholder below does nothing: in pure tests the test sends the ticks. The runtime
 * provides the real ticker (actors/ticker.ts), driven by the system clock.
 */
import { fromCallback, type AnyActorLogic, type EventObject } from 'xstate';

export interface TickerInput {
  /** The event sent to the parent on every tick, by Spark's name. */
  event: EventObject;
  /** Spark's initialDelay of scheduleAtFixedRate / scheduleWithFixedDelay. */
  initialDelayMs: number;
  /** Spark's period. */
  periodMs: number;
}

/** Typed as any logic: it is a slot the runtime fills with `.provide()`. */
export const tickerPlaceholder: AnyActorLogic = fromCallback<EventObject, TickerInput>(() => undefined);
