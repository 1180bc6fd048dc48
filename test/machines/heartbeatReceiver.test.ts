import { describe, expect, it } from 'vitest';
import { fromCallback, type EventObject } from 'xstate';
import { byExecutorId, executorTimeoutMs, heartbeatReceiverMachine, validateHeartbeatConf, type HeartbeatReceiverContext } from '../../machines/heartbeatReceiver.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import { toRecord as lastSeenRecord } from '../../machines/bucketed.js';
import type { TickerInput } from '../../machines/ticker.js';
import { tickerLogic } from '../../actors/ticker.js';
import { startMachine } from '../support/harness.js';

const HR = 'driver-0/HeartbeatReceiver';
const BACKEND = 'driver-0/CoarseGrainedScheduler';
const conf = (raw: RawConf = {}) => resolveConf(raw).conf;
const start = (raw: RawConf = {}, logic = heartbeatReceiverMachine) =>
  startMachine(logic, { input: { address: HR, conf: conf(raw) }, systemId: HR, peers: [BACKEND] });
type H = ReturnType<typeof start>;
const heartbeat = (executorId: string) => ({ type: 'Heartbeat', executorId, accumUpdates: [], blockManagerId: { executorId, host: 'h', port: 7079 }, replyTo: `app/${executorId}/Executor` });
const ctx = (h: H) => h.snapshot().context as HeartbeatReceiverContext;
const expireAt = (h: H, ms: number) => {
  h.clock.runUntil(ms);
  h.send({ type: 'ExpireDeadHosts' });
};
const removed = (h: H) => h.peers[BACKEND]!.filter((e) => e.type === 'RemoveExecutor').map((e) => (e as unknown as { executorId: string }).executorId);
const replies = (h: H) => h.sentOf('HeartbeatResponse').map((e) => [e.to, e.message.reregisterBlockManager]);
const ready = (h: H, ...executors: string[]) => {
  h.send({ type: 'TaskSchedulerIsSet' });
  for (const id of executors) h.send({ type: 'ExecutorRegistered', executorId: id });
};

describe('HeartbeatReceiver', () => {
  it('starts ExpireDeadHosts at once and then every spark.network.timeoutInterval (scheduleAtFixedRate(0, interval))', () => {
    const inputs: TickerInput[] = [];
    const recordingTicker = fromCallback<EventObject, TickerInput>(({ input }) => void inputs.push(input));
    const h = start({ 'spark.network.timeoutInterval': '30s' }, heartbeatReceiverMachine.provide({ actors: { ticker: recordingTicker } }));
    expect(h.snapshot().value).toBe('running');
    expect(inputs).toEqual([{ event: { type: 'ExpireDeadHosts' }, initialDelayMs: 0, periodMs: 30_000 }]);
    expect(Object.keys(h.snapshot().children)).toEqual(['ExpireDeadHosts']);
  });

  it('expires an executor only when silent for strictly more than spark.network.timeout (120 s: not at 120 000 ms, at 120 001 ms)', () => {
    const h = start();
    ready(h, '1');
    expireAt(h, 120_000);
    expect(h.peers[BACKEND]).toEqual([]);
    expect(lastSeenRecord(ctx(h).executorLastSeen)).toEqual({ '1': 0 });
    expireAt(h, 120_001);
    expect(h.peers[BACKEND]).toEqual([
      // SparkContext.killAndReplaceExecutor: the target is kept, the failure counts, forced.
      { type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: false, countFailures: true, force: true },
      // SPARK-27348: failing its tasks now rather than on a disconnect that never comes.
      { type: 'RemoveExecutor', executorId: '1', reason: { kind: 'ExecutorProcessLost', message: 'Executor heartbeat timed out after 120001 ms', causedByApp: true } },
    ]);
    expect(lastSeenRecord(ctx(h).executorLastSeen)).toEqual({});
    expireAt(h, 500_000);
    expect(h.peers[BACKEND]).toHaveLength(2);
  });

  it('uses spark.storage.blockManagerHeartbeatTimeoutMs instead of spark.network.timeout when it is set', () => {
    const h = start({ 'spark.storage.blockManagerHeartbeatTimeoutMs': '90s', 'spark.network.timeout': '600s' });
    ready(h, '1');
    expireAt(h, 90_000);
    expect(removed(h)).toEqual([]);
    expireAt(h, 90_001);
    expect(removed(h)).toEqual(['1']);
  });

  it('with the defaults, expires an executor whose last heartbeat was at h at the first check c (0, 60, 120 s...) with c - h > 120 s', () => {
    // The real ticker on the virtual clock: checks at 0, 60 s, 120 s, 180 s, 240 s.
    const h = start({}, heartbeatReceiverMachine.provide({ actors: { ticker: tickerLogic } }));
    ready(h, '1', '2');
    h.clock.runUntil(30_000);
    h.send(heartbeat('1')); // h = 30 s: 180 - 30 = 150 s > 120 s, so expired at 180 s.
    h.clock.runUntil(60_000); // the check at 60 s runs first (timers due at 60 s run before this heartbeat)
    h.send(heartbeat('2')); // h = 60 s: 180 - 60 = 120 s is not > 120 s, so expired at 240 s (180 s after h).
    h.clock.runUntil(179_999);
    expect(removed(h)).toEqual([]);
    h.clock.runUntil(180_000);
    expect(removed(h)).toEqual(['1']);
    h.clock.runUntil(239_999);
    expect(removed(h)).toEqual(['1']);
    h.clock.runUntil(240_000);
    expect(removed(h)).toEqual(['1', '2']);
    expect(h.peers[BACKEND]!.find((e) => e.type === 'RemoveExecutor' && (e as unknown as { executorId: string }).executorId === '2')).toMatchObject({
      reason: { message: 'Executor heartbeat timed out after 180000 ms' },
    });
  });

  it('refreshes a known executor on each heartbeat and answers reregisterBlockManager = false (no BlockManagerMaster in the system: its block manager counts as known)', () => {
    const h = start();
    ready(h, '1');
    h.clock.runUntil(100_000);
    h.send(heartbeat('1'));
    expect(lastSeenRecord(ctx(h).executorLastSeen)).toEqual({ '1': 100_000 });
    expireAt(h, 220_000);
    expect(h.peers[BACKEND]).toEqual([]);
    expect(replies(h)).toEqual([['app/1/Executor', false]]);
    expect(h.sentOf('HeartbeatResponse')[0]!.from).toBe(HR);
  });

  it('answers a heartbeat that arrives before TaskSchedulerIsSet with reregisterBlockManager = true and does not refresh the executor', () => {
    const h = start();
    h.send({ type: 'ExecutorRegistered', executorId: '1' }); // tracked: registration does not wait for the scheduler
    h.clock.runUntil(50_000);
    h.send(heartbeat('1'));
    expect(replies(h)).toEqual([['app/1/Executor', true]]);
    expect(lastSeenRecord(ctx(h).executorLastSeen)).toEqual({ '1': 0 });
    h.send({ type: 'TaskSchedulerIsSet' });
    expireAt(h, 120_001);
    expect(removed(h)).toEqual(['1']);
  });

  it('answers an unknown executor with reregisterBlockManager = true without tracking it', () => {
    const h = start();
    ready(h);
    h.send(heartbeat('9'));
    expect(replies(h)).toEqual([['app/9/Executor', true]]);
    expect(lastSeenRecord(ctx(h).executorLastSeen)).toEqual({});
  });

  it('does not let a late heartbeat resurrect a removed executor (SPARK-4134), so it is never expired later', () => {
    const h = start();
    ready(h, '1');
    h.send({ type: 'ExecutorRemoved', executorId: '1' });
    h.send(heartbeat('1'));
    expect(replies(h)).toEqual([['app/1/Executor', true]]);
    expect(lastSeenRecord(ctx(h).executorLastSeen)).toEqual({});
    expireAt(h, 1_000_000);
    expect(h.peers[BACKEND]).toEqual([]);
  });

  it('does not expire an executor twice: an expired executor\'s later heartbeat is answered as unknown', () => {
    const h = start();
    ready(h, '1');
    expireAt(h, 120_001);
    h.send(heartbeat('1'));
    expect(replies(h)).toEqual([['app/1/Executor', true]]);
    expireAt(h, 400_000);
    expect(removed(h)).toEqual(['1']);
  });

  it('expires several executors in one check in executor id order (numeric), each killed then removed', () => {
    const h = start();
    ready(h, '10', '2', '1');
    h.clock.runUntil(10_000);
    h.send(heartbeat('2'));
    expireAt(h, 121_000);
    expect(h.peers[BACKEND]!.map((e) => [e.type, (e as unknown as { executorIds?: string[]; executorId?: string }).executorIds?.[0] ?? (e as unknown as { executorId: string }).executorId])).toEqual([
      ['backend.killExecutors', '1'], ['RemoveExecutor', '1'],
      ['backend.killExecutors', '10'], ['RemoveExecutor', '10'],
    ]);
    expect(lastSeenRecord(ctx(h).executorLastSeen)).toEqual({ '2': 10_000 });
    expect(['10', 'b', '2', 'a', '1'].sort(byExecutorId)).toEqual(['1', '2', '10', 'a', 'b']);
  });

  it('stops with SparkContext: the ExpireDeadHosts timer is cancelled', () => {
    const h = start({}, heartbeatReceiverMachine.provide({ actors: { ticker: tickerLogic } }));
    ready(h, '1');
    h.send({ type: 'heartbeatReceiver.stop' });
    expect(h.snapshot().value).toBe('stopped');
    expect(h.snapshot().children).toEqual({});
    h.clock.runUntil(1_000_000);
    expect(h.peers[BACKEND]).toEqual([]);
  });

  it('checks Spark 4.1.1\'s constructor requirements with its exact messages, and then fails instead of starting', () => {
    expect(validateHeartbeatConf(conf())).toBeUndefined();
    // Equal values are allowed (<=).
    expect(validateHeartbeatConf(conf({ 'spark.network.timeout': '60s', 'spark.network.timeoutInterval': '60s', 'spark.executor.heartbeatInterval': '60s' }))).toBeUndefined();
    expect(validateHeartbeatConf(conf({ 'spark.network.timeout': '59s' }))).toBe('spark.network.timeoutInterval should be less than or equal to spark.network.timeout.');
    expect(validateHeartbeatConf(conf({ 'spark.storage.blockManagerHeartbeatTimeoutMs': '5s', 'spark.network.timeoutInterval': '10s' }))).toBe(
      'spark.network.timeoutInterval should be less than or equal to spark.storage.blockManagerHeartbeatTimeoutMs.',
    );
    // Spark names blockManagerHeartbeatTimeoutMs here, without a period, even when only spark.network.timeout is set.
    expect(validateHeartbeatConf(conf({ 'spark.executor.heartbeatInterval': '121s' }))).toBe('spark.executor.heartbeatInterval should be less than or equal to spark.storage.blockManagerHeartbeatTimeoutMs');
    expect(validateHeartbeatConf(conf({ 'spark.executor.heartbeatInterval': '120s' }))).toBeUndefined();
    const h = start({ 'spark.network.timeout': '30s' });
    expect(h.snapshot().value).toBe('failed');
    expect(h.snapshot().status).toBe('done');
    expect(ctx(h).configError).toBe('spark.network.timeoutInterval should be less than or equal to spark.network.timeout.');
    expect(h.snapshot().children).toEqual({});
  });

  it('reads spark.network.timeout in whole seconds, as Spark\'s SECONDS time conf does', () => {
    expect(executorTimeoutMs(conf({ 'spark.network.timeout': '1500ms' }))).toBe(1000);
    expect(executorTimeoutMs(conf({ 'spark.network.timeout': 90 }))).toBe(90_000);
    expect(executorTimeoutMs(conf({ 'spark.storage.blockManagerHeartbeatTimeoutMs': 1500 }))).toBe(1500);
  });
});

describe('HeartbeatReceiver and the BlockManagerMaster heartbeat endpoint', () => {
  const BMM = 'driver-0/BlockManagerMaster';
  it('asks BlockManagerHeartbeat for a known executor and answers HeartbeatResponse(reregisterBlockManager = !known)', () => {
    const h = startMachine(heartbeatReceiverMachine, { input: { address: HR, conf: conf() }, systemId: HR, peers: [BACKEND, BMM] });
    h.send({ type: 'TaskSchedulerIsSet' });
    h.send({ type: 'ExecutorRegistered', executorId: '1' });
    h.send(heartbeat('1'));
    expect(h.peers[BMM]).toEqual([{ type: 'BlockManagerHeartbeat', blockManagerId: { executorId: '1', host: 'h', port: 7079 }, replyTo: HR }]);
    expect(replies(h)).toEqual([]);
    h.send({ type: 'BlockManagerHeartbeatReply', blockManagerId: { executorId: '1', host: 'h', port: 7079 }, registered: false });
    expect(replies(h)).toEqual([['app/1/Executor', true]]);
    h.send(heartbeat('1'));
    h.send({ type: 'BlockManagerHeartbeatReply', blockManagerId: { executorId: '1', host: 'h', port: 7079 }, registered: true });
    expect(replies(h)).toEqual([['app/1/Executor', true], ['app/1/Executor', false]]);
    expect(ctx(h).awaitingBlockManager).toEqual([]);
  });
});
