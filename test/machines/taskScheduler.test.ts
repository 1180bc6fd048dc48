/** TaskSchedulerImpl and TaskSetManager as pure functions (machines/taskScheduler.ts, taskSetManager.ts). */
import { describe, expect, it } from 'vitest';
import * as ts from '../../machines/taskScheduler.js';
import type { SchedulerEffect, SchedulerResult, TaskSchedulerState, WorkerOffer } from '../../machines/taskScheduler.js';
import type { ExecutorLossReason, TaskFailedReason, TaskSet } from '../../machines/protocol.js';

const taskSet = (n: number, stageId = 0, opts: Partial<TaskSet> = {}): TaskSet => ({
  stageId, stageAttemptId: 0, jobId: 0, priority: 0, tasks: Array.from({ length: n }, (_, i) => ({ index: i, partitionId: i })), ...opts,
});
const offer = (executorId: string, cores: number): WorkerOffer => ({ executorId, host: `10.0.0.${executorId}`, cores });
const boom: TaskFailedReason = { kind: 'ExceptionFailure', className: 'java.lang.RuntimeException', description: 'boom' };

/** Threads a state through calls, collecting every effect; every call must leave its input state untouched. */
class Sched {
  effects: SchedulerEffect[] = [];
  constructor(public state: TaskSchedulerState) {}
  private call(op: (s: TaskSchedulerState) => SchedulerResult): SchedulerEffect[] {
    const input = this.state;
    const copy = structuredClone(input);
    const r = op(input);
    expect(input).toEqual(copy);
    this.state = r.state;
    this.effects.push(...r.effects);
    return r.effects;
  }
  submit = (t: TaskSet) => this.call((s) => ts.submitTasks(s, t));
  offer = (offers: WorkerOffer[], now = 0) => this.call((s) => ts.resourceOffers(s, offers, now));
  update = (tid: number, state: Parameters<typeof ts.statusUpdate>[2], reason?: TaskFailedReason, now = 0) => this.call((s) => ts.statusUpdate(s, tid, state, reason, now));
  lose = (executorId: string, reason: ExecutorLossReason) => this.call((s) => ts.executorLost(s, executorId, reason, 0));
  cancel = (stageId: number, reason: string) => this.call((s) => ts.killAllTaskAttempts(s, stageId, false, reason));
  kinds = (fx: SchedulerEffect[]) => fx.map((e) => (e.kind === 'dagScheduler' ? e.event.type : e.kind));
}
const sched = (maxFailures = 4, cpus = 1) => new Sched(ts.newTaskScheduler(maxFailures, cpus));
const launched = (fx: SchedulerEffect[]) => fx.flatMap((e) => (e.kind === 'launchTask' ? [[e.task.taskId, e.task.executorId, e.task.index, e.task.attemptNumber]] : []));
const dag = <T extends string>(fx: SchedulerEffect[], type: T) => fx.flatMap((e) => (e.kind === 'dagScheduler' && e.event.type === type ? [e.event as Extract<ts.DagSchedulerCall, { type: T }>] : []));

describe('TaskSchedulerImpl.submitTasks and resourceOffers', () => {
  it('submitTasks registers the set by stageId.attempt, makes older attempts of the stage zombies, and asks for offers', () => {
    const s = sched();
    expect(s.submit(taskSet(2, 3))).toEqual([{ kind: 'reviveOffers' }]);
    s.submit(taskSet(2, 3, { stageAttemptId: 1 }));
    expect(Object.keys(s.state.taskSets)).toEqual(['3.0', '3.1']);
    expect(s.state.taskSets['3.0']!.isZombie).toBe(true);
    expect(s.state.taskSets['3.1']!.isZombie).toBe(false);
    // Only the active attempt launches.
    expect(launched(s.offer([offer('1', 4)])).map(([, , index]) => index)).toEqual([0, 1]);
    expect(ts.runningEntries(s.state.tasks).every(([, t]) => t.taskSetKey === '3.1')).toBe(true);
    // The same stage attempt again is ignored.
    const before = s.state;
    expect(s.submit(taskSet(2, 3, { stageAttemptId: 1 }))).toEqual([]);
    expect(s.state).toBe(before);
  });

  it('reports an executor to the DAGScheduler on its first offer only, and launches index 0 first with a started event before each launch', () => {
    const s = sched();
    s.submit(taskSet(3));
    const fx = s.offer([offer('1', 1)], 500);
    expect(s.kinds(fx)).toEqual(['dagScheduler.executorAdded', 'dagScheduler.taskStarted', 'launchTask']);
    expect(fx[2]).toEqual({ kind: 'launchTask', task: { taskId: 0, attemptNumber: 0, executorId: '1', name: 'task 0.0 in stage 0.0 (TID 0)', index: 0, partitionId: 0, jobId: 0, stageId: 0, stageAttemptId: 0, cpus: 1 } });
    expect(dag(fx, 'dagScheduler.taskStarted')[0]!.taskInfo).toEqual({ taskId: 0, index: 0, attemptNumber: 0, partitionId: 0, launchTime: 500, executorId: '1', host: '10.0.0.1', speculative: false });
    expect(ts.runningTask(s.state.tasks, 0)!.launching).toBe(true);
    expect(s.kinds(s.offer([offer('1', 0), offer('2', 0)]))).toEqual(['dagScheduler.executorAdded']);
    expect(ts.isExecutorAlive(s.state, '2')).toBe(true);
  });

  it('places tasks one per offer per round while the free cores fit spark.task.cpus', () => {
    const s = sched(4, 2);
    s.submit(taskSet(5));
    // 5 cores hold two 2-cpu tasks, 3 cores one, 1 core none.
    expect(launched(s.offer([offer('1', 5), offer('2', 3), offer('3', 1)])).map(([tid, exec]) => [tid, exec])).toEqual([[0, '1'], [1, '2'], [2, '1']]);
    expect(ts.runningTaskIdsOn(s.state, '1')).toEqual([0, 2]);
    expect(ts.isExecutorBusy(s.state, '3')).toBe(false);
  });

  it('offers task sets in FIFO order: priority (job), then stage id', () => {
    const s = sched();
    s.submit(taskSet(1, 5, { jobId: 1, priority: 1 }));
    s.submit(taskSet(1, 7, { jobId: 0, priority: 0 }));
    s.submit(taskSet(1, 6, { jobId: 0, priority: 0 }));
    expect(launched(s.offer([offer('1', 3)])).map(([tid]) => tid)).toEqual([0, 1, 2]);
    expect([0, 1, 2].map((tid) => ts.runningTask(s.state.tasks, tid)!.taskSetKey)).toEqual(['6.0', '7.0', '5.0']);
  });
});

describe('TaskSchedulerImpl.statusUpdate', () => {
  it('RUNNING clears launching; LAUNCHING and updates of unknown tasks change nothing', () => {
    const s = sched();
    s.submit(taskSet(1));
    s.offer([offer('1', 1)]);
    s.update(0, 'RUNNING');
    expect(ts.runningTask(s.state.tasks, 0)!.launching).toBe(false);
    const before = s.state;
    expect(s.update(0, 'LAUNCHING')).toEqual([]);
    expect(s.update(42, 'FINISHED')).toEqual([]);
    expect(s.state).toBe(before);
  });

  it('FINISHED ends the attempt with Success; the last success makes the set a zombie and removes it; a duplicate FINISHED is ignored', () => {
    const s = sched();
    s.submit(taskSet(2));
    s.offer([offer('1', 2)]);
    const fx = s.update(0, 'FINISHED', undefined, 900);
    expect(dag(fx, 'dagScheduler.taskEnded').map((e) => [e.taskInfo.taskId, e.reason.kind, e.finishTime])).toEqual([[0, 'Success', 900]]);
    expect(s.state.taskSets['0.0']!.successful.join('')).toBe('10');
    expect(ts.tasksSuccessful(s.state.taskSets['0.0']!)).toBe(1);
    expect(s.update(0, 'FINISHED')).toEqual([]);
    s.update(1, 'FINISHED');
    expect(s.state.taskSets).toEqual({});
    expect(ts.runningEntries(s.state.tasks)).toEqual([]);
  });

  it('FAILED re-adds the index, which runs next as attempt 1, and revives offers; no reason means UnknownReason', () => {
    const s = sched();
    s.submit(taskSet(3));
    s.offer([offer('1', 1)]);
    const fx = s.update(0, 'FAILED');
    expect(dag(fx, 'dagScheduler.taskEnded')[0]!.reason).toEqual({ kind: 'UnknownReason' });
    expect(fx.at(-1)).toEqual({ kind: 'reviveOffers' });
    expect(s.state.taskSets['0.0']!.numFailures).toEqual({ 0: 1 });
    // Spark's pending list is a stack: the re-added index 0 comes before the untried 1 and 2.
    expect(launched(s.offer([offer('1', 1)]))).toEqual([[1, '1', 0, 1]]);
  });

  it('aborts after exactly spark.task.maxFailures counted failures, with Spark\'s message', () => {
    const s = sched(3);
    s.submit(taskSet(1));
    for (let tid = 0; tid < 2; tid++) {
      s.offer([offer('1', 1)]);
      s.update(tid, 'FAILED', boom);
    }
    expect(dag(s.effects, 'dagScheduler.taskSetFailed')).toEqual([]);
    s.offer([offer('1', 1)]);
    const fx = s.update(2, 'FAILED', boom);
    expect(dag(fx, 'dagScheduler.taskSetFailed')).toEqual([{
      type: 'dagScheduler.taskSetFailed', stageId: 0, stageAttemptId: 0,
      reason: 'Task 0 in stage 0.0 failed 3 times, most recent failure: Lost task 0.2 in stage 0.0 (TID 2) (10.0.0.1 executor 1): java.lang.RuntimeException: boom\nDriver stacktrace:',
    }]);
    // Aborted and nothing running: the set is gone, and no revive for a zombie.
    expect(s.state.taskSets).toEqual({});
    expect(fx.some((e) => e.kind === 'reviveOffers')).toBe(false);
  });

  it('does not count TaskKilled, ExecutorLostFailure not caused by the app, or failures in a zombie set', () => {
    const s = sched(1);
    s.submit(taskSet(3));
    s.offer([offer('1', 3)]);
    s.update(0, 'KILLED', { kind: 'TaskKilled', reason: 'test' });
    s.update(1, 'FAILED', { kind: 'ExecutorLostFailure', execId: '1', exitCausedByApp: false, reason: 'x' });
    expect(s.state.taskSets['0.0']!.numFailures).toEqual({});
    s.submit(taskSet(3, 0, { stageAttemptId: 1 }));
    s.update(2, 'FAILED', boom);
    expect(dag(s.effects, 'dagScheduler.taskSetFailed')).toEqual([]);
  });

  it('a not-serializable result aborts at once (no retry)', () => {
    const s = sched(4);
    s.submit(taskSet(1));
    s.offer([offer('1', 1)]);
    const fx = s.update(0, 'FAILED', { kind: 'ExceptionFailure', className: 'java.io.NotSerializableException', description: 'Foo' });
    expect(dag(fx, 'dagScheduler.taskSetFailed').map((e) => e.reason)).toEqual(['task 0.0 in stage 0.0 (TID 0) had a not serializable result: Foo']);
  });

  it('a success kills the other running attempts of its index and resets numFailures (SPARK-37580); their late finish counts as TaskKilled', () => {
    // Two concurrent attempts of index 0 (as speculation makes them), after one counted failure.
    const s = sched(2);
    s.submit(taskSet(2));
    s.offer([offer('1', 1), offer('2', 1)]);
    const state = structuredClone(s.state);
    state.tasks = ts.runningTasksOf(ts.runningEntries(state.tasks).map(([tid, t]) => [tid, tid === 1 ? { ...t, index: 0, attemptNumber: 1 } : t]));
    state.taskSets['0.0']!.numFailures = { 0: 1 };
    state.taskSets['0.0']!.failedAttempts = { 0: 1 };
    state.taskSets['0.0']!.readded = [1];
    s.state = state;
    const fx = s.update(0, 'FINISHED');
    expect(fx.filter((e) => e.kind === 'killTask')).toEqual([{ kind: 'killTask', taskId: 1, executorId: '2', interruptThread: true, reason: 'another attempt succeeded' }]);
    expect(s.state.taskSets['0.0']!.numFailures).toEqual({});
    expect(ts.runningTask(s.state.tasks, 1)!.killedByOtherAttempt).toBe(true);
    // Without the reset this second counted failure would reach spark.task.maxFailures = 2.
    const again = structuredClone(s.state);
    s.update(1, 'FAILED', boom);
    expect(dag(s.effects, 'dagScheduler.taskSetFailed')).toEqual([]);
    expect(s.state.taskSets['0.0']!.numFailures).toEqual({ 0: 1 });
    // Had it finished instead: handled as killed, not a second success.
    s.state = again;
    const late = s.update(1, 'FINISHED');
    expect(dag(late, 'dagScheduler.taskEnded').map((e) => e.reason)).toEqual([{ kind: 'TaskKilled', reason: 'Finish but did not commit due to another attempt succeeded' }]);
  });

  it('LOST (Spark up to 3.5) removes the executor from the scheduler, failing its attempts, then reports it lost', () => {
    const s = sched(4);
    s.submit(taskSet(2));
    s.offer([offer('1', 2)]);
    s.update(1, 'RUNNING');
    const fx = s.update(0, 'LOST');
    const reason = { kind: 'ExecutorProcessLost', message: 'Task 0 was lost, so marking the executor as lost as well.', causedByApp: true };
    expect(s.kinds(fx)).toEqual(['dagScheduler.taskEnded', 'dagScheduler.taskEnded', 'dagScheduler.executorLost', 'reviveOffers', 'reviveOffers']);
    expect(dag(fx, 'dagScheduler.taskEnded').map((e) => e.reason)).toEqual([
      { kind: 'ExecutorLostFailure', execId: '1', exitCausedByApp: false, reason: reason.message },
      { kind: 'ExecutorLostFailure', execId: '1', exitCausedByApp: true, reason: reason.message },
    ]);
    expect(dag(fx, 'dagScheduler.executorLost')).toEqual([{ type: 'dagScheduler.executorLost', executorId: '1', reason }]);
    expect(ts.isExecutorAlive(s.state, '1')).toBe(false);
    // Its next offer makes it a new executor again.
    expect(s.kinds(s.offer([offer('1', 2)]))[0]).toBe('dagScheduler.executorAdded');
  });
});

describe('TaskSchedulerImpl.executorLost', () => {
  const running = (reason: ExecutorLossReason, opts: { runningFirst?: boolean } = {}) => {
    const s = sched(1);
    s.submit(taskSet(2));
    s.offer([offer('1', 2)]);
    if (opts.runningFirst !== false) s.update(1, 'RUNNING');
    const fx = s.lose('1', reason);
    return { s, fx, ended: dag(fx, 'dagScheduler.taskEnded').map((e) => [e.taskInfo.index, (e.reason as { exitCausedByApp: boolean }).exitCausedByApp]), aborted: dag(fx, 'dagScheduler.taskSetFailed').length > 0 };
  };

  it('fails the running attempts with ExecutorLostFailure, then tells the DAGScheduler and revives offers', () => {
    const { s, fx } = running({ kind: 'ExecutorKilled' });
    expect(s.kinds(fx)).toEqual(['dagScheduler.taskEnded', 'dagScheduler.taskEnded', 'dagScheduler.executorLost', 'reviveOffers']);
    expect(dag(fx, 'dagScheduler.taskEnded')[0]!.reason).toEqual({ kind: 'ExecutorLostFailure', execId: '1', exitCausedByApp: false, reason: 'Executor killed by driver.' });
    expect(ts.runningEntries(s.state.tasks)).toEqual([]);
    expect(s.state.taskSets['0.0']!.readded).toEqual([0, 1]);
  });

  it('ExecutorKilled counts for no attempt', () => {
    expect(running({ kind: 'ExecutorKilled' })).toMatchObject({ ended: [[0, false], [1, false]], aborted: false });
  });

  it('ExecutorProcessLost (heartbeat timeout) counts for a RUNNING attempt but not for one still launching (SPARK-39955)', () => {
    const r = running({ kind: 'ExecutorProcessLost', message: 'Executor heartbeat timed out after 130000 ms', causedByApp: true });
    expect(r.ended).toEqual([[0, false], [1, true]]);
    expect(r.aborted).toBe(true);
  });

  it('exit code 137 counts (for RUNNING attempts), 56 does not, a lost worker does not', () => {
    expect(running({ kind: 'ExecutorExited', exitCode: 137, exitCausedByApp: true, message: 'Command exited with code 137' }).ended).toEqual([[0, false], [1, true]]);
    expect(running({ kind: 'ExecutorExited', exitCode: 56, exitCausedByApp: false, message: 'x' }).ended).toEqual([[0, false], [1, false]]);
    expect(running({ kind: 'ExecutorProcessLost', message: 'worker lost', workerHost: '10.0.0.1', causedByApp: false }).ended).toEqual([[0, false], [1, false]]);
    expect(running({ kind: 'ExecutorDecommission', reason: 'x' }).ended).toEqual([[0, false], [1, false]]);
    expect(running({ kind: 'ExecutorLossReason', message: 'exitExecutor' }).ended).toEqual([[0, false], [1, true]]);
  });

  it('an executor the scheduler never offered, or already removed, changes nothing', () => {
    const s = sched();
    s.submit(taskSet(1));
    s.offer([offer('1', 1)]);
    expect(s.lose('2', { kind: 'ExecutorKilled' })).toEqual([]);
    s.lose('1', { kind: 'ExecutorKilled' });
    const before = s.state;
    expect(s.lose('1', { kind: 'ExecutorKilled' })).toEqual([]);
    expect(s.state).toBe(before);
  });
});

describe('TaskSchedulerImpl.killAllTaskAttempts and error', () => {
  it('cancelling a stage kills its running attempts and suspends it; it leaves the pool when the last KILLED arrives, uncounted', () => {
    const s = sched(1);
    s.submit(taskSet(3, 4));
    s.offer([offer('1', 1), offer('2', 1)]);
    const fx = s.cancel(4, 'Job aborted');
    expect(fx).toEqual([
      { kind: 'killTask', taskId: 0, executorId: '1', interruptThread: false, reason: 'Stage cancelled: Job aborted' },
      { kind: 'killTask', taskId: 1, executorId: '2', interruptThread: false, reason: 'Stage cancelled: Job aborted' },
    ]);
    expect(s.state.taskSets['4.0']!.isZombie).toBe(true);
    expect(launched(s.offer([offer('3', 1)]))).toEqual([]);
    s.update(0, 'KILLED', { kind: 'TaskKilled', reason: 'Stage cancelled: Job aborted' });
    const last = s.update(1, 'KILLED', { kind: 'TaskKilled', reason: 'Stage cancelled: Job aborted' });
    expect(s.kinds(last)).toEqual(['dagScheduler.taskEnded']);
    expect(s.state.taskSets).toEqual({});
    expect(dag(s.effects, 'dagScheduler.taskSetFailed')).toEqual([]);
  });

  it('error aborts every task set, zombies included, with the reason', () => {
    const s = sched();
    s.submit(taskSet(1, 0));
    s.offer([offer('1', 1)]);
    s.submit(taskSet(1, 0, { stageAttemptId: 1 }));
    s.submit(taskSet(1, 1));
    const r = ts.error(s.state, 'Master removed our application: FAILED');
    expect(dag(r.effects, 'dagScheduler.taskSetFailed').map((e) => `${e.stageId}.${e.stageAttemptId} ${e.reason}`)).toEqual([
      '0.0 Master removed our application: FAILED', '0.1 Master removed our application: FAILED', '1.0 Master removed our application: FAILED',
    ]);
    // The set with a running attempt stays until it ends.
    expect(Object.keys(r.state.taskSets)).toEqual(['0.0']);
    expect(ts.error(ts.newTaskScheduler(4, 1), 'x').effects).toEqual([]);
  });
});
