/**
 * ExecutorRunner, walked on the assembled cluster: the first executor of a one-worker cluster is
 * started, fails to start (an armed launch failure), exits on its own (executor-crash) or is
 * killed (executor-hang: the driver's HeartbeatReceiver expires it and asks the Master to kill it).
 */
import { executorRunnerMachine } from '../../machines/executorRunner.js';
import { EXECUTOR_JVM_STARTUP_MS, type Cluster } from '../../runtime/cluster.js';
import { pathTakes as takes, smallScenario, withoutEffects, type ModelAdapter } from '../support/modelBased.js';

/**
 * Killed while LAUNCHING: worker 0's first executor starts slowly while worker 1's launches keep
 * failing, so the Master removes the application after spark.deploy.maxExecutorRetries counted
 * failures and kills its executors (KillExecutor), the slow one included. With `startFails` the
 * slow start then throws, after the kill.
 */
function killedWhileLaunching(startFails: boolean): Record<string, unknown> {
  const scenario = smallScenario({
    workers: 2,
    conf: { 'spark.cores.max': 4 },
    faults: [
      { at: '0s', kind: 'executor-launch-delay', worker: 0, times: 1, duration: '1min' },
      ...(startFails ? [{ at: '0s', kind: 'executor-launch-failure', worker: 0, times: 1 }] : []),
      { at: '0s', kind: 'executor-launch-failure', worker: 1, times: 10 },
    ],
  });
  return { ...scenario, conf: { 'spark.deploy.maxExecutorRetries': 2 } };
}

export const executorRunnerAdapter: ModelAdapter = {
  machine: executorRunnerMachine,
  model: withoutEffects(executorRunnerMachine, ['reportRunning', 'reportExited', 'reportStartFailed', 'reportKilled', 'destroyProcess']),
  input: { appId: 'app', execId: 0, appDesc: { name: 'app', driverUrl: 'driver', memoryPerExecutorMB: 1024 }, cores: 2, memory: 1024, workerId: 'w', host: 'h', workerAddress: 'h/Worker' },
  events: [{ type: 'process.started' }, { type: 'process.startFailed', error: 'x' }, { type: 'process.exited', exitCode: 1 }, { type: 'runner.kill' }, { type: 'runner.shutdown' }],
  scenario: (path) => {
    const fromLaunching = (type: string) => path.steps[1]?.event.type === type;
    const slowStart = fromLaunching('runner.kill') || fromLaunching('process.exited');
    if (fromLaunching('runner.kill')) return killedWhileLaunching(takes(path, 'process.startFailed'));
    // A start failure or a slow start must be armed before the first launch; long tasks keep the executor busy while it is crashed or hung.
    const scenario = smallScenario({
      taskDuration: '10min',
      faults: [
        ...(takes(path, 'process.startFailed') ? [{ at: '0s', kind: 'executor-launch-failure', worker: 0, times: 1 }] : []),
        ...(slowStart ? [{ at: '0s', kind: 'executor-launch-delay', worker: 0, times: 1, duration: '1min' }] : []),
      ],
    });
    return scenario;
  },
  // The subject is worker 0's first executor (in the two-worker scenario worker 1's launches fail).
  pick: (context) => (context as { host: string }).host === '10.0.0.1',
  stimulate(event, cluster: Cluster, context) {
    const execId = (context as { execId: number }).execId;
    const at = cluster.clock.now() - cluster.scenario.startTimeMs;
    const appId = cluster.appId(0)!;
    const runner = cluster.actor(`${cluster.scenario.workers[0]!.host}/Worker`)?.getSnapshot().children?.[`${appId}/${execId}`] as { getSnapshot(): { value: unknown } } | undefined;
    const state = runner?.getSnapshot().value;
    // From LAUNCHING or RUNNING the JVM dies on its own; from KILLED.terminating the destroy already sent ends it.
    if (event.type === 'process.exited' && (state === 'RUNNING' || state === 'LAUNCHING')) {
      cluster.faults.inject({ kind: 'executor-crash', atMs: at, app: 0, executor: execId, exitCode: 1 });
    }
    if (event.type === 'runner.kill' && state === 'RUNNING') {
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
  { edge: /--runner\.shutdown-->/, why: 'no fault makes a registered Worker exit with live runners' },
];
