/**
 * A small DAGScheduler for the scenario's jobs: submits a stage's TaskSet once its parent stages
 * have completed, counts attempts, and ends each job with JobSucceeded or JobFailed("Job aborted
 * due to stage failure: ..."), cancelling the job's other running stages.
 *
 * Models the job and stage bookkeeping of core/.../spark/scheduler/DAGScheduler.scala (submitJob,
 * submitStage/submitMissingTasks, handleTaskCompletion for Success, abortStage ->
 * failJobAndIndependentStages). Stage ids arrive already numbered as Spark numbers them (see
 * runtime/workload.ts). Not modelled: shuffle map output tracking, FetchFailed and stage
 * resubmission after executor loss (the scenario's tasks fetch no shuffle data), shared stages.
 */
import { enqueueActions, setup, type AnyActorRef } from 'xstate';
import { nowOf } from './clock.js';
import type { ResolvedConf } from './conf.js';
import { ENDPOINT, siblingAddress } from './ids.js';
import type { Address, DagExecutorAdded, DagExecutorLost, DagTaskEnded, DagTaskSetFailed, DagTaskStarted, SubmitJob } from './protocol.js';

export interface StageInfo { id: number; jobId: number; numTasks: number; parents: number[]; state: 'waiting' | 'running' | 'done' | 'failed'; finishedPartitions: number[] }
export interface JobInfo { jobId: number; replyTo: Address; stageIds: number[]; result: 'running' | 'succeeded' | 'failed'; failureReason?: string; attempts: number; failedAttempts: number; submissionTime: number; completionTime?: number }
export interface DagSchedulerContext { address: Address; jobs: Record<number, JobInfo>; stages: Record<number, StageInfo> }
export type DagSchedulerEvent = SubmitJob | DagTaskStarted | DagTaskEnded | DagTaskSetFailed | DagExecutorAdded | DagExecutorLost;

/** A job as the report shows it. */
export interface JobSummary { id: number; result: JobInfo['result']; failureReason: string | null; tasks: number; attempts: number; failedAttempts: number }

export function jobSummaries(c: DagSchedulerContext): JobSummary[] {
  return Object.values(c.jobs).sort((a, b) => a.jobId - b.jobId).map((j) => ({
    id: j.jobId, result: j.result, failureReason: j.failureReason ?? null,
    tasks: j.stageIds.reduce((sum, id) => sum + (c.stages[id]?.numTasks ?? 0), 0), attempts: j.attempts, failedAttempts: j.failedAttempts,
  }));
}

type Out = { to: 'backend' | 'replyTo'; replyTo?: Address; event: { type: string } & Record<string, unknown> };

/** submitStage: every waiting stage of the job whose parents have all completed is submitted. */
function submitReadyStages(c: DagSchedulerContext, job: JobInfo, out: Out[]): void {
  for (const id of job.stageIds) {
    const stage = c.stages[id]!;
    if (stage.state !== 'waiting' || !stage.parents.every((p) => c.stages[p]?.state === 'done')) continue;
    stage.state = 'running';
    const tasks = Array.from({ length: stage.numTasks }, (_, index) => ({ index, partitionId: index }));
    out.push({ to: 'backend', event: { type: 'taskScheduler.submitTasks', taskSet: { stageId: id, stageAttemptId: 0, jobId: job.jobId, priority: job.jobId, tasks } } });
  }
}

const jobOfStage = (c: DagSchedulerContext, stageId: number) => {
  const stage = c.stages[stageId];
  const job = stage ? c.jobs[stage.jobId] : undefined;
  return stage && job && job.result === 'running' ? { stage, job } : undefined;
};

const HANDLERS: { [E in DagSchedulerEvent['type']]: (c: DagSchedulerContext, e: Extract<DagSchedulerEvent, { type: E }>, out: Out[], now: number) => void } = {
  'dagScheduler.submitJob': (c, e, out, now) => {
    if (c.jobs[e.jobId]) return;
    const job: JobInfo = { jobId: e.jobId, replyTo: e.replyTo, stageIds: e.stages.map((s) => s.id), result: 'running', attempts: 0, failedAttempts: 0, submissionTime: now };
    c.jobs[e.jobId] = job;
    for (const s of e.stages) c.stages[s.id] = { id: s.id, jobId: e.jobId, numTasks: s.numTasks, parents: s.parents, state: 'waiting', finishedPartitions: [] };
    submitReadyStages(c, job, out);
  },
  'dagScheduler.taskStarted': (c, e) => {
    const found = jobOfStage(c, e.stageId);
    if (found) found.job.attempts++;
  },
  'dagScheduler.taskEnded': (c, e, out, now) => {
    const found = jobOfStage(c, e.stageId);
    if (!found) return;
    const { stage, job } = found;
    if (e.reason.kind !== 'Success') {
      // The TaskSetManager retries the task; the DAGScheduler only records the failure here.
      job.failedAttempts++;
      return;
    }
    if (stage.finishedPartitions.includes(e.taskInfo.partitionId)) return;
    stage.finishedPartitions.push(e.taskInfo.partitionId);
    if (stage.finishedPartitions.length < stage.numTasks) return;
    stage.state = 'done';
    if (job.stageIds.every((id) => c.stages[id]!.state === 'done')) {
      job.result = 'succeeded';
      job.completionTime = now;
      out.push({ to: 'replyTo', replyTo: job.replyTo, event: { type: 'JobSucceeded', jobId: job.jobId } });
      return;
    }
    submitReadyStages(c, job, out);
  },
  'dagScheduler.taskSetFailed': (c, e, out, now) => {
    const found = jobOfStage(c, e.stageId);
    if (!found) return;
    const { stage, job } = found;
    // abortStage -> failJobAndIndependentStages: cancel the job's other running stages.
    const failureReason = `Job aborted due to stage failure: ${e.reason}`;
    stage.state = 'failed';
    for (const id of job.stageIds) {
      const other = c.stages[id]!;
      if (other.state !== 'running') continue;
      other.state = 'failed';
      out.push({ to: 'backend', event: { type: 'taskScheduler.cancelTasks', stageId: id, reason: failureReason } });
    }
    job.result = 'failed';
    job.failureReason = failureReason;
    job.completionTime = now;
    out.push({ to: 'replyTo', replyTo: job.replyTo, event: { type: 'JobFailed', jobId: job.jobId, exception: failureReason } });
  },
  'dagScheduler.executorAdded': () => undefined,
  // Shuffle outputs on a lost executor are not modelled, so nothing is resubmitted.
  'dagScheduler.executorLost': () => undefined,
};

export const dagSchedulerMachine = setup({
  types: {
    input: {} as { address: Address; conf: ResolvedConf },
    context: {} as DagSchedulerContext,
    events: {} as DagSchedulerEvent,
  },
}).createMachine({
  id: 'DAGScheduler',
  context: ({ input }) => ({ address: input.address, jobs: {}, stages: {} }),
  on: {
    '*': {
      description: "DAGSchedulerEventProcessLoop: one event at a time (JobSubmitted, BeginEvent, CompletionEvent, TaskSetFailed, ExecutorAdded, ExecutorLost).",
      actions: enqueueActions(({ context, event, enqueue, system }) => {
        const handler = HANDLERS[event.type] as ((c: DagSchedulerContext, e: DagSchedulerEvent, out: Out[], now: number) => void) | undefined;
        if (!handler) return;
        const draft = structuredClone(context);
        const out: Out[] = [];
        handler(draft, event, out, nowOf(system));
        enqueue.assign(() => draft);
        for (const o of out) {
          const target = (o.to === 'backend' ? system.get(siblingAddress(context.address, ENDPOINT.CoarseGrainedScheduler)) : system.get(o.replyTo!)) as AnyActorRef | undefined;
          if (target) enqueue.sendTo(target, o.event);
        }
      }),
    },
  },
});
