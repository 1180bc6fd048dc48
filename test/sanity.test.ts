import { describe, it, expect } from 'vitest';
import { setup, sendTo, assign, sendParent } from 'xstate';
import { startMachine } from './support/harness.js';
import { networkOf, rpc } from '../machines/rpc.js';
import { nowOf } from '../machines/clock.js';

const m = setup({ types: { input: {} as { address: string }, context: {} as { address: string; at: number } } }).createMachine({
  context: ({ input }) => ({ address: input.address, at: -1 }),
  initial: 'a',
  states: { a: { on: { go: { target: 'b', actions: [assign({ at: ({ system }) => nowOf(system) }), sendTo(({ system }) => networkOf(system), ({ context }) => rpc(context.address, 'master', { type: 'MasterInStandby' })), sendParent({ type: 'hello' })] } } }, b: {} },
});
describe('harness', () => {
  it('records', () => {
    const h = startMachine(m, { input: { address: 'w' }, systemId: 'w', startMs: 5 });
    h.send({ type: 'go' });
    expect(h.snapshot().value).toBe('b');
    expect(h.snapshot().context.at).toBe(5);
    expect(h.sent).toEqual([{ type: 'network.send', from: 'w', to: 'master', message: { type: 'MasterInStandby' } }]);
    expect(h.toParent).toEqual([{ type: 'hello' }]);
  });
});
