/**
 * HeartbeatReceiver, walked on the assembled cluster: the driver's receiver starts running, learns
 * that the TaskScheduler exists (TaskSchedulerIsSet, sent by SparkContext), and stops with
 * SparkContext when the application's last job has ended. Its per-executor bookkeeping (heartbeats,
 * expiry) changes only context, so the model's events are the lifecycle ones.
 */
import { heartbeatReceiverMachine } from '../../machines/heartbeatReceiver.js';
import { resolveConf } from '../../machines/conf.js';
import { smallScenario, type ModelAdapter } from '../support/modelBased.js';

export const heartbeatReceiverAdapter: ModelAdapter = {
  machine: heartbeatReceiverMachine,
  model: heartbeatReceiverMachine,
  input: { address: 'driver-0/HeartbeatReceiver', conf: resolveConf({}).conf },
  events: [{ type: 'TaskSchedulerIsSet' }, { type: 'heartbeatReceiver.stop' }],
  scenario: () => smallScenario(),
};
