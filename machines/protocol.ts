/**
 * Every message of the modelled control plane.
 *
 * Conventions (DESIGN.md rule 4):
 * - RPC messages between processes: `type` is Spark's case-class name, fields are Spark's field
 *   names. They travel through the network actor (see `rpc.ts`). An endpoint reference (Spark's
 *   RpcEndpointRef) is the receiver's address, a system id. An ask whose reply does not go to an
 *   endpoint named in the message carries `replyTo`, the address Spark's RpcCallContext answers.
 *   Name clashes are qualified: the worker's Heartbeat is `WorkerHeartbeat`.
 * - Calls inside one Spark process (Worker and its ExecutorRunners, the driver's components, an
 *   Executor and its TaskRunners) are events named `component.method`, after the Spark method.
 *
 * Sources: core/.../spark/deploy/DeployMessage.scala, scheduler/cluster/CoarseGrainedClusterMessage.scala,
 * HeartbeatReceiver.scala, scheduler/ExecutorLossReason.scala, TaskEndReason.scala.
 */
import type { ExecutorState, TaskState } from './states.js';
import type { YarnRpcMessage } from './yarn/protocol.js';
import type { BlockManagerRpcMessage } from './blockManagerMessages.js';

/** A system id of an endpoint actor. */
export type Address = string;

// ---------------------------------------------------------------------------------------------
// Standalone deploy: Worker <-> Master (DeployMessage.scala)

export interface RegisterWorker { type: 'RegisterWorker'; id: string; host: string; port: number; worker: Address; cores: number; memory: number; workerWebUiUrl: string; masterAddress: Address }
export interface RegisteredWorker { type: 'RegisteredWorker'; master: Address; masterWebUiUrl: string; masterAddress: Address; duplicate: boolean }
export interface RegisterWorkerFailed { type: 'RegisterWorkerFailed'; message: string }
export interface MasterInStandby { type: 'MasterInStandby' }
export interface ReconnectWorker { type: 'ReconnectWorker'; masterUrl: Address }
/** Spark's `Heartbeat(workerId, worker)` of DeployMessages, qualified. */
export interface WorkerHeartbeat { type: 'WorkerHeartbeat'; workerId: string; worker: Address }
export interface LaunchExecutor { type: 'LaunchExecutor'; masterUrl: Address; appId: string; execId: number; rpId: number; appDesc: ApplicationDescription; cores: number; memory: number }
export interface KillExecutor { type: 'KillExecutor'; masterUrl: Address; appId: string; execId: number }
/** Worker -> Master (an ask in 3.x+), and ExecutorRunner -> Worker inside the worker process. */
export interface ExecutorStateChanged { type: 'ExecutorStateChanged'; appId: string; execId: number; state: ExecutorState; message?: string; exitStatus?: number }
export interface ExecutorDescription { appId: string; execId: number; cores: number; memory: number; state: ExecutorState }
export interface WorkerLatestState { type: 'WorkerLatestState'; id: string; executors: ExecutorDescription[]; driverIds: string[] }
export interface ApplicationFinished { type: 'ApplicationFinished'; id: string }

/** Periodic self-messages, sent by timers outside the machines (DESIGN.md rule 2). */
export interface CheckForWorkerTimeOut { type: 'CheckForWorkerTimeOut' }
/** Master-internal: the leader election agent elected this Master (MonarchyLeaderAgent does so at once). */
export interface ElectedLeader { type: 'ElectedLeader' }
export interface SendHeartbeat { type: 'SendHeartbeat' }
export interface ReregisterWithMaster { type: 'ReregisterWithMaster' }

// ---------------------------------------------------------------------------------------------
// Standalone deploy: AppClient <-> Master

/** ApplicationDescription, the fields the Master's scheduling reads. */
export interface ApplicationDescription {
  name: string;
  /** The driver's CoarseGrainedScheduler address (Spark passes it as --driver-url in the command). */
  driverUrl: Address;
  /** spark.cores.max (undefined: spark.deploy.defaultCores applies). */
  maxCores?: number;
  memoryPerExecutorMB: number;
  /** spark.executor.cores (undefined: one executor per worker takes all free cores). */
  coresPerExecutor?: number;
  /** Some(0) with dynamic allocation, else None (StandaloneSchedulerBackend.start). */
  initialExecutorLimit?: number;
}

export interface RegisterApplication { type: 'RegisterApplication'; appDescription: ApplicationDescription; driver: Address }
export interface RegisteredApplication { type: 'RegisteredApplication'; appId: string; master: Address }
export interface UnregisterApplication { type: 'UnregisterApplication'; appId: string }
export interface ExecutorAdded { type: 'ExecutorAdded'; id: number; workerId: string; hostPort: string; cores: number; memory: number }
export interface ExecutorUpdated { type: 'ExecutorUpdated'; id: number; state: ExecutorState; message?: string; exitStatus?: number; workerHost?: string }
export interface ApplicationRemoved { type: 'ApplicationRemoved'; message: string }
export interface WorkerRemoved { type: 'WorkerRemoved'; id: string; host: string; message: string }
export interface MasterChanged { type: 'MasterChanged'; master: Address; masterWebUiUrl: string }
export interface MasterChangeAcknowledged { type: 'MasterChangeAcknowledged'; appId: string }
export interface RequestExecutors { type: 'RequestExecutors'; appId: string; resourceProfileToTotalExecs: Record<number, number> }
export interface KillExecutors { type: 'KillExecutors'; appId: string; executorIds: string[] }

// ---------------------------------------------------------------------------------------------
// Inside the worker process: Worker <-> ExecutorRunner <-> the executor process stand-in

/** Worker calls ExecutorRunner.kill(). */
export interface RunnerKill { type: 'runner.kill' }
/** The ExecutorRunnerShutdownHook runs: the Worker's JVM is exiting (System.exit in Worker). */
export interface RunnerShutdown { type: 'runner.shutdown' }
/** The process stand-in reports to its ExecutorRunner (Process.start / waitFor in Spark). */
export interface ProcessStarted { type: 'process.started' }
export interface ProcessStartFailed { type: 'process.startFailed'; error: string }
export interface ProcessExited { type: 'process.exited'; exitCode: number }
/** ExecutorRunner.killProcess -> Utils.terminateProcess: SIGTERM, then SIGKILL after 10 s. */
export interface ProcessDestroy { type: 'process.destroy' }

// ---------------------------------------------------------------------------------------------
// Driver <-> executor (CoarseGrainedClusterMessage.scala)

export interface RegisterExecutor { type: 'RegisterExecutor'; executorId: string; executorRef: Address; hostname: string; cores: number; logUrls: Record<string, string>; resourceProfileId: number }
/** Success of the RegisterExecutor ask; the executor then creates its Executor. */
export interface RegisteredExecutor { type: 'RegisteredExecutor' }
/** Failure of the RegisterExecutor ask (sendFailure in 3.x; this message's name in 2.x). */
export interface RegisterExecutorFailed { type: 'RegisterExecutorFailed'; message: string }
export interface LaunchedExecutor { type: 'LaunchedExecutor'; executorId: string }

/**
 * What a task's serialized RDD and closure say about blocks (Spark ships them inside the task
 * binary): the stage's output is cached (RDD.persist: each task stores block rdd_<rddId>_<partition>
 * through BlockManager.getOrElseUpdate), and the broadcast variable the closure reads (its
 * TorrentBroadcast: id, size and spark.broadcast.blockSize).
 */
export interface TaskStorage {
  cachedRdd?: { rddId: number; blockSize: number };
  broadcast?: { broadcastId: number; totalSize: number; blockSize: number };
}

/** TaskDescription, decoded (Spark sends it serialized in LaunchTask). */
export interface TaskDescription {
  taskId: number;
  attemptNumber: number;
  executorId: string;
  name: string;
  index: number;
  partitionId: number;
  jobId: number;
  stageId: number;
  stageAttemptId: number;
  cpus: number;
  storage?: TaskStorage;
}
export interface LaunchTask { type: 'LaunchTask'; data: TaskDescription }
export interface KillTask { type: 'KillTask'; taskId: number; executor: string; interruptThread: boolean; reason: string }
/** Payload of StatusUpdate: the failure reason of FAILED/KILLED updates (Spark serializes it in `data`). */
export interface StatusUpdateData { reason?: TaskFailedReason }
export interface StatusUpdate { type: 'StatusUpdate'; executorId: string; taskId: number; state: TaskState; data: StatusUpdateData; taskCpus: number }
export interface StopExecutor { type: 'StopExecutor' }
export interface Shutdown { type: 'Shutdown' }
export interface RemoveExecutor { type: 'RemoveExecutor'; executorId: string; reason: ExecutorLossReason }
export interface ReviveOffers { type: 'ReviveOffers' }
export interface StopExecutors { type: 'StopExecutors' }

// ---------------------------------------------------------------------------------------------
// HeartbeatReceiver (HeartbeatReceiver.scala)

export interface BlockManagerId { executorId: string; host: string; port: number }
export interface Heartbeat { type: 'Heartbeat'; executorId: string; accumUpdates: Array<[number, number]>; blockManagerId: BlockManagerId; replyTo: Address }
export interface HeartbeatResponse { type: 'HeartbeatResponse'; reregisterBlockManager: boolean }
export interface TaskSchedulerIsSet { type: 'TaskSchedulerIsSet' }
export interface ExecutorRegistered { type: 'ExecutorRegistered'; executorId: string }
export interface ExecutorRemoved { type: 'ExecutorRemoved'; executorId: string }
export interface ExpireDeadHosts { type: 'ExpireDeadHosts' }

// ---------------------------------------------------------------------------------------------
// Loss and end reasons (ExecutorLossReason.scala, TaskEndReason.scala)

export type ExecutorLossReason =
  | { kind: 'ExecutorExited'; exitCode: number; exitCausedByApp: boolean; message: string }
  | { kind: 'ExecutorKilled' }
  | { kind: 'ExecutorProcessLost'; message: string; workerHost?: string; causedByApp: boolean }
  | { kind: 'ExecutorDecommission'; workerHost?: string; reason: string }
  | { kind: 'LossReasonPending' }
  /** A plain ExecutorLossReason(message), as exitExecutor sends. */
  | { kind: 'ExecutorLossReason'; message: string };

/** ExecutorLossReason.toString, as Spark prints it (and writes it as "Removed Reason"). */
export function lossReasonMessage(reason: ExecutorLossReason): string {
  switch (reason.kind) {
    case 'ExecutorExited': return reason.message;
    case 'ExecutorKilled': return 'Executor killed by driver.';
    case 'ExecutorProcessLost': return reason.message;
    case 'ExecutorDecommission': return `Executor decommission: ${reason.reason}`;
    case 'LossReasonPending': return 'Pending loss reason.';
    case 'ExecutorLossReason': return reason.message;
  }
}

export type TaskFailedReason =
  | { kind: 'ExceptionFailure'; className: string; description: string }
  | { kind: 'ExecutorLostFailure'; execId: string; exitCausedByApp: boolean; reason?: string }
  | { kind: 'TaskKilled'; reason: string }
  | { kind: 'TaskResultLost' }
  | { kind: 'UnknownReason' };

export type TaskEndReason = { kind: 'Success' } | TaskFailedReason;

/** TaskFailedReason.countTowardsTaskFailures (TaskEndReason.scala). */
export function countTowardsTaskFailures(reason: TaskFailedReason): boolean {
  switch (reason.kind) {
    case 'ExecutorLostFailure': return reason.exitCausedByApp;
    case 'TaskKilled': return false;
    default: return true;
  }
}

/** TaskFailedReason.toErrorString, the text of "most recent failure" in an abort message. */
export function taskFailedReasonString(reason: TaskFailedReason): string {
  switch (reason.kind) {
    case 'ExceptionFailure': return `${reason.className}: ${reason.description}`;
    case 'ExecutorLostFailure': {
      const cause = reason.exitCausedByApp ? 'caused by one of the running tasks' : 'unrelated to the running tasks';
      return `ExecutorLostFailure (executor ${reason.execId} exited ${cause}) Reason: ${reason.reason ?? ''}`;
    }
    case 'TaskKilled': return `TaskKilled (${reason.reason})`;
    case 'TaskResultLost': return 'TaskResultLost (result lost from block manager)';
    case 'UnknownReason': return 'UnknownReason';
  }
}

// ---------------------------------------------------------------------------------------------
// Inside the driver process (sent with sendTo by system id, not through the network)

/** StandaloneAppClientListener callbacks, AppClient -> CoarseGrainedScheduler (StandaloneSchedulerBackend). */
export interface AppClientConnected { type: 'appClient.connected'; appId: string }
export interface AppClientDisconnected { type: 'appClient.disconnected' }
export interface AppClientDead { type: 'appClient.dead'; reason: string }
export interface AppClientExecutorAdded { type: 'appClient.executorAdded'; fullId: string; workerId: string; hostPort: string; cores: number; memory: number }
export interface AppClientExecutorRemoved { type: 'appClient.executorRemoved'; fullId: string; message: string; exitStatus?: number; workerHost?: string }
export interface AppClientWorkerRemoved { type: 'appClient.workerRemoved'; workerId: string; host: string; message: string }
/** The StopAppClient ask, CoarseGrainedScheduler -> AppClient (StandaloneSchedulerBackend.stop). */
export interface StopAppClient { type: 'StopAppClient' }
/** SparkContext.stop(), asked of the driver's SparkContext (StandaloneSchedulerBackend.dead: sc.stopInNewThread()). */
export interface SparkContextStop { type: 'sparkContext.stop'; reason: string }
/** SparkContext.stop stops the HeartbeatReceiver endpoint (onStop cancels ExpireDeadHosts). */
export interface HeartbeatReceiverStop { type: 'heartbeatReceiver.stop' }
/** SparkContext.stop -> SchedulerBackend.stop: stop executors, unregister the application. */
export interface BackendStop { type: 'backend.stop' }
/** ExecutorAllocationClient.requestTotalExecutors (the allocation manager's target per resource profile id). */
export interface BackendRequestTotalExecutors { type: 'backend.requestTotalExecutors'; resourceProfileIdToNumExecutors: Record<number, number> }
/** ExecutorAllocationClient.killExecutors (SparkContext.killAndReplaceExecutor, killExecutors, dynamic allocation). */
export interface BackendKillExecutors { type: 'backend.killExecutors'; executorIds: string[]; adjustTargetNumExecutors: boolean; countFailures: boolean; force: boolean }

/** One task of a TaskSet: its index in the set and the RDD partition it computes. */
export interface TaskSpec { index: number; partitionId: number }
/** TaskSet (scheduler/TaskSet.scala). */
export interface TaskSet { stageId: number; stageAttemptId: number; jobId: number; priority: number; tasks: TaskSpec[]; storage?: TaskStorage }
/** DAGScheduler -> TaskSchedulerImpl.submitTasks (TaskSchedulerImpl lives in the CoarseGrainedScheduler actor). */
export interface SubmitTasks { type: 'taskScheduler.submitTasks'; taskSet: TaskSet }
/** DAGScheduler -> TaskSchedulerImpl.killAllTaskAttempts/cancelTasks of a stage. */
export interface CancelTasks { type: 'taskScheduler.cancelTasks'; stageId: number; reason: string }

/** StandaloneDriverEndpoint's delayed removal of an executor whose connection closed (5.8). */
export interface RemoveAfterDisconnect { type: 'backend.removeAfterDisconnect'; executorId: string }

/** TaskInfo of a launched attempt (scheduler/TaskInfo.scala). */
export interface TaskInfo { taskId: number; index: number; attemptNumber: number; partitionId: number; launchTime: number; executorId: string; host: string; speculative: boolean }
/** TaskSchedulerImpl -> DAGScheduler (the DAGScheduler posts BeginEvent, CompletionEvent, TaskSetFailed, ExecutorAdded, ExecutorLost). */
export interface DagTaskStarted { type: 'dagScheduler.taskStarted'; stageId: number; stageAttemptId: number; taskInfo: TaskInfo }
export interface DagTaskEnded { type: 'dagScheduler.taskEnded'; stageId: number; stageAttemptId: number; taskInfo: TaskInfo; reason: TaskEndReason; finishTime: number }
export interface DagTaskSetFailed { type: 'dagScheduler.taskSetFailed'; stageId: number; stageAttemptId: number; reason: string }
export interface DagExecutorAdded { type: 'dagScheduler.executorAdded'; executorId: string; host: string }
export interface DagExecutorLost { type: 'dagScheduler.executorLost'; executorId: string; reason: ExecutorLossReason }

/** A stage of a submitted job, as the driver program describes it. */
export interface StageSpec { id: number; numTasks: number; parents: number[]; storage?: TaskStorage }
/** The driver program's action (SparkContext.runJob -> DAGScheduler.submitJob). */
export interface SubmitJob { type: 'dagScheduler.submitJob'; jobId: number; stages: StageSpec[]; replyTo: Address }
/** JobResult, sent to the JobWaiter (the driver program). */
export interface JobSucceeded { type: 'JobSucceeded'; jobId: number }
export interface JobFailed { type: 'JobFailed'; jobId: number; exception: string }

// ---------------------------------------------------------------------------------------------
// Inside an executor process: CoarseGrainedExecutorBackend <-> TaskRunner <-> simulated task work

/** Executor.launchTask: threadPool.execute(runner); a pool thread calls TaskRunner.run(). */
export interface TaskRunnerRun { type: 'taskRunner.run' }
/** TaskRunner.kill(interruptThread, reason). */
export interface TaskRunnerKill { type: 'taskRunner.kill'; interruptThread: boolean; reason: string }
/** A tick of the Executor's heartbeater (Executor.reportHeartBeat, scheduled at a fixed rate). */
export interface ExecutorReportHeartBeat { type: 'executor.reportHeartBeat' }
/** The simulated task body finished (actors layer -> TaskRunner). */
export interface WorkSucceeded { type: 'work.succeeded' }
/** The simulated task body threw. */
export interface WorkFailed { type: 'work.failed'; className: string; description: string }

// ---------------------------------------------------------------------------------------------
// Connection loss (RpcEndpoint.onDisconnected)

/**
 * RpcEndpoint.onDisconnected: the network tells an endpoint that a process it had exchanged
 * messages with closed its connection (the process exited or was killed). A process that hangs,
 * or a host that vanishes, closes nothing: its peers learn only by silence.
 */
export interface OnDisconnected { type: 'onDisconnected'; remoteAddress: Address }

// ---------------------------------------------------------------------------------------------
// Unions

/** Every message that crosses a process boundary, i.e. travels through the network. */
export type RpcMessage =
  | RegisterWorker | RegisteredWorker | RegisterWorkerFailed | MasterInStandby | ReconnectWorker | WorkerHeartbeat
  | LaunchExecutor | KillExecutor | ExecutorStateChanged | WorkerLatestState | ApplicationFinished
  | RegisterApplication | RegisteredApplication | UnregisterApplication | ExecutorAdded | ExecutorUpdated
  | ApplicationRemoved | WorkerRemoved | MasterChanged | MasterChangeAcknowledged | RequestExecutors | KillExecutors
  | RegisterExecutor | RegisteredExecutor | RegisterExecutorFailed | LaunchedExecutor | LaunchTask | KillTask
  | StatusUpdate | StopExecutor | RemoveExecutor | Heartbeat | HeartbeatResponse
  | YarnRpcMessage
  | BlockManagerRpcMessage;

export type RpcMessageType = RpcMessage['type'];
