/**
 * Hadoop's ContainerExitStatus (hadoop-yarn-api, org.apache.hadoop.yarn.api.records) and what
 * Spark's YarnAllocator.processCompletedContainers makes of a completed container: the
 * ExecutorExited loss reason with Spark's texts and its exitCausedByApp flag.
 *
 * Models resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn/YarnAllocator.scala
 * (Spark 3.5), shared/spark-semantics.md section 6.5.
 */
import type { ExecutorLossReason } from '../protocol.js';

/** ContainerExitStatus constants (Hadoop 3.x). A container whose process exited has its exit code instead. */
export const ContainerExitStatus = {
  SUCCESS: 0,
  INVALID: -1000,
  /** Containers killed by the framework, either due to being released by the application or being 'lost' due to node failures etc. */
  ABORTED: -100,
  /** When threshold number of the nodemanager-local-directories or nodemanager-log-directories become bad. */
  DISKS_FAILED: -101,
  /** Containers preempted by the framework. */
  PREEMPTED: -102,
  KILLED_EXCEEDED_VMEM: -103,
  KILLED_EXCEEDED_PMEM: -104,
  KILLED_BY_APPMASTER: -105,
  KILLED_BY_RESOURCEMANAGER: -106,
  KILLED_AFTER_APP_COMPLETION: -107,
} as const;
export type ContainerExitStatusName = keyof typeof ContainerExitStatus;

/** The name of a special exit status, or undefined for a process exit code. */
export function exitStatusName(status: number): ContainerExitStatusName | undefined {
  return (Object.keys(ContainerExitStatus) as ContainerExitStatusName[]).find((k) => k !== 'SUCCESS' && ContainerExitStatus[k] === status);
}

/** YarnAllocator.NOT_APP_AND_SYSTEM_FAULT_EXIT_STATUS (SPARK-26269, following YARN's own exclusion rules). */
const NOT_APP_AND_SYSTEM_FAULT_EXIT_STATUS: ReadonlySet<number> = new Set([
  ContainerExitStatus.KILLED_BY_RESOURCEMANAGER,
  ContainerExitStatus.KILLED_BY_APPMASTER,
  ContainerExitStatus.KILLED_AFTER_APP_COMPLETION,
  ContainerExitStatus.ABORTED,
  ContainerExitStatus.DISKS_FAILED,
]);

/** YarnAllocator.MEM_REGEX. */
const MEM_REGEX = '[0-9.]+ [KMG]B';

/** The diagnostics texts the RM and NM put in a ContainerStatus (SchedulerUtils, ContainersMonitorImpl). */
export const DIAGNOSTICS = {
  /** SchedulerUtils.RELEASED_CONTAINER: the AM released the container (AMRMClient.releaseAssignedContainer). */
  RELEASED_CONTAINER: 'Container released by application',
  /** SchedulerUtils.LOST_CONTAINER: the node expired (NMLivelinessMonitor). */
  LOST_CONTAINER: 'Container released on a *lost* node',
  /** SchedulerUtils.PREEMPTED_CONTAINER. */
  PREEMPTED_CONTAINER: 'Container preempted by scheduler',
  /** SchedulerUtils.COMPLETED_APPLICATION: the application finished with the container still running. */
  COMPLETED_APPLICATION: 'Container of a completed application',
} as const;

/** A completed container as the AM sees it in an allocate response (ContainerStatus). */
export interface CompletedContainer { containerId: string; exitStatus: number; diagnostics: string; host?: string }

/**
 * YarnAllocator.processCompletedContainers' loss reason for a container it did not release
 * itself. Preemption, a YARN event (SUCCESS) and the framework's kills are not the app's fault
 * (SPARK-8167, SPARK-26269); exceeding memory limits and a non-zero exit of the executor are.
 * `shutdown`: the AM is shutting down (3.5: "exited after Application shutdown", not the app's fault).
 */
export function completedContainerReason(c: CompletedContainer, shutdown = false): Extract<ExecutorLossReason, { kind: 'ExecutorExited' }> {
  const { containerId, exitStatus, diagnostics } = c;
  const onHost = c.host !== undefined ? ` on host: ${c.host}` : '';
  const exited = (exitCausedByApp: boolean, message: string) => ({ kind: 'ExecutorExited' as const, exitCode: exitStatus, exitCausedByApp, message });
  if (shutdown) return exited(false, `Executor for container ${containerId} exited after Application shutdown.`);
  switch (exitStatus) {
    case ContainerExitStatus.SUCCESS:
      return exited(false, `Executor for container ${containerId} exited because of a YARN event (e.g., preemption) and not because of an error in the running job.`);
    case ContainerExitStatus.PREEMPTED:
      return exited(false, `Container ${containerId}${onHost} was preempted.`);
    case ContainerExitStatus.KILLED_EXCEEDED_VMEM: {
      const diag = new RegExp(`${MEM_REGEX} of ${MEM_REGEX} virtual memory used`).exec(diagnostics)?.[0];
      return exited(true, `Container killed by YARN for exceeding virtual memory limits. ${diag !== undefined ? `${diag}.` : ''} Consider boosting spark.executor.memoryOverhead or boosting yarn.nodemanager.vmem-pmem-ratio or disabling yarn.nodemanager.vmem-check-enabled because of YARN-4714.`);
    }
    case ContainerExitStatus.KILLED_EXCEEDED_PMEM: {
      const diag = new RegExp(`${MEM_REGEX} of ${MEM_REGEX} physical memory used`).exec(diagnostics)?.[0];
      return exited(true, `Container killed by YARN for exceeding physical memory limits. ${diag !== undefined ? `${diag}.` : ''} Consider boosting spark.executor.memoryOverhead.`);
    }
    default:
      if (NOT_APP_AND_SYSTEM_FAULT_EXIT_STATUS.has(exitStatus)) {
        return exited(false, `Container marked as failed: ${containerId}${onHost}. Exit status: ${exitStatus}. Diagnostics: ${diagnostics}.`);
      }
      // A completed container from a bad node (AllocatorNodeHealthTracker.handleResourceAllocationFailure).
      return exited(true, `Container from a bad node: ${containerId}${onHost}. Exit status: ${exitStatus}. Diagnostics: ${diagnostics}.`);
  }
}

/** The loss reason of a container the AM released itself (YarnAllocator.killExecutor): never the app's fault. */
export function releasedContainerReason(c: CompletedContainer): Extract<ExecutorLossReason, { kind: 'ExecutorExited' }> {
  return { kind: 'ExecutorExited', exitCode: c.exitStatus, exitCausedByApp: false, message: `Container ${c.containerId} exited from explicit termination request.` };
}
