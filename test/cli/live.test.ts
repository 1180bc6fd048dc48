/**
 * `run --inspect`, `--speed`, `--step` as a user runs them. The inspector is a local WebSocket
 * server (the `ws` package) standing in for Stately's: no internet needed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function cli(...args: string[]) {
  const result = spawnSync(tsx, [join(root, 'runtime', 'cli.ts'), ...args], { encoding: 'utf8', cwd: root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface StatelyEvent { type: string; name?: string; sessionId: string; sourceId?: string; event?: { type: string } }

/** Runs the CLI with --inspect pointed at a local WebSocket server; resolves with everything received. */
async function inspectedRun(...args: string[]): Promise<{ code: number | null; events: StatelyEvent[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const events: StatelyEvent[] = [];
  server.on('connection', (socket) => socket.on('message', (data) => events.push(JSON.parse(data.toString()) as StatelyEvent)));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = spawn(tsx, [join(root, 'runtime', 'cli.ts'), 'run', ...args, '--inspect', url], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { code, events };
}

describe('run --inspect', () => {
  it("streams Stately inspection events naming every actor by its Spark address and role, senders as Spark's endpoints", async () => {
    const { code, events } = await inspectedRun('--until', '5s');
    expect(code).toBe(0);
    const names = new Map(events.filter((e) => e.type === '@xstate.actor').map((e) => [e.sessionId, e.name!]));
    const all = [...names.values()];
    expect(all).toEqual(expect.arrayContaining(['master/Master', '10.0.0.1/Worker', '10.0.0.3/Worker', 'driver-0/SparkContext', 'driver-0/AppClient', 'driver-0/CoarseGrainedScheduler']));
    expect(all.some((n) => /^10\.0\.0\.\d\/Worker › ExecutorRunner\(app-20260101000001-0000\/\d+\)$/.test(n))).toBe(true);
    expect(all.some((n) => /^app-20260101000001-0000\/\d+\/Executor$/.test(n))).toBe(true);
    // No XState session ids (x:12) left as names.
    expect(all.filter((n) => /^x:\d+$/.test(n))).toEqual([]);
    // The sequence: 10.0.0.1's Worker sends RegisterWorker to the Master (not "the network" does).
    const register = events.find((e) => e.type === '@xstate.event' && e.event?.type === 'RegisterWorker' && names.get(e.sourceId ?? '') === '10.0.0.1/Worker');
    expect(register && names.get(register.sessionId)).toBe('master/Master');
    expect(events.some((e) => e.type === '@xstate.event' && e.event?.type === 'network.send')).toBe(false);
  });

  it('exits 2 with one line when the inspector cannot be reached or the target is malformed', () => {
    const refused = cli('run', '--inspect', 'ws://127.0.0.1:1');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^--inspect: cannot connect to the inspector at ws:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)\n$/);
    const bad = cli('run', '--inspect', 'http://x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a port (1-65535) for the local inspector page, or a ws:// URL, got "http://x"');
  });
});

describe('run --speed / --step bad input', () => {
  it('exits 2 with one line for a bad speed or both pacings at once', () => {
    const bad = cli('run', '--speed', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`error: option '--speed <factor>' argument 'fast' is invalid. expected a speed such as 10x or 0.5x (between 0.01x and 1000000x), got "fast"\n`);
    expect(cli('run', '--speed', '0x').code).toBe(2);
    const both = cli('run', '--speed', '10x', '--step');
    expect(both).toMatchObject({ code: 2, stdout: '', stderr: '--speed and --step pace a run in two ways: choose one\n' });
  });

  it('--speed runs the same simulation: a fast pace gives the unpaced summary', () => {
    const paced = cli('run', '--until', '20s', '--speed', '1000000x');
    const plain = cli('run', '--until', '20s');
    expect(paced.code).toBe(0);
    expect(paced.stdout.slice(paced.stdout.lastIndexOf('\n\n'))).toBe(plain.stdout.slice(plain.stdout.lastIndexOf('\n\n')));
    expect(paced.stdout.slice(paced.stdout.lastIndexOf('\n\n'))).toMatch(/^\n\nstopped after 20.000 s simulated\n/);
  });
});
