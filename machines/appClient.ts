/**
 * StandaloneAppClient: the driver's endpoint "AppClient" that registers the application with the
 * standalone Master and turns the Master's messages into StandaloneAppClientListener calls on the
 * StandaloneSchedulerBackend (here: events to the driver's CoarseGrainedScheduler actor).
 *
 * Models core/src/main/scala/org/apache/spark/deploy/client/StandaloneAppClient.scala
 * (shared/spark-semantics.md section 5.6).
 */
import { assign, enqueueActions, sendTo, setup, type AnyActorRef } from 'xstate';
import { ENDPOINT, siblingAddress } from './ids.js';
import type {
  Address, ApplicationDescription, ApplicationRemoved, ExecutorAdded, ExecutorUpdated, KillExecutors, MasterChanged,
  OnDisconnected, RegisteredApplication, RequestExecutors, StopAppClient, WorkerRemoved,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import type { ResolvedConf } from './conf.js';
import { isExecutorFinished } from './states.js';

/** StandaloneAppClient.REGISTRATION_TIMEOUT_SECONDS and REGISTRATION_RETRIES (hard-coded in Spark). */
export const REGISTRATION_TIMEOUT_MS = 20_000;
export const REGISTRATION_RETRIES = 3;

export interface AppClientInput {
  address: Address;
  masterAddress: Address;
  appDescription: ApplicationDescription;
  conf: ResolvedConf;
}

export interface AppClientContext {
  address: Address;
  master: Address;
  appDescription: ApplicationDescription;
  appId: string | undefined;
  /** registerWithMaster's nthRetry: 1 for the first attempt. */
  nthRetry: number;
  /** markDead and markDisconnected call their listener once only (alreadyDead / alreadyDisconnected). */
  alreadyDead: boolean;
  alreadyDisconnected: boolean;
  deadReason: string | undefined;
}

export type AppClientEvent =
  | RegisteredApplication | ApplicationRemoved | ExecutorAdded | ExecutorUpdated | WorkerRemoved | MasterChanged
  | StopAppClient | RequestExecutors | KillExecutors | OnDisconnected;

/** The scheduler backend that listens to this client: the CoarseGrainedScheduler of the same driver. */
const backendOf = (context: AppClientContext): Address => siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler);

export const appClientMachine = setup({
  types: {
    input: {} as AppClientInput,
    context: {} as AppClientContext,
    events: {} as AppClientEvent,
  },
  delays: {
    REGISTRATION_TIMEOUT: REGISTRATION_TIMEOUT_MS,
  },
  guards: {
    retriesExhausted: ({ context }) => context.nthRetry >= REGISTRATION_RETRIES,
    fromMaster: ({ context, event }) => event.type === 'onDisconnected' && event.remoteAddress === context.master,
    registered: ({ context }) => context.appId !== undefined,
  },
  actions: {
    registerWithMaster: sendTo(({ system }) => networkOf(system), ({ context }) =>
      rpc(context.address, context.master, { type: 'RegisterApplication', appDescription: context.appDescription, driver: context.address })),
    /** markDead(reason): listener.dead(reason), once. */
    markDead: enqueueActions(({ context, enqueue, system }, params: { reason: string }) => {
      if (context.alreadyDead) return;
      enqueue.assign({ alreadyDead: true, deadReason: params.reason });
      const backend = system.get(backendOf(context)) as AnyActorRef | undefined;
      if (backend) enqueue.sendTo(backend, { type: 'appClient.dead', reason: params.reason });
    }),
    /** MasterChanged: MasterChangeAcknowledged(appId) to the new master. */
    acknowledgeMasterChange: sendTo(({ system }) => networkOf(system), ({ context }) => rpc(context.address, context.master, { type: 'MasterChangeAcknowledged', appId: context.appId! })),
    /** RequestExecutors / KillExecutors: forwarded as an ask to the master with this app id. */
    askMaster: sendTo(({ system }) => networkOf(system), ({ context, event }) => rpc(context.address, context.master, { ...(event as RequestExecutors | KillExecutors), appId: context.appId! })),
    /** stop(): UnregisterApplication(appId) to the master. */
    unregisterApplication: sendTo(({ system }) => networkOf(system), ({ context }) => rpc(context.address, context.master, { type: 'UnregisterApplication', appId: context.appId! })),
    /** Local call to the listener (StandaloneSchedulerBackend), resolved explicitly. */
    tellBackend: enqueueActions(({ context, enqueue, system }, params: { event: { type: `appClient.${string}` } & Record<string, unknown> }) => {
      const backend = system.get(backendOf(context)) as AnyActorRef | undefined;
      if (backend) enqueue.sendTo(backend, params.event);
    }),
  },
}).createMachine({
  id: 'AppClient',
  context: ({ input }) => ({
    address: input.address,
    master: input.masterAddress,
    appDescription: input.appDescription,
    appId: undefined,
    nthRetry: 1,
    alreadyDead: false,
    alreadyDisconnected: false,
    deadReason: undefined,
  }),
  initial: 'registering',
  on: {
    onDisconnected: {
      guard: 'fromMaster',
      description: 'ClientEndpoint.onDisconnected: the master went away; listener.disconnected() once (markDisconnected).',
      actions: enqueueActions(({ context, enqueue }) => {
        if (context.alreadyDisconnected) return;
        enqueue.assign({ alreadyDisconnected: true });
        enqueue({ type: 'tellBackend', params: { event: { type: 'appClient.disconnected' } } });
      }),
    },
  },
  states: {
    registering: {
      description: 'registerWithMaster(nthRetry): RegisterApplication to every master, then a check after REGISTRATION_TIMEOUT_SECONDS (20 s).',
      entry: 'registerWithMaster',
      after: {
        REGISTRATION_TIMEOUT: [
          {
            guard: 'retriesExhausted',
            target: 'dead',
            description: 'Still not registered after the 3rd attempt: markDead("All masters are unresponsive! Giving up.").',
            actions: { type: 'markDead', params: { reason: 'All masters are unresponsive! Giving up.' } },
          },
          {
            target: 'registering',
            reenter: true,
            description: 'Not registered yet: registerWithMaster(nthRetry + 1).',
            actions: assign({ nthRetry: ({ context }) => context.nthRetry + 1 }),
          },
        ],
      },
      on: {
        RegisteredApplication: {
          target: 'registered',
          description: 'Store the app id and master, registered = true, listener.connected(appId).',
          actions: [
            assign({ appId: ({ event }) => event.appId, master: ({ event }) => event.master }),
            { type: 'tellBackend', params: ({ event }) => ({ event: { type: 'appClient.connected', appId: event.appId } }) },
          ],
        },
        StopAppClient: {
          target: 'stopped',
          description: 'Stopped before registration: markDead("Application has been stopped."); no app id to unregister.',
          actions: { type: 'markDead', params: { reason: 'Application has been stopped.' } },
        },
        RequestExecutors: { description: 'Not registered yet: Spark replies false and sends nothing.' },
        KillExecutors: { description: 'Not registered yet: Spark replies false and sends nothing.' },
      },
    },
    registered: {
      on: {
        RegisteredApplication: {
          description:
            'Another answer (the Master registered a retried RegisterApplication too and answered it with a fresh, unregistered id): ' +
            'Spark sets appId and master again and calls listener.connected(appId) again (the FIXME in StandaloneAppClient.scala); ' +
            'later asks and UnregisterApplication carry that id.',
          actions: [
            assign({ appId: ({ event }) => event.appId, master: ({ event }) => event.master }),
            { type: 'tellBackend', params: ({ event }) => ({ event: { type: 'appClient.connected', appId: event.appId } }) },
          ],
        },
        ExecutorAdded: {
          description: 'listener.executorAdded(appId/id, ...): logged by the backend.',
          actions: { type: 'tellBackend', params: ({ context, event }) => ({ event: { type: 'appClient.executorAdded', fullId: `${context.appId}/${event.id}`, workerId: event.workerId, hostPort: event.hostPort, cores: event.cores, memory: event.memory } }) },
        },
        ExecutorUpdated: {
          description: 'A finished state becomes listener.executorRemoved(fullId, message, exitStatus, workerHost); RUNNING is ignored.',
          actions: enqueueActions(({ context, event, enqueue }) => {
            if (!isExecutorFinished(event.state)) return;
            enqueue({
              type: 'tellBackend',
              params: { event: { type: 'appClient.executorRemoved', fullId: `${context.appId}/${event.id}`, message: event.message ?? '', exitStatus: event.exitStatus, workerHost: event.workerHost } },
            });
          }),
        },
        WorkerRemoved: {
          actions: { type: 'tellBackend', params: ({ event }) => ({ event: { type: 'appClient.workerRemoved', workerId: event.id, host: event.host, message: event.message } }) },
        },
        ApplicationRemoved: {
          target: 'dead',
          description: 'markDead("Master removed our application: " + message) and stop.',
          actions: { type: 'markDead', params: ({ event }) => ({ reason: `Master removed our application: ${event.message}` }) },
        },
        MasterChanged: {
          description: 'Switch to the new master and acknowledge (MasterChangeAcknowledged).',
          actions: [assign({ master: ({ event }) => event.master }), 'acknowledgeMasterChange'],
        },
        RequestExecutors: {
          description: 'Forwarded as an ask to the master with this app id.',
          actions: 'askMaster',
        },
        KillExecutors: {
          description: 'Forwarded as an ask to the master with this app id.',
          actions: 'askMaster',
        },
        StopAppClient: {
          target: 'stopped',
          description: 'markDead("Application has been stopped."), UnregisterApplication(appId) to the master, stop.',
          actions: [
            { type: 'markDead', params: { reason: 'Application has been stopped.' } },
            'unregisterApplication',
          ],
        },
      },
    },
    dead: {
      type: 'final',
      description: 'markDead was called: the application is dead for this driver; the endpoint is stopped.',
    },
    stopped: {
      type: 'final',
      description: 'StopAppClient: unregistered and stopped.',
    },
  },
});
