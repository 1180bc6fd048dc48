/**
 * The periodic timer behind Spark's scheduleAtFixedRate self-messages (machines/ticker.ts is
 * the contract). Each tick is sent to the parent at exactly initialDelay + k × period on the
 * system clock: the next timer is armed from the deadline that just fired, so ticks never drift.
 */
import { sendParent, setup } from 'xstate';
import type { TickerInput } from '../machines/ticker.js';

export const tickerLogic = setup({
  types: { input: {} as TickerInput, context: {} as TickerInput },
  delays: {
    initialDelay: ({ context }) => context.initialDelayMs,
    period: ({ context }) => context.periodMs,
  },
}).createMachine({
  id: 'ticker',
  context: ({ input }) => input,
  initial: 'waiting',
  states: {
    waiting: {
      after: { initialDelay: { target: 'ticking', actions: sendParent(({ context }) => context.event) } },
    },
    ticking: {
      after: { period: { target: 'ticking', reenter: true, actions: sendParent(({ context }) => context.event) } },
    },
  },
});
