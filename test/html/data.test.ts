/** The HTML report's data, without a browser: what the page will draw, checked against the run's report, trace and listener events. */
import { beforeAll, describe, expect, it } from 'vitest';
import { htmlReportData, registeredOverTime } from '../../runtime/html/data.js';
import { mermaidText } from '../../runtime/html/messages.js';
import { inlineJson, inlineScript, renderHtml } from '../../runtime/html/template.js';
import type { HtmlReportData } from '../../runtime/html/types.js';
import { runSmall, type SmallRun } from './fixture.js';

let run: SmallRun;
let data: HtmlReportData;
beforeAll(() => {
  run = runSmall();
  data = htmlReportData(run.input);
});

const app = () => run.report.applications[0]!;
const executor = (id: number) => data.executors.find((e) => e.app === 0 && e.id === id)!;

describe('HTML report data: executors', () => {
  it('has one executor per executor of the report, with the Master\'s final state and the loss reason', () => {
    expect(data.executors.map((e) => [e.key, e.state, e.removedReason])).toEqual(app().executors.map((e) => [`app0-${e.id}`, e.state, e.removedReason]));
    expect(data.executors.length).toBe(5);
  });

  it('gives the executor that failed to launch the spans LAUNCHING then FAILED, with the ExecutorRunner\'s error as its reason', () => {
    expect(executor(0).spans.map((s) => s.state)).toEqual(['LAUNCHING', 'FAILED']);
    expect(executor(0).removedReason).toMatch(/^Error running executor: /);
  });

  it('ends the crashed executor RUNNING then EXITED at the Master\'s removal time, with the driver\'s ExecutorExited text', () => {
    const e = executor(1);
    expect(e.spans.map((s) => s.state)).toEqual(['LAUNCHING', 'RUNNING', 'EXITED']);
    const running = e.spans[1]!;
    const exited = e.spans[2]!;
    expect(running.toMs).toBe(exited.fromMs);
    expect(exited.fromMs).toBe(e.removedAtMs);
    expect(e.removedReason).toBe('Command exited with code 137');
    expect(e.lifecycle.map((s) => s.event)).toEqual(expect.arrayContaining(['LaunchExecutor', 'RegisterExecutor', 'SparkListenerExecutorAdded', 'fault executor-crash', 'SparkListenerExecutorRemoved']));
    expect(e.lifecycle.find((s) => s.event === 'SparkListenerExecutorRemoved')!.detail).toBe('the driver removed it: Command exited with code 137');
    const times = e.lifecycle.map((s) => s.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('books an executor KILLED when the Master sends KillExecutor, and ignores the Worker\'s later report of it (the Master no longer knows it)', () => {
    const e = executor(2);
    const kill = e.lifecycle.find((s) => s.event === 'KillExecutor')!;
    expect(kill.state).toBe('KILLED');
    expect(e.spans.at(-1)).toEqual({ state: 'KILLED', fromMs: kill.atMs, toMs: kill.atMs });
  });
});

describe('HTML report data: tasks, jobs and faults', () => {
  it('has one task attempt per attempt the DAGScheduler counted, each on a known executor', () => {
    const attempts = app().jobs.reduce((n, j) => n + j.attempts, 0);
    expect(data.tasks.length).toBe(attempts);
    const keys = new Set(data.executors.map((e) => e.key));
    for (const t of data.tasks) expect(keys.has(t.executor)).toBe(true);
    expect(data.omitted).toEqual({ tasks: 0, messages: 0 });
  });

  it('colours attempts by Spark\'s end reason: the crashed executor\'s running tasks ExecutorLostFailure, the injected failure ExceptionFailure', () => {
    const failed = data.tasks.filter((t) => t.outcome !== 'success');
    expect(failed.length).toBe(app().jobs.reduce((n, j) => n + j.failedAttempts, 0));
    const lost = data.tasks.filter((t) => t.outcome === 'executor-lost');
    expect(lost.length).toBe(2);
    for (const t of lost) {
      expect(t.executor).toBe('app0-1');
      expect(t.reason).toBe('ExecutorLostFailure');
      expect(t.detail).toBe('ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: Command exited with code 137');
      expect(t.finishMs).toBe(executor(1).lifecycle.find((s) => s.event === 'SparkListenerExecutorRemoved')!.atMs);
    }
    const thrown = data.tasks.filter((t) => t.outcome === 'failed');
    expect(thrown.map((t) => [t.stageId, t.index, t.attempt, t.reason])).toEqual([[0, 3, 0, 'ExceptionFailure']]);
    expect(data.tasks.filter((t) => t.outcome === 'success').every((t) => t.reason === 'Success' && t.finishMs! >= t.launchMs)).toBe(true);
  });

  it('times the job from its submission to its end, around all its attempts', () => {
    expect(data.jobs).toHaveLength(1);
    const job = data.jobs[0]!;
    expect(job).toMatchObject({ app: 0, id: 0, result: 'succeeded', attempts: 19 });
    expect(job.submittedAtMs).toBe(0);
    expect(job.completedAtMs).toBe(Math.max(...data.tasks.map((t) => t.finishMs!)));
  });

  it('marks every fault the trace recorded, at its time', () => {
    const faults = run.trace.filter((e) => e.kind === 'fault');
    expect(data.faults).toEqual(faults.map((f) => ({ atMs: f.atMs, fault: f.fault, target: f.target, detail: f.detail })));
    expect(data.faults.map((f) => [f.atMs, f.fault])).toEqual([[0, 'executor-launch-failure'], [3000, 'executor-crash']]);
  });
});

describe('HTML report data: messages', () => {
  it('keeps every message of the trace with its fate, its endpoints listed once, routine traffic flagged', () => {
    const messages = run.trace.filter((e) => e.kind === 'message');
    expect(data.messages.length).toBe(messages.length);
    expect(new Set(data.endpoints).size).toBe(data.endpoints.length);
    data.messages.forEach((m, i) => {
      const t = messages[i]!;
      expect([data.endpoints[m.from], data.endpoints[m.to], m.type, m.outcome]).toEqual([t.from, t.to, t.type, t.outcome]);
      expect(m.routine).toBe(['Heartbeat', 'HeartbeatResponse', 'WorkerHeartbeat', 'LaunchTask', 'StatusUpdate'].includes(t.type));
      expect(m.label.replace(/#(\d+|[a-z]+);/g, '')).not.toMatch(/[;#<>"\n]/);
    });
    expect(data.messages.some((m) => m.outcome === 'dead-letter' && m.label.includes('[dead-letter: process gone]'))).toBe(true);
    // LaunchTask carries its TaskDescription: the label shows the task's fields.
    expect(data.messages.find((m) => m.type === 'LaunchTask')!.label).toMatch(/^LaunchTask taskId=0 attemptNumber=0 executorId=\d+ stageId=0 stageAttemptId=0 index=\d+$/);
  });

  it('escapes what Mermaid would read as syntax', () => {
    expect(mermaidText('a;b#c<d>e&f"g\nh')).toBe('a#59;b#35;c#lt;d#gt;e#amp;f#quot;g h');
  });

  it('keeps the first ones and counts the rest beyond its bounds', () => {
    const bounded = htmlReportData(run.input, { tasks: 5, messages: 10 });
    expect(bounded.tasks).toEqual(data.tasks.slice(0, 5));
    expect(bounded.messages).toEqual(data.messages.slice(0, 10));
    expect(bounded.omitted).toEqual({ tasks: data.tasks.length - 5, messages: data.messages.length - 10 });
  });
});

describe('HTML report data: dynamic allocation target', () => {
  it('is absent without dynamic allocation (executorTargets empty)', () => {
    expect(app().executorTargets).toEqual([]);
    expect(data.targets).toEqual([]);
  });

  it('is drawn from executorTargets when present, beside the executors registered over time', () => {
    const points = [{ atMs: 0, target: 2 }, { atMs: 1500, target: 4 }, { atMs: 9000, target: 0 }];
    const report = { ...run.report, applications: [{ ...app(), executorTargets: points }] };
    const withTargets = htmlReportData({ ...run.input, report });
    expect(withTargets.targets).toEqual([{ app: 0, points, registered: registeredOverTime(withTargets.executors) }]);
  });

  it('counts registered executors from the driver\'s additions and removals', () => {
    // Executors 1, 2 and 3 registered about 1 s in, executor 4 (1's replacement) after the crash; 1 removed at the crash.
    const series = registeredOverTime(data.executors);
    expect(series[0]).toEqual({ atMs: 0, count: 0 });
    expect(Math.max(...series.map((p) => p.count))).toBe(3);
    const removal = executor(1).lifecycle.find((s) => s.event === 'SparkListenerExecutorRemoved')!.atMs;
    expect(series.find((p) => p.atMs === removal)!.count).toBe(2);
    expect(series.at(-1)!.count).toBe(3);
  });
});

describe('HTML report page', () => {
  it('is byte-identical for the same scenario and seed', () => {
    const again = runSmall();
    expect(renderHtml(htmlReportData(again.input))).toBe(renderHtml(data));
  });

  it('loads nothing from elsewhere: every script is inline', () => {
    const html = renderHtml(data);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*\shref=/i);
    expect(html.match(/<script/gi)).toHaveLength(4);
    expect(html.match(/<\/script>/gi)).toHaveLength(4);
  });

  it('escapes a script\'s </script and refuses a script the HTML parser would misread', () => {
    expect(inlineScript('var s = "</script>";', 'x')).toBe('var s = "<\\/script>";');
    expect(() => inlineScript('var s = "<!--<script>";', 'lib.js')).toThrow(/^lib\.js: holds both/);
    expect(inlineJson({ a: '</script><!--' })).toBe('{"a":"\\u003c/script>\\u003c!--"}');
  });
});
