/**
 * The periodic timer behind Spark's scheduleAtFixedRate self-messages (machines/ticker.ts is
 * the contract). Each tick is sent to the parent at exactly initialDelay + k × period on the
 * system clock: the next timer is armed from the deadline that just fired, so ticks never drift.
 *
 * A callback actor on the system's clock rather than a machine with `after` transitions: each
 * tick is then one clock callback and one event to the parent, where the machine cost a delayed
 * event, a transition of its own and a relayed sendParent; and its timer is not in XState's
 * scheduled-event table, which XState scans whole every time any actor stops (a TaskRunner per
 * finished task), so that scan no longer grows with the number of executors' tickers.
 */
import { fromCallback, type EventObject } from 'xstate';
import type { Clock } from '../machines/clock.js';
import type { TickerInput } from '../machines/ticker.js';

export const tickerLogic = fromCallback<EventObject, TickerInput>(({ input, sendBack, system }) => {
  const clock: Clock = system._clock;
  let timer: unknown;
  const arm = (delayMs: number) => {
    timer = clock.setTimeout(() => {
      // As the machine did: the tick goes to the parent, then the next deadline is armed.
      sendBack(input.event);
      arm(input.periodMs);
    }, delayMs);
  };
  arm(input.initialDelayMs);
  return () => clock.clearTimeout(timer);
});
