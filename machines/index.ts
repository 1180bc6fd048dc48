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
export { masterMachine, schedule, coresFree as workerInfoCoresFree, memoryFree as workerInfoMemoryFree, coresLeft, RETAINED_APPLICATIONS } from './master.js';
export type { MasterContext, MasterInput, MasterEvent, WorkerInfo, ApplicationInfo, ExecutorDesc } from './master.js';
export { scheduleExecutorsOnWorkers, type AppDemand, type UsableWorker } from './masterSchedule.js';
export { workerMachine, coresFree, memoryFree, type WorkerContext, type WorkerInput, type WorkerEvent } from './worker.js';
export { executorRunnerMachine, executorProcessPlaceholder, type ExecutorRunnerContext, type ExecutorRunnerInput, type ExecutorRunnerEvent } from './executorRunner.js';
export { appClientMachine, REGISTRATION_RETRIES, REGISTRATION_TIMEOUT_MS, type AppClientContext, type AppClientInput, type AppClientEvent } from './appClient.js';
