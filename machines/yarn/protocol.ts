/**
 * The messages of Spark on YARN. Between Spark's processes (driver <-> ApplicationMaster): the
 * YarnSchedulerBackend messages of CoarseGrainedClusterMessages.scala, by Spark's names. Between
 * the AM, the ResourceManager and the NodeManagers: Hadoop YARN's protocol records
 * (ApplicationMasterProtocol, ResourceTracker, ContainerManagementProtocol), by Hadoop's names,
 * with their fields in camelCase as Hadoop's getters name them.
 *
 * Sources: resource-managers/yarn/.../YarnSchedulerBackend.scala, ApplicationMaster.scala,
 * core/.../scheduler/cluster/CoarseGrainedClusterMessage.scala (Spark 3.5); hadoop-yarn-api
 * (AllocateRequest, AllocateResponse, ContainerStatus, RegisterNodeManagerRequest,
 * NodeHeartbeatRequest/Response, StartContainerRequest).
 */
import type { Address, ApplicationDescription, ExecutorLossReason } from '../protocol.js';

/** Resource (memory in MiB, vCores). */
export interface Resource { memory: number; vCores: number }

/** Container: what the RM allocated, on which node. */
export interface Container { id: string; nodeId: string; nodeHost: string; nodeManager: Address; resource: Resource }

/** ContainerStatus of a COMPLETE container. */
export interface ContainerStatus { containerId: string; state: 'COMPLETE'; exitStatus: number; diagnostics: string }

// ---------------------------------------------------------------------------------------------
// NodeManager <-> ResourceManager (ResourceTracker)

export interface RegisterNodeManagerRequest { type: 'RegisterNodeManagerRequest'; nodeId: string; host: string; nodeManager: Address; resource: Resource }
export interface RegisterNodeManagerResponse { type: 'RegisterNodeManagerResponse'; nodeAction: 'NORMAL' }
/** The NM's periodic heartbeat, with the statuses of containers completed since the last one. */
export interface NodeHeartbeatRequest { type: 'NodeHeartbeatRequest'; nodeId: string; containerStatuses: ContainerStatus[] }
/** The RM's answer: containers the NM must kill (released, preempted, of a finished application). */
export interface NodeHeartbeatResponse { type: 'NodeHeartbeatResponse'; containersToCleanup: string[] }

// ---------------------------------------------------------------------------------------------
// ApplicationMaster <-> ResourceManager (ApplicationMasterProtocol, through AMRMClient)

export interface RegisterApplicationMasterRequest { type: 'RegisterApplicationMasterRequest'; appAttemptId: string; host: string; applicationMaster: Address }
export interface RegisterApplicationMasterResponse { type: 'RegisterApplicationMasterResponse'; maximumResourceCapability: Resource }
/**
 * AMRMClient.allocate: `ask` is the AM's total of outstanding container requests for the
 * executor resource, sent only when the AM's request table changed (AMRMClientImpl sends changed
 * requests only); `releaseList` the containers released since the last call.
 */
export interface AllocateRequest { type: 'AllocateRequest'; appAttemptId: string; responseId: number; ask?: { numContainers: number; capability: Resource }; releaseList: string[] }
export interface AllocateResponse { type: 'AllocateResponse'; responseId: number; allocatedContainers: Container[]; completedContainersStatuses: ContainerStatus[] }
export interface FinishApplicationMasterRequest { type: 'FinishApplicationMasterRequest'; appAttemptId: string; finalApplicationStatus: 'SUCCEEDED' | 'FAILED'; diagnostics: string }

// ---------------------------------------------------------------------------------------------
// ApplicationMaster -> NodeManager (ContainerManagementProtocol, ExecutorRunnable.startContainer)

/** ContainerLaunchContext of an executor: the command line of YarnCoarseGrainedExecutorBackend. */
export interface ExecutorLaunchContext { executorId: string; appId: string; cores: number; memory: number; appDesc: ApplicationDescription }
export interface StartContainerRequest { type: 'StartContainerRequest'; container: Container; launchContext: ExecutorLaunchContext }

// ---------------------------------------------------------------------------------------------
// Driver (YarnSchedulerEndpoint "YarnScheduler") <-> AM (AMEndpoint "YarnAM")

/** The AM's endpoint registers with the driver's YarnSchedulerEndpoint. */
export interface RegisterClusterManager { type: 'RegisterClusterManager'; am: Address }
/**
 * CoarseGrainedClusterMessages.RequestExecutors, qualified: DeployMessages has its own
 * RequestExecutors (the standalone Master's). Locality hints and excluded nodes are not modelled.
 */
export interface YarnRequestExecutors { type: 'YarnRequestExecutors'; resourceProfileToTotalExecs: Record<number, number> }
/** CoarseGrainedClusterMessages.KillExecutors, qualified (DeployMessages has its own). */
export interface YarnKillExecutors { type: 'YarnKillExecutors'; executorIds: string[] }
export interface GetExecutorLossReason { type: 'GetExecutorLossReason'; executorId: string; replyTo: Address }
/** The reply of GetExecutorLossReason (context.reply(reason)). */
export interface ExecutorLossReasonReply { type: 'ExecutorLossReasonReply'; executorId: string; reason: ExecutorLossReason }
/** The failure of GetExecutorLossReason (context.sendFailure). */
export interface GetExecutorLossReasonFailed { type: 'GetExecutorLossReasonFailed'; executorId: string; message: string }
/** YarnSchedulerBackend.stop -> signalDriverStop: the AM's final exit code (client mode). */
export interface AMShutdown { type: 'Shutdown'; exitCode: number }

export type YarnRpcMessage =
  | RegisterNodeManagerRequest | RegisterNodeManagerResponse | NodeHeartbeatRequest | NodeHeartbeatResponse
  | RegisterApplicationMasterRequest | RegisterApplicationMasterResponse | AllocateRequest | AllocateResponse | FinishApplicationMasterRequest
  | StartContainerRequest
  | RegisterClusterManager | YarnRequestExecutors | YarnKillExecutors | GetExecutorLossReason | ExecutorLossReasonReply | GetExecutorLossReasonFailed | AMShutdown;
