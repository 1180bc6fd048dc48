/**
 * CoarseGrainedExecutorBackend, walked on the assembled cluster: worker 0's first executor
 * registers with its driver (or fails to: it comes up after the application ended), runs until the
 * driver stops it, or ends on its own: its heartbeats go unanswered (a partition from the driver)
 * spark.executor.heartbeat.maxFailures times, or its BlockManager's re-registration is refused
 * after the driver expired it (exit 58).
 *
 * The model keeps the Executor's heartbeat bookkeeping (a tick counts the previous unanswered
 * Heartbeat), so it tells "running after k ticks" apart; with maxFailures = 2 there are three such
 * states before the exit. The live actor may take more ticks and HeartbeatResponses than the path
 * (they leave it running); the path's events must come in its order.
 */
import { fromCallback } from 'xstate';
import { executorBackendMachine } from '../../machines/executorBackend.js';
import { resolveConf } from '../../machines/conf.js';
import type { HeartbeatReceiverContext } from '../../machines/heartbeatReceiver.js';
import * as bucketed from '../../machines/bucketed.js';
import { executorProcess } from '../../machines/ids.js';
import type { Cluster } from '../../runtime/cluster.js';
import { pathTakes as takes, smallScenario, withoutEffects, type ModelAdapter, type ModelPath } from '../support/modelBased.js';

/** Small, so the walk reaches the heartbeat exit in few steps; the live applications use the same value. */
const MAX_FAILURES = 2;
const HEARTBEAT_INTERVAL_MS = 10_000;

const TICK = 'executor.reportHeartBeat';
const ticksBefore = (path: ModelPath, type: string) => {
  const at = path.steps.findIndex((s) => s.event.type === type);
  return path.steps.slice(0, at < 0 ? path.steps.length : at).filter((s) => s.event.type === TICK).length;
};
/** The path ends with the heartbeat exit (its last tick leaves `running`). */
const heartbeatExit = (path: ModelPath) => path.steps.at(-1)?.event.type === TICK && path.steps.at(-1)?.value === 'exited';

const executor0 = 'executor:app:0';

/**
 * RegisterExecutorFailed: worker 0's executor starts a minute late, after worker 1's executor ran the
 * job and the application stopped; worker 0 is cut off from the Master, so the Master's KillExecutor
 * for the finished application never reaches it. The late executor asks a stopped DriverEndpoint to
 * register it, and the ask fails.
 */
function lateRegistration(): Record<string, unknown> {
  return smallScenario({
    workers: 2,
    conf: { 'spark.cores.max': 4, 'spark.executor.heartbeat.maxFailures': MAX_FAILURES },
    faults: [
      { at: '0s', kind: 'executor-launch-delay', worker: 0, times: 1, duration: '1min' },
      { at: '3s', kind: 'partition', between: ['master', 'worker:0'] },
    ],
  });
}

/**
 * The best attempt at a refused block manager re-registration (exit 58): the executor is cut off
 * from its driver after registering (and worker 0 from the Master, so the driver's kill never
 * arrives); the driver's HeartbeatReceiver expires it after spark.network.timeout. When the
 * partition heals (at the step, see stimulate) its held Heartbeats are answered with
 * reregisterBlockManager, but the StopExecutor the driver sent on the expiry was held too, and
 * arrives first (see UNREACHABLE). With `healAfter` the partition from the driver heals by itself.
 */
export function refusedReregistration(healAfter?: string): Record<string, unknown> {
  return smallScenario({
    taskDuration: '10min',
    conf: { 'spark.executor.heartbeat.maxFailures': MAX_FAILURES, 'spark.network.timeout': '10s', 'spark.network.timeoutInterval': '1s' },
    faults: [
      { at: '6s', kind: 'partition', between: [executor0, 'driver:app'], ...(healAfter ? { duration: healAfter } : {}) },
      { at: '6s', kind: 'partition', between: ['master', 'worker:0'] },
    ],
  });
}

export const executorBackendAdapter: ModelAdapter = {
  machine: executorBackendMachine,
  // Messages to the driver, the TaskRunners and the BlockManager are effects; the Executor's state
  // (created or not, heartbeat failures) stays in the model.
  model: withoutEffects(executorBackendMachine.provide({ actors: { blockManager: fromCallback(() => undefined) } } as never) as never, [
    'registerExecutor', 'sendLaunchedExecutor', 'exitExecutor', 'reportHeartBeat', 'launchTask', 'killTask', 'statusUpdate', 'toBlockManager',
  ]),
  input: {
    address: 'app/0/Executor', executorId: '0', appId: 'app', hostname: '10.0.0.1', cores: 2, driverUrl: 'driver-0/CoarseGrainedScheduler',
    conf: resolveConf({ 'spark.executor.heartbeat.maxFailures': MAX_FAILURES, 'spark.executor.heartbeatInterval': HEARTBEAT_INTERVAL_MS }).conf, heartbeatJitter: 0,
  },
  events: [
    { type: 'RegisteredExecutor' },
    { type: 'RegisterExecutorFailed', message: 'Could not find CoarseGrainedScheduler or it has been stopped.' },
    { type: 'LaunchTask', data: { taskId: 0, attemptNumber: 0, executorId: '0', name: 'task 0.0 in stage 0.0', index: 0, partitionId: 0, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 } },
    { type: 'KillTask', taskId: 0, executor: '0', interruptThread: false, reason: 'Stage cancelled' },
    { type: 'StopExecutor' },
    { type: 'Shutdown' },
    { type: 'onDisconnected', remoteAddress: 'driver-0/CoarseGrainedScheduler' },
    { type: TICK },
    { type: 'HeartbeatResponse', reregisterBlockManager: false },
    { type: 'blockManager.exit', exitCode: 58, reason: 'Exiting executor due to block manager re-registration failure' },
  ],
  scenario: (path) => {
    if (takes(path, 'RegisterExecutorFailed')) return lateRegistration();
    if (takes(path, 'blockManager.exit')) return refusedReregistration();
    const conf = { 'spark.executor.heartbeat.maxFailures': MAX_FAILURES };
    // Heartbeats unanswered from the first one: the executor is cut off from its driver after registering, before its first tick (>= 10 s after).
    if (heartbeatExit(path)) return smallScenario({ taskDuration: '10min', conf, faults: [{ at: '6s', kind: 'partition', between: [executor0, 'driver:app'] }] });
    // The driver's StopExecutor comes when the job ends: before the first tick, or after the path's k ticks.
    const ticks = ticksBefore(path, 'StopExecutor');
    return smallScenario({ taskDuration: ticks === 0 ? '5s' : `${ticks * 10 + 15}s`, conf });
  },
  // Worker 0's executor (in the late-registration scenario worker 1's executor runs the job).
  pick: (context) => (context as { hostname: string }).hostname === '10.0.0.1',
  stimulate(event, cluster: Cluster, context) {
    if (event.type !== 'blockManager.exit') return;
    // Wait (bounded) until the driver's HeartbeatReceiver has expired the executor, then heal the partition.
    const executorId = (context as { executorId: string }).executorId;
    const receiver = () => cluster.driverEndpoint(0, 'HeartbeatReceiver')?.getSnapshot().context as HeartbeatReceiverContext | undefined;
    cluster.clock.runUntil(cluster.clock.now() + 60_000, { stop: () => receiver() !== undefined && !bucketed.has(receiver()!.executorLastSeen, executorId) && cluster.clock.now() > 6_000 + cluster.scenario.startTimeMs });
    const appId = cluster.appId(0)!;
    cluster.network({ type: 'network.heal', a: executorProcess(appId, Number(executorId)), b: 'driver-0' });
  },
};

/**
 * Edges the assembled cluster cannot take, each with the reason; the test proves they stay
 * unreachable. The driver's messages to an executor share one FIFO connection, so nothing the
 * driver sends can overtake its RegisteredExecutor reply.
 */
export const UNREACHABLE: Array<{ edge: RegExp; why: string; instead: RegExp }> = [
  {
    edge: /^registering --(LaunchTask|KillTask)-->/,
    why: 'the driver offers an executor\'s cores only after its LaunchedExecutor (freeCores = 0 at registration), which follows RegisteredExecutor; KillTask only targets tasks it launched there',
    instead: /the live actor took RegisteredExecutor to running/,
  },
  { edge: /^registering --StopExecutor-->/, why: 'the driver sends StopExecutor only to executors it registered, after their RegisteredExecutor on the same connection', instead: /the live actor took RegisteredExecutor to running/ },
  { edge: /--Shutdown-->/, why: 'Shutdown is a message the backend sends itself, only after StopExecutor or exitExecutor (the `stopping` state raises it)', instead: /the live actor took (RegisteredExecutor to running|StopExecutor to exited)/ },
  { edge: /--onDisconnected-->/, why: 'the runtime never ends a driver process (a stopped application\'s driver stays up, and there is no driver-crash fault)', instead: /the live actor took (RegisteredExecutor to running|StopExecutor to exited)/ },
  {
    edge: /--blockManager\.exit-->/,
    why: 'the re-registration is refused only once the driver dropped the executor, and that removal (HeartbeatReceiver expiry, SPARK-27348) sends StopExecutor '
      + '(SPARK-13519) before the Heartbeat that gets the reregisterBlockManager answer even reaches the driver; the network loses nothing across a partition, so StopExecutor always arrives first',
    instead: /the live actor took StopExecutor to exited/,
  },
];
