/**
 * A small DAGScheduler (driver endpoint "DAGScheduler") for the scenario's jobs: numbers the
 * stages of each submitted job, submits a stage's TaskSet once its parent stages have completed,
 * counts task attempts, and ends each job with JobSucceeded or JobFailed("Job aborted due to stage
 * failure: ..."), cancelling the job's running stages.
 *
 * Models the job and stage bookkeeping of core/src/main/scala/org/apache/spark/scheduler/
 * DAGScheduler.scala (Spark 4.1.1): handleJobSubmitted, submitStage / submitMissingTasks /
 * submitWaitingChildStages, handleTaskCompletion for Success, handleTaskSetFailed -> abortStage ->
 * failJobAndIndependentStages -> cancelRunningIndependentStages. Task ends reach it from
 * TaskSchedulerImpl/TaskSetManager (shared/spark-semantics.md section 4).
 *
 * Stage ids: Spark numbers stages globally per SparkContext (nextStageId). The job's StageSpecs
 * carry ids that need only be unique within the job; this machine gives them Spark-style global
 * ids in submission order: the first job's stages first, each job's in the order given (Spark
 * itself numbers a job's parent stages before the stages that depend on them, ending with the
 * result stage; the scenario's order is used instead). StageInfo keeps (jobId, specId), the mapping
 * back. runtime/workload.ts numbers stages by the same rule before submitting, so there the mapping
 * is the identity.
 *
 * Trusted input (the runtime's scenario validation enforces it): stage ids unique within a job,
 * parents naming stages of the same job, no dependency cycle. A parent id that names no stage of
 * the job is dropped; a stage on a cycle is never submitted (its job never ends). Nothing throws.
 *
 * Listener events (sparkListener.ts) are posted where Spark posts them: SparkListenerJobStart
 * (handleJobSubmitted), SparkListenerStageSubmitted (submitMissingTasks), SparkListenerTaskStart
 * (handleBeginEvent, for any stage), SparkListenerTaskEnd (handleTaskCompletion, first, for any
 * stage), SparkListenerStageCompleted (markStageAsFinished), SparkListenerJobEnd. A stage that is
 * a parent of another stage is a ShuffleMapStage; its shuffleDepId is its stage id (Spark numbers
 * shuffles separately, from SparkContext.newShuffleId, when the RDD graph is built).
 *
 * Not modelled (the scenario's tasks read no shuffle data): map output tracking, FetchFailed and
 * stage resubmission, Resubmitted tasks, shuffle files lost with an executor (so ExecutorAdded and
 * ExecutorLost change nothing here), stages shared between jobs, stage retries (every TaskSet is
 * attempt 0), job cancellation by the user, speculation's own bookkeeping.
 * Finished jobs and stages are kept for reports: bounded by the scenario's list of jobs.
 */
import { and, enqueueActions, not, setup, type AnyActorRef } from 'xstate';
import { nowOf } from './clock.js';
import type { ResolvedConf } from './conf.js';
import { ENDPOINT, siblingAddress } from './ids.js';
import type {
  TaskStorage,
  Address, CancelTasks, DagExecutorAdded, DagExecutorLost, DagTaskEnded, DagTaskSetFailed, DagTaskStarted, JobFailed, JobSucceeded, StageSpec, SubmitJob, SubmitTasks,
} from './protocol.js';
import { DEFAULT_RESOURCE_PROFILE_ID, postToListenerBus, type SparkListenerEvent, type ListenerStageInfo } from './sparkListener.js';
import { isFlagged, noFlags, withFlag, type PartitionFlags } from './partitionFlags.js';

export interface DagSchedulerInput { address: Address; conf: ResolvedConf }

/** waitingStages, runningStages, then finished (markStageAsFinished without / with a failure reason). */
export type StageState = 'waiting' | 'running' | 'succeeded' | 'failed';

export interface StageInfo {
  /** Spark's global stage id. */
  id: number;
  jobId: number;
  /** The stage's id in its job's StageSpec list. */
  specId: number;
  numTasks: number;
  /** Global ids of the parent stages. */
  parents: number[];
  state: StageState;
  /** Partitions a task of which succeeded (ShuffleMapStage.pendingPartitions / ActiveJob.finished). */
  partitions: PartitionFlags;
  /** How many (ActiveJob.numFinished; ShuffleMapStage.numAvailableOutputs). */
  numFinished: number;
  failureReason?: string;
  /** The stage's cached RDD and broadcast, shipped in each of its tasks. */
  storage?: TaskStorage;
}

export interface JobInfo {
  jobId: number;
  /** The JobWaiter's address (the driver program). */
  replyTo: Address;
  /** Global ids of the job's stages, in the order the job listed them. */
  stageIds: number[];
  result: 'running' | 'succeeded' | 'failed';
  failureReason?: string;
  /** Task attempts started (BeginEvent). */
  attempts: number;
  /** Task attempts that ended with a reason other than Success (CompletionEvent). */
  failedAttempts: number;
  submissionTime: number;
  completionTime?: number;
}

export interface DagSchedulerContext {
  address: Address;
  /** DAGScheduler.nextStageId. */
  nextStageId: number;
  jobs: Record<number, JobInfo>;
  stages: Record<number, StageInfo>;
}

export type DagSchedulerEvent = SubmitJob | DagTaskStarted | DagTaskEnded | DagTaskSetFailed | DagExecutorAdded | DagExecutorLost;

/** What one event makes the DAGScheduler send: TaskSchedulerImpl calls, or the job's result to its JobWaiter. */
export type DagOutput =
  | { to: 'taskScheduler'; event: SubmitTasks | CancelTasks }
  | { to: 'jobWaiter'; address: Address; event: JobSucceeded | JobFailed }
  | { to: 'listenerBus'; event: SparkListenerEvent };

export interface DagStep { context: DagSchedulerContext; out: DagOutput[] }

/** Spark's message prefix for a job that fails because one of its stages was aborted (abortStage). */
export const JOB_ABORTED_PREFIX = 'Job aborted due to stage failure: ';

// ---------------------------------------------------------------------------------------------
// Derived views

/** A job as the report shows it. */
export interface JobSummary { id: number; result: JobInfo['result']; failureReason: string | null; tasks: number; attempts: number; failedAttempts: number }

/** Per job, in job id order: its result, failure reason (null if none), total tasks over its stages, attempts started and failed. */
export function jobSummaries(c: DagSchedulerContext): JobSummary[] {
  return Object.values(c.jobs).sort((a, b) => a.jobId - b.jobId).map((j) => ({
    id: j.jobId,
    result: j.result,
    failureReason: j.failureReason ?? null,
    tasks: j.stageIds.reduce((sum, id) => sum + (c.stages[id]?.numTasks ?? 0), 0),
    attempts: j.attempts,
    failedAttempts: j.failedAttempts,
  }));
}

/** The global stage id of stage `specId` of job `jobId`, or undefined. */
export function stageIdOf(c: DagSchedulerContext, jobId: number, specId: number): number | undefined {
  return c.jobs[jobId]?.stageIds.find((id) => c.stages[id]?.specId === specId);
}

/** Number of partitions of a stage that have succeeded. */
export const finishedPartitions = (stage: StageInfo): number => stage.numFinished;

/** The stage and its job, if the stage was submitted and its job still runs; undefined otherwise. */
export function activeStage(c: DagSchedulerContext, stageId: number): { stage: StageInfo; job: JobInfo } | undefined {
  const stage = c.stages[stageId];
  const job = stage ? c.jobs[stage.jobId] : undefined;
  return stage && job && job.result === 'running' && stage.state !== 'waiting' ? { stage, job } : undefined;
}

/** Whether a stage writes shuffle data for a child stage of its job (a ShuffleMapStage). */
function isShuffleMapStage(stages: Record<number, StageInfo>, job: JobInfo, stageId: number): boolean {
  return job.stageIds.some((id) => stages[id]?.parents.includes(stageId));
}

/** The listener's StageInfo of a stage (attempt 0: stage retries are not modelled). */
export function listenerStageInfo(stages: Record<number, StageInfo>, job: JobInfo, stage: StageInfo, times: { submissionTime?: number; completionTime?: number } = {}): ListenerStageInfo {
  return {
    stageId: stage.id, attemptNumber: 0, numTasks: stage.numTasks, parentIds: stage.parents,
    ...(isShuffleMapStage(stages, job, stage.id) ? { shuffleDepId: stage.id } : {}),
    resourceProfileId: DEFAULT_RESOURCE_PROFILE_ID,
    ...times,
    ...(stage.failureReason !== undefined ? { failureReason: stage.failureReason } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Transitions as pure functions (context in, context and outputs out)

/**
 * submitStage / submitWaitingChildStages: every waiting stage of the job whose parents have all
 * succeeded gets its TaskSet (attempt 0, task i computes partition i, priority = job id, as
 * FIFO scheduling orders by job). A stage without tasks finishes at once (submitMissingTasks with
 * no missing partitions) and may release its children. Then the job succeeds if every stage has.
 */
function submitReadyStages(c: DagSchedulerContext, jobId: number, now: number, out: DagOutput[]): DagSchedulerContext {
  const job = c.jobs[jobId]!;
  const stages = { ...c.stages };
  // Each pass submits at least one stage or stops: at most stageIds.length + 1 passes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of job.stageIds) {
      const stage = stages[id]!;
      if (stage.state !== 'waiting' || !stage.parents.every((p) => stages[p]?.state === 'succeeded')) continue;
      changed = true;
      out.push({ to: 'listenerBus', event: { type: 'SparkListenerStageSubmitted', stageInfo: listenerStageInfo(stages, job, stage, { submissionTime: now }) } });
      if (stage.numTasks === 0) {
        stages[id] = { ...stage, state: 'succeeded' };
        out.push({ to: 'listenerBus', event: { type: 'SparkListenerStageCompleted', stageInfo: listenerStageInfo(stages, job, stages[id]!, { submissionTime: now, completionTime: now }) } });
        continue;
      }
      stages[id] = { ...stage, state: 'running' };
      const tasks = Array.from({ length: stage.numTasks }, (_, index) => ({ index, partitionId: index }));
      out.push({ to: 'taskScheduler', event: { type: 'taskScheduler.submitTasks', taskSet: { stageId: id, stageAttemptId: 0, jobId, priority: jobId, tasks, ...(stage.storage ? { storage: stage.storage } : {}) } } });
    }
  }
  let next: DagSchedulerContext = { ...c, stages };
  if (job.stageIds.every((id) => stages[id]!.state === 'succeeded')) {
    // The result stage's last partition: job.listener.taskSucceeded -> JobWaiter completes.
    next = { ...next, jobs: { ...next.jobs, [jobId]: { ...job, result: 'succeeded', completionTime: now } } };
    out.push({ to: 'listenerBus', event: { type: 'SparkListenerJobEnd', jobId, time: now, jobResult: { result: 'JobSucceeded' } } });
    out.push({ to: 'jobWaiter', address: job.replyTo, event: { type: 'JobSucceeded', jobId } });
  }
  return next;
}

/** handleJobSubmitted: create the job's stages (global ids in the given order) and submit the ready ones. */
export function submitJob(c: DagSchedulerContext, e: SubmitJob, now: number): DagStep {
  if (c.jobs[e.jobId] !== undefined) return { context: c, out: [] };
  const idOf = new Map(e.stages.map((s: StageSpec, i) => [s.id, c.nextStageId + i]));
  const stages = { ...c.stages };
  e.stages.forEach((s, i) => {
    const id = c.nextStageId + i;
    const parents = s.parents.map((p) => idOf.get(p)).filter((p): p is number => p !== undefined);
    stages[id] = { id, jobId: e.jobId, specId: s.id, numTasks: Math.max(0, Math.trunc(s.numTasks)), parents, state: 'waiting', partitions: noFlags(Math.max(0, Math.trunc(s.numTasks))), numFinished: 0, ...(s.storage ? { storage: s.storage } : {}) };
  });
  const job: JobInfo = { jobId: e.jobId, replyTo: e.replyTo, stageIds: e.stages.map((_, i) => c.nextStageId + i), result: 'running', attempts: 0, failedAttempts: 0, submissionTime: now };
  const out: DagOutput[] = [{ to: 'listenerBus', event: { type: 'SparkListenerJobStart', jobId: e.jobId, time: now, stageInfos: job.stageIds.map((id) => listenerStageInfo(stages, job, stages[id]!)) } }];
  const context = submitReadyStages({ ...c, nextStageId: c.nextStageId + e.stages.length, stages, jobs: { ...c.jobs, [e.jobId]: job } }, e.jobId, now, out);
  return { context, out };
}

/** handleBeginEvent: SparkListenerTaskStart (for any stage), and one more attempt started for an active stage's job. */
export function taskStarted(c: DagSchedulerContext, e: DagTaskStarted): DagStep {
  const out: DagOutput[] = [{ to: 'listenerBus', event: { type: 'SparkListenerTaskStart', stageId: e.stageId, stageAttemptId: e.stageAttemptId, taskInfo: e.taskInfo } }];
  const found = activeStage(c, e.stageId);
  if (!found) return { context: c, out };
  return { context: { ...c, jobs: { ...c.jobs, [found.job.jobId]: { ...found.job, attempts: found.job.attempts + 1 } } }, out };
}

/** postTaskEnd: the task's class follows its stage (ResultTask when the stage is unknown). */
function taskEndEvent(c: DagSchedulerContext, e: DagTaskEnded): DagOutput {
  const stage = c.stages[e.stageId];
  const job = stage ? c.jobs[stage.jobId] : undefined;
  const taskType = stage && job && isShuffleMapStage(c.stages, job, stage.id) ? 'ShuffleMapTask' : 'ResultTask';
  return { to: 'listenerBus', event: { type: 'SparkListenerTaskEnd', stageId: e.stageId, stageAttemptId: e.stageAttemptId, taskType, reason: e.reason, taskInfo: e.taskInfo } };
}

/**
 * handleTaskCompletion. Success: the partition is done (once, whichever attempt succeeds first);
 * the stage completes when every partition is done, which submits its waiting children or, for
 * the job's last stage, ends the job. Any failure reason: one more failed attempt; the
 * TaskSetManager re-runs the task or aborts its task set (TaskSetFailed).
 */
export function taskEnded(c: DagSchedulerContext, e: DagTaskEnded, now: number): DagStep {
  const out: DagOutput[] = [taskEndEvent(c, e)];
  const found = activeStage(c, e.stageId);
  if (!found) return { context: c, out };
  const { stage, job } = found;
  if (e.reason.kind !== 'Success') {
    return { context: { ...c, jobs: { ...c.jobs, [job.jobId]: { ...job, failedAttempts: job.failedAttempts + 1 } } }, out };
  }
  const p = e.taskInfo.partitionId;
  if (!Number.isInteger(p) || p < 0 || p >= stage.numTasks || isFlagged(stage.partitions, p)) return { context: c, out };
  const numFinished = stage.numFinished + 1;
  const complete = numFinished === stage.numTasks;
  const updated: StageInfo = { ...stage, partitions: withFlag(stage.partitions, p), numFinished, state: complete && stage.state === 'running' ? 'succeeded' : stage.state };
  const context: DagSchedulerContext = { ...c, stages: { ...c.stages, [stage.id]: updated } };
  if (!complete || stage.state !== 'running') return { context, out };
  // markStageAsFinished, then submitWaitingChildStages (or the job's end).
  out.push({ to: 'listenerBus', event: { type: 'SparkListenerStageCompleted', stageInfo: listenerStageInfo(context.stages, job, updated, { completionTime: now }) } });
  return { context: submitReadyStages(context, job.jobId, now, out), out };
}

/**
 * handleTaskSetFailed -> abortStage -> failJobAndIndependentStages: every running stage of the
 * job (the aborted one included: it is still in runningStages) is cancelled with the job's error
 * message (taskScheduler.killAllTaskAttempts(stageId, interrupt, error.getMessage)) and marked
 * finished with that reason; then the JobWaiter gets JobFailed(SparkException("Job aborted due to
 * stage failure: " + reason)).
 */
export function taskSetFailed(c: DagSchedulerContext, e: DagTaskSetFailed, now: number): DagStep {
  const found = activeStage(c, e.stageId);
  if (!found) return { context: c, out: [] };
  const { job } = found;
  const failureReason = `${JOB_ABORTED_PREFIX}${e.reason}`;
  const out: DagOutput[] = [];
  const stages = { ...c.stages };
  // cancelRunningIndependentStages walks jobIdToStageIds (a HashSet of small ints: ascending).
  for (const id of [...job.stageIds].sort((a, b) => a - b)) {
    const stage = stages[id]!;
    if (stage.state !== 'running') continue;
    out.push({ to: 'taskScheduler', event: { type: 'taskScheduler.cancelTasks', stageId: id, reason: failureReason } });
    stages[id] = { ...stage, state: 'failed', failureReason };
    out.push({ to: 'listenerBus', event: { type: 'SparkListenerStageCompleted', stageInfo: listenerStageInfo(stages, job, stages[id]!, { completionTime: now }) } });
  }
  out.push({ to: 'listenerBus', event: { type: 'SparkListenerJobEnd', jobId: job.jobId, time: now, jobResult: { result: 'JobFailed', exception: failureReason } } });
  out.push({ to: 'jobWaiter', address: job.replyTo, event: { type: 'JobFailed', jobId: job.jobId, exception: failureReason } });
  const jobs = { ...c.jobs, [job.jobId]: { ...job, result: 'failed' as const, failureReason, completionTime: now } };
  return { context: { ...c, stages, jobs }, out };
}

// ---------------------------------------------------------------------------------------------
// The machine

/** The pure step of an event (ignored events return the context unchanged). */
export function dagStep(c: DagSchedulerContext, e: DagSchedulerEvent, now: number): DagStep {
  switch (e.type) {
    case 'dagScheduler.submitJob': return submitJob(c, e, now);
    case 'dagScheduler.taskStarted': return taskStarted(c, e);
    case 'dagScheduler.taskEnded': return taskEnded(c, e, now);
    case 'dagScheduler.taskSetFailed': return taskSetFailed(c, e, now);
    default: return { context: c, out: [] };
  }
}

export const dagSchedulerMachine = setup({
  types: {
    input: {} as DagSchedulerInput,
    context: {} as DagSchedulerContext,
    events: {} as DagSchedulerEvent,
  },
  guards: {
    newJob: ({ context, event }) => event.type === 'dagScheduler.submitJob' && context.jobs[event.jobId] === undefined,
    activeStage: ({ context, event }) => 'stageId' in event && activeStage(context, event.stageId) !== undefined,
    success: ({ event }) => event.type === 'dagScheduler.taskEnded' && event.reason.kind === 'Success',
  },
  actions: {
    /** Applies the event's pure step (dagStep): the new context, then its outputs to TaskSchedulerImpl (the backend actor) or the JobWaiter. */
    step: enqueueActions(({ context, event, enqueue, system }) => {
      const { context: next, out } = dagStep(context, event, nowOf(system));
      if (next !== context) enqueue.assign(() => next);
      for (const o of out) {
        if (o.to === 'listenerBus') {
          postToListenerBus(system, context.address, o.event, (target, event) => enqueue.sendTo(target, event));
          continue;
        }
        const address = o.to === 'taskScheduler' ? siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler) : o.address;
        // Resolved explicitly: sendTo an undefined target would deliver the event back to this actor.
        const target = system.get(address) as AnyActorRef | undefined;
        if (target) enqueue.sendTo(target, o.event);
      }
    }),
  },
}).createMachine({
  id: 'DAGScheduler',
  context: ({ input }) => ({ address: input.address, nextStageId: 0, jobs: {}, stages: {} }),
  initial: 'active',
  states: {
    active: {
      description: 'DAGSchedulerEventProcessLoop: one event at a time (JobSubmitted, BeginEvent, CompletionEvent, TaskSetFailed, ExecutorAdded, ExecutorLost).',
      on: {
        'dagScheduler.submitJob': [
          {
            guard: 'newJob',
            actions: 'step',
            description: 'handleJobSubmitted: create the stages (global ids from nextStageId), submitStage: TaskSets of the stages without missing parents; a job without stages succeeds at once.',
          },
          { description: 'A job id already submitted: ignored (Spark\'s job ids are unique, from nextJobId).' },
        ],
        'dagScheduler.taskStarted': [
          { guard: 'activeStage', actions: 'step', description: 'BeginEvent: one more task attempt of the job (SparkListenerTaskStart).' },
          { actions: 'step', description: 'A stage that is unknown, not submitted, or of an ended job: only SparkListenerTaskStart.' },
        ],
        'dagScheduler.taskEnded': [
          {
            guard: and(['activeStage', 'success']),
            actions: 'step',
            description: 'CompletionEvent(Success): the partition is done (counted once); a complete stage submits its waiting children, the last one ends the job with JobSucceeded.',
          },
          {
            guard: and(['activeStage', not('success')]),
            actions: 'step',
            description: 'CompletionEvent(failure): a failed attempt; the TaskSetManager re-runs the task or aborts the task set. (FetchFailed, which would resubmit stages, is not modelled.)',
          },
          { actions: 'step', description: 'A stage removed with its ended job, or unknown: handleTaskCompletion only posts SparkListenerTaskEnd.' },
        ],
        'dagScheduler.taskSetFailed': [
          {
            guard: 'activeStage',
            actions: 'step',
            description: 'TaskSetFailed -> abortStage -> failJobAndIndependentStages: cancel the job\'s running stages, JobFailed("Job aborted due to stage failure: " + reason).',
          },
          { description: 'abortStage of a stage no longer registered: "Skip all the actions if the stage has been removed."' },
        ],
        'dagScheduler.executorAdded': {
          description: 'ExecutorAdded: Spark clears the executor\'s failure epoch; no map outputs are modelled, so nothing to do.',
        },
        'dagScheduler.executorLost': {
          description: 'ExecutorLost -> removeExecutorAndUnregisterOutputs: blockManagerMaster.removeExecutor(execId) (its block locations are dropped); the scenario\'s tasks write no shuffle data, so nothing is resubmitted.',
          actions: enqueueActions(({ context, event, enqueue, system }) => {
            // Resolved explicitly: sendTo an undefined target would deliver the event back to this actor.
            const master = system.get(siblingAddress(context.address, ENDPOINT.BlockManagerMaster)) as AnyActorRef | undefined;
            if (master && event.type === 'dagScheduler.executorLost') enqueue.sendTo(master, { type: 'BlockManagerRemoveExecutor', execId: event.executorId });
          }),
        },
      },
    },
  },
});
