/**
 * CoarseGrainedExecutorBackend, with the Executor it creates and the Executor's heartbeater: one
 * executor process. It registers with the driver, runs a TaskRunner per LaunchTask (each sends its
 * own StatusUpdates from this endpoint, as statusUpdate runs on the task's thread in Spark, and
 * leaves runningTasks when it ends), heartbeats to the HeartbeatReceiver, and ends with the JVM's
 * exit code (the output).
 * Models core/.../spark/executor/CoarseGrainedExecutorBackend.scala, Executor.scala (launchTask,
 * killTask, kill marks, reportHeartBeat, stop) and core/.../spark/Heartbeater.scala;
 * shared/spark-semantics.md sections 2.1-2.3.
 *
 * How the process ends, as in Spark 4.1.1 (and 3.1.3; both sources read):
 * - exitExecutor(code, reason, notifyDriver) only has effect once (stopping.compareAndSet), sends
 *   RemoveExecutor(ExecutorLossReason(reason)) if notifyDriver, then self.send(Shutdown). Its `code`
 *   only picks the log level.
 * - Shutdown: no Executor yet -> System.exit(1); else executor.stop(), after which the RpcEnv ends
 *   and main() calls System.exit(0). So exitExecutor(1, ...) once the Executor exists ends with 0.
 * - The heartbeater's 60th consecutive failure calls System.exit(56) directly (no RemoveExecutor).
 * (Older releases, 2.x and early 3.x, called System.exit(code) inside exitExecutor itself.)
 *
 * The driver reference: Spark sets `driver = Some(ref)` in onStart before the RegisterExecutor
 * ask, so `driver.nonEmpty` holds from the start; here the driver's address is known from the
 * input, and exitExecutor(notifyDriver = true) always reaches it.
 */
import { assign, enqueueActions, raise, setup, type DoneActorEvent } from 'xstate';
import { num, type ResolvedConf } from './conf.js';
import { nowOf } from './clock.js';
import { ENDPOINT, processOf, siblingAddress } from './ids.js';
import type {
  Address, ExecutorReportHeartBeat, HeartbeatResponse, KillTask, LaunchTask, OnDisconnected, RegisteredExecutor, RegisterExecutorFailed,
  RpcMessage, Shutdown, StopExecutor,
} from './protocol.js';
import { networkOf, rpc } from './rpc.js';
import { taskRunnerMachine, type TaskRunnerOutput } from './task.js';
import { tickerPlaceholder } from './ticker.js';
import { blockManagerMachine, maxOnHeapMemory, type BlockManagerExit, type PutBlock, type ReadBroadcast } from './blockManager.js';

/** Executor.KILL_MARK_TTL_MS (3.5+): a KillTask that arrives before its LaunchTask is remembered this long. */
export const KILL_MARK_TTL_MS = 10_000;
/**
 * Bound on remembered kill marks. Spark's map is unbounded, but a mark exists only for a KillTask
 * that overtook its LaunchTask, i.e. for tasks in flight to this executor (a few per core).
 */
export const MAX_KILL_MARKS = 1_000;
/** ExecutorExitCode.HEARTBEAT_FAILURE. */
export const HEARTBEAT_FAILURE_EXIT_CODE = 56;
/** The port of the executor's BlockManagerId (not modelled; any fixed port). */
export const BLOCK_MANAGER_PORT = 7079;
/** The child id of the executor's BlockManager (SparkEnv.blockManager). */
export const BLOCK_MANAGER_CHILD = 'BlockManager';

export interface ExecutorBackendInput {
  address: Address;
  executorId: string;
  appId: string;
  hostname: string;
  cores: number;
  /** The driver's CoarseGrainedScheduler (--driver-url). */
  driverUrl: Address;
  conf: ResolvedConf;
  /** Heartbeater's random draw in [0, 1): the first heartbeat comes interval + floor(jitter x interval) after the Executor is created. */
  heartbeatJitter: number;
}

/** A kill mark: Executor.killMarks' (interruptThread, reason, time). */
export interface KillMark { interruptThread: boolean; reason: string; atMs: number }

/** A TaskRunner in Executor.runningTasks. */
export interface RunningTaskRunner {
  taskId: number;
  /** The cpus of its TaskDescription (its StatusUpdates report them as taskCpus). */
  cpus: number;
  /** The task launch worker (the thread pool's thread) it runs on. */
  worker: number;
}

/** The Executor object, created on RegisteredExecutor (Spark's `executor` field is null before). */
export interface ExecutorInstance {
  /**
   * Executor.runningTasks, in launch order: at most a task per core, so a short list. Not a record
   * keyed by task id: task ids are large sparse integers, which make such a record a slow element
   * dictionary (its copies on every launch and end were ~6 % of a busy cluster's CPU profile).
   */
  runningTasks: readonly RunningTaskRunner[];
  /** Executor.killMarks: KillTasks for tasks not launched (yet), by task id. */
  killMarks: Record<number, KillMark>;
  /** Executor.heartbeatFailures: consecutive heartbeats without a HeartbeatResponse. */
  heartbeatFailures: number;
  /** The last Heartbeat has had no HeartbeatResponse yet (its ask is still pending). */
  awaitingHeartbeatResponse: boolean;
}

export interface ExecutorBackendContext {
  address: Address;
  executorId: string;
  appId: string;
  hostname: string;
  cores: number;
  driverUrl: Address;
  heartbeatIntervalMs: number;
  heartbeatMaxFailures: number;
  heartbeatJitter: number;
  /** spark.executor.memory in MiB: the block manager's maximum memory derives from it. */
  executorMemoryMb: number;
  executor: ExecutorInstance | null;
  /** Why the process is stopping: the first exitExecutor's reason, or the driver's StopExecutor. */
  stopReason: string | undefined;
  /** The JVM's exit code, once exited. */
  exitCode: number | undefined;
}

export interface ExecutorBackendOutput { exitCode: number; reason: string }

export type ExecutorBackendEvent =
  | RegisteredExecutor | RegisterExecutorFailed | LaunchTask | KillTask | StopExecutor | Shutdown | OnDisconnected
  | ExecutorReportHeartBeat | HeartbeatResponse | DoneActorEvent<TaskRunnerOutput>
  | PutBlock | ReadBroadcast | BlockManagerExit;

/**
 * The child id of the TaskRunner running on task launch worker `worker` (Spark's pool thread
 * "Executor task launch worker-<n>"). Workers are reused, as the pool's threads are: the id is not
 * the task id because XState keeps, per state node and for good, an entry for every event type it
 * has seen, and a finished TaskRunner sends its parent `xstate.done.actor.<id>` (per-task ids made
 * that ~235 bytes retained per task: 47 MB at 200,000 tasks).
 */
export function taskRunnerId(worker: number): string {
  return `${TASK_LAUNCH_WORKER}${worker}`;
}

const TASK_LAUNCH_WORKER = 'task launch worker-';

/** The running task `taskId`'s TaskRunner, if it runs. */
export const runningTask = (executor: ExecutorInstance, taskId: number): RunningTaskRunner | undefined => executor.runningTasks.find((t) => t.taskId === taskId);

/** The child id of a running task's TaskRunner. */
export function taskRunnerOf(executor: ExecutorInstance, taskId: number): string {
  return taskRunnerId(runningTask(executor, taskId)!.worker);
}

/** The running task whose TaskRunner has child id `actorId`, if any. */
export function taskOfRunner(executor: ExecutorInstance, actorId: string): number | undefined {
  if (!actorId.startsWith(TASK_LAUNCH_WORKER)) return undefined;
  const worker = Number(actorId.slice(TASK_LAUNCH_WORKER.length));
  return executor.runningTasks.find((t) => t.worker === worker)?.taskId;
}

/** The lowest-numbered task launch worker no running task uses (a cached pool reuses an idle thread). */
export function idleTaskLaunchWorker(running: readonly RunningTaskRunner[]): number {
  let worker = 0;
  while (running.some((t) => t.worker === worker)) worker++;
  return worker;
}

/** Kill marks still alive at `nowMs` (age <= KILL_MARK_TTL_MS), at most the newest MAX_KILL_MARKS. */
export function liveKillMarks(marks: Record<number, KillMark>, nowMs: number): Record<number, KillMark> {
  // Usually there is none: then no copy (Object.entries of an empty record still allocates).
  for (const _ in marks) return liveMarks(marks, nowMs);
  return marks;
}

function liveMarks(marks: Record<number, KillMark>, nowMs: number): Record<number, KillMark> {
  const live = Object.entries(marks).filter(([, m]) => nowMs - m.atMs <= KILL_MARK_TTL_MS);
  if (live.length > MAX_KILL_MARKS) live.sort(([, a], [, b]) => a.atMs - b.atMs).splice(0, live.length - MAX_KILL_MARKS);
  return Object.fromEntries(live);
}

/** Task ids the Executor is running, ascending. */
export function runningTaskIds(context: ExecutorBackendContext): number[] {
  return (context.executor?.runningTasks ?? []).map((t) => t.taskId).sort((a, b) => a - b);
}

const LAUNCH_TASK_WITHOUT_EXECUTOR = 'Received LaunchTask command but executor was null';
const KILL_TASK_WITHOUT_EXECUTOR = 'Received KillTask command but executor was null';
const DRIVER_COMMANDED_SHUTDOWN = 'Driver commanded a shutdown';

/** A message to the driver's CoarseGrainedScheduler, through the network. */
const toDriver = (context: ExecutorBackendContext, message: RpcMessage) => rpc(context.address, context.driverUrl, message);

/** Both before and after registration: the backend's receive handles these the same way. */
const STOP_EXECUTOR = {
  target: 'stopping',
  description: 'StopExecutor: stopping = true, self.send(Shutdown) (so an ack can be sent first).',
  actions: 'stopExecutor',
} as const;
const ON_DISCONNECTED = [
  {
    guard: 'driverDisconnected',
    target: 'stopping',
    description: 'The driver\'s connection closed: exitExecutor(1, "Driver <driverUrl> disassociated! Shutting down.", notifyDriver = false).',
    actions: {
      type: 'exitExecutor',
      params: ({ context }: { context: ExecutorBackendContext }) => ({ code: 1, reason: `Driver ${context.driverUrl} disassociated! Shutting down.`, notifyDriver: false }),
    },
  },
  { description: 'Another process (a worker, another executor): only logged ("An unknown driver disconnected").' },
] as const;

export const executorBackendMachine = setup({
  types: {
    input: {} as ExecutorBackendInput,
    context: {} as ExecutorBackendContext,
    events: {} as ExecutorBackendEvent,
    output: {} as ExecutorBackendOutput,
  },
  actors: { ticker: tickerPlaceholder, taskRunner: taskRunnerMachine, blockManager: blockManagerMachine },
  guards: {
    /** onDisconnected: `driver.exists(_.address == remoteAddress)`: an endpoint of the driver's process. */
    driverDisconnected: ({ context, event }) => event.type === 'onDisconnected' && processOf(event.remoteAddress) === processOf(context.driverUrl),
    taskAlreadyRunning: ({ context, event }) => event.type === 'LaunchTask' && context.executor !== null && runningTask(context.executor, event.data.taskId) !== undefined,
    heartbeatFailuresExhausted: ({ context }) =>
      context.executor !== null && context.executor.awaitingHeartbeatResponse && context.executor.heartbeatFailures + 1 >= context.heartbeatMaxFailures,
  },
  actions: {
    /** onStart: driver.ask(RegisterExecutor(executorId, self, hostname, cores, logUrls, ..., resourceProfileId)). */
    registerExecutor: enqueueActions(({ context, enqueue, system }) => {
      enqueue.sendTo(networkOf(system), toDriver(context, {
        type: 'RegisterExecutor', executorId: context.executorId, executorRef: context.address, hostname: context.hostname, cores: context.cores, logUrls: {}, resourceProfileId: 0,
      }));
    }),
    /** new Executor(...): its constructor starts the heartbeater and initializes the BlockManager. */
    createExecutor: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ executor: { runningTasks: [], killMarks: {}, heartbeatFailures: 0, awaitingHeartbeatResponse: false } });
      // Heartbeater.start: scheduleAtFixedRate(initialDelay = intervalMs + (random * intervalMs).asInstanceOf[Int], intervalMs).
      enqueue.spawnChild('ticker', {
        id: 'Heartbeater',
        input: {
          event: { type: 'executor.reportHeartBeat' },
          initialDelayMs: context.heartbeatIntervalMs + Math.floor(context.heartbeatJitter * context.heartbeatIntervalMs),
          periodMs: context.heartbeatIntervalMs,
        },
      });
      // env.blockManager.initialize in the Executor's constructor: the BlockManager registers with the
      // driver's BlockManagerMaster. Spark waits for that ask (askSync) before LaunchedExecutor; here
      // the two go out together, and the network's FIFO order per pair keeps RegisterBlockManager
      // ahead of every UpdateBlockInfo.
      const blockManagerAddress = siblingAddress(context.address, ENDPOINT.BlockManagerEndpoint);
      enqueue.spawnChild('blockManager', {
        id: BLOCK_MANAGER_CHILD,
        systemId: blockManagerAddress,
        input: {
          address: blockManagerAddress,
          blockManagerId: { executorId: context.executorId, host: context.hostname, port: BLOCK_MANAGER_PORT },
          masterAddress: siblingAddress(context.driverUrl, ENDPOINT.BlockManagerMaster),
          maxOnHeapMemSize: maxOnHeapMemory(context.executorMemoryMb),
          maxOffHeapMemSize: 0,
        },
      });
    }),
    /** Then driver.send(LaunchedExecutor(executorId)): the driver offers this executor's cores from now on. */
    sendLaunchedExecutor: enqueueActions(({ context, enqueue, system }) => {
      enqueue.sendTo(networkOf(system), toDriver(context, { type: 'LaunchedExecutor', executorId: context.executorId }));
    }),
    /**
     * exitExecutor(code, reason, notifyDriver): the first call wins (stopping.compareAndSet(false, true));
     * RemoveExecutor(executorId, ExecutorLossReason(reason)) if notifyDriver; the transition then goes
     * to `stopping`, whose Shutdown gives the exit code (`code` itself only picks Spark's log level).
     */
    exitExecutor: enqueueActions(({ context, enqueue, system }, params: { code: number; reason: string; notifyDriver: boolean }) => {
      if (context.stopReason !== undefined) return; // "Skip exiting executor since it's been already asked to exit before."
      enqueue.assign({ stopReason: params.reason });
      if (params.notifyDriver) {
        enqueue.sendTo(networkOf(system), toDriver(context, { type: 'RemoveExecutor', executorId: context.executorId, reason: { kind: 'ExecutorLossReason', message: params.reason } }));
      }
    }),
    /** StopExecutor: stopping = true, then Shutdown (the `stopping` state raises it). */
    stopExecutor: assign({ stopReason: DRIVER_COMMANDED_SHUTDOWN }),
    /** Shutdown: no Executor -> System.exit(1); else executor.stop() (heartbeater and task threads stop), then exit 0. */
    shutdown: enqueueActions(({ context, enqueue }) => {
      if (context.executor) {
        enqueue.stopChild('Heartbeater');
        enqueue.stopChild(BLOCK_MANAGER_CHILD);
        for (const taskId of runningTaskIds(context)) enqueue.stopChild(taskRunnerOf(context.executor, taskId));
      }
      enqueue.assign({ exitCode: context.executor ? 0 : 1, stopReason: context.stopReason ?? 'Shutdown' });
    }),
    /**
     * Executor.launchTask: a TaskRunner in runningTasks; a kill mark for this task (a KillTask that
     * came first) kills it before it runs and is removed; then threadPool.execute(runner).
     */
    launchTask: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'LaunchTask' || !context.executor) return;
      const task = event.data;
      const worker = idleTaskLaunchWorker(context.executor.runningTasks);
      const id = taskRunnerId(worker);
      const now = nowOf(system);
      const marks = context.executor.killMarks;
      const mark = marks[task.taskId];
      const otherMarks = mark ? Object.fromEntries(Object.entries(marks).filter(([taskId]) => Number(taskId) !== task.taskId)) : marks;
      enqueue.assign({
        executor: {
          ...context.executor,
          runningTasks: [...context.executor.runningTasks, { taskId: task.taskId, cpus: task.cpus, worker }],
          killMarks: liveKillMarks(otherMarks, now),
        },
      });
      enqueue.spawnChild('taskRunner', { id, input: { taskDescription: task, execBackend: { address: context.address, executorId: context.executorId, driverUrl: context.driverUrl } } });
      // Spark's cleaner drops marks older than the TTL every KILL_MARK_TTL_MS, so a mark lives 10-20 s
      // there; the model keeps the guaranteed part: a mark kills a launch at most 10 s after it.
      if (mark && now - mark.atMs <= KILL_MARK_TTL_MS) enqueue.sendTo(id, { type: 'taskRunner.kill', interruptThread: mark.interruptThread, reason: mark.reason });
      enqueue.sendTo(id, { type: 'taskRunner.run' });
    }),
    /**
     * Executor.killTask: killMarks.put(taskId, ...); a running TaskRunner is killed and the mark
     * removed at once; otherwise the mark stays for a LaunchTask that is still on its way.
     */
    killTask: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'KillTask' || !context.executor) return;
      if (runningTask(context.executor, event.taskId) !== undefined) {
        enqueue.sendTo(taskRunnerOf(context.executor, event.taskId), { type: 'taskRunner.kill', interruptThread: event.interruptThread, reason: event.reason });
        return;
      }
      const now = nowOf(system);
      const marks = { ...context.executor.killMarks, [event.taskId]: { interruptThread: event.interruptThread, reason: event.reason, atMs: now } };
      enqueue.assign({ executor: { ...context.executor, killMarks: liveKillMarks(marks, now) } });
    }),
    /**
     * A TaskRunner ended, after its terminal statusUpdate (the TaskRunner sends StatusUpdate itself,
     * as execBackend.statusUpdate runs on the task's thread): run()'s finally removes it from
     * runningTasks, and its actor is stopped.
     */
    taskRunnerEnded: enqueueActions(({ context, event, enqueue }) => {
      if (!context.executor || !('actorId' in event)) return;
      const taskId = taskOfRunner(context.executor, event.actorId);
      if (taskId === undefined) return;
      enqueue.stopChild(event.actorId);
      enqueue.assign({ executor: { ...context.executor, runningTasks: context.executor.runningTasks.filter((t) => t.taskId !== taskId) } });
    }),
    /**
     * Executor.reportHeartBeat: askSync(Heartbeat, timeout = spark.executor.heartbeatInterval). The
     * timeout equals the period, so "the previous ask timed out" is "no reply by this tick": that
     * counts one failure (heartbeatFailures += 1) before the next Heartbeat goes out.
     */
    countUnansweredHeartbeat: assign(({ context }) => {
      if (!context.executor) return {};
      const failed = context.executor.awaitingHeartbeatResponse ? 1 : 0;
      return { executor: { ...context.executor, heartbeatFailures: context.executor.heartbeatFailures + failed, awaitingHeartbeatResponse: true } };
    }),
    /** The Heartbeat itself, to the driver's HeartbeatReceiver. */
    reportHeartBeat: enqueueActions(({ context, enqueue, system }) => {
      if (!context.executor) return;
      // accumUpdates: task metrics and accumulators are not modelled.
      enqueue.sendTo(networkOf(system), rpc(context.address, siblingAddress(context.driverUrl, ENDPOINT.HeartbeatReceiver), {
        type: 'Heartbeat', executorId: context.executorId, accumUpdates: [],
        blockManagerId: { executorId: context.executorId, host: context.hostname, port: BLOCK_MANAGER_PORT }, replyTo: context.address,
      }));
    }),
    exitOnHeartbeatFailures: assign(({ context }) => ({
      executor: context.executor && { ...context.executor, heartbeatFailures: context.executor.heartbeatFailures + 1 },
      stopReason: `Exit as unable to send heartbeats to driver more than ${context.heartbeatMaxFailures} times`,
      exitCode: HEARTBEAT_FAILURE_EXIT_CODE,
    })),
    /**
     * HeartbeatResponse: heartbeatFailures = 0. reregisterBlockManager is ignored: the block manager
     * is not modelled yet (Spark would call env.blockManager.reregister()). A reply later than one
     * interval is taken as the answer to the outstanding Heartbeat, whereas Spark drops it (that ask
     * timed out): replies carry no id, and the two agree whenever the network is faster than the interval.
     */
    heartbeatAnswered: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ executor: context.executor && { ...context.executor, heartbeatFailures: 0, awaitingHeartbeatResponse: false } });
      // "Told to re-register on heartbeat": env.blockManager.reregister().
      if (event.type === 'HeartbeatResponse' && event.reregisterBlockManager) enqueue.sendTo(BLOCK_MANAGER_CHILD, { type: 'blockManager.reregister' });
    }),
    /** A TaskRunner's block operation goes to this JVM's BlockManager (SparkEnv.get.blockManager). */
    toBlockManager: enqueueActions(({ event, enqueue }) => enqueue.sendTo(BLOCK_MANAGER_CHILD, event)),
    /** BlockManager.reregister refused: System.exit(58) at once (no RemoveExecutor; threads die with the JVM). */
    exitOnBlockManagerFailure: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'blockManager.exit') return;
      enqueue.stopChild('Heartbeater');
      enqueue.stopChild(BLOCK_MANAGER_CHILD);
      for (const taskId of runningTaskIds(context)) enqueue.stopChild(taskRunnerOf(context.executor!, taskId));
      enqueue.assign({ stopReason: event.reason, exitCode: event.exitCode });
    }),
  },
}).createMachine({
  id: 'CoarseGrainedExecutorBackend',
  context: ({ input }) => ({
    address: input.address,
    executorId: input.executorId,
    appId: input.appId,
    hostname: input.hostname,
    cores: input.cores,
    driverUrl: input.driverUrl,
    heartbeatIntervalMs: num(input.conf, 'spark.executor.heartbeatInterval'),
    heartbeatMaxFailures: num(input.conf, 'spark.executor.heartbeat.maxFailures'),
    heartbeatJitter: input.heartbeatJitter,
    executorMemoryMb: num(input.conf, 'spark.executor.memory'),
    executor: null,
    stopReason: undefined,
    exitCode: undefined,
  }),
  initial: 'registering',
  states: {
    registering: {
      description: 'onStart: the RegisterExecutor ask to the driver is pending; no Executor exists (CoarseGrainedExecutorBackend.scala).',
      entry: 'registerExecutor',
      on: {
        RegisteredExecutor: {
          target: 'running',
          description: 'The ask succeeded (self.send(RegisteredExecutor)): create the Executor, which starts its heartbeater; then LaunchedExecutor to the driver.',
          actions: ['createExecutor', 'sendLaunchedExecutor'],
        },
        RegisterExecutorFailed: {
          target: 'stopping',
          description: 'The ask failed (duplicate executor id, excluded host, driver gone): exitExecutor(1, "Cannot register with driver: <driverUrl>", notifyDriver = false).',
          actions: { type: 'exitExecutor', params: ({ context }) => ({ code: 1, reason: `Cannot register with driver: ${context.driverUrl}`, notifyDriver: false }) },
        },
        LaunchTask: {
          target: 'stopping',
          description: 'executor == null: exitExecutor(1, "Received LaunchTask command but executor was null").',
          actions: { type: 'exitExecutor', params: { code: 1, reason: LAUNCH_TASK_WITHOUT_EXECUTOR, notifyDriver: true } },
        },
        KillTask: {
          target: 'stopping',
          description: 'executor == null: exitExecutor(1, "Received KillTask command but executor was null").',
          actions: { type: 'exitExecutor', params: { code: 1, reason: KILL_TASK_WITHOUT_EXECUTOR, notifyDriver: true } },
        },
        StopExecutor: STOP_EXECUTOR,
        Shutdown: { target: 'exited', description: 'Shutdown with executor == null: System.exit(1).', actions: 'shutdown' },
        onDisconnected: ON_DISCONNECTED,
        'executor.reportHeartBeat': { description: 'Ignored: no Executor, so no heartbeater yet.' },
        HeartbeatResponse: { description: 'Ignored: no Heartbeat was sent yet.' },
      },
    },
    running: {
      description: 'The Executor exists: it runs TaskRunners and its heartbeater (child "Heartbeater") reports to the HeartbeatReceiver.',
      on: {
        LaunchTask: [
          { guard: 'taskAlreadyRunning', description: 'Ignored: task ids are unique per SparkContext, so the driver never launches one twice; the model keeps one actor per id.' },
          { description: 'executor.launchTask(this, taskDesc) (Executor.scala).', actions: 'launchTask' },
        ],
        KillTask: { description: 'executor.killTask(taskId, interruptThread, reason) (Executor.scala).', actions: 'killTask' },
        'xstate.done.actor.*': { description: 'A TaskRunner ended (its terminal StatusUpdate is on its way to the driver): runningTasks.remove(taskId) in run()\'s finally; the runner is stopped.', actions: 'taskRunnerEnded' },
        'executor.reportHeartBeat': [
          {
            guard: 'heartbeatFailuresExhausted',
            target: 'exited',
            description: 'The previous Heartbeat timed out and heartbeatFailures reaches spark.executor.heartbeat.maxFailures: System.exit(56), no RemoveExecutor (Executor.reportHeartBeat).',
            actions: 'exitOnHeartbeatFailures',
          },
          { description: 'Heartbeater tick: count an unanswered previous Heartbeat as a failure, send the next one (Executor.reportHeartBeat).', actions: ['countUnansweredHeartbeat', 'reportHeartBeat'] },
        ],
        HeartbeatResponse: { description: 'The ask succeeded: heartbeatFailures = 0; reregisterBlockManager -> the BlockManager re-registers.', actions: 'heartbeatAnswered' },
        'blockManager.putBlock': { description: 'A task stores a block (a cached partition) in this executor\'s BlockManager.', actions: 'toBlockManager' },
        'blockManager.readBroadcast': { description: 'A task reads a broadcast variable through this executor\'s BlockManager.', actions: 'toBlockManager' },
        'blockManager.exit': { target: 'exited', description: 'Block manager re-registration refused: System.exit(58) (BlockManager.reregister).', actions: 'exitOnBlockManagerFailure' },
        StopExecutor: STOP_EXECUTOR,
        Shutdown: { target: 'exited', description: 'Shutdown: executor.stop() on a new thread; the JVM then exits 0.', actions: 'shutdown' },
        onDisconnected: ON_DISCONNECTED,
        RegisteredExecutor: { description: 'Ignored: sent once, by the registration ask\'s completion.' },
        RegisterExecutorFailed: { description: 'Ignored: the registration ask already succeeded; an ask completes once.' },
      },
    },
    stopping: {
      description: 'stopping = true and Shutdown sent to itself (StopExecutor or exitExecutor). The raised Shutdown is handled before any other message.',
      entry: raise({ type: 'Shutdown' }),
      on: {
        Shutdown: {
          target: 'exited',
          description: 'Shutdown: executor == null -> System.exit(1); else executor.stop(), then the JVM exits 0 (CoarseGrainedExecutorBackend.scala).',
          actions: 'shutdown',
        },
      },
    },
    exited: { type: 'final', description: 'The JVM exited; the process stand-in reports the exit code.' },
  },
  output: ({ context }) => ({ exitCode: context.exitCode ?? 0, reason: context.stopReason ?? '' }),
});
