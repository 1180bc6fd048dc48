/** Scenario runs whose event logs the event-log tests read, and the shipped Spark logs. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadScenario, parseScenario } from '../../runtime/scenario.js';
import { runWithEventLogs } from '../../runtime/eventLog/index.js';
import type { SparkEvent } from '../../runtime/eventLog/events.js';

export const root = join(import.meta.dirname, '..', '..');
/**
 * The real Spark event logs (shared/spark-eventlogs, see its SOURCE.md): `../shared` beside the
 * project, found from the project root upwards (a git worktree sits deeper than the checkout).
 */
export const SHARED_LOGS = ((): string => {
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'spark-eventlogs');
    if (existsSync(join(candidate, 'SOURCE.md'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`shared/spark-eventlogs not found beside ${root} or any folder above it (the real Spark logs the event-log tests compare with)`);
  }
})();

/** Every log file under the shared folder (SOURCE.md excluded). */
export function sharedLogFiles(dir = SHARED_LOGS): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sharedLogFiles(path);
    return name.endsWith('.md') ? [] : [path];
  });
}

/** The built-in scenario: a launch failure, then executor 3 hangs and the HeartbeatReceiver expires it (ExecutorLostFailure). */
export function defaultRun(seed?: number) {
  return runWithEventLogs(loadScenario(join(root, 'scenarios', 'default.json')), seed !== undefined ? { seed } : {});
}

/** Partition 3 always throws (ExceptionFailure x4, JobFailed); executor 0 exits with code 56 at 2.5 s (not the app's fault). */
export function failingRun() {
  return runWithEventLogs(parseScenario({
    workers: [{ count: 2, cores: 4, memory: '2g' }],
    applications: [{ name: 'etl', conf: { 'spark.executor.cores': 2 }, jobs: [{ stages: [{ id: 0, tasks: 10, taskDuration: '1s' }, { id: 1, tasks: 4, taskDuration: '1s', parents: [0] }] }] }],
    faults: [
      { kind: 'task-failure', app: 'etl', job: 0, stage: 0, partition: 3, attempts: 'all' },
      { at: '2500ms', kind: 'executor-crash', app: 'etl', executor: 0, exitCode: 56 },
    ],
    stopAt: '10min',
  }, 'failing'));
}

/** Job 0 aborts while 7 tasks run: they are killed ("Stage cancelled: ..."); job 1, later, keeps the application alive to hear of the kills. */
export function killingRun() {
  return runWithEventLogs(parseScenario({
    workers: [{ count: 2, cores: 4, memory: '2g' }],
    applications: [{
      name: 'etl',
      conf: { 'spark.executor.cores': 2 },
      jobs: [
        { stages: [{ id: 0, tasks: 100, taskDuration: { distribution: 'uniform', min: '1s', max: '60s' } }] },
        { submitAt: '5min', stages: [{ id: 0, tasks: 2, taskDuration: '1s' }] },
      ],
    }],
    faults: [{ kind: 'task-failure', app: 'etl', job: 0, stage: 0, partition: 0, attempts: 'all' }],
    stopAt: '10min',
  }, 'killing'));
}

export function eventsOf(events: readonly SparkEvent[], name: string): SparkEvent[] {
  return events.filter((e) => e.Event === name);
}

/** A nested field of an event, by path of field names. */
export function field(event: SparkEvent, ...path: string[]): unknown {
  let v: unknown = event;
  for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
  return v;
}
