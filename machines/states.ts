/**
 * Spark's enumerations, with their values exactly as Spark spells them.
 * Sources: core/.../spark/deploy/ExecutorState.scala, master/ApplicationState.scala,
 * master/WorkerState.scala, master/RecoveryState.scala, core/.../spark/TaskState.scala.
 */

export const ExecutorState = ['LAUNCHING', 'RUNNING', 'KILLED', 'FAILED', 'LOST', 'EXITED', 'DECOMMISSIONED'] as const;
export type ExecutorState = (typeof ExecutorState)[number];

/** ExecutorState.isFinished: DECOMMISSIONED is not finished (ExecutorState.scala). */
export function isExecutorFinished(state: ExecutorState): boolean {
  return state === 'KILLED' || state === 'FAILED' || state === 'LOST' || state === 'EXITED';
}

export const ApplicationState = ['WAITING', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'UNKNOWN'] as const;
export type ApplicationState = (typeof ApplicationState)[number];

/** ApplicationInfo.isFinished: any state other than WAITING and RUNNING. */
export function isApplicationFinished(state: ApplicationState): boolean {
  return state !== 'WAITING' && state !== 'RUNNING';
}

export const WorkerState = ['ALIVE', 'DEAD', 'DECOMMISSIONED', 'UNKNOWN'] as const;
export type WorkerState = (typeof WorkerState)[number];

export const RecoveryState = ['STANDBY', 'ALIVE', 'RECOVERING', 'COMPLETING_RECOVERY'] as const;
export type RecoveryState = (typeof RecoveryState)[number];

/** TaskState keeps LOST, as Spark did up to 3.5 (produced only by Mesos fine-grained mode there). */
export const TaskState = ['LAUNCHING', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'LOST'] as const;
export type TaskState = (typeof TaskState)[number];

/** TaskState.FINISHED_STATES. */
export function isTaskFinished(state: TaskState): boolean {
  return state === 'FINISHED' || state === 'FAILED' || state === 'KILLED' || state === 'LOST';
}

/** TaskState.isFailed. */
export function isTaskFailed(state: TaskState): boolean {
  return state === 'LOST' || state === 'FAILED';
}
