/**
 * The driver's LiveListenerBus, as a recorder: the listener events each application's driver
 * would post, in the order it would post them, read from the driver endpoints' snapshots as they
 * change. It is an inspection observer (XState `inspect`): every microstep of a driver endpoint
 * carries the event it processed and the snapshot after it, before the endpoint's outgoing
 * messages are delivered, which is the order Spark's components post in.
 *
 * Where each event comes from (Spark's poster in brackets, core/src/main/scala/org/apache/spark/):
 * - ApplicationStart, EnvironmentUpdate, LogStart: the AppClient learns the application id
 *   (SparkContext: postEnvironmentUpdate, postApplicationStart once the scheduler backend has
 *   registered; EventLoggingListener.start writes LogStart first). Timestamp: SparkContext.startTime,
 *   the driver's start.
 * - ApplicationEnd: the driver process enters `stopped` (SparkContext.stop -> postApplicationEnd, ExitCode 0).
 * - ExecutorAdded / ExecutorRemoved: an executor appears in / leaves the DriverEndpoint's
 *   executorDataMap (CoarseGrainedSchedulerBackend RegisterExecutor / removeExecutor, with
 *   ExecutorLossReason.toString); a RemoveExecutor for an executor no longer there still posts
 *   ExecutorRemoved (SPARK-35011).
 * - JobStart, StageSubmitted, StageCompleted, JobEnd: the DAGScheduler's job and stage records
 *   change (handleJobSubmitted, submitMissingTasks, markStageAsFinished, the job's end).
 * - TaskStart / TaskEnd: the DAGScheduler receives BeginEvent / CompletionEvent (taskStarted,
 *   taskEnded), with the TaskInfo and end reason TaskSetManager built.
 * - BlockManagerAdded / Removed: blockManagers.ts.
 *
 * Nothing here decides anything Spark decides: it only projects what the machines did.
 * Events after an application's ApplicationEnd are not recorded (SparkContext.stop stops the
 * listener bus and the event log right after posting it).
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { nowOf } from '../../machines/clock.js';
import { ENDPOINT } from '../../machines/ids.js';
import type { DagSchedulerContext, StageInfo } from '../../machines/dagScheduler.js';
import type { SchedulerBackendContext } from '../../machines/driverEndpoint.js';
import { lossReasonMessage, type DagTaskEnded, type DagTaskStarted, type ExecutorLossReason, type RegisterExecutor } from '../../machines/protocol.js';
import { MASTER_PROCESS, driverAddress, driverProcessName } from '../cluster.js';
import type { ApplicationSpec, Scenario } from '../scenario.js';
import { blockManagerEvents, type BlockManagerRegistry } from './blockManagers.js';
import {
  executorMetrics, jobResultJson, SPARK_VERSION, stageInfoJson, taskEndReasonJson, taskInfoJson, taskMetricsJson, type Json, type SparkEvent, type StageRecord,
} from './events.js';

/** The event log of one application. */
export interface ApplicationEventLog {
  appIndex: number;
  appName: string;
  /** Known once the Master registered the application; no log is written without it. */
  appId: string | undefined;
  /** Every event in posting order, LogStart first. */
  events: SparkEvent[];
  /** ApplicationEnd was posted (else Spark's file would still be `<appId>.inprogress`). */
  complete: boolean;
}

interface AppRecorder {
  spec: ApplicationSpec;
  /** SparkContext.startTime: when the driver started (the application's submission). */
  startTime: number;
  log: ApplicationEventLog;
  /** Events posted before the application id was known (a job submitted at once), written after ApplicationStart. */
  early: SparkEvent[];
  dag: DagSchedulerContext | undefined;
  backend: SchedulerBackendContext | undefined;
  backendRunning: boolean;
  logUrls: Map<string, Record<string, string>>;
  blockManagers: BlockManagerRegistry;
  /** Submission time of each submitted stage (StageInfo.submissionTime), for its StageCompleted. */
  stageSubmitted: Map<number, number>;
}

type Endpoint = 'appClient' | 'backend' | 'dag' | 'driver';

/** The header Spark writes when the application starts (EventLoggingListener.start + SparkContext's first posts). */
function header(rec: AppRecorder, appId: string, blockManager: SparkEvent[]): SparkEvent[] {
  const { spec } = rec;
  const { startTime } = rec;
  const cores = spec.conf['spark.executor.cores'];
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.rawConf)) properties[key] = String(value);
  Object.assign(properties, {
    'spark.app.id': appId,
    'spark.app.name': spec.name,
    'spark.app.startTime': String(startTime),
    'spark.eventLog.enabled': 'true',
    'spark.master': `spark://${MASTER_PROCESS}:7077`,
  });
  const sortedProperties = Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const request = (name: string, amount: number) => ({ 'Resource Name': name, Amount: amount, 'Discovery Script': '', Vendor: '' });
  return [
    { Event: 'SparkListenerLogStart', 'Spark Version': SPARK_VERSION },
    {
      // ResourceProfileManager posts the default profile (executor cores and memory, 1 cpu per task) when SparkContext starts.
      Event: 'SparkListenerResourceProfileAdded',
      'Resource Profile Id': 0,
      'Executor Resource Requests': {
        ...(typeof cores === 'number' ? { cores: request('cores', cores) } : {}),
        memory: request('memory', Number(spec.conf['spark.executor.memory'])),
        offHeap: request('offHeap', 0),
      },
      'Task Resource Requests': { cpus: { 'Resource Name': 'cpus', Amount: Number(spec.conf['spark.task.cpus']) } },
    },
    ...blockManager,
    {
      Event: 'SparkListenerEnvironmentUpdate',
      'JVM Information': {},
      'Spark Properties': sortedProperties,
      'Hadoop Properties': {},
      'System Properties': {},
      'Metrics Properties': {},
      'Classpath Entries': {},
    },
    { Event: 'SparkListenerApplicationStart', 'App Name': spec.name, 'App ID': appId, Timestamp: startTime, User: 'spark' },
  ];
}

export class ListenerBusRecorder {
  private readonly apps: AppRecorder[];
  /** System id -> (application, endpoint). */
  private readonly routes = new Map<string, { rec: AppRecorder; endpoint: Endpoint }>();

  constructor(readonly scenario: Scenario) {
    this.apps = scenario.applications.map((spec) => {
      const rec: AppRecorder = {
        spec,
        startTime: scenario.startTimeMs + spec.submitAtMs,
        log: { appIndex: spec.index, appName: spec.name, appId: undefined, events: [], complete: false },
        early: [],
        dag: undefined,
        backend: undefined,
        backendRunning: false,
        logUrls: new Map(),
        blockManagers: new Map(),
        stageSubmitted: new Map(),
      };
      this.routes.set(driverAddress(spec, ENDPOINT.AppClient), { rec, endpoint: 'appClient' });
      this.routes.set(driverAddress(spec, ENDPOINT.CoarseGrainedScheduler), { rec, endpoint: 'backend' });
      this.routes.set(driverAddress(spec, ENDPOINT.DAGScheduler), { rec, endpoint: 'dag' });
      this.routes.set(driverAddress(spec, ENDPOINT.SparkContext), { rec, endpoint: 'driver' });
      return rec;
    });
  }

  /** Every application's log, in application order. */
  logs(): ApplicationEventLog[] {
    return this.apps.map((a) => a.log);
  }

  /** The inspection observer to give the cluster (`inspect`). */
  readonly observe = (inspection: InspectionEvent): void => {
    if (inspection.type !== '@xstate.microstep') return;
    const systemId = (inspection.actorRef as { systemId?: string }).systemId;
    if (systemId === undefined) return;
    const route = this.routes.get(systemId);
    if (!route || route.rec.log.complete) return;
    const snapshot = inspection.snapshot as { value?: unknown; context?: unknown };
    const now = nowOf((inspection.actorRef as AnyActorRef).system);
    const event = inspection.event as { type: string } & Record<string, unknown>;
    switch (route.endpoint) {
      case 'appClient': return this.appClientStep(route.rec, snapshot.context as { appId?: string }, now);
      case 'backend': return this.backendStep(route.rec, event, snapshot.context as SchedulerBackendContext, snapshot.value === 'running', now);
      case 'dag': return this.dagStep(route.rec, event, snapshot.context as DagSchedulerContext, now);
      case 'driver': if (snapshot.value === 'stopped') this.applicationEnd(route.rec, now); return;
    }
  };

  private post(rec: AppRecorder, event: SparkEvent): void {
    (rec.log.appId === undefined ? rec.early : rec.log.events).push(event);
  }

  private appClientStep(rec: AppRecorder, context: { appId?: string } | undefined, now: number): void {
    const appId = context?.appId;
    if (appId === undefined || rec.log.appId !== undefined) return;
    rec.log.appId = appId;
    const bm = blockManagerEvents({ endpoint: 'appClient', registered: true, driverHost: driverProcessName(rec.spec), now }, rec.blockManagers, rec.spec.conf);
    rec.log.events.push(...header(rec, appId, bm), ...rec.early);
    rec.early = [];
  }

  private applicationEnd(rec: AppRecorder, now: number): void {
    if (rec.log.appId === undefined) return;
    rec.log.events.push({ Event: 'SparkListenerApplicationEnd', Timestamp: now, ExitCode: 0 });
    rec.log.complete = true;
  }

  private backendStep(rec: AppRecorder, event: { type: string } & Record<string, unknown>, after: SchedulerBackendContext, running: boolean, now: number): void {
    const before = rec.backend;
    const wasRunning = rec.backendRunning;
    rec.backend = after;
    rec.backendRunning = running;
    if (event.type === 'RegisterExecutor') {
      const e = event as unknown as RegisterExecutor;
      rec.logUrls.set(e.executorId, e.logUrls);
    }
    for (const bm of blockManagerEvents({ endpoint: 'backend', event, before, after, now }, rec.blockManagers, rec.spec.conf)) this.post(rec, bm);
    if (event.type === 'RemoveExecutor' && wasRunning && typeof event.executorId === 'string' && before && before.executors[event.executorId] === undefined) {
      // SPARK-35011: removeExecutor of an executor no longer in executorDataMap still posts ExecutorRemoved with the given reason.
      this.post(rec, { Event: 'SparkListenerExecutorRemoved', Timestamp: now, 'Executor ID': event.executorId, 'Removed Reason': lossReasonMessage(event.reason as ExecutorLossReason) });
    }
    if (before?.executors === after.executors) return;
    for (const [id, data] of Object.entries(after.executors)) {
      if (before?.executors[id] !== undefined) continue;
      this.post(rec, {
        Event: 'SparkListenerExecutorAdded',
        Timestamp: data.registrationTs,
        'Executor ID': id,
        'Executor Info': {
          Host: data.host,
          'Total Cores': data.totalCores,
          'Log Urls': rec.logUrls.get(id) ?? {},
          Attributes: {},
          Resources: {},
          'Resource Profile Id': 0,
          'Registration Time': data.registrationTs,
        },
      });
    }
    for (const id of Object.keys(before?.executors ?? {})) {
      if (after.executors[id] !== undefined) continue;
      const removed = [...after.removed].reverse().find((r) => r.executorId === id);
      this.post(rec, { Event: 'SparkListenerExecutorRemoved', Timestamp: removed?.removedTs ?? now, 'Executor ID': id, 'Removed Reason': removed?.removedReason ?? '' });
    }
  }

  private dagStep(rec: AppRecorder, event: { type: string } & Record<string, unknown>, after: DagSchedulerContext, now: number): void {
    const before = rec.dag;
    rec.dag = after;
    if (event.type === 'dagScheduler.taskStarted') {
      const e = event as unknown as DagTaskStarted;
      this.post(rec, { Event: 'SparkListenerTaskStart', 'Stage ID': e.stageId, 'Stage Attempt ID': e.stageAttemptId, 'Task Info': taskInfoJson(e.taskInfo) });
    } else if (event.type === 'dagScheduler.taskEnded') {
      const e = event as unknown as DagTaskEnded;
      // The executor's accumulator updates arrive with every end except a loss with the executor (no Task Metrics then).
      const metrics: Record<string, Json> = e.reason.kind === 'ExecutorLostFailure' ? {} : { 'Task Metrics': taskMetricsJson(Math.max(0, e.finishTime - e.taskInfo.launchTime)) };
      this.post(rec, {
        Event: 'SparkListenerTaskEnd',
        'Stage ID': e.stageId,
        'Stage Attempt ID': e.stageAttemptId,
        'Task Type': isResultStage(after, e.stageId) ? 'ResultTask' : 'ShuffleMapTask',
        'Task End Reason': taskEndReasonJson(e.reason),
        'Task Info': taskInfoJson(e.taskInfo, { finishTime: e.finishTime, reason: e.reason }),
        'Task Executor Metrics': executorMetrics(),
        ...metrics,
      });
    }
    if (before?.jobs === after.jobs && before?.stages === after.stages) return;
    // handleJobSubmitted posts JobStart before submitting the job's stages.
    for (const job of Object.values(after.jobs)) {
      if (before?.jobs[job.jobId] !== undefined) continue;
      this.post(rec, {
        Event: 'SparkListenerJobStart',
        'Job ID': job.jobId,
        'Submission Time': job.submissionTime,
        'Stage Infos': job.stageIds.map((id) => stageJson(after, stageRecord(after.stages[id]!, rec))),
        'Stage IDs': job.stageIds,
        Properties: {},
      });
    }
    // A stage's end (markStageAsFinished) comes before the submission of the children it releases.
    const changed = Object.values(after.stages).filter((s) => before?.stages[s.id]?.state !== s.state).sort((a, b) => a.id - b.id);
    for (const stage of changed.filter((s) => s.state === 'succeeded' || s.state === 'failed')) {
      if (!rec.stageSubmitted.has(stage.id)) this.stageSubmitted(rec, after, stage, now);
      this.post(rec, { Event: 'SparkListenerStageCompleted', 'Stage Info': stageJson(after, { ...stageRecord(stage, rec), completionTime: now, ...(stage.failureReason !== undefined ? { failureReason: stage.failureReason } : {}) }) });
    }
    for (const stage of changed.filter((s) => s.state === 'running')) this.stageSubmitted(rec, after, stage, now);
    for (const job of Object.values(after.jobs)) {
      if (job.result === 'running' || before?.jobs[job.jobId]?.result === job.result) continue;
      this.post(rec, {
        Event: 'SparkListenerJobEnd',
        'Job ID': job.jobId,
        'Completion Time': job.completionTime ?? now,
        'Job Result': jobResultJson(job.result === 'failed' ? { failed: true, message: job.failureReason ?? '' } : { failed: false }),
      });
    }
  }

  private stageSubmitted(rec: AppRecorder, dag: DagSchedulerContext, stage: StageInfo, now: number): void {
    rec.stageSubmitted.set(stage.id, now);
    this.post(rec, { Event: 'SparkListenerStageSubmitted', 'Stage Info': stageJson(dag, stageRecord(stage, rec)), Properties: {} });
  }
}

/** A stage as the log names it: "<app> job <job> stage <id in the job>" stands in for Spark's call site. */
function stageRecord(stage: StageInfo, rec: AppRecorder): StageRecord {
  const submitted = rec.stageSubmitted.get(stage.id);
  return {
    stageId: stage.id,
    name: `${rec.spec.name} job ${stage.jobId} stage ${stage.specId}`,
    numTasks: stage.numTasks,
    rddId: stage.id,
    parentIds: stage.parents,
    ...(submitted !== undefined ? { submissionTime: submitted } : {}),
  };
}

function stageJson(dag: DagSchedulerContext, record: StageRecord) {
  // Each stage's RDD has the RDD id of its stage; a shuffle dependency links it to its parents' RDDs.
  return stageInfoJson(record, dag.stages[record.stageId]?.parents ?? []);
}

/** A stage no other stage of its job depends on computes the job's result (ResultTask); the others are shuffle map stages. */
function isResultStage(dag: DagSchedulerContext, stageId: number): boolean {
  const stage = dag.stages[stageId];
  const job = stage ? dag.jobs[stage.jobId] : undefined;
  if (!job) return true;
  return !job.stageIds.some((id) => dag.stages[id]?.parents.includes(stageId));
}
