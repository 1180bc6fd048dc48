import { describe, expect, it } from 'vitest';
import { createCluster } from '../../runtime/cluster.js';
import { parseScenario } from '../../runtime/scenario.js';
import { describePath, modelPaths, splitPaths } from '../support/modelBased.js';
import { itWalksEachPath } from '../support/modelWalks.js';
import { executorBackendAdapter, refusedReregistration, UNREACHABLE } from './executorBackend.model.js';

const paths = modelPaths(executorBackendAdapter);

describe('CoarseGrainedExecutorBackend model paths on the assembled cluster', () => {
  it('generates paths reaching every state (stopping is left within the same step: it raises Shutdown)', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.value as string)));
    expect([...reached].sort()).toEqual(['exited', 'registering', 'running']);
    // With spark.executor.heartbeat.maxFailures = 2 the third tick without an answer ends the JVM (exit 56).
    expect(paths.map(describePath)).toContain(`registering --RegisteredExecutor--> running${' --executor.reportHeartBeat--> running'.repeat(2)} --executor.reportHeartBeat--> exited`);
  });

  itWalksEachPath(executorBackendAdapter, splitPaths(paths, UNREACHABLE));

  it('why the refused re-registration (exit 58) stays unreachable: the held Heartbeats are answered with reregisterBlockManager, after the StopExecutor the expiry sent', () => {
    // Healed at 25 s: after the driver expired the executor (spark.network.timeout 10 s after its registration at 2 s), after
    // its first tick (12-22 s, by its jitter) and before its third (>= 32 s), which would end it with 56.
    const cluster = createCluster(parseScenario(refusedReregistration('19s'), 'refused-reregistration.json'));
    cluster.run(60_000);
    const toExecutor = cluster.trace.messages().filter((m) => m.to.endsWith('/0/Executor') && (m.type === 'StopExecutor' || m.type === 'HeartbeatResponse'));
    // StopExecutor went out when the driver expired the executor (SPARK-27348, SPARK-13519), during the partition, and arrives first.
    expect(toExecutor[0]).toMatchObject({ type: 'StopExecutor', outcome: 'delivered' });
    expect(toExecutor[0]!.sentAtMs).toBeLessThan(25_000);
    // The Heartbeats held by the partition are answered as an unknown executor's, when the JVM is already gone.
    const answers = toExecutor.slice(1).map((m) => [m.type, (m.message as { reregisterBlockManager?: boolean }).reregisterBlockManager, m.outcome]);
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify(['HeartbeatResponse', true, 'dead-letter'])]));
  });
});
