import { describe, expect, it } from 'vitest';
import { Coverage, machineElements } from '../../runtime/coverage.js';
import { createCluster } from '../../runtime/cluster.js';
import { loadScenario } from '../../runtime/scenario.js';
import { executorRunnerMachine } from '../../machines/executorRunner.js';
import { masterMachine } from '../../machines/master.js';

describe('statechart coverage', () => {
  it('lists every state and transition a machine defines', () => {
    const { states, transitions } = machineElements(executorRunnerMachine);
    expect(states).toEqual(['ExecutorRunner', 'ExecutorRunner.LAUNCHING', 'ExecutorRunner.RUNNING', 'ExecutorRunner.KILLED', 'ExecutorRunner.KILLED.terminating', 'ExecutorRunner.KILLED.terminated', 'ExecutorRunner.EXITED', 'ExecutorRunner.FAILED']);
    expect(transitions).toContain('ExecutorRunner.LAUNCHING on process.startFailed');
    expect(transitions).toHaveLength(15);
  });

  it('records what the default scenario reaches: the failed launch, runs, kills and exits, and the Master passing through STANDBY', () => {
    const coverage = new Coverage();
    createCluster(loadScenario(new URL('../../scenarios/default.json', import.meta.url).pathname), { inspect: coverage.observe }).run();
    const [runner, master] = coverage.summary([executorRunnerMachine, masterMachine]);
    expect(runner!.missedStates).toEqual([]);
    expect(runner!.missedTransitions).toEqual([
      'ExecutorRunner.LAUNCHING on process.exited', 'ExecutorRunner.LAUNCHING on runner.kill', 'ExecutorRunner.LAUNCHING on runner.shutdown',
      'ExecutorRunner.RUNNING on runner.shutdown', 'ExecutorRunner.RUNNING on process.started', 'ExecutorRunner.RUNNING on process.startFailed',
      'ExecutorRunner.KILLED.terminating on process.startFailed', 'ExecutorRunner.KILLED.terminating on process.started',
      'ExecutorRunner.KILLED.terminating on runner.kill', 'ExecutorRunner.KILLED.terminating on runner.shutdown',
    ]);
    expect(master!.missedStates).toEqual([]);
    expect(coverage.toJSON().transitions['Master']).toContain('Master.STANDBY on ElectedLeader');
  });

  it('merges coverage from several runs', () => {
    const a = new Coverage();
    a.merge({ states: { M: ['M.a'] }, transitions: { M: ['M.a on x'] } });
    a.merge({ states: { M: ['M.b', 'M.a'] }, transitions: {} });
    expect(a.toJSON()).toEqual({ states: { M: ['M.a', 'M.b'] }, transitions: { M: ['M.a on x'] } });
  });
});
