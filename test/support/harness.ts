/**
 * Runs one machine as a real actor, on a VirtualClock, beside a recording network actor and
 * under a recording parent, so a pure machine test can send Spark's messages and read the next
 * state, the context, the messages it sent through the network and the events it sent its parent.
 */
import { vi } from 'vitest';
import { createActor, enqueueActions, fromCallback, setup, spawnChild, type AnyActorRef, type AnyStateMachine, type EventObject, type SnapshotFrom, type InputFrom } from 'xstate';
import { VirtualClock } from '../../runtime/clock.js';
import type { CloseConnections, NetworkSend } from '../../machines/rpc.js';
import type { RpcMessage } from '../../machines/protocol.js';

export interface Harness<T extends AnyStateMachine> {
  clock: VirtualClock;
  /** Envelopes the machine handed to the network, oldest first. */
  sent: NetworkSend[];
  /** Processes whose connections the machine closed (CloseConnections: its JVM exited). */
  closed: string[];
  /** Events the machine sent to its parent, oldest first. */
  toParent: EventObject[];
  actor: AnyActorRef;
  send<E extends { type: string }>(event: E): void;
  snapshot(): SnapshotFrom<T>;
  /** Removes and returns what was sent so far. */
  takeSent(): NetworkSend[];
  /** Messages of one type sent so far (not removed). */
  sentOf<K extends RpcMessage['type']>(type: K): Array<NetworkSend & { message: Extract<RpcMessage, { type: K }> }>;
  takeParent(): EventObject[];
  /** Events received by each recording peer (same-process endpoints), oldest first. */
  peers: Record<string, EventObject[]>;
}

export function startMachine<T extends AnyStateMachine>(
  logic: T,
  options: { input: InputFrom<T>; systemId: string; startMs?: number; peers?: string[] },
): Harness<T> {
  const clock = new VirtualClock(options.startMs ?? 0);
  const sent: NetworkSend[] = [];
  const closed: string[] = [];
  const toParent: EventObject[] = [];
  const peers: Record<string, EventObject[]> = Object.fromEntries((options.peers ?? []).map((p) => [p, []]));
  const recorder = fromCallback<EventObject, { address: string }>(({ receive, input }) => {
    receive((event) => void peers[input.address]!.push(event));
  });
  const root = setup({
    actors: {
      network: fromCallback<EventObject>(({ receive }) => {
        receive((event) => {
          if (event.type === 'network.processExited') closed.push((event as CloseConnections).process);
          else sent.push(event as NetworkSend);
        });
      }),
      subject: logic as AnyStateMachine,
      recorder,
    },
  }).createMachine({
    entry: [
      spawnChild('network', { systemId: 'network' }),
      enqueueActions(({ enqueue }) => {
        for (const address of options.peers ?? []) enqueue.spawnChild('recorder', { id: address, systemId: address, input: { address } });
      }),
      spawnChild('subject', { id: 'subject', systemId: options.systemId, input: options.input as never }),
    ],
    // XState's own notifications (xstate.done.actor.*) are not messages the machine sent.
    on: { '*': { actions: ({ event }) => void (event.type.startsWith('xstate.') || toParent.push(event)) } },
  });
  const rootActor = createActor(root, { clock });
  rootActor.start();
  const actor = rootActor.getSnapshot().children['subject'] as AnyActorRef;
  return {
    clock,
    sent,
    closed,
    toParent,
    actor,
    send: (event) => actor.send(event as never),
    snapshot: () => actor.getSnapshot() as SnapshotFrom<T>,
    takeSent: () => sent.splice(0),
    sentOf: (type) => sent.filter((e) => e.message.type === type) as never,
    takeParent: () => toParent.splice(0),
    peers,
  };
}

/** Sends events to an actor that has stopped; returns the types XState reports as dropped. */
export function droppedEvents(send: (event: { type: string }) => void, events: Array<{ type: string } & Record<string, unknown>>): Array<string | undefined> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    for (const e of events) send(e);
    return warn.mock.calls.map((c) => /^Event "([^"]+)" was sent to stopped actor/.exec(String(c[0]))?.[1]);
  } finally {
    warn.mockRestore();
  }
}
