/**
 * Pacing: a paced run takes the same simulated steps as an unpaced one, only later. Real time is a
 * fake that advances when the pacer sleeps, so nothing here waits or measures real time.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../runtime/cluster.js';
import { loadScenario } from '../../runtime/scenario.js';
import { parseSpeed, runUntilPaced, speedPacer, stepPacer, type RealTime } from '../../runtime/pacing.js';
import { runLive } from '../../runtime/live.js';
import { VirtualClock } from '../../runtime/clock.js';
import { defaultScenarioPath, main } from '../../runtime/cli.js';

/** Real time that only moves when slept on (or nudged), recording each sleep. */
function fakeRealTime(): RealTime & { sleeps: number[]; at: number } {
  const rt = {
    at: 1_000,
    sleeps: [] as number[],
    now: () => rt.at,
    sleep: async (ms: number) => {
      rt.sleeps.push(ms);
      rt.at += ms;
    },
  };
  return rt;
}

describe('--speed', () => {
  it('parses 10x, 0.5x and bare numbers; rejects zero, words and absurd factors', () => {
    expect(parseSpeed('10x')).toBe(10);
    expect(parseSpeed('0.5x')).toBe(0.5);
    expect(parseSpeed('3')).toBe(3);
    for (const bad of ['0x', 'fast', '-2x', '10xx', '', '1e9x', '2000000x']) expect(() => parseSpeed(bad), bad).toThrow(/expected a speed such as 10x/);
  });

  it('waits real time in proportion to the simulated time between steps', async () => {
    const clock = new VirtualClock(0);
    const ran: number[] = [];
    for (const at of [0, 1000, 1000, 5000]) clock.setTimeout(() => ran.push(clock.now()), at);
    const rt = fakeRealTime();
    await runUntilPaced(clock, 10_000, () => false, speedPacer(10, rt));
    expect(ran).toEqual([0, 1000, 1000, 5000]);
    // 1 s simulated = 100 ms real at 10x; both timers at 1000 ms run in one step.
    expect(rt.sleeps).toEqual([100, 400]);
    expect(clock.now()).toBe(10_000);
  });

  it('does not sleep when real time already passed the step (a slow step is not made up for)', async () => {
    const clock = new VirtualClock(0);
    clock.setTimeout(() => undefined, 0);
    clock.setTimeout(() => undefined, 1000);
    const rt = fakeRealTime();
    const pacer = speedPacer(1, rt);
    await pacer.before(0);
    rt.at += 5_000;
    await pacer.before(1000);
    expect(rt.sleeps).toEqual([]);
  });
});

describe('--step', () => {
  it('asks before each simulated instant, and runs to the end on "c" or the end of input', async () => {
    const clock = new VirtualClock(0);
    for (const at of [0, 10, 20, 30, 40]) clock.setTimeout(() => undefined, at);
    const prompts: number[] = [];
    const input = ['', '', 'c'];
    const pacer = stepPacer(async () => input.shift() ?? null, (at) => prompts.push(at));
    await runUntilPaced(clock, 100, () => false, pacer);
    expect(prompts).toEqual([0, 10, 20]);

    const clock2 = new VirtualClock(0);
    for (const at of [0, 10, 20]) clock2.setTimeout(() => undefined, at);
    const prompts2: number[] = [];
    await runUntilPaced(clock2, 100, () => false, stepPacer(async () => null, (at) => prompts2.push(at)));
    expect(prompts2).toEqual([0]);
  });

  it('stops where the stop condition says, like the unpaced clock', async () => {
    const clock = new VirtualClock(0);
    const ran: number[] = [];
    for (const at of [0, 10, 20]) clock.setTimeout(() => ran.push(at), at);
    await runUntilPaced(clock, 100, () => ran.length === 2, stepPacer(async () => '', () => undefined));
    expect(ran).toEqual([0, 10]);
    expect(clock.now()).toBe(10);
  });
});

describe('a paced cluster run', () => {
  it('takes the same steps and ends in the same state as an unpaced run, printing the timeline as it goes', async () => {
    const scenario = loadScenario(defaultScenarioPath());
    const plain = createCluster(scenario);
    const plainResult = plain.run(60_000);
    const paced = createCluster(scenario);
    const rt = fakeRealTime();
    const printed: string[] = [];
    const pacedResult = await runLive(paced, speedPacer(5, rt), (lines) => printed.push(...lines), { untilMs: 60_000 });
    expect(pacedResult).toEqual(plainResult);
    expect(paced.trace.entries).toEqual(plain.trace.entries);
    expect(paced.clock.steps).toBe(plain.clock.steps);
    // Real time advanced with the simulation: the last step ran about 60 s / 5 after the first.
    expect(rt.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(rt.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000 / 5);
    expect(printed.some((l) => /10\.0\.0\.1\/Worker -> master\/Master {2}RegisterWorker/.test(l))).toBe(true);
  });

  it('run --step through the CLI: one prompt per Enter, then the same summary as an unpaced run', async () => {
    const input = ['', '', 'c'];
    const prompts: string[] = [];
    const io = { realTime: fakeRealTime(), nextLine: async () => input.shift() ?? null, prompt: (t: string) => prompts.push(t) };
    let stepped = '';
    expect(await main(['run', '--until', '30s', '--step'], (t) => (stepped += t), io)).toBe(0);
    let plain = '';
    expect(await main(['run', '--until', '30s'], (t) => (plain += t), io)).toBe(0);
    expect(prompts).toEqual([
      'step: next at 0.000s; Enter runs it, c then Enter runs to the end\n',
      'step: next at 0.001s; Enter runs it, c then Enter runs to the end\n',
      'step: next at 0.002s; Enter runs it, c then Enter runs to the end\n',
    ]);
    const summary = (text: string) => {
      const start = text.lastIndexOf('\n\n');
      expect(text.slice(start)).toMatch(/^\n\nstopped after 30.000 s simulated\n/);
      return text.slice(start);
    };
    expect(summary(stepped)).toBe(summary(plain));
    expect(stepped).toContain('RegisterWorker');
  });
});
