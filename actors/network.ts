/**
 * The network between Spark processes: the only place where faults touch messages.
 *
 * Every cross-process message arrives here as a `network.send` request and leaves as an envelope
 * (id, sender, receiver, send time, cause) delivered to the receiver's system id through the
 * clock, after the configured latency and never before an earlier message on the same pair of
 * endpoints (Spark's RPC connections are FIFO). The cause of a message is the envelope whose
 * delivery led to it (delivery is synchronous and depth-first, so everything sent while an
 * envelope is being delivered was caused by it); messages sent from timers have no cause.
 *
 * Faults: a partition stops messages between two processes; TCP keeps a connection's bytes, so
 * what was sent across a partition that heals is delivered late, in order, and what is still
 * held when a process ends is lost. A frozen process (a hang, a long GC pause) neither receives
 * nor sends until thawed. An exited process closes its connections, so its peers get
 * `onDisconnected`; a vanished process (a lost host) closes nothing.
 */
import { fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import { processOf } from '../machines/ids.js';
import type { Address, RpcMessage } from '../machines/protocol.js';
import type { CloseConnections, NetworkSend } from '../machines/rpc.js';
import type { SimClock } from '../machines/clock.js';

export interface Envelope {
  id: string;
  /** Order of sending, across the whole network. */
  seq: number;
  from: Address;
  to: Address;
  message: RpcMessage | { type: 'onDisconnected'; remoteAddress: Address };
  sentAt: number;
  causeId: string | undefined;
}

export type EnvelopeOutcome = 'delivered' | 'dropped' | 'dead-letter';

export interface NetworkObserver {
  /** Called once per envelope when its fate is known, in the order fates are decided. */
  onEnvelope(envelope: Envelope, outcome: EnvelopeOutcome, atMs: number, detail?: string): void;
  /** Called after a delivered envelope and everything it caused synchronously were processed. */
  afterDelivery?(envelope: Envelope): void;
  /** Called once per envelope when it is sent; until its onEnvelope it is in flight (or held). */
  onSend?(envelope: Envelope): void;
}

export type NetworkControl =
  | { type: 'network.partition'; a: string; b: string }
  | { type: 'network.heal'; a: string; b: string }
  | { type: 'network.freeze'; process: string }
  | { type: 'network.thaw'; process: string }
  | CloseConnections
  | { type: 'network.processVanished'; process: string };

export type NetworkEvent = NetworkSend | NetworkControl;

export interface NetworkInput {
  clock: SimClock;
  latencyMs: number;
  newId: () => string;
  observer: NetworkObserver;
  /** Bound on messages held for one frozen process; older ones are dropped beyond it. */
  maxHeldPerProcess?: number;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export const networkLogic = fromCallback<NetworkEvent, NetworkInput>(({ input, receive, system }) => {
  const { clock, latencyMs, newId, observer } = input;
  const maxHeld = input.maxHeldPerProcess ?? 100_000;
  /** Partitioned process pairs, with the messages held between them in sending order. */
  const partitions = new Map<string, Envelope[]>();
  const frozen = new Map<string, Envelope[]>();
  /** Processes that exited or vanished, with the seq of the first envelope sent after that. */
  const gone = new Map<string, number>();
  let seq = 0;
  /**
   * Per (sender, receiver) endpoint pair: when its last message is due (FIFO) and whether a message
   * between them was delivered yet. One lookup per message (its delivery gets the link with it)
   * instead of a string key built per send and the `peers` sets touched per delivery (together
   * ~2 µs a message at 1,000 executors).
   */
  type Link = { lastDeliveryAt: number; talked: boolean };
  const links = new Map<Address, Map<Address, Link>>();
  const linkOf = (from: Address, to: Address): Link => {
    let byTo = links.get(from);
    if (!byTo) links.set(from, (byTo = new Map()));
    let link = byTo.get(to);
    if (!link) byTo.set(to, (link = { lastDeliveryAt: 0, talked: false }));
    return link;
  };
  /** Per process, the endpoint pairs (local endpoint elsewhere -> remote endpoint in it) that talked. */
  const peers = new Map<string, Map<Address, Set<Address>>>();
  let currentCause: string | undefined;

  const remember = (local: Address, remote: Address) => {
    const process = processOf(remote);
    let byRemote = peers.get(process);
    if (!byRemote) peers.set(process, (byRemote = new Map()));
    let locals = byRemote.get(remote);
    if (!locals) byRemote.set(remote, (locals = new Set()));
    locals.add(local);
  };

  const blocked = (env: Envelope): string | undefined => {
    if (gone.size === 0) return undefined;
    const a = processOf(env.from);
    const b = processOf(env.to);
    if (gone.has(b)) return 'process gone';
    // What a process sent before it ended is still delivered (it was on the wire); a disconnect
    // notice comes from the closed connection itself.
    const senderGoneAt = gone.get(a);
    if (senderGoneAt !== undefined && env.message.type !== 'onDisconnected' && env.seq >= senderGoneAt) return 'process gone';
    return undefined;
  };

  /** Holds the envelope if its two processes are partitioned; true when held. */
  const heldByPartition = (env: Envelope): boolean => {
    if (partitions.size === 0) return false;
    const held = partitions.get(pairKey(processOf(env.from), processOf(env.to)));
    if (!held) return false;
    hold(`${processOf(env.from)} <-> ${processOf(env.to)}`, held, env);
    return true;
  };

  /** True when the envelope goes no further now: dead-lettered, or held by a partition. */
  const stopped = (env: Envelope): boolean => {
    const reason = blocked(env);
    if (reason) {
      observer.onEnvelope(env, 'dead-letter', clock.now(), reason);
      return true;
    }
    return heldByPartition(env);
  };

  const deliver = (env: Envelope, link: Link) => {
    if (stopped(env)) return;
    const held = frozen.size === 0 ? undefined : frozen.get(processOf(env.to));
    if (held) {
      hold(processOf(env.to), held, env);
      return;
    }
    const target = system.get(env.to) as AnyActorRef | undefined;
    if (!target || target.getSnapshot().status !== 'active') {
      observer.onEnvelope(env, 'dead-letter', clock.now(), 'no such endpoint');
      return;
    }
    if (env.message.type !== 'onDisconnected') {
      if (!link.talked) {
        link.talked = true;
        remember(env.to, env.from);
        remember(env.from, env.to);
      }
    }
    observer.onEnvelope(env, 'delivered', clock.now());
    const previous = currentCause;
    currentCause = env.id;
    try {
      target.send(env.message as EventObject);
    } finally {
      currentCause = previous;
    }
    observer.afterDelivery?.(env);
  };

  const hold = (where: string, held: Envelope[], env: Envelope) => {
    held.push(env);
    if (held.length > maxHeld) {
      const dropped = held.shift()!;
      observer.onEnvelope(dropped, 'dropped', clock.now(), `more than ${maxHeld} messages held for ${where}`);
    }
  };

  /** Schedules delivery after the latency, keeping each (sender, receiver) pair FIFO. */
  const transmit = (env: Envelope) => {
    const link = linkOf(env.from, env.to);
    const at = Math.max(clock.now() + latencyMs, link.lastDeliveryAt);
    link.lastDeliveryAt = at;
    clock.setTimeout(() => deliver(env, link), at - clock.now());
  };

  receive((event) => {
    switch (event.type) {
      case 'network.send': {
        const env: Envelope = { id: newId(), seq: seq++, from: event.from, to: event.to, message: event.message, sentAt: clock.now(), causeId: currentCause };
        observer.onSend?.(env);
        if (stopped(env)) return;
        const held = frozen.size === 0 ? undefined : frozen.get(processOf(env.from));
        if (held) hold(processOf(env.from), held, env);
        else transmit(env);
        return;
      }
      case 'network.partition':
        if (!partitions.has(pairKey(event.a, event.b))) partitions.set(pairKey(event.a, event.b), []);
        return;
      case 'network.heal': {
        const held = partitions.get(pairKey(event.a, event.b));
        partitions.delete(pairKey(event.a, event.b));
        for (const env of held ?? []) transmit(env);
        return;
      }
      case 'network.freeze':
        if (!frozen.has(event.process)) frozen.set(event.process, []);
        return;
      case 'network.thaw': {
        const held = frozen.get(event.process);
        frozen.delete(event.process);
        for (const env of held ?? []) transmit(env);
        return;
      }
      case 'network.processExited':
      case 'network.processVanished': {
        const process = event.process;
        if (gone.has(process)) return;
        gone.set(process, seq);
        for (const env of frozen.get(process) ?? []) observer.onEnvelope(env, 'dead-letter', clock.now(), 'process gone');
        frozen.delete(process);
        for (const [key, held] of partitions) {
          if (!key.split('\u0000').includes(process)) continue;
          const kept = held.filter((env) => processOf(env.from) !== process && processOf(env.to) !== process);
          for (const env of held) if (!kept.includes(env)) observer.onEnvelope(env, 'dead-letter', clock.now(), 'process gone');
          partitions.set(key, kept);
        }
        const byRemote = peers.get(process);
        peers.delete(process);
        if (event.type === 'network.processVanished' || !byRemote) return;
        // The connection closes: every endpoint that talked to an endpoint of this process hears
        // RpcEndpoint.onDisconnected for it, after in-flight data (FIFO on the same connection).
        for (const [remote, locals] of [...byRemote].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          for (const local of [...locals].sort()) {
            if (gone.has(processOf(local))) continue;
            const env: Envelope = { id: newId(), seq: seq++, from: remote, to: local, message: { type: 'onDisconnected', remoteAddress: remote }, sentAt: clock.now(), causeId: currentCause };
            observer.onSend?.(env);
            transmit(env);
          }
        }
        return;
      }
    }
  });

});
