/**
 * The XState floor of Spark's executor heartbeat: the same flow as the cluster's
 * (Heartbeater tick -> executor backend -> network -> HeartbeatReceiver -> BlockManagerMaster ->
 * HeartbeatReceiver -> network -> executor backend: five machine transitions and two network
 * events per heartbeat), through machines that do nothing else: one state, one assign per
 * transition, a callback-actor network on the same virtual clock, no faults, no checks, no trace.
 *
 * What it answers: how fast an idle cluster can run at all while every Spark endpoint is an XState
 * actor and every heartbeat takes Spark's path. The idle benchmark (scenario 2) is compared with
 * it; a target above this bound needs fewer actor hops per heartbeat, not faster bookkeeping.
 */
import { assign, createActor, enqueueActions, fromCallback, setup, type AnyActorRef } from 'xstate';
import { VirtualClock } from '../runtime/clock.js';

export interface FloorResult { heartbeats: number; simulatedMs: number }

interface Send { type: 'network.send'; to: string; message: { type: string; executorId?: string; replyTo?: string } }

const HEARTBEAT_INTERVAL_MS = 10_000;
const LATENCY_MS = 1;

const network = fromCallback<Send, { clock: VirtualClock }>(({ input, receive, system }) => {
  receive((e) => input.clock.setTimeout(() => (system.get(e.to) as AnyActorRef).send(e.message), LATENCY_MS));
});

const backend = setup({
  types: { context: {} as { executorId: string; awaiting: boolean; failures: number }, input: {} as { executorId: string }, events: {} as { type: 'tick' } | { type: 'HeartbeatResponse' } },
}).createMachine({
  context: ({ input }) => ({ executorId: input.executorId, awaiting: false, failures: 0 }),
  initial: 'running',
  states: {
    running: {
      on: {
        tick: {
          actions: enqueueActions(({ context, enqueue, system }) => {
            enqueue.assign({ awaiting: true, failures: context.failures + (context.awaiting ? 1 : 0) });
            const send: Send = { type: 'network.send', to: 'HeartbeatReceiver', message: { type: 'Heartbeat', executorId: context.executorId, replyTo: context.executorId } };
            enqueue.sendTo(system.get('network'), send);
          }),
        },
        HeartbeatResponse: { actions: assign({ awaiting: false, failures: 0 }) },
      },
    },
  },
});

type ReceiverEvent = { type: 'Heartbeat'; executorId: string; replyTo: string } | { type: 'BlockManagerHeartbeatReply'; executorId: string };
const heartbeatReceiver = setup({
  types: { context: {} as { lastSeen: Record<string, number>; awaiting: ReadonlyArray<readonly [string, string]> }, events: {} as ReceiverEvent },
}).createMachine({
  context: { lastSeen: {}, awaiting: [] },
  initial: 'running',
  states: {
    running: {
      on: {
        Heartbeat: {
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            enqueue.assign({ awaiting: [...context.awaiting, [event.executorId, event.replyTo]] });
            const ask = { type: 'BlockManagerHeartbeat', executorId: event.executorId };
            enqueue.sendTo(system.get('BlockManagerMaster'), ask);
          }),
        },
        BlockManagerHeartbeatReply: {
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            const replyTo = context.awaiting.find(([id]) => id === event.executorId)![1];
            enqueue.assign({ awaiting: context.awaiting.filter(([id]) => id !== event.executorId) });
            const send: Send = { type: 'network.send', to: replyTo, message: { type: 'HeartbeatResponse' } };
            enqueue.sendTo(system.get('network'), send);
          }),
        },
      },
    },
  },
});

const blockManagerMaster = setup({
  types: { context: {} as { heartbeats: number }, events: {} as { type: 'BlockManagerHeartbeat'; executorId: string } },
}).createMachine({
  context: { heartbeats: 0 },
  initial: 'active',
  states: {
    active: {
      on: {
        BlockManagerHeartbeat: {
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            enqueue.assign({ heartbeats: context.heartbeats + 1 });
            const reply = { type: 'BlockManagerHeartbeatReply', executorId: event.executorId };
            enqueue.sendTo(system.get('HeartbeatReceiver'), reply);
          }),
        },
      },
    },
  },
});

/** Runs `executors` heartbeating executors for `simulatedMs` (heartbeats staggered over one interval). */
export function runFloor(executors: number, simulatedMs: number): FloorResult {
  const clock = new VirtualClock(0);
  const root = setup({ actors: { network, backend, heartbeatReceiver, blockManagerMaster } }).createMachine({
    entry: enqueueActions(({ enqueue }) => {
      enqueue.spawnChild('network', { systemId: 'network', input: { clock } });
      enqueue.spawnChild('heartbeatReceiver', { systemId: 'HeartbeatReceiver' });
      enqueue.spawnChild('blockManagerMaster', { systemId: 'BlockManagerMaster' });
      for (let i = 0; i < executors; i++) enqueue.spawnChild('backend', { systemId: String(i), input: { executorId: String(i) } });
    }),
  });
  const actor = createActor(root, { clock }).start();
  let heartbeats = 0;
  for (let i = 0; i < executors; i++) {
    const executor = actor.system.get(String(i)) as AnyActorRef;
    const tick = (delayMs: number) => clock.setTimeout(() => {
      heartbeats++;
      executor.send({ type: 'tick' });
      tick(HEARTBEAT_INTERVAL_MS);
    }, delayMs);
    tick(1 + Math.floor((i * HEARTBEAT_INTERVAL_MS) / executors));
  }
  clock.runUntil(simulatedMs);
  actor.stop();
  return { heartbeats, simulatedMs };
}
