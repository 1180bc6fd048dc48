#!/usr/bin/env node
/**
 * The command line: `spark-statecharts run [FILE] [--seed N] [--json] [--until T] [--verbose] [--no-check]`.
 * Exit codes: 0 done, 1 a checked invariant failed, 2 bad input (one line naming the file, the
 * field and the rule; no stack trace, nothing else printed).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parseTime } from '../machines/conf.js';
import { createCluster } from './cluster.js';
import { checkInvariants } from './checkers.js';
import { buildReport, driverEvents, summaryLines } from './report.js';
import { loadScenario, ScenarioError } from './scenario.js';
import { timelineLines } from './timeline.js';

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

interface RunOptions { seed?: number; json?: boolean; until?: number; verbose?: boolean; check: boolean }

function run(file: string | undefined, options: RunOptions, out: (text: string) => void): number {
  const scenario = loadScenario(file ?? defaultScenarioPath());
  const cluster = createCluster(scenario, { checked: options.check, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const result = cluster.run(options.until);
  const report = buildReport(cluster, result);
  const violations = result.violation ? [result.violation.message] : checkInvariants(cluster);
  if (options.json) {
    out(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `spark-statecharts: scenario "${scenario.name}", seed ${cluster.seed}`,
      ...scenario.warnings.map((w) => `warning: ${w}`),
      '',
      ...timelineLines(cluster.trace.entries, { verbose: options.verbose ?? false, driverEvents: driverEvents(cluster) }),
      '',
      ...summaryLines(report),
    ];
    out(`${lines.join('\n')}\n`);
  }
  if (violations.length > 0) {
    process.stderr.write(violations.map((v) => `invariant violated: ${v}\n`).join(''));
    return EXIT_INVARIANT;
  }
  return EXIT_OK;
}

export function main(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): number {
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
    .option('--no-check', 'do not check the invariants after every message (they are still checked at the end)')
    .action((file: string | undefined, options: RunOptions) => {
      code = run(file, options, out);
    });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (e instanceof ScenarioError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  return code;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1]);
if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
