/**
 * Writes each application's event log as Spark's SingleEventLogFileWriter does
 * (core/.../deploy/history/EventLogFileWriters.scala): one file per application in the log
 * directory, named by the application id (Utils.nameForAppAndAttempt; standalone applications
 * have no attempt id), uncompressed, one JSON event per line ending in "\n"; a log whose
 * application has not ended keeps Spark's `.inprogress` suffix. An existing file is replaced
 * (Spark would refuse unless spark.eventLog.overwrite is set: a re-run replaces its own output).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplicationEventLog } from './listenerBus.js';
import { IN_PROGRESS } from './read.js';

/** The text of one log: its events, one compact JSON object per line. */
export function eventLogText(log: ApplicationEventLog): string {
  return log.events.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/** The file name Spark gives the log. */
export function eventLogFileName(log: ApplicationEventLog & { appId: string }): string {
  return log.complete ? log.appId : `${log.appId}${IN_PROGRESS}`;
}

export interface WrittenLog { appName: string; path: string | undefined; events: number; complete: boolean }

/**
 * Creates the directory if needed and writes every registered application's log (written to a
 * temporary name, then renamed, so no partial file is left). An application the Master never
 * registered has no id and no log (Spark's EventLoggingListener starts only once the id is known).
 */
export function writeEventLogs(dir: string, logs: readonly ApplicationEventLog[]): WrittenLog[] {
  mkdirSync(dir, { recursive: true });
  return logs.map((log) => {
    if (log.appId === undefined) return { appName: log.appName, path: undefined, events: 0, complete: false };
    const path = join(dir, eventLogFileName({ ...log, appId: log.appId }));
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, eventLogText(log));
    renameSync(tmp, path);
    // The other name of the same log, left by an earlier run, would list the application twice.
    rmSync(join(dir, log.complete ? `${log.appId}${IN_PROGRESS}` : log.appId), { force: true });
    return { appName: log.appName, path, events: log.events.length, complete: log.complete };
  });
}
