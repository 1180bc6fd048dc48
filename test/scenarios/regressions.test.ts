/** Scenarios that once broke the model, found by fault-storm sweeps; each must keep passing. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../runtime/cluster.js';
import { checkInvariants } from '../../runtime/checkers.js';
import { loadScenario } from '../../runtime/scenario.js';
import type { SchedulerBackendContext } from '../../machines/schedulerBackend.js';
import type { ExecutorBackendOutput } from '../../machines/executorBackend.js';
import type { InspectionEvent } from 'xstate';

const scenario = (name: string) => loadScenario(new URL(`./regressions/${name}.json`, import.meta.url).pathname);

describe('regressions', () => {
  it('storm-liveness-32: tasks sent across a healed partition arrive, so the job ends; a stopped application is not expired afterwards', () => {
    const cluster = createCluster(scenario('storm-liveness-32'), { checked: true });
    const result = cluster.run();
    expect(result.violation).toBeUndefined();
    expect(result.outcome).toBe('completed');
    expect(checkInvariants(cluster)).toEqual([]);
    // 'report' stopped at 21 s; before the fix its HeartbeatReceiver expired its executors at 185 s.
    const report = cluster.driverEndpoint(1, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
    expect(report.removed.filter((r) => r.removedReason.startsWith('Executor heartbeat timed out'))).toEqual([]);
    expect(cluster.driverEndpoint(1, 'HeartbeatReceiver')!.getSnapshot().value).toBe('stopped');
  });

  it('storm-liveness-yarn-935: a container killed while a partition holds its executor\'s disconnect leaves the AM\'s books before the driver hears of it; the AM\'s RemoveExecutor in flight settles the agreement', () => {
    const cluster = createCluster(scenario('storm-liveness-yarn-935'), { checked: true }).start();
    let sawWindow = false;
    // The window the checker must allow for: the AM has dropped executor 3's container, the driver still counts it active.
    cluster.clock.runUntil(cluster.scenario.startTimeMs + 11_417, { stop: () => (sawWindow ||= cluster.messagesInFlight().some((e) => e.message.type === 'RemoveExecutor' && (e.message as { executorId: string }).executorId === '3')) });
    expect(sawWindow).toBe(true);
    const result = cluster.run();
    expect(result.violation).toBeUndefined();
    expect(result.outcome).toBe('completed');
    const etl = cluster.driverEndpoint(0, 'CoarseGrainedScheduler')!.getSnapshot().context as SchedulerBackendContext;
    expect(etl.removed.find((r) => r.executorId === '3')?.removedReason).toMatch(/^Container killed by YARN for exceeding physical memory limits/);
  });

  it('storm-liveness-2115: a worker partitioned past spark.worker.timeout re-registers and over-commits only by executors the Master no longer books, until SPARK-13604 kills them', () => {
    const cluster = createCluster(scenario('storm-liveness-2115'), { checked: true });
    const result = cluster.run();
    expect(result.violation).toBeUndefined();
    expect(result.outcome).toBe('completed');
    const messages = cluster.trace.messages();
    // The Master declared 10.0.0.4 dead during the partition, then told it to reconnect when its heartbeats arrived.
    expect(messages.some((m) => m.type === 'WorkerRemoved' && (m.message as { host: string }).host === '10.0.0.4')).toBe(true);
    expect(messages.some((m) => m.type === 'ReconnectWorker' && m.to === '10.0.0.4/Worker')).toBe(true);
    // WorkerLatestState made the Master kill the executors it had marked LOST.
    expect(messages.filter((m) => m.type === 'KillExecutor' && m.to === '10.0.0.4/Worker' && m.atMs > 133_000).length).toBeGreaterThan(0);
  });

  it('model-last-job-fails: when the last job fails, the Stage cancelled KillTask reaches the executor before StopExecutor (StopExecutors is asked through the DriverEndpoint inbox)', () => {
    const cluster = createCluster(scenario('model-last-job-fails'), { checked: true });
    const result = cluster.run();
    expect(result.violation).toBeUndefined();
    expect(result.outcome).toBe('completed');
    const toExecutor = cluster.trace.messages().filter((m) => m.to.endsWith('/Executor') && (m.type === 'KillTask' || m.type === 'StopExecutor'));
    // Before the fix the backend stopped first and dropped the queued KillTask: only StopExecutor went out.
    expect(toExecutor.map((m) => m.type)).toEqual(['KillTask', 'StopExecutor']);
    expect((toExecutor[0]!.message as { reason: string }).reason).toMatch(/^Stage cancelled: Job aborted due to stage failure/);
  });

  it('model-late-registration: an executor that comes up after its application stopped fails to register with the stopped DriverEndpoint and exits with 1', () => {
    // Worker 0's executor starts a minute late, and worker 0 is cut off from the Master, so the finished application's KillExecutor never reaches it.
    const exits = new Map<string, ExecutorBackendOutput>();
    const inspect = (e: InspectionEvent) => {
      const snapshot = e.type === '@xstate.snapshot' ? (e.snapshot as { status: string; output?: ExecutorBackendOutput; context?: { hostname?: string } }) : undefined;
      if (snapshot?.status === 'done' && (e.actorRef as unknown as { logic: { id?: string } }).logic.id === 'CoarseGrainedExecutorBackend') exits.set(snapshot.context!.hostname!, snapshot.output!);
    };
    const cluster = createCluster(scenario('model-late-registration'), { checked: true, inspect });
    cluster.start();
    cluster.clock.runUntil(cluster.scenario.startTimeMs + cluster.scenario.stopAtMs);
    const late = cluster.trace.messages().filter((m) => m.to.endsWith('/1/Executor') || m.from.endsWith('/1/Executor'));
    // Before the fix the stopped endpoint dropped the RegisterExecutor ask and the executor waited in `registering` for ever.
    expect(late.filter((m) => m.type.startsWith('Register')).map((m) => [m.atMs, m.type])).toEqual([[62_003, 'RegisterExecutor'], [62_004, 'RegisterExecutorFailed']]);
    expect(exits.get('10.0.0.1')).toEqual({ exitCode: 1, reason: 'Cannot register with driver: driver-0/CoarseGrainedScheduler' });
    expect(exits.get('10.0.0.2')).toEqual({ exitCode: 0, reason: 'Driver commanded a shutdown' });
  });
});
