/**
 * ExecutorRunner, walked on the assembled cluster: the first executor of a one-worker cluster is
 * started, fails to start (an armed launch failure), exits on its own (executor-crash) or is
 * killed (executor-hang: the driver's HeartbeatReceiver expires it and asks the Master to kill it).
 */
import { executorRunnerMachine } from '../../machines/executorRunner.js';
import { EXECUTOR_JVM_STARTUP_MS, type Cluster } from '../../runtime/cluster.js';
import { pathTakes as takes, smallScenario, withoutEffects, type ModelAdapter } from '../support/modelBased.js';

export const executorRunnerAdapter: ModelAdapter = {
  machine: executorRunnerMachine,
  model: withoutEffects(executorRunnerMachine, ['reportRunning', 'reportExited', 'reportStartFailed', 'reportKilled', 'destroyProcess']),
  input: { appId: 'app', execId: 0, appDesc: { name: 'app', driverUrl: 'driver', memoryPerExecutorMB: 1024 }, cores: 2, memory: 1024, workerId: 'w', host: 'h', workerAddress: 'h/Worker' },
  events: [{ type: 'process.started' }, { type: 'process.startFailed', error: 'x' }, { type: 'process.exited', exitCode: 1 }, { type: 'runner.kill' }, { type: 'runner.shutdown' }],
  // A start failure must be armed before the first launch; long tasks keep the executor busy while it is crashed or hung.
  scenario: (path) => smallScenario({
    taskDuration: '10min',
    faults: takes(path, 'process.startFailed') ? [{ at: '0s', kind: 'executor-launch-failure', worker: 0, times: 1 }] : [],
  }),
  stimulate(event, cluster: Cluster, context) {
    const execId = (context as { execId: number }).execId;
    const at = cluster.clock.now() - cluster.scenario.startTimeMs;
    if (event.type === 'process.exited' && cluster.executorProcessActor(cluster.appId(0)!, execId)) {
      // From RUNNING: the JVM dies on its own. From KILLED.terminating the destroy already sent ends it.
      const found = cluster.executorProcessActor(cluster.appId(0)!, execId);
      const alive = (found?.process.getSnapshot().value as string | undefined) !== 'exited';
      const runner = cluster.actor(`${cluster.scenario.workers[0]!.host}/Worker`)?.getSnapshot().children?.[`${cluster.appId(0)}/${execId}`] as { getSnapshot(): { value: unknown } } | undefined;
      if (alive && runner?.getSnapshot().value === 'RUNNING') cluster.faults.inject({ kind: 'executor-crash', atMs: at, app: 0, executor: execId, exitCode: 1 });
    }
    if (event.type === 'runner.kill') {
      // Hang once the executor has registered, so the driver's HeartbeatReceiver tracks it, expires it and has it killed.
      cluster.clock.runUntil(cluster.clock.now() + EXECUTOR_JVM_STARTUP_MS + 10);
      cluster.faults.inject({ kind: 'executor-hang', atMs: at, app: 0, executor: execId });
    }
  },
};

/**
 * Edges the assembled cluster cannot take, each with the reason; the test below proves they stay
 * unreachable, so this list cannot go stale. The process stand-in reports its start in the same
 * step it is spawned, so LAUNCHING lasts no time; and nothing in the cluster ends a registered
 * Worker's JVM (System.exit only follows failed registrations, before any executor runs).
 */
export const UNREACHABLE: Array<{ edge: RegExp; why: string }> = [
  { edge: /^LAUNCHING --(runner\.kill|process\.exited|runner\.shutdown)-->/, why: 'LAUNCHING lasts no simulated time (Process.start returns at once)' },
  { edge: /--runner\.shutdown-->/, why: 'no fault makes a registered Worker exit with live runners' },
];
