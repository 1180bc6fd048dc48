import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup, spawnChild, type AnyActorRef, type EventObject } from 'xstate';
import { appClientMachine, REGISTRATION_TIMEOUT_MS } from '../../machines/appClient.js';
import { resolveConf } from '../../machines/conf.js';
import type { ApplicationDescription } from '../../machines/protocol.js';
import { VirtualClock } from '../../runtime/clock.js';
import { startMachine } from '../support/harness.js';

const ADDRESS = 'driver-0/AppClient';
const BACKEND = 'driver-0/CoarseGrainedScheduler';
const MASTER = 'master/Master';
const desc: ApplicationDescription = { name: 'etl', driverUrl: BACKEND, memoryPerExecutorMB: 128, coresPerExecutor: 2, maxCores: 8 };
const input = { address: ADDRESS, masterAddress: MASTER, appDescription: desc, conf: resolveConf({}).conf };

/** The AppClient beside a recording CoarseGrainedScheduler (its StandaloneAppClientListener). */
function startWithListener() {
  const clock = new VirtualClock(0);
  const sent: EventObject[] = [];
  const heard: EventObject[] = [];
  const root = setup({
    actors: {
      network: fromCallback<EventObject>(({ receive }) => receive((e) => void sent.push(e))),
      backend: fromCallback<EventObject>(({ receive }) => receive((e) => void heard.push(e))),
      client: appClientMachine,
    },
  }).createMachine({
    entry: [
      spawnChild('network', { systemId: 'network' }),
      spawnChild('backend', { systemId: BACKEND }),
      spawnChild('client', { id: 'client', systemId: ADDRESS, input }),
    ],
  });
  const actor = createActor(root, { clock }).start();
  const client = actor.getSnapshot().children['client'] as AnyActorRef;
  return { clock, sent, heard, client };
}

describe('StandaloneAppClient', () => {
  it('registers with the master at start and tells its listener connected(appId)', () => {
    const { sent, heard, client } = startWithListener();
    expect(sent).toEqual([{ type: 'network.send', from: ADDRESS, to: MASTER, message: { type: 'RegisterApplication', appDescription: desc, driver: ADDRESS } }]);
    client.send({ type: 'RegisteredApplication', appId: 'app-20260101000000-0000', master: MASTER });
    expect(client.getSnapshot().value).toBe('registered');
    expect(heard).toEqual([{ type: 'appClient.connected', appId: 'app-20260101000000-0000' }]);
  });

  it('retries registration every 20 s and gives up after the 3rd attempt (dead at 60 s)', () => {
    const { clock, sent, heard, client } = startWithListener();
    clock.runUntil(REGISTRATION_TIMEOUT_MS - 1);
    expect(sent).toHaveLength(1);
    clock.runUntil(REGISTRATION_TIMEOUT_MS);
    expect(sent).toHaveLength(2);
    clock.runUntil(2 * REGISTRATION_TIMEOUT_MS);
    expect(sent).toHaveLength(3);
    expect(client.getSnapshot().value).toBe('registering');
    clock.runUntil(3 * REGISTRATION_TIMEOUT_MS - 1);
    expect(client.getSnapshot().value).toBe('registering');
    clock.runUntil(3 * REGISTRATION_TIMEOUT_MS);
    expect(client.getSnapshot().value).toBe('dead');
    expect(sent).toHaveLength(3);
    expect(heard).toEqual([{ type: 'appClient.dead', reason: 'All masters are unresponsive! Giving up.' }]);
  });

  it('stops retrying once registered', () => {
    const { clock, sent, client } = startWithListener();
    client.send({ type: 'RegisteredApplication', appId: 'app-x', master: MASTER });
    clock.runUntil(10 * REGISTRATION_TIMEOUT_MS);
    expect(sent).toHaveLength(1);
    expect(client.getSnapshot().value).toBe('registered');
  });

  it('takes a second RegisteredApplication (a retried registration the Master also answered) as Spark does: the fresh id replaces the first, connected again, and stop unregisters the fresh id', () => {
    const { sent, heard, client } = startWithListener();
    client.send({ type: 'RegisteredApplication', appId: 'app-20260101000000-0000', master: MASTER });
    client.send({ type: 'RegisteredApplication', appId: 'app-20260101000020-0001', master: MASTER });
    expect(client.getSnapshot().value).toBe('registered');
    expect(heard).toEqual([
      { type: 'appClient.connected', appId: 'app-20260101000000-0000' },
      { type: 'appClient.connected', appId: 'app-20260101000020-0001' },
    ]);
    client.send({ type: 'StopAppClient' });
    expect(sent.at(-1)).toEqual({ type: 'network.send', from: ADDRESS, to: MASTER, message: { type: 'UnregisterApplication', appId: 'app-20260101000020-0001' } });
  });

  it('turns a finished ExecutorUpdated into executorRemoved with exit status and worker host, and ignores RUNNING', () => {
    const { heard, client } = startWithListener();
    client.send({ type: 'RegisteredApplication', appId: 'app-1', master: MASTER });
    heard.length = 0;
    client.send({ type: 'ExecutorUpdated', id: 3, state: 'RUNNING' });
    expect(heard).toEqual([]);
    client.send({ type: 'ExecutorUpdated', id: 3, state: 'EXITED', message: 'Command exited with code 137', exitStatus: 137 });
    client.send({ type: 'ExecutorUpdated', id: 4, state: 'LOST', message: 'worker lost: Not receiving heartbeat for 60 seconds', workerHost: '10.0.0.1' });
    expect(heard).toEqual([
      { type: 'appClient.executorRemoved', fullId: 'app-1/3', message: 'Command exited with code 137', exitStatus: 137, workerHost: undefined },
      { type: 'appClient.executorRemoved', fullId: 'app-1/4', message: 'worker lost: Not receiving heartbeat for 60 seconds', exitStatus: undefined, workerHost: '10.0.0.1' },
    ]);
  });

  it('marks the application dead when the master removes it', () => {
    const { heard, client } = startWithListener();
    client.send({ type: 'RegisteredApplication', appId: 'app-1', master: MASTER });
    client.send({ type: 'ApplicationRemoved', message: 'FAILED' });
    expect(client.getSnapshot().value).toBe('dead');
    expect(heard.at(-1)).toEqual({ type: 'appClient.dead', reason: 'Master removed our application: FAILED' });
  });

  it('unregisters the application on StopAppClient', () => {
    const { sent, client } = startWithListener();
    client.send({ type: 'RegisteredApplication', appId: 'app-1', master: MASTER });
    client.send({ type: 'StopAppClient' });
    expect(client.getSnapshot().value).toBe('stopped');
    expect(sent.at(-1)).toEqual({ type: 'network.send', from: ADDRESS, to: MASTER, message: { type: 'UnregisterApplication', appId: 'app-1' } });
  });

  it('forwards RequestExecutors and KillExecutors to the master only once registered', () => {
    const h = startMachine(appClientMachine, { input, systemId: ADDRESS });
    h.takeSent();
    h.send({ type: 'KillExecutors', appId: '', executorIds: ['1'] });
    expect(h.takeSent()).toEqual([]);
    h.send({ type: 'RegisteredApplication', appId: 'app-1', master: MASTER });
    h.send({ type: 'KillExecutors', appId: '', executorIds: ['1'] });
    h.send({ type: 'RequestExecutors', appId: '', resourceProfileToTotalExecs: { 0: 3 } });
    expect(h.takeSent().map((e) => e.message)).toEqual([
      { type: 'KillExecutors', appId: 'app-1', executorIds: ['1'] },
      { type: 'RequestExecutors', appId: 'app-1', resourceProfileToTotalExecs: { 0: 3 } },
    ]);
  });

  it('tells its listener disconnected once when the master goes away, and ignores other disconnects', () => {
    const { heard, client } = startWithListener();
    client.send({ type: 'RegisteredApplication', appId: 'app-1', master: MASTER });
    heard.length = 0;
    client.send({ type: 'onDisconnected', remoteAddress: '10.0.0.1/Worker' });
    client.send({ type: 'onDisconnected', remoteAddress: MASTER });
    client.send({ type: 'onDisconnected', remoteAddress: MASTER });
    expect(heard).toEqual([{ type: 'appClient.disconnected' }]);
  });
});
