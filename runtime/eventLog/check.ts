/**
 * `spark-statecharts eventlog check PATH...`: reads each event log with read.ts and prints one
 * line per log on stdout (what it holds), or the rule it breaks on stderr (`FILE:LINE: rule`).
 * A directory that is not a rolling log is expanded to the logs in it (hidden files and `.md` /
 * `.txt` notes skipped; sub-directories expanded the same way, at most 4 levels deep).
 * Exit code: 0 every log read and complete; 1 a log is incomplete (no ApplicationEnd) and
 * `--allow-incomplete` was not given; 2 a log could not be read or breaks a rule.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EventLogError, incompleteMessage, readEventLog } from './read.js';

const MAX_DEPTH = 4;

function isRollingLogDir(path: string): boolean {
  return readdirSync(path).some((n) => /^events_\d+_/.test(n));
}

/** The logs a path names: itself, or the logs of a plain directory. */
function expand(path: string, depth = 0): string[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path];
  }
  if (!isDir || isRollingLogDir(path) || depth >= MAX_DEPTH) return [path];
  return readdirSync(path)
    .filter((n) => !n.startsWith('.') && !/\.(md|txt)$/i.test(n))
    .sort()
    .flatMap((n) => expand(join(path, n), depth + 1));
}

export function eventLogCheck(paths: readonly string[], options: { allowIncomplete: boolean }, out: (text: string) => void): number {
  let code = 0;
  const err = (line: string) => process.stderr.write(`${line}\n`);
  for (const path of paths.flatMap((p) => expand(p))) {
    try {
      const log = readEventLog(path);
      for (const w of log.warnings) err(`warning: ${w}`);
      const unknown = log.events.filter((e) => !e.known).length;
      const summary = [
        `Spark ${log.sparkVersion ?? 'before 1.3 (no SparkListenerLogStart)'}`,
        `application ${log.appId ?? '(no id)'}${log.appName !== undefined ? ` "${log.appName}"` : ''}`,
        `${log.events.length} events (${unknown} of types not checked)`,
        `${log.counts['SparkListenerTaskEnd'] ?? 0} task ends`,
        log.complete ? 'complete' : 'incomplete',
      ].join(', ');
      out(`${path}: ${summary}\n`);
      if (!log.complete && !options.allowIncomplete) {
        err(incompleteMessage(log));
        code = Math.max(code, 1);
      }
    } catch (e) {
      if (!(e instanceof EventLogError)) throw e;
      err(e.message);
      code = 2;
    }
  }
  return code;
}
