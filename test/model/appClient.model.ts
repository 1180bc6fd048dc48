/**
 * StandaloneAppClient, walked on the assembled cluster: the driver's AppClient registers at once;
 * a partition between the driver and the Master makes its 20 s registration checks retry and, after
 * the third, give up (dead); a partition that heals lets the held RegisterApplication through after
 * a retry. Once registered, the application either ends (its job done, SparkContext.stop sends
 * StopAppClient) or is removed by the Master (ApplicationRemoved) after spark.deploy.maxExecutorRetries
 * executor launches failed in a row with no executor RUNNING.
 */
import { appClientMachine, type AppClientContext } from '../../machines/appClient.js';
import { resolveConf } from '../../machines/conf.js';
import { MASTER_ADDRESS, MASTER_PROCESS, type Cluster } from '../../runtime/cluster.js';
import { pathTakes as takes, smallScenario, withoutEffects, type ModelAdapter } from '../support/modelBased.js';

/** XState's event for the `after` REGISTRATION_TIMEOUT of `registering`: the registration check. */
export const REGISTRATION_TIMEOUT_EVENT = 'xstate.after.REGISTRATION_TIMEOUT.AppClient.registering';
const MAX_EXECUTOR_RETRIES = 2;

/** Whether each cluster's driver <-> master link is cut (the walk's own bookkeeping). */
const partitioned = new WeakMap<Cluster, boolean>();

export const appClientAdapter: ModelAdapter = {
  machine: appClientMachine,
  model: withoutEffects(appClientMachine, ['registerWithMaster', 'markDead', 'tellBackend', 'acknowledgeMasterChange', 'askMaster', 'unregisterApplication']),
  input: { address: 'driver-0/AppClient', masterAddress: MASTER_ADDRESS, appDescription: { name: 'app', driverUrl: 'driver-0/CoarseGrainedScheduler', memoryPerExecutorMB: 1024 }, conf: resolveConf({}).conf },
  events: [
    { type: 'RegisteredApplication', appId: 'app-20260101000001-0000', master: MASTER_ADDRESS },
    { type: 'ApplicationRemoved', message: 'FAILED' },
    { type: 'StopAppClient' },
    { type: 'onDisconnected', remoteAddress: MASTER_ADDRESS },
    { type: REGISTRATION_TIMEOUT_EVENT },
  ],
  scenario: (path) => {
    // Removed by the Master: every launch on the only worker fails, so the count reaches maxExecutorRetries with nothing RUNNING.
    if (takes(path, 'ApplicationRemoved')) {
      const scenario = smallScenario({ faults: [{ at: '0s', kind: 'executor-launch-failure', worker: 0, times: 10 }] });
      return { ...scenario, conf: { 'spark.deploy.maxExecutorRetries': MAX_EXECUTOR_RETRIES } };
    }
    return smallScenario();
  },
  stimulate(event, cluster, context) {
    const cut = partitioned.get(cluster) ?? false;
    const at = cluster.clock.now() - cluster.scenario.startTimeMs;
    if (event.type === REGISTRATION_TIMEOUT_EVENT) {
      // The Master must not answer: RegisterApplication (on the wire) is held by the partition.
      if (!cut) cluster.faults.inject({ kind: 'partition', atMs: at, between: [{ kind: 'driver', app: 0 }, { kind: 'master' }] });
      partitioned.set(cluster, true);
    }
    if (event.type === 'RegisteredApplication' && cut) {
      // TCP delivers the held RegisterApplications; the Master answers each (the first registers the app).
      const driverProcess = (context as AppClientContext).address.split('/')[0]!;
      cluster.network({ type: 'network.heal', a: driverProcess, b: MASTER_PROCESS });
      partitioned.set(cluster, false);
    }
  },
};

/**
 * Edges the assembled cluster cannot take, each with the reason; the tests prove they stay
 * unreachable (on the shortest model path to each), so this list cannot go stale.
 */
export const UNREACHABLE: Array<{ edge: RegExp; why: string }> = [
  { edge: /--onDisconnected-->/, why: 'the Master process never exits (no fault ends it), and only an exiting process makes the network send onDisconnected' },
  {
    edge: /^registering(?: --xstate\.after\.[^ ]+ registering)* --StopAppClient-->/,
    why: 'SparkContext stops when every job has ended or the application is dead; before registration no executor runs a task, so no job ends',
  },
];
