/**
 * A run a person follows as it happens (`run --speed 10x`, `run --step`): the timeline is printed
 * step by step while the clock is paced, instead of all at once at the end.
 */
import { createInterface } from 'node:readline';
import type { Cluster, RunResult } from './cluster.js';
import { runUntilPaced, speedPacer, stepPacer, systemRealTime, type Pacer, type RealTime } from './pacing.js';
import { timelineLines } from './timeline.js';

/** The outside world of a live run: real time, the person's input lines, where prompts go. */
export interface LiveIo {
  realTime: RealTime;
  /** The next input line, or null at the end of the input. */
  nextLine: () => Promise<string | null>;
  prompt: (text: string) => void;
}

/** Standard input and error; the line reader is created on first use so that unpaced runs never touch stdin. */
export function processIo(): LiveIo & { close(): void } {
  let lines: AsyncIterator<string> | undefined;
  let rl: ReturnType<typeof createInterface> | undefined;
  return {
    realTime: systemRealTime,
    nextLine: async () => {
      if (!lines) {
        rl = createInterface({ input: process.stdin, terminal: false });
        lines = rl[Symbol.asyncIterator]();
      }
      const next = await lines.next();
      return next.done ? null : next.value;
    },
    prompt: (text) => process.stderr.write(text),
    close: () => rl?.close(),
  };
}

export interface PaceOptions { speed?: number; step?: boolean }

/** The pacer the options ask for, or undefined for an unpaced run. */
export function pacerFor(options: PaceOptions, io: LiveIo, startMs: number): Pacer | undefined {
  if (options.step) return stepPacer(io.nextLine, (atMs) => io.prompt(`step: next at ${((atMs - startMs) / 1000).toFixed(3)}s; Enter runs it, c then Enter runs to the end\n`));
  if (options.speed !== undefined) return speedPacer(options.speed, io.realTime);
  return undefined;
}

/** Runs the cluster under the pacer, printing the timeline lines of each step as it is taken. */
export async function runLive(cluster: Cluster, pacer: Pacer, print: (lines: string[]) => void, options: { untilMs?: number; verbose?: boolean } = {}): Promise<RunResult> {
  let printed = 0;
  const afterStep = () => {
    const entries = cluster.trace.entries;
    if (entries.length === printed) return;
    const lines = timelineLines(entries.slice(printed), { verbose: options.verbose ?? false });
    printed = entries.length;
    if (lines.length > 0) print(lines);
  };
  return cluster.runPaced((targetMs, stop) => runUntilPaced(cluster.clock, targetMs, stop, pacer, afterStep), options.untilMs);
}
