/** The YARN invariant checkers catch violations planted in a running YARN cluster's books. */
import { describe, expect, it } from 'vitest';
import { checkInvariants, violations } from '../../runtime/checkers.js';
import { createCluster } from '../../runtime/cluster.js';
import { parseScenario } from '../../runtime/scenario.js';
import type { ResourceManagerContext } from '../../machines/yarn/resourceManager.js';
import type { ApplicationMasterContext } from '../../machines/yarn/applicationMaster.js';

function runningYarnCluster() {
  const cluster = createCluster(parseScenario({
    clusterManager: 'yarn',
    nodeManagers: [{ count: 2, cores: 4, memory: '4g' }],
    applications: [{ name: 'etl', conf: { 'spark.executor.cores': 2, 'spark.executor.instances': 3 }, jobs: [{ stages: [{ id: 0, tasks: 100, taskDuration: '10s' }] }] }],
  }, 'planted.json'), { checked: true });
  const result = cluster.run(30_000);
  expect(result.violation).toBeUndefined();
  expect(checkInvariants(cluster)).toEqual([]);
  return cluster;
}
const names = (found: string[]) => [...new Set(found.map((v) => v.split(':')[0]))];

describe('YARN invariant checkers', () => {
  it('catch a node whose booked resources disagree with its containers', () => {
    const c = runningYarnCluster();
    const rm = c.actor('resourcemanager/ResourceManager')!.getSnapshot().context as ResourceManagerContext;
    rm.nodes['10.0.0.1:8041']!.used.memory += 1;
    expect(names(violations(c))).toEqual(['yarn-node-resources']);
  });

  it('catch the ResourceManager over-allocating a node', () => {
    const c = runningYarnCluster();
    const rm = c.actor('resourcemanager/ResourceManager')!.getSnapshot().context as ResourceManagerContext;
    rm.nodes['10.0.0.1:8041']!.resource.vCores = 1;
    expect(names(violations(c))).toEqual(['yarn-node-resources']);
  });

  it('catch an active executor without a container in the AM\'s books', () => {
    const c = runningYarnCluster();
    const am = c.actor('appattempt_1767225600000_0001_000001/YarnAM')!.getSnapshot().context as ApplicationMasterContext;
    delete am.allocator.executorIdToContainer['2'];
    expect(violations(c)).toEqual(['yarn-executor-has-container: etl: executor 2 is active on the driver but has no container in the ApplicationMaster\'s books']);
  });
});
