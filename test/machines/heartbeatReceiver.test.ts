import { describe, expect, it } from 'vitest';
import { heartbeatReceiverMachine, validateHeartbeatConf } from '../../machines/heartbeatReceiver.js';
import { resolveConf, type RawConf } from '../../machines/conf.js';
import { startMachine } from '../support/harness.js';

const HR = 'driver-0/HeartbeatReceiver';
const BACKEND = 'driver-0/CoarseGrainedScheduler';
const start = (conf: RawConf = {}) => startMachine(heartbeatReceiverMachine, { input: { address: HR, conf: resolveConf(conf).conf }, systemId: HR, peers: [BACKEND] });
const heartbeat = (executorId: string) => ({ type: 'Heartbeat', executorId, accumUpdates: [], blockManagerId: { executorId, host: 'h', port: 7079 }, replyTo: `app/${executorId}/Executor` });

describe('HeartbeatReceiver', () => {
  it('expires an executor only when silent for strictly more than spark.network.timeout', () => {
    const h = start();
    h.send({ type: 'TaskSchedulerIsSet' });
    h.send({ type: 'ExecutorRegistered', executorId: '1' });
    h.clock.runUntil(120_000);
    h.send({ type: 'ExpireDeadHosts' });
    expect(h.peers[BACKEND]).toEqual([]);
    h.clock.runUntil(120_001);
    h.send({ type: 'ExpireDeadHosts' });
    expect(h.peers[BACKEND]).toEqual([
      { type: 'backend.killExecutors', executorIds: ['1'], adjustTargetNumExecutors: false, countFailures: true, force: true },
      { type: 'RemoveExecutor', executorId: '1', reason: { kind: 'ExecutorProcessLost', message: 'Executor heartbeat timed out after 120001 ms', causedByApp: true } },
    ]);
    h.send({ type: 'ExpireDeadHosts' });
    expect(h.peers[BACKEND]).toHaveLength(2);
  });

  it('refreshes an executor on each heartbeat and answers reregisterBlockManager = false', () => {
    const h = start();
    h.send({ type: 'TaskSchedulerIsSet' });
    h.send({ type: 'ExecutorRegistered', executorId: '1' });
    h.clock.runUntil(100_000);
    h.send(heartbeat('1'));
    h.clock.runUntil(220_000);
    h.send({ type: 'ExpireDeadHosts' });
    expect(h.peers[BACKEND]).toEqual([]);
    expect(h.sentOf('HeartbeatResponse').map((e) => [e.to, e.message.reregisterBlockManager])).toEqual([['app/1/Executor', false]]);
  });

  it('answers a heartbeat before TaskSchedulerIsSet, or from an unknown or removed executor, with reregister = true and does not track it (SPARK-4134)', () => {
    const h = start();
    h.send({ type: 'ExecutorRegistered', executorId: '1' });
    h.send(heartbeat('1'));
    h.send({ type: 'TaskSchedulerIsSet' });
    h.send(heartbeat('9'));
    h.send({ type: 'ExecutorRemoved', executorId: '1' });
    h.send(heartbeat('1'));
    expect(h.sentOf('HeartbeatResponse').map((e) => e.message.reregisterBlockManager)).toEqual([true, true, true]);
    h.clock.runUntil(1_000_000);
    h.send({ type: 'ExpireDeadHosts' });
    expect(h.peers[BACKEND]).toEqual([]);
  });

  it('checks Spark\'s constructor rules on the intervals', () => {
    expect(validateHeartbeatConf(resolveConf({}).conf)).toBeUndefined();
    expect(validateHeartbeatConf(resolveConf({ 'spark.network.timeout': '30s' }).conf)).toBe('spark.network.timeoutInterval should be less than or equal to spark.network.timeout.');
    expect(validateHeartbeatConf(resolveConf({ 'spark.storage.blockManagerHeartbeatTimeoutMs': '5s', 'spark.network.timeoutInterval': '10s' }).conf)).toBe('spark.network.timeoutInterval should be less than or equal to spark.storage.blockManagerHeartbeatTimeoutMs.');
    expect(validateHeartbeatConf(resolveConf({ 'spark.executor.heartbeatInterval': '200s' }).conf)).toBe('spark.executor.heartbeatInterval should be less than or equal to spark.network.timeout.');
    expect(start({ 'spark.network.timeout': '30s' }).snapshot().value).toBe('failed');
  });
});
