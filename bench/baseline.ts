/**
 * The floor: the same bookkeeping as the statechart run of a bench scenario, written as a plain
 * TypeScript discrete-event simulation without XState. Same cluster (workers, one application,
 * executors of 4 cores), the same message flow per executor and per task (registration, executor
 * launch, RegisterExecutor / LaunchedExecutor, offers of the executor that freed cores, LaunchTask,
 * StatusUpdate RUNNING and FINISHED, executor Heartbeats every spark.executor.heartbeatInterval
 * with Spark's jitter, WorkerHeartbeat every spark.worker.timeout / 4, shutdown), the same task
 * durations (runtime/workload.ts), the same network latency and the same virtual clock.
 *
 * What it leaves out is exactly what the statecharts add: actors, snapshots, state values, the
 * copy-on-write contexts, envelopes with ids and causes. The ratio of the two runs' cost per
 * delivered message is the cost of modelling the control plane as XState actors.
 */
import { num } from '../machines/conf.js';
import { VirtualClock } from '../runtime/clock.js';
import { SeededRandom } from '../runtime/random.js';
import { Workload } from '../runtime/workload.js';
import type { Scenario } from '../runtime/scenario.js';
import { EXECUTOR_JVM_STARTUP_MS } from '../runtime/cluster.js';

export interface BaselineResult { simulatedMs: number; delivered: number; heartbeats: number; tasks: number }

interface Executor { id: number; worker: number; freeCores: number; heartbeat?: number }

/** Runs the scenario's first application through the plain simulation; returns its counts. */
export function runBaseline(scenario: Scenario): BaselineResult {
  const app = scenario.applications[0]!;
  const clock = new VirtualClock(scenario.startTimeMs);
  const workload = new Workload(scenario, scenario.seed);
  const latency = scenario.networkLatencyMs;
  const coresPerExecutor = num(app.conf, 'spark.executor.cores');
  const heartbeatMs = num(app.conf, 'spark.executor.heartbeatInterval');
  const workerHeartbeatMs = (num(scenario.clusterConf, 'spark.worker.timeout') * 1000) / 4;
  const maxCores = num(app.conf, 'spark.cores.max');
  const stage = app.jobs[0]?.stages[0];
  const numTasks = stage?.tasks ?? 0;

  let delivered = 0;
  let heartbeats = 0;
  let done = false;
  /** One message over the network: counted when it arrives, after the latency. */
  const send = (then: () => void) => clock.setTimeout(() => {
    delivered++;
    then();
  }, latency);

  const executors = new Map<number, Executor>();
  /** Spark's pending stack: untried indices lowest first. */
  let nextTask = 0;
  let finished = 0;
  const running = new Map<number, { executor: number; index: number }>();
  let nextTaskId = 0;

  const workerTimers: number[] = [];
  const stopAll = () => {
    done = true;
    for (const e of executors.values()) {
      if (e.heartbeat !== undefined) clock.clearTimeout(e.heartbeat);
      send(() => undefined); // StopExecutor
      send(() => undefined); // onDisconnected
      send(() => undefined); // ExecutorStateChanged to the Master
    }
    send(() => undefined); // UnregisterApplication
    for (const t of workerTimers) clock.clearTimeout(t);
  };

  const launchTasks = (e: Executor) => {
    while (e.freeCores >= 1 && nextTask < numTasks) {
      const index = nextTask++;
      const taskId = nextTaskId++;
      e.freeCores--;
      running.set(taskId, { executor: e.id, index });
      send(() => { // LaunchTask
        send(() => undefined); // StatusUpdate RUNNING
        const { durationMs } = workload.outcome(0, { taskId, attemptNumber: 0, executorId: String(e.id), name: '', index, partitionId: index, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 });
        clock.setTimeout(() => send(() => { // StatusUpdate FINISHED
          running.delete(taskId);
          e.freeCores++;
          finished++;
          if (finished === numTasks) stopAll();
          else launchTasks(e);
        }), durationMs);
      });
    }
  };

  const startExecutor = (id: number, worker: number) => {
    const e: Executor = { id, worker, freeCores: 0 };
    executors.set(id, e);
    send(() => { // LaunchExecutor
      send(() => undefined); // ExecutorStateChanged RUNNING
      clock.setTimeout(() => send(() => { // RegisterExecutor
        send(() => send(() => { // RegisteredExecutor, then LaunchedExecutor
          e.freeCores = coresPerExecutor;
          const jitter = new SeededRandom(scenario.seed, 'heartbeat-jitter', 'app', id).next();
          const beat = () => {
            if (done) return;
            heartbeats++;
            send(() => send(() => undefined)); // Heartbeat, HeartbeatResponse
            e.heartbeat = clock.setTimeout(beat, heartbeatMs);
          };
          e.heartbeat = clock.setTimeout(beat, heartbeatMs + Math.floor(jitter * heartbeatMs));
          launchTasks(e);
        }));
      }), EXECUTOR_JVM_STARTUP_MS);
    });
    send(() => send(() => undefined)); // ExecutorAdded to the driver, ExecutorUpdated
  };

  // Registration: every worker with the Master, then the application; the Master spreads executors.
  const perWorker = Math.floor(scenario.workers[0]!.cores / coresPerExecutor);
  const wanted = Math.floor(maxCores / coresPerExecutor);
  for (const w of scenario.workers) {
    send(() => send(() => undefined)); // RegisterWorker, RegisteredWorker
    const beat = () => {
      send(() => undefined); // WorkerHeartbeat
      workerTimers[w.index] = clock.setTimeout(beat, workerHeartbeatMs);
    };
    workerTimers[w.index] = clock.setTimeout(beat, 0);
  }
  clock.setTimeout(() => send(() => send(() => { // RegisterApplication, RegisteredApplication
    let id = 0;
    for (let round = 0; round < perWorker && id < wanted; round++) {
      for (const w of scenario.workers) if (id < wanted) startExecutor(id++, w.index);
    }
  })), app.submitAtMs);

  const stopAt = scenario.startTimeMs + scenario.stopAtMs;
  clock.runUntil(stopAt, { stop: () => done });
  if (done) clock.runUntil(Math.min(stopAt, clock.now() + 10_000));
  return { simulatedMs: clock.now() - scenario.startTimeMs, delivered, heartbeats, tasks: finished };
}
