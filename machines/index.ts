/**
 * spark-statecharts/machines: every statechart, the protocol, Spark's configuration and enums,
 * usable without the runtime (bring your own clock with now(): see clock.ts).
 */
export * from './states.js';
export * from './conf.js';
export * from './protocol.js';
export * from './ids.js';
export * from './clock.js';
export * from './rpc.js';
export * from './ticker.js';
export * from './sparkListener.js';
export * from './allocationConf.js';
export { masterMachine, schedule, coresFree as workerInfoCoresFree, memoryFree as workerInfoMemoryFree, coresLeft, RETAINED_APPLICATIONS } from './master.js';
export type { MasterContext, MasterInput, MasterEvent, WorkerInfo, ApplicationInfo, ExecutorDesc } from './master.js';
export { scheduleExecutorsOnWorkers, type AppDemand, type UsableWorker } from './masterSchedule.js';
export { workerMachine, coresFree, memoryFree, addFinishedExecutor, type WorkerContext, type WorkerInput, type WorkerEvent, type WorkerOutput } from './worker.js';
export { executorRunnerMachine, executorProcessPlaceholder, type ExecutorRunnerContext, type ExecutorRunnerInput, type ExecutorRunnerEvent, type ExecutorRunnerOutput } from './executorRunner.js';
export { appClientMachine, REGISTRATION_RETRIES, REGISTRATION_TIMEOUT_MS, type AppClientContext, type AppClientInput, type AppClientEvent } from './appClient.js';
export { schedulerBackendMachine, standaloneLossReason, isExecutorActive, isExecutorBusy, totalCoreCount, totalRegisteredExecutors, executorIdsInOrder, backendStep, DISCONNECT_MESSAGE, REVIVE_OFFERS_TIMER, type SchedulerBackendContext, type SchedulerBackendInput, type SchedulerBackendEvent, type ExecutorData, type RemovedExecutor, type BackendOutput, type BackendStep } from './schedulerBackend.js';
export * as taskScheduler from './taskScheduler.js';
export { dagSchedulerMachine, jobSummaries, dagStep, stageIdOf, JOB_ABORTED_PREFIX, type DagSchedulerContext, type DagSchedulerEvent, type JobInfo, type StageInfo, type JobSummary } from './dagScheduler.js';
export { heartbeatReceiverMachine, validateHeartbeatConf, executorTimeoutMs, expiredExecutors, EXPIRE_DEAD_HOSTS_TIMER, type HeartbeatReceiverContext, type HeartbeatReceiverInput, type HeartbeatReceiverEvent } from './heartbeatReceiver.js';
export { executorBackendMachine, KILL_MARK_TTL_MS, MAX_KILL_MARKS, HEARTBEAT_FAILURE_EXIT_CODE, BLOCK_MANAGER_PORT, liveKillMarks, runningTaskIds, taskRunnerId, taskRunnerOf, idleTaskLaunchWorker, type ExecutorBackendContext, type ExecutorBackendInput, type ExecutorBackendEvent, type ExecutorBackendOutput, type ExecutorInstance, type KillMark } from './executorBackend.js';
export { taskRunnerMachine, taskBodyPlaceholders, statusUpdate as taskStatusUpdate, type TaskRunnerInput, type TaskRunnerEvent, type TaskRunnerContext, type TaskRunnerOutput } from './task.js';
export { allocationManagerMachine, schedule as allocationSchedule, onListenerEvent as allocationOnListenerEvent, maxNumExecutorsNeeded, initialAllocationContext, type AllocationManagerContext, type AllocationManagerEvent, type TargetChange } from './allocationManager.js';
export * as executorMonitor from './executorMonitor.js';
export * as bucketed from './bucketed.js';
export type { Bucketed } from './bucketed.js';
export * from './blockManagerMessages.js';
export { blockManagerMasterMachine, blockManagerMasterStep, initialMasterContext as initialBlockManagerMasterContext, broadcastHolders, lastSeenMs as blockManagerLastSeenMs, blockManagerInfoOf, RETAINED_REMOVALS, type BlockManagerInfo, type BlockManagerMasterContext, type BlockManagerMasterEvent, type BlockManagerMasterInput, type CompletedRemoval, type PendingRemoval, type RemovalKind } from './blockManagerMaster.js';
export { blockManagerMachine, broadcastPieceSizes, broadcastPuts, storedBlockIds, REREGISTRATION_FAILED_MESSAGE, type BlockManagerContext, type BlockManagerEvent, type BlockManagerInput, type BlockManagerExit, type PutBlock, type ReadBroadcast, type StoredBlock } from './blockManager.js';
