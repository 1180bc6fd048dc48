import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../runtime/scenario.js';

const app = { name: 'etl', jobs: [{ stages: [{ id: 0, tasks: 2, taskDuration: '1s' }] }] };
const yarn = (extra: Record<string, unknown> = {}) => ({ clusterManager: 'yarn', nodeManagers: [{ count: 2, cores: 4, memory: '4g' }], applications: [app], ...extra });
const error = (json: unknown) => {
  try {
    parseScenario(json, 'y.json');
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('scenario file: clusterManager "yarn"', () => {
  it('node managers replace workers, with NodeId port 8041', () => {
    const s = parseScenario(yarn(), 'y.json');
    expect(s.clusterManager).toBe('yarn');
    expect(s.workers).toEqual([]);
    expect(s.nodeManagers).toEqual([
      { index: 0, host: '10.0.0.1', port: 8041, cores: 4, memoryMb: 4096 },
      { index: 1, host: '10.0.0.2', port: 8041, cores: 4, memoryMb: 4096 },
    ]);
  });

  it('defaults to standalone', () => {
    expect(parseScenario({ workers: [{ cores: 1, memory: '1g' }], applications: [app] }, 'y.json').clusterManager).toBe('standalone');
  });

  it('rejects the other cluster manager\'s hosts and faults with one line', () => {
    expect(error(yarn({ workers: [{ cores: 1, memory: '1g' }] }))).toBe('y.json: workers: not used with clusterManager "yarn" (use nodeManagers)');
    expect(error({ clusterManager: 'yarn', applications: [app] })).toBe('y.json: nodeManagers: required (clusterManager "yarn")');
    expect(error({ workers: [{ cores: 1, memory: '1g' }], nodeManagers: [{ cores: 1, memory: '1g' }], applications: [app] })).toBe('y.json: nodeManagers: only used with clusterManager "yarn" (a standalone cluster has workers)');
    expect(error(yarn({ faults: [{ kind: 'worker-crash', at: '1s', worker: 0 }] }))).toBe('y.json: faults[0].kind: "worker-crash" needs a standalone cluster (clusterManager is "yarn"; YARN faults: node-manager-crash, container-killed)');
    expect(error({ workers: [{ cores: 1, memory: '1g' }], applications: [app], faults: [{ kind: 'node-manager-crash', at: '1s', nodeManager: 0 }] })).toBe('y.json: faults[0].kind: "node-manager-crash" needs clusterManager "yarn"');
    expect(error(yarn({ clusterManager: 'mesos' }))).toBe('y.json: clusterManager: expected "standalone" or "yarn", got "mesos"');
  });

  it('validates YARN faults: node manager index, exit status names', () => {
    expect(error(yarn({ faults: [{ kind: 'node-manager-crash', at: '1s', nodeManager: 2 }] }))).toBe('y.json: faults[0].nodeManager: expected a node manager index < 2 (the node managers over all groups), got 2');
    expect(error(yarn({ faults: [{ kind: 'container-killed', at: '1s', app: 'etl', executor: 1, exitStatus: 'OOM' }] }))).toMatch(/^y\.json: faults\[0\]\.exitStatus: expected "PREEMPTED" or "KILLED_EXCEEDED_PMEM"/);
    const s = parseScenario(yarn({ faults: [{ kind: 'container-killed', at: '5s', app: 'etl', executor: 1, exitStatus: 'PREEMPTED' }, { kind: 'node-manager-crash', at: '6s', nodeManager: 1 }] }), 'y.json');
    expect(s.faults).toEqual([
      { kind: 'container-killed', atMs: 5000, app: 0, executor: 1, exitStatus: 'PREEMPTED' },
      { kind: 'node-manager-crash', atMs: 6000, nodeManager: 1 },
    ]);
  });
});
