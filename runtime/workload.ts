/**
 * What the scenario's applications compute: the jobs each driver program submits (with Spark's
 * job ids and stage ids) and what each task attempt does (its duration, drawn from the stage's
 * distribution, and whether its user code throws, from `task-failure` faults).
 *
 * Ids: a driver submits its jobs in (submitAt, scenario order); Spark's job ids count
 * submissions from 0 and stage ids count created stages from 0 across the application's jobs,
 * in the order the scenario lists them (shared with machines/dagScheduler.ts).
 * A duration depends only on (seed, application, job, stage, partition, attempt), so it is the
 * same whatever ran before it.
 */
import type { PlannedJob } from '../actors/driverProcess.js';
import type { TaskOutcome } from '../actors/taskWork.js';
import type { TaskDescription, TaskStorage } from '../machines/protocol.js';
import { num } from '../machines/conf.js';
import { SeededRandom } from './random.js';
import type { FaultSpec, Scenario, StageSpecInput, TaskDurationSpec } from './scenario.js';

interface PlannedStage { jobIndex: number; stage: StageSpecInput }

const MiB = 1024 * 1024;
/** The size of a cached partition's block (`"cache": true`): the model has no data, so one fixed size. */
export const CACHED_PARTITION_MB = 1;

export class Workload {
  private readonly plans: PlannedJob[][];
  /** Per application: Spark stage id -> the scenario's job and stage. */
  private readonly stages: Array<Map<number, PlannedStage>>;
  private readonly jobIndexById: Array<Map<number, number>>;

  constructor(private readonly scenario: Scenario, private readonly seed: number) {
    this.plans = [];
    this.stages = [];
    this.jobIndexById = [];
    for (const app of scenario.applications) {
      const order = app.jobs.map((job, index) => ({ job, index })).sort((a, b) => a.job.submitAtMs - b.job.submitAtMs || a.index - b.index);
      const plan: PlannedJob[] = [];
      const stages = new Map<number, PlannedStage>();
      const jobIndexById = new Map<number, number>();
      let nextStageId = 0;
      // BroadcastManager.nextBroadcastId: 0, 1, ... in the order the program creates them (before each job).
      let nextBroadcastId = 0;
      const blockSize = num(app.conf, 'spark.broadcast.blockSize') * MiB;
      order.forEach(({ job, index }, jobId) => {
        const idOf = new Map(job.stages.map((s, i) => [s.id, nextStageId + i]));
        const broadcast = job.broadcast && { broadcastId: nextBroadcastId++, totalSize: job.broadcast.sizeMb * MiB, blockSize, unpersistAfterJob: job.broadcast.unpersistAfterJob };
        plan.push({
          jobId,
          submitAtMs: job.submitAtMs,
          stages: job.stages.map((s) => {
            // The stage's RDD id is taken as its global stage id: one persisted RDD per stage.
            const storage: TaskStorage = {
              ...(s.cache ? { cachedRdd: { rddId: idOf.get(s.id)!, blockSize: CACHED_PARTITION_MB * MiB } } : {}),
              ...(broadcast ? { broadcast: { broadcastId: broadcast.broadcastId, totalSize: broadcast.totalSize, blockSize } } : {}),
            };
            return { id: idOf.get(s.id)!, numTasks: s.tasks, parents: s.parents.map((p) => idOf.get(p)!), ...(storage.cachedRdd || storage.broadcast ? { storage } : {}) };
          }),
          ...(broadcast ? { broadcast } : {}),
          ...(job.stages.some((s) => s.unpersistAfterJob) ? { unpersistRdds: job.stages.filter((s) => s.unpersistAfterJob).map((s) => idOf.get(s.id)!) } : {}),
        });
        job.stages.forEach((s) => stages.set(idOf.get(s.id)!, { jobIndex: index, stage: s }));
        jobIndexById.set(jobId, index);
        nextStageId += job.stages.length;
      });
      this.plans.push(plan);
      this.stages.push(stages);
      this.jobIndexById.push(jobIndexById);
    }
  }

  plan(appIndex: number): PlannedJob[] {
    return this.plans[appIndex] ?? [];
  }

  /** The scenario job index of a Spark job id. */
  jobIndex(appIndex: number, jobId: number): number | undefined {
    return this.jobIndexById[appIndex]?.get(jobId);
  }

  outcome(appIndex: number, task: TaskDescription): TaskOutcome {
    const planned = this.stages[appIndex]?.get(task.stageId);
    if (!planned) return { durationMs: 0 };
    const random = new SeededRandom(this.seed, 'task', appIndex, task.stageId, task.stageAttemptId, task.partitionId, task.attemptNumber);
    const durationMs = Math.max(0, Math.round(sample(planned.stage.taskDuration, random)));
    const fault = this.scenario.faults.find((f): f is Extract<FaultSpec, { kind: 'task-failure' }> =>
      f.kind === 'task-failure' && f.app === appIndex && f.job === planned.jobIndex && f.stage === planned.stage.id && f.partition === task.partitionId &&
      (f.attempts === 'all' || task.attemptNumber < f.attempts));
    if (!fault) return { durationMs };
    return {
      durationMs,
      failure: {
        className: 'java.lang.RuntimeException',
        description: `Injected task failure (job ${planned.jobIndex}, stage ${planned.stage.id}, partition ${task.partitionId}, attempt ${task.attemptNumber})`,
      },
    };
  }
}

/** A draw from a task-duration distribution, in ms (may be negative before clamping for a normal). */
export function sample(spec: TaskDurationSpec, random: SeededRandom): number {
  switch (spec.distribution) {
    case 'constant': return spec.valueMs;
    case 'uniform': return spec.minMs + random.next() * (spec.maxMs - spec.minMs);
    case 'normal': {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const u = 1 - random.next();
      const v = random.next();
      return spec.meanMs + spec.stddevMs * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
    case 'exponential': return -spec.meanMs * Math.log(1 - random.next());
    case 'pareto': return spec.scaleMs / Math.pow(1 - random.next(), 1 / spec.shape);
  }
}
