/**
 * `run --inspect`: the actor system streamed to Stately's inspector (@statelyai/inspect's WebSocket
 * inspector), with every actor named by its Spark role and address, so the inspector's actor list
 * and sequence diagram read like Spark's endpoints (`master/Master`, `worker-1/Worker`,
 * `worker-1/Worker › ExecutorRunner(app-20260101000001-0000/0)`).
 *
 * Messages between processes travel through the network actor; the inspector is told the Spark
 * sender of each delivered message (the `from` of the `network.send` that carried it), and the
 * hops to and from the network itself are left out.
 */
import { createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { NETWORK_SYSTEM_ID, type NetworkSend } from '../machines/rpc.js';

interface ActorLike { id: string; sessionId: string; systemId?: string; _parent?: ActorLike; logic?: { config?: { id?: string }; id?: string } }

/** An actor's Spark name: its address when it is an endpoint, else its parent's name, its role and its id. */
export function sparkActorName(actor: AnyActorRef): string {
  const a = actor as unknown as ActorLike;
  if (a.systemId !== undefined) return a.systemId;
  if (!a._parent) return a.id;
  const role = a.logic?.config?.id ?? a.logic?.id;
  const own = role === undefined || role === a.id ? a.id : `${role}(${a.id})`;
  return `${sparkActorName(a._parent as unknown as AnyActorRef)} › ${own}`;
}

/** Inspection events rewritten for Spark: actor names, the Spark sender of network-delivered messages. */
export class SparkInspection {
  /** Actors by session id. Named when their event is serialized: a system id is registered only after the actor's creation is inspected. */
  private readonly actors = new Map<string, AnyActorRef>();
  /** Each message object in flight -> the address that sent it (from its network.send). */
  private readonly senders = new WeakMap<object, string>();

  constructor(private readonly forward: (event: InspectionEvent) => void) {}

  readonly observe = (event: InspectionEvent): void => {
    const actor = event.actorRef as AnyActorRef & { systemId?: string };
    if (event.type === '@xstate.actor') this.actors.set(actor.sessionId, actor);
    if (event.type === '@xstate.event') {
      if (actor === actor.system.get(NETWORK_SYSTEM_ID)) {
        const send = event.event as Partial<NetworkSend>;
        if (send.type === 'network.send' && send.message && send.from !== undefined) this.senders.set(send.message, send.from);
        return;
      }
      const from = this.senders.get(event.event);
      const sourceRef = from !== undefined ? (actor.system.get(from) as AnyActorRef | undefined) : undefined;
      if (sourceRef) {
        this.forward({ ...event, sourceRef });
        return;
      }
    }
    this.forward(event);
  };

  /** The Spark name of an inspected actor, by session id. */
  name(sessionId: string): string | undefined {
    const actor = this.actors.get(sessionId);
    return actor ? sparkActorName(actor) : undefined;
  }

  /** Stately's serialized events, with the Spark name on each actor. */
  readonly rename = (event: StatelyInspectionEvent): StatelyInspectionEvent =>
    event.type === '@xstate.actor' ? { ...event, name: this.name(event.sessionId) ?? event.name } : event;
}

export interface Inspection {
  observe: (event: InspectionEvent) => void;
  /** Sends what is still queued and closes the connection (and the bridge server, if one was started). */
  close(): Promise<void>;
}

/** Where `--inspect` sends events: a WebSocket URL, or a port on which to start Stately's bridge page. */
export type InspectTarget = { url: string } | { port: number };

export function parseInspectTarget(value: string | true): InspectTarget {
  if (value === true) return { port: 8080 };
  if (/^wss?:\/\/\S+$/.test(value)) return { url: value };
  if (/^[0-9]+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535) return { port: Number(value) };
  throw new Error(`expected a port (1-65535) for the local inspector page, or a ws:// URL, got "${value}"`);
}

/**
 * Connects to the inspector (starting Stately's bridge page first for a port target) and resolves
 * once the WebSocket is open; rejects with the reason when it cannot connect.
 */
export async function startInspection(target: InspectTarget, options: { openBrowser?: boolean } = {}): Promise<Inspection & { pageUrl?: string }> {
  const server = 'port' in target ? createInspectorServer({ port: target.port, autoOpen: options.openBrowser ?? true }) : undefined;
  const url = 'url' in target ? target.url : `ws://localhost:${target.port}`;
  let spark: SparkInspection | undefined;
  const inspector = createWebSocketInspector({ url, autoStart: false, maxDeferredEvents: Number.MAX_SAFE_INTEGER, serialize: (e) => spark!.rename(e) });
  spark = new SparkInspection((event) => inspector.inspect.next?.(event));
  inspector.start();
  // The adapter's socket (ws in Node). Its own error handler retries forever; a CLI run fails instead.
  const ws = (inspector.adapter as unknown as { ws: WebSocketLike }).ws;
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.onerror = (e) => {
      server?.stop();
      reject(new Error(`cannot connect to the inspector at ${url}${e.message ? ` (${e.message})` : ''}`));
    };
  });
  return {
    observe: spark.observe,
    ...('port' in target ? { pageUrl: `http://localhost:${target.port}` } : {}),
    async close() {
      // Stately's inspector converts each event on a zero-delay timer: let those run first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise<void>((resolve) => {
        ws.addEventListener('close', () => resolve());
        ws.close();
      });
      server?.stop();
    },
  };
}

interface WebSocketLike {
  addEventListener(type: 'open' | 'close', listener: () => void): void;
  onerror: ((event: { message?: string }) => void) | null;
  close(): void;
}
