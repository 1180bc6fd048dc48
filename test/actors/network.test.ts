import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup, spawnChild, type AnyActorRef, type EventObject } from 'xstate';
import { networkLogic, type Envelope, type EnvelopeOutcome } from '../../actors/network.js';
import { VirtualClock } from '../../runtime/clock.js';
import { rpc } from '../../machines/rpc.js';

/** A network between three endpoints that record what they receive. */
function startNetwork(latencyMs = 5) {
  const clock = new VirtualClock(0);
  const received: Record<string, Array<[number, EventObject]>> = { 'a/A': [], 'b/B': [], 'c/C': [] };
  const fates: Array<[string, EnvelopeOutcome, number, string | undefined]> = [];
  let ids = 0;
  const endpoint = (name: string) => fromCallback<EventObject>(({ receive }) => receive((e) => void received[name]!.push([clock.now(), e])));
  const root = setup({
    actors: { network: networkLogic, a: endpoint('a/A'), b: endpoint('b/B'), c: endpoint('c/C') },
  }).createMachine({
    entry: [
      spawnChild('network', {
        id: 'network',
        systemId: 'network',
        input: { clock, latencyMs, newId: () => `m${ids++}`, observer: { onEnvelope: (e: Envelope, o: EnvelopeOutcome, at: number, d?: string) => void fates.push([e.id, o, at, d]) } },
      }),
      spawnChild('a', { systemId: 'a/A' }),
      spawnChild('b', { systemId: 'b/B' }),
      spawnChild('c', { systemId: 'c/C' }),
    ],
  });
  const actor = createActor(root, { clock }).start();
  const network = actor.getSnapshot().children['network'] as AnyActorRef;
  return { clock, received, fates, network };
}

const ping = { type: 'MasterInStandby' } as const;

describe('network actor', () => {
  it('delivers after the latency, keeping each pair of endpoints FIFO', () => {
    const { clock, received, network } = startNetwork(5);
    network.send(rpc('a/A', 'b/B', ping));
    clock.runUntil(2);
    network.send(rpc('a/A', 'b/B', { type: 'ReconnectWorker', masterUrl: 'x' }));
    clock.runUntil(100);
    expect(received['b/B']).toEqual([[5, ping], [7, { type: 'ReconnectWorker', masterUrl: 'x' }]]);
  });

  it('stops messages between partitioned processes in both directions, and delivers them in order when the partition heals', () => {
    const { clock, received, network } = startNetwork(5);
    network.send({ type: 'network.partition', a: 'a', b: 'b' });
    network.send(rpc('a/A', 'b/B', ping));
    network.send(rpc('b/B', 'a/A', ping));
    network.send(rpc('a/A', 'c/C', ping));
    network.send(rpc('a/A', 'b/B', { type: 'ReconnectWorker', masterUrl: 'second' }));
    clock.runUntil(1000);
    expect(received['b/B']).toEqual([]);
    expect(received['a/A']).toEqual([]);
    expect(received['c/C']).toHaveLength(1);
    network.send({ type: 'network.heal', a: 'b', b: 'a' });
    clock.runUntil(2000);
    expect(received['b/B']).toEqual([[1005, ping], [1005, { type: 'ReconnectWorker', masterUrl: 'second' }]]);
    expect(received['a/A']).toEqual([[1005, ping]]);
  });

  it('loses what is held across a partition when one of its processes ends', () => {
    const { clock, received, fates, network } = startNetwork(5);
    network.send({ type: 'network.partition', a: 'a', b: 'b' });
    network.send(rpc('a/A', 'b/B', ping));
    network.send({ type: 'network.processVanished', process: 'b' });
    network.send({ type: 'network.heal', a: 'a', b: 'b' });
    clock.runUntil(100);
    expect(received['b/B']).toEqual([]);
    expect(fates.map(([, o]) => o)).toEqual(['dead-letter']);
  });

  it('holds everything to and from a frozen process and releases it in order when thawed', () => {
    const { clock, received, network } = startNetwork(5);
    network.send({ type: 'network.freeze', process: 'b' });
    network.send(rpc('a/A', 'b/B', ping));
    network.send(rpc('b/B', 'c/C', ping));
    clock.runUntil(1000);
    expect(received['b/B']).toEqual([]);
    expect(received['c/C']).toEqual([]);
    network.send({ type: 'network.thaw', process: 'b' });
    clock.runUntil(2000);
    expect(received['b/B']).toEqual([[1005, ping]]);
    expect(received['c/C']).toEqual([[1005, ping]]);
  });

  it('tells the peers of an exited process onDisconnected, but not the peers of a vanished one', () => {
    const { clock, received, network } = startNetwork(5);
    network.send(rpc('a/A', 'b/B', ping));
    network.send(rpc('a/A', 'c/C', ping));
    clock.runUntil(10);
    network.send({ type: 'network.processExited', process: 'b' });
    network.send({ type: 'network.processVanished', process: 'c' });
    clock.runUntil(20);
    expect(received['a/A']).toEqual([[15, { type: 'onDisconnected', remoteAddress: 'b/B' }]]);
  });

  it('delivers what a process sent before it exited, and dead-letters what is sent to it or by it afterwards', () => {
    const { clock, received, fates, network } = startNetwork(5);
    network.send(rpc('b/B', 'a/A', ping));
    network.send({ type: 'network.processExited', process: 'b' });
    network.send(rpc('a/A', 'b/B', ping));
    network.send(rpc('b/B', 'a/A', { type: 'ReconnectWorker', masterUrl: 'late' }));
    clock.runUntil(100);
    expect(received['a/A']).toEqual([[5, ping]]);
    expect(fates.filter(([, o]) => o === 'dead-letter')).toHaveLength(2);
  });

  it('dead-letters a message to an address nobody listens on', () => {
    const { clock, fates, network } = startNetwork();
    network.send(rpc('a/A', 'z/Z', ping));
    clock.runUntil(10);
    expect(fates).toEqual([['m0', 'dead-letter', 5, 'no such endpoint']]);
  });
});
