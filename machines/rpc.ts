/**
 * How a machine sends a message to another Spark process: it hands an envelope request to the
 * network actor (system id `network`), which stamps send time and cause, applies latency and
 * faults, and delivers it by the receiver's system id (DESIGN.md rule 3).
 */
import type { ActorSystem, AnyActorRef } from 'xstate';
import type { Address, RpcMessage } from './protocol.js';

export const NETWORK_SYSTEM_ID = 'network';

/** What a machine sends to the network actor. */
export interface NetworkSend { type: 'network.send'; from: Address; to: Address; message: RpcMessage }

/**
 * What a process stand-in tells the network when its JVM exits: its connections close, so every
 * endpoint that talked to it hears onDisconnected (RpcEndpoint.onDisconnected in Spark).
 */
export interface CloseConnections { type: 'network.processExited'; process: string }

export function closeConnections(process: string): CloseConnections {
  return { type: 'network.processExited', process };
}

export function rpc(from: Address, to: Address, message: RpcMessage): NetworkSend {
  return { type: 'network.send', from, to, message };
}

/**
 * The network actor of the system. Throws rather than returning undefined: XState's sendTo to an
 * undefined target would deliver the message back to the sender.
 */
export function networkOf(system: ActorSystem<any>): AnyActorRef {
  const network = system.get(NETWORK_SYSTEM_ID) as AnyActorRef | undefined;
  if (!network) throw new Error(`no actor with system id "${NETWORK_SYSTEM_ID}" in this actor system`);
  return network;
}
