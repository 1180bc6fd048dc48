import { describe, expect, it } from 'vitest';
import { describePath, modelPaths, walkPath } from '../support/modelBased.js';
import { heartbeatReceiverAdapter } from './heartbeatReceiver.model.js';

const paths = modelPaths(heartbeatReceiverAdapter);

describe('HeartbeatReceiver model paths on the assembled cluster', () => {
  it('generates paths through running to stopped (failed needs an invalid conf, which scenario validation rejects first)', () => {
    expect(paths.map(describePath)).toContain('running --TaskSchedulerIsSet--> running --heartbeatReceiver.stop--> stopped');
  });

  it.each(paths.map((p) => [describePath(p), p] as const))('%s', (_, path) => {
    walkPath(heartbeatReceiverAdapter, path);
  });
});
