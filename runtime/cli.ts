#!/usr/bin/env -S node --max-semi-space-size=128
/**
 * The command line: `spark-statecharts run [FILE] [--seed N] [--json] [--until T] [--verbose] [--no-check] [--event-log DIR] [--html FILE]`,
 * `spark-statecharts sweep [--seeds 1..1000] [--mode safety|liveness|both] [--jobs N] [--check-determinism] [--dynamic-allocation] [--cluster-manager standalone|yarn] [--out DIR]`
 * `spark-statecharts eventlog check PATH... [--allow-incomplete]` and
 * `spark-statecharts diagram [MACHINE] [--format mermaid|svg|dot] [--out FILE] [--list] [--coverage FILE]`.
 * Exit codes: 0 done, 1 a checked invariant failed, 2 bad input (one line naming the file, the
 * field and the rule; no stack trace, nothing else printed).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { InspectionEvent } from 'xstate';
import { parseTime } from '../machines/conf.js';
import { createCluster } from './cluster.js';
import { checkInvariants } from './checkers.js';
import { buildReport, driverEvents, summaryLines } from './report.js';
import { loadScenario, ScenarioError } from './scenario.js';
import { timelineLines } from './timeline.js';
import { runSweep } from './sweepPool.js';
import { Coverage, coverageLines } from './coverage.js';
import type { StormMode } from './storm.js';
import type { ClusterManagerKind } from './scenario.js';
import { shrinkFailure, type SeedResult } from './sweep.js';
import { ListenerBusRecorder } from './eventLog/listenerBus.js';
import { writeEventLogs } from './eventLog/write.js';
import { eventLogCheck } from './eventLog/check.js';
import { writeHtmlReport } from './html/index.js';
import { DIAGRAM_FORMATS, diagramCommand, type DiagramFormat, type DiagramOptions } from './diagram/command.js';
import { writeCoverageFile } from './diagram/coverageFile.js';
import { parseSpeed } from './pacing.js';
import { pacerFor, processIo, runLive, type LiveIo } from './live.js';
import { parseInspectTarget, startInspection, type InspectTarget } from './inspect.js';

export const EXIT_OK = 0;
export const EXIT_INVARIANT = 1;
export const EXIT_BAD_INPUT = 2;

/** The built-in scenario of `npm start`, found beside the sources or the built files. */
export function defaultScenarioPath(): string {
  for (const relative of ['../scenarios/default.json', '../../scenarios/default.json']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('the built-in scenario scenarios/default.json is missing from this installation');
}

function parseSeed(value: string): number {
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return Number(value);
}

function parseUntil(value: string): number {
  try {
    const ms = parseTime(value, 'ms');
    if (ms < 0) throw new Error(`expected a duration >= 0, got "${value}"`);
    return ms;
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

interface RunOptions { seed?: number; json?: boolean; until?: number; verbose?: boolean; check: boolean; coverage?: boolean; coverageFile?: string; eventLog?: string; html?: string; speed?: number; step?: boolean; inspect?: InspectTarget | true }

/** `--coverage-file FILE`: a file in an existing directory. */
function parseCoverageFile(value: string): string {
  if (existsSync(value) && statSync(value).isDirectory()) throw new InvalidArgumentError(`"${value}" is a directory; give a file name`);
  const dir = dirname(value);
  if (!existsSync(dir)) throw new InvalidArgumentError(`the directory "${dir}" does not exist`);
  return value;
}

function parseFormat(value: string): DiagramFormat {
  if (!(DIAGRAM_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${DIAGRAM_FORMATS.join(', ')}, got "${value}"`);
  return value as DiagramFormat;
}

/** `--event-log DIR`: a directory, or a path where one can be created. */
function parseEventLogDir(value: string): string {
  if (existsSync(value) && !statSync(value).isDirectory()) throw new InvalidArgumentError(`"${value}" exists and is not a directory`);
  return value;
}

/** `--html FILE`: a file path (its directory is created if needed), not a directory. */
function parseHtmlPath(value: string): string {
  if (value === '' || (existsSync(value) && statSync(value).isDirectory())) throw new InvalidArgumentError(`"${value}" is a directory, not a file`);
  return value;
}

/** Several inspection observers as one (XState takes one per actor system). */
function inspectors(...observers: Array<((event: InspectionEvent) => void) | undefined>): ((event: InspectionEvent) => void) | undefined {
  const present = observers.filter((o): o is (event: InspectionEvent) => void => o !== undefined);
  if (present.length <= 1) return present[0];
  return (event) => {
    for (const o of present) o(event);
  };
}

function parseInspect(value: string | true): InspectTarget {
  try {
    return parseInspectTarget(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Bad input found after parsing (options that conflict, an inspector that cannot be reached): exit 2, one line. */
class UsageError extends Error {}

async function run(file: string | undefined, options: RunOptions, out: (text: string) => void, io: LiveIo): Promise<number> {
  const scenario = loadScenario(file ?? defaultScenarioPath());
  const coverage = options.coverage || options.coverageFile !== undefined ? new Coverage() : undefined;
  // The HTML report reads task attempts and job times from the listener events, as Spark's UI does.
  const listenerBus = options.eventLog !== undefined || options.html !== undefined ? new ListenerBusRecorder(scenario) : undefined;
  let inspection: Awaited<ReturnType<typeof startInspection>> | undefined;
  if (options.inspect) {
    inspection = await startInspection(options.inspect === true ? parseInspectTarget(true) : options.inspect).catch((e: Error) => {
      throw new UsageError(`--inspect: ${e.message}`);
    });
    if (inspection.pageUrl !== undefined) {
      // The bridge page replays only its last 200 events: the browser must be there before the run.
      io.prompt(`inspector: open ${inspection.pageUrl} (Stately's inspector, loaded from the internet), then press Enter to start the run\n`);
      await io.nextLine();
    }
  }
  const inspect = inspectors(coverage?.observe, listenerBus?.observe, inspection?.observe);
  const cluster = createCluster(scenario, { checked: options.check, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(inspect ? { inspect } : {}) });
  const pacer = options.json ? undefined : pacerFor(options, io, scenario.startTimeMs);
  const header = [`spark-statecharts: scenario "${scenario.name}", seed ${cluster.seed}`, ...scenario.warnings.map((w) => `warning: ${w}`), ''];
  if (pacer) out(`${header.join('\n')}\n`);
  const result = pacer
    ? await runLive(cluster, pacer, (lines) => out(`${lines.join('\n')}\n`), { ...(options.until !== undefined ? { untilMs: options.until } : {}), verbose: options.verbose ?? false })
    : cluster.run(options.until);
  await inspection?.close();
  const report = buildReport(cluster, result);
  const eventLogs = listenerBus && options.eventLog !== undefined ? writeEventLogs(options.eventLog, listenerBus.logs()) : [];
  if (options.html !== undefined) writeHtmlReport(options.html, { report, trace: cluster.trace.entries, eventLogs: listenerBus!.logs(), startTimeMs: scenario.startTimeMs });
  if (options.coverageFile !== undefined) writeCoverageFile(options.coverageFile, coverage!);
  const violations = result.violation ? [result.violation.message] : checkInvariants(cluster);
  if (options.json) {
    out(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    // A paced run printed its header and timeline as it went.
    const lines = [
      ...(pacer ? [] : [...header, ...timelineLines(cluster.trace.entries, { verbose: options.verbose ?? false, driverEvents: driverEvents(cluster) })]),
      '',
      ...summaryLines(report),
      ...(options.coverage ? ['', ...coverageLines(coverage!)] : []),
      ...eventLogs.map((l) => l.path === undefined
        ? `no event log for application ${l.appName}: the Master never registered it (no application id)`
        : `event log of application ${l.appName}: ${l.path} (${l.events} events${l.complete ? '' : ', incomplete: the application had not ended'})`),
      ...(options.html !== undefined ? [`html report: ${options.html}`] : []),
    ];
    out(`${lines.join('\n')}\n`);
  }
  if (violations.length > 0) {
    process.stderr.write(violations.map((v) => `invariant violated: ${v}\n`).join(''));
    return EXIT_INVARIANT;
  }
  return EXIT_OK;
}

/** "1..1000", "7", or "1,5,9". */
function parseSeeds(value: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(value);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (from > to) throw new InvalidArgumentError(`the range ${value} is empty`);
    if (to - from >= 10_000_000) throw new InvalidArgumentError(`the range ${value} is too large (at most 10,000,000 seeds)`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  if (/^\d+(,\d+)*$/.test(value)) return value.split(',').map(Number);
  throw new InvalidArgumentError(`expected a seed, a list 1,2,3 or a range 1..1000, got "${value}"`);
}

function parseMode(value: string): StormMode[] {
  if (value === 'both') return ['safety', 'liveness'];
  if (value === 'safety' || value === 'liveness') return [value];
  throw new InvalidArgumentError(`expected safety, liveness or both, got "${value}"`);
}

function parseJobs(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return Number(value);
}

interface SweepCliOptions { seeds: number[]; mode: StormMode[]; jobs: number; checkDeterminism?: boolean; dynamicAllocation?: boolean; clusterManager: ClusterManagerKind; coverage?: boolean; coverageFile?: string; out: string }

async function sweep(options: SweepCliOptions, out: (text: string) => void): Promise<number> {
  const lines: string[] = ['mode       seeds  failures  simulated (h)  wall (s)  seeds/min'];
  const failures: SeedResult[] = [];
  const coverage = new Coverage();
  for (const mode of options.mode) {
    const bar = new SingleBar({ format: `${mode.padEnd(9)} [{bar}] {value}/{total} seeds, {failures} failed`, stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 });
    let failed = 0;
    bar.start(options.seeds.length, 0, { failures: 0 });
    const started = performance.now();
    const results = await runSweep({
      seeds: options.seeds, mode, jobs: options.jobs, checkDeterminism: options.checkDeterminism ?? false, variant: { dynamicAllocation: options.dynamicAllocation ?? false, clusterManager: options.clusterManager }, coverage: (options.coverage ?? false) || options.coverageFile !== undefined,
      onResult: (r) => {
        if (r.failure) failed++;
        if (r.coverage) coverage.merge(r.coverage);
        bar.increment(1, { failures: failed });
      },
    });
    bar.stop();
    const wallS = (performance.now() - started) / 1000;
    const simulatedH = results.reduce((sum, r) => sum + r.simulatedMs, 0) / 3_600_000;
    failures.push(...results.filter((r) => r.failure));
    lines.push(`${mode.padEnd(9)} ${String(results.length).padStart(6)}  ${String(failed).padStart(8)}  ${simulatedH.toFixed(1).padStart(13)}  ${wallS.toFixed(1).padStart(8)}  ${(results.length / (wallS / 60)).toFixed(0).padStart(9)}`);
  }
  if (failures.length > 0) mkdirSync(options.out, { recursive: true });
  for (const { failure } of failures) {
    const name = String(failure!.scenario['name']);
    const file = join(options.out, `${name}.json`);
    const minimal = join(options.out, `${name}-min.json`);
    writeFileSync(file, `${JSON.stringify(failure!.scenario, null, 2)}\n`);
    writeFileSync(minimal, `${JSON.stringify(shrinkFailure(failure!), null, 2)}\n`);
    lines.push('', `FAIL seed ${failure!.seed} (${failure!.mode}, ${failure!.kind}): ${failure!.detail}`, `  replay: spark-statecharts run ${file}`, `  smallest fault plan that still fails: spark-statecharts run ${minimal}`);
  }
  if (options.coverage) lines.push('', ...coverageLines(coverage));
  if (options.coverageFile !== undefined) writeCoverageFile(options.coverageFile, coverage);
  out(`${lines.join('\n')}\n`);
  return failures.length > 0 ? EXIT_INVARIANT : EXIT_OK;
}

export async function main(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t), liveIo?: LiveIo): Promise<number> {
  const stdio = liveIo ? undefined : processIo();
  try {
    return await parseAndRun(argv, out, liveIo ?? stdio!);
  } finally {
    stdio?.close();
  }
}

async function parseAndRun(argv: string[], out: (text: string) => void, io: LiveIo): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('spark-statecharts')
    .description("Apache Spark's control plane as XState statecharts, run under a virtual clock with injected faults.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s), writeErr: (s) => process.stderr.write(s) });
  program
    .command('run')
    .description('run a scenario and print its timeline and summary (or its report as JSON)')
    .argument('[file]', 'scenario file (JSON); default: the built-in default scenario')
    .option('--seed <n>', "seed of the run's randomness (overrides the scenario's)", parseSeed)
    .option('--json', 'print only the report JSON')
    .option('--until <time>', 'stop at this simulated time (e.g. 90s, 5min), at the latest at the scenario\'s stopAt', parseUntil)
    .option('--verbose', 'include heartbeats, task launches and status updates in the timeline')
    .option('--coverage', 'print which states and transitions of each machine the run reached')
    .option('--coverage-file <file>', 'write the states and transitions the run reached as JSON (draw it with diagram --coverage)', parseCoverageFile)
    .option('--no-check', 'do not check the invariants after every message (they are still checked at the end)')
    .option('--speed <factor>', 'pace the run for a person to follow: simulated time runs this many times faster than real time (10x, 0.5x); the timeline prints as it happens', parseSpeed)
    .option('--step', 'pace the run for a person to follow: wait for Enter before each simulated instant (c then Enter runs to the end)')
    .option('--inspect [target]', "stream the actors to Stately's inspector: a port (default 8080) for its local page, or a ws:// URL of a WebSocket inspector server", parseInspect)
    .option('--event-log <dir>', "write a Spark event log per application into this directory (Spark's JSON lines, named by the application id; open it with Spark's History Server)", parseEventLogDir)
    .option('--html <file>', 'also write an HTML report (one self-contained file): executor, task and job timelines, faults, and a message sequence view', parseHtmlPath)
    .action(async (file: string | undefined, options: RunOptions) => {
      if (options.speed !== undefined && options.step) throw new UsageError('--speed and --step pace a run in two ways: choose one');
      code = await run(file, options, out, io);
    });
  program
    .command('sweep')
    .description('run seeded fault storms in parallel, check every invariant, and write a replayable scenario per failure')
    .option('--seeds <seeds>', 'seeds: 1..1000, 7 or 1,2,3', parseSeeds, parseSeeds('1..100'))
    .option('--mode <mode>', 'safety (faults throughout), liveness (faults, then quiet: everything must finish) or both', parseMode, parseMode('both'))
    .option('--jobs <n>', 'worker threads', parseJobs, availableParallelism())
    .option('--check-determinism', 'run every seed twice and compare the traces')
    .option('--dynamic-allocation', "run the storms' etl application with dynamic allocation (executors requested and removed by the ExecutorAllocationManager)")
    .addOption(new Option('--cluster-manager <kind>', 'the storms\' cluster: a standalone Master and Workers, or a YARN ResourceManager and NodeManagers (with YARN\'s faults)').choices(['standalone', 'yarn']).default('standalone'))
    .option('--out <dir>', 'where failing scenarios are written', 'sweep-failures')
    .option('--coverage', 'print which states and transitions of each machine the sweep reached')
    .option('--coverage-file <file>', 'write the states and transitions the sweep reached as JSON (draw it with diagram --coverage)', parseCoverageFile)
    .action(async (options: SweepCliOptions) => {
      code = await sweep(options, out);
    });
  program
    .command('eventlog')
    .description('Spark event logs')
    .command('check')
    .description("read Spark event logs (files, .inprogress files or rolling-log directories) and check every line against Spark's JsonProtocol shapes; prints one summary line per log")
    .argument('<paths...>', 'event log files or directories of them')
    .option('--allow-incomplete', 'accept logs without SparkListenerApplicationEnd (still running, or the driver died)')
    .action((paths: string[], options: { allowIncomplete?: boolean }) => {
      code = eventLogCheck(paths, { allowIncomplete: options.allowIncomplete ?? false }, out);
    });
  program
    .command('diagram')
    .description("draw a machine's statechart from its definition (Mermaid stateDiagram-v2, Graphviz DOT, or SVG laid out by Graphviz)")
    .argument('[machine]', 'machine id (see --list); without it, --out DIR gets one file per machine')
    .option('--format <format>', `${DIAGRAM_FORMATS.join(', ')}`, parseFormat, 'mermaid' as DiagramFormat)
    .option('--out <file>', 'write to this file (a directory when no machine is named) instead of standard output')
    .option('--list', 'list the machines')
    .option('--coverage <file>', 'colour the states and transitions a run reached (the JSON of run/sweep --coverage-file)')
    .action(async (machine: string | undefined, options: DiagramOptions) => {
      await diagramCommand(machine, options, out);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (e instanceof ScenarioError || e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  return code;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1]);
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
