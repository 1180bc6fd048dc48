import { describe, expect, it } from 'vitest';
import { yarnSchedulerEndpointMachine } from '../../../machines/yarn/yarnSchedulerEndpoint.js';
import { resolveConf } from '../../../machines/conf.js';
import { startMachine } from '../../support/harness.js';

const SELF = 'driver-0/YarnScheduler';
const DRIVER = 'driver-0/CoarseGrainedScheduler';
const AM = 'appattempt_1_0001_000001/YarnAM';
const start = () => startMachine(yarnSchedulerEndpointMachine, { input: { address: SELF, appId: 'application_1_0001', conf: resolveConf({}).conf }, systemId: SELF, peers: [DRIVER] });

describe('YarnSchedulerEndpoint', () => {
  it('before the AM registers: requests are not sent, a disconnected executor is removed with "AM is not yet registered."', () => {
    const h = start();
    h.send({ type: 'RequestExecutors', appId: 'application_1_0001', resourceProfileToTotalExecs: { 0: 3 } });
    h.send({ type: 'KillExecutors', appId: 'application_1_0001', executorIds: ['1'] });
    expect(h.sent).toEqual([]);
    h.send({ type: 'yarnScheduler.executorDisconnected', executorId: '1' });
    expect(h.peers[DRIVER]).toEqual([{ type: 'RemoveExecutor', executorId: '1', reason: { kind: 'ExecutorProcessLost', message: 'AM is not yet registered.', causedByApp: true } }]);
  });

  it('forwards requests and kills to the registered AM, and the AM\'s RemoveExecutor to the DriverEndpoint', () => {
    const h = start();
    h.send({ type: 'RegisterClusterManager', am: AM });
    // YarnClientSchedulerBackend.start returns: the backend learns its application id.
    expect(h.peers[DRIVER]!.splice(0)).toEqual([{ type: 'appClient.connected', appId: 'application_1_0001' }]);
    h.send({ type: 'RequestExecutors', appId: 'application_1_0001', resourceProfileToTotalExecs: { 0: 3 } });
    h.send({ type: 'KillExecutors', appId: 'application_1_0001', executorIds: ['1'] });
    expect(h.sent.map((s) => [s.to, s.message])).toEqual([
      [AM, { type: 'YarnRequestExecutors', resourceProfileToTotalExecs: { 0: 3 } }],
      [AM, { type: 'YarnKillExecutors', executorIds: ['1'] }],
    ]);
    const reason = { kind: 'ExecutorExited' as const, exitCode: -102, exitCausedByApp: false, message: 'Container c was preempted.' };
    h.send({ type: 'RemoveExecutor', executorId: '2', reason });
    expect(h.peers[DRIVER]).toEqual([{ type: 'RemoveExecutor', executorId: '2', reason }]);
  });

  it('asks the AM for a disconnected executor\'s loss reason: the answer, or ExecutorProcessLost() after spark.rpc.askTimeout', () => {
    const h = start();
    h.send({ type: 'RegisterClusterManager', am: AM });
    h.send({ type: 'RegisterClusterManager', am: AM });
    expect(h.peers[DRIVER]!.splice(0)).toHaveLength(1);
    h.send({ type: 'yarnScheduler.executorDisconnected', executorId: '1' });
    h.send({ type: 'yarnScheduler.executorDisconnected', executorId: '2' });
    expect(h.sentOf('GetExecutorLossReason').map((s) => [s.to, s.message.executorId, s.message.replyTo])).toEqual([[AM, '1', SELF], [AM, '2', SELF]]);
    const reason = { kind: 'ExecutorExited' as const, exitCode: -100, exitCausedByApp: false, message: 'Container c exited from explicit termination request.' };
    h.send({ type: 'ExecutorLossReasonReply', executorId: '1', reason });
    h.clock.runUntil(119_999);
    expect(h.peers[DRIVER]).toEqual([{ type: 'RemoveExecutor', executorId: '1', reason }]);
    h.clock.runUntil(120_000);
    expect(h.peers[DRIVER]!.slice(1)).toEqual([{ type: 'RemoveExecutor', executorId: '2', reason: { kind: 'ExecutorProcessLost', message: 'Executor Process Lost', causedByApp: true } }]);
    // A late answer changes nothing.
    h.send({ type: 'ExecutorLossReasonReply', executorId: '2', reason });
    expect(h.peers[DRIVER]).toHaveLength(2);
  });
});
