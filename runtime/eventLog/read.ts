/**
 * Reads a Spark event log: one JSON object per line, one listener event per line, as Spark's
 * EventLoggingListener writes it and ReplayListenerBus reads it (core/.../scheduler/ReplayListenerBus.scala,
 * core/.../deploy/history/EventLogFileReaders.scala). Accepts a single-file log (`<appId>`,
 * `<appId>.inprogress`) or a rolling log directory (`eventlog_v2_<appId>/events_<n>_<appId>`, read
 * in index order). The events this project writes are checked against their schemas (schema.ts);
 * any other event is kept as it is, unchecked, as Spark's replay keeps listener events it does not
 * know for other listeners.
 *
 * A log that cannot be read gives one EventLogError `FILE:LINE: rule`, never an exception of
 * another kind. Rules:
 * - compressed logs (`.lz4`, `.lzf`, `.snappy`, `.zstd`: spark.eventLog.compression.codec) are
 *   not supported: decompress them first;
 * - every line is a JSON object with a string "Event";
 * - a known event matches its schema;
 * - as ReplayListenerBus with `maybeTruncated`, an in-progress log may end with a partial line,
 *   which is skipped.
 * A log without SparkListenerApplicationEnd is read but marked incomplete (FsHistoryProvider lists
 * it as an incomplete attempt); `checkComplete` turns that into an error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EVENT_SCHEMAS, isKnownEvent, type KnownEventName } from './schema.js';

export class EventLogError extends Error {
  override name = 'EventLogError';
}

/** Spark's short codec names, as the file name's extension (EventLogFileWriter.codecName). */
export const COMPRESSION_CODECS = ['lz4', 'lzf', 'snappy', 'zstd'] as const;
/** The suffix of a log still being written (EventLogFileWriter.IN_PROGRESS). */
export const IN_PROGRESS = '.inprogress';

export interface EventLogLine {
  /** The file and 1-based line the event came from. */
  file: string;
  line: number;
  /** Spark's event name ("SparkListenerTaskEnd", or a class name for other events). */
  name: string;
  known: boolean;
  event: Record<string, unknown> & { Event: string };
}

export interface EventLog {
  path: string;
  /** From SparkListenerLogStart; undefined for logs written before Spark 1.3. */
  sparkVersion: string | undefined;
  /** From SparkListenerApplicationStart. */
  appId: string | undefined;
  appName: string | undefined;
  events: EventLogLine[];
  /** A SparkListenerApplicationEnd was read. */
  complete: boolean;
  /** The file name says the application was still running (`.inprogress`). */
  inProgress: boolean;
  /** Events per name. */
  counts: Record<string, number>;
  /** Not fatal: a skipped partial last line of an in-progress log. */
  warnings: string[];
}

const MAX_FILE_BYTES = 2 ** 30;

/** Magic bytes of the streams Spark's codecs write (LZ4BlockOutputStream, zstd frames, snappy framing, LZF chunks). */
const MAGIC = [
  { codec: 'lz4', bytes: Buffer.from('LZ4Block', 'latin1') },
  { codec: 'lz4', bytes: Buffer.from([0x04, 0x22, 0x4d, 0x18]) },
  { codec: 'zstd', bytes: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) },
  { codec: 'snappy', bytes: Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]) },
  { codec: 'snappy', bytes: Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]) },
  { codec: 'lzf', bytes: Buffer.from('ZV', 'latin1') },
];

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `"${String(p)}"`)).join('.').replace(/\.\[/g, '[');
}

/** The files of a log, in reading order. */
function logFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw new EventLogError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!stat.isDirectory()) return [path];
  // RollingEventLogFilesWriter: events_<index>_<appId>[_<attempt>][.<codec>], plus appstatus_<appId>[.inprogress].
  const files = readdirSync(path)
    .map((name) => ({ name, index: /^events_(\d+)_/.exec(name)?.[1] }))
    .filter((f): f is { name: string; index: string } => f.index !== undefined)
    .sort((a, b) => Number(a.index) - Number(b.index))
    .map((f) => join(path, f.name));
  if (files.length === 0) throw new EventLogError(`${path}: a directory without event files (events_<n>_<appId>): not a rolling Spark event log`);
  return files;
}

function codecOf(file: string): string | undefined {
  const name = basename(file).replace(/\.inprogress$/, '');
  const ext = /\.([a-z0-9]+)$/.exec(name)?.[1];
  return (COMPRESSION_CODECS as readonly string[]).includes(ext ?? '') ? ext : undefined;
}

/** Reads and checks an event log (a file or a rolling-log directory). Throws only EventLogError. */
export function readEventLog(path: string): EventLog {
  const files = logFiles(path);
  // A rolling log's status file is appstatus_<appId>.inprogress until the application ends.
  const inProgress = files[0] === path ? path.endsWith(IN_PROGRESS) : readdirSync(path).some((n) => /^appstatus_.*\.inprogress$/.test(n));
  const log: EventLog = { path, sparkVersion: undefined, appId: undefined, appName: undefined, events: [], complete: false, inProgress, counts: {}, warnings: [] };
  files.forEach((file, fileIndex) => {
    const codec = codecOf(file);
    if (codec) throw new EventLogError(`${file}: compressed with ${codec} (spark.eventLog.compression.codec): not supported; decompress it first (for example with the ${codec} command-line tool)`);
    let bytes: Buffer;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) throw new EventLogError(`${file}: larger than 1 GiB: not read`);
      bytes = readFileSync(file);
    } catch (e) {
      if (e instanceof EventLogError) throw e;
      throw new EventLogError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const magic = MAGIC.find((m) => bytes.subarray(0, m.bytes.length).equals(m.bytes));
    if (magic) throw new EventLogError(`${file}:1: compressed with ${magic.codec} (the content starts with its magic bytes): not supported; decompress it first`);
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const lastFile = fileIndex === files.length - 1;
    lines.forEach((raw, i) => {
      const lineNo = i + 1;
      const at = `${file}:${lineNo}`;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        if (lastFile && inProgress && i === lines.length - 1) {
          log.warnings.push(`${at}: partial last line of an in-progress log skipped`);
          return;
        }
        throw new EventLogError(`${at}: not valid JSON (${(e as Error).message})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EventLogError(`${at}: a line must be a JSON object, got ${describeValue(value)}`);
      const name = (value as { Event?: unknown }).Event;
      if (typeof name !== 'string' || name === '') throw new EventLogError(`${at}: "Event": required, a non-empty string naming the listener event (got ${describeValue(name)})`);
      const known = isKnownEvent(name);
      if (known) {
        const result = EVENT_SCHEMAS[name as KnownEventName].safeParse(value);
        if (!result.success) {
          const issue = result.error.issues[0]!;
          throw new EventLogError(`${at}: ${name}: ${pathText(issue.path) || 'event'}: ${issue.message}`);
        }
      }
      const event = value as EventLogLine['event'];
      log.events.push({ file, line: lineNo, name, known, event });
      log.counts[name] = (log.counts[name] ?? 0) + 1;
      if (name === 'SparkListenerLogStart') log.sparkVersion ??= event['Spark Version'] as string;
      if (name === 'SparkListenerApplicationStart') {
        log.appId ??= event['App ID'] as string | undefined;
        log.appName ??= event['App Name'] as string;
      }
      if (name === 'SparkListenerApplicationEnd') log.complete = true;
    });
  });
  return log;
}

/** The rule an incomplete log breaks, as one `FILE:LINE: rule` line (LINE: the last event read). */
export function incompleteMessage(log: EventLog): string {
  const last = log.events[log.events.length - 1];
  const where = last ? `${last.file}:${last.line}` : `${log.path}:1`;
  return `${where}: incomplete: no SparkListenerApplicationEnd after the last event (the application was still running or its driver died; Spark's History Server lists it as an incomplete attempt)`;
}

/** readEventLog, and an incomplete log is an error too. */
export function checkComplete(log: EventLog): EventLog {
  if (!log.complete) throw new EventLogError(incompleteMessage(log));
  return log;
}
