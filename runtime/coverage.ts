/**
 * Statechart coverage: which states and transitions of each machine a run (or many runs) reached,
 * against everything the machine defines. Recorded from XState's inspection events (microsteps
 * carry the transitions taken), so it costs nothing unless a run asks for it.
 */
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { masterMachine } from '../machines/master.js';
import { workerMachine } from '../machines/worker.js';
import { executorRunnerMachine } from '../machines/executorRunner.js';
import { appClientMachine } from '../machines/appClient.js';
import { schedulerBackendMachine } from '../machines/schedulerBackend.js';
import { heartbeatReceiverMachine } from '../machines/heartbeatReceiver.js';
import { dagSchedulerMachine } from '../machines/dagScheduler.js';
import { allocationManagerMachine } from '../machines/allocationManager.js';
import { executorBackendMachine } from '../machines/executorBackend.js';
import { taskRunnerMachine } from '../machines/task.js';

interface StateNodeLike { id: string; states: Record<string, StateNodeLike>; transitions: Map<string, Array<{ eventType: string }>>; always?: unknown[] }

/** Every state id and every transition key (`stateId on eventType`) a machine defines. */
export function machineElements(machine: AnyStateMachine): { states: string[]; transitions: string[] } {
  const states: string[] = [];
  const transitions: string[] = [];
  const walk = (node: StateNodeLike) => {
    states.push(node.id);
    for (const [eventType] of node.transitions) transitions.push(`${node.id} on ${eventType}`);
    if (node.always && node.always.length > 0) transitions.push(`${node.id} on always`);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as StateNodeLike);
  return { states, transitions };
}

/**
 * Coverage as plain data (per machine id, sorted), to send between threads or write as JSON.
 * `branches` tells apart the guarded alternatives of one event (`<transition key> #<index>`, the
 * index in the state's list for that event), so a diagram colours only the branch taken.
 */
export interface CoverageData { states: Record<string, string[]>; transitions: Record<string, string[]>; branches?: Record<string, string[]> }

/** The branch key of a transition: its coverage key and its index among the state's transitions for that event. */
export const branchKey = (transitionKey: string, index: number): string => `${transitionKey} #${index}`;

/** Reached states and transitions per machine id; mergeable across runs and threads. */
export class Coverage {
  readonly machines = new Map<string, AnyStateMachine>();
  readonly states = new Map<string, Set<string>>();
  readonly transitions = new Map<string, Set<string>>();
  readonly branches = new Map<string, Set<string>>();

  /** The inspection observer to pass as `inspect` to a cluster. */
  readonly observe = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    const logic = (event.actorRef as unknown as { logic?: AnyStateMachine }).logic;
    if (!logic || !(logic as { root?: unknown }).root) return;
    const id = logic.id;
    if (!this.machines.has(id)) this.machines.set(id, logic);
    const nodes = (event.snapshot as { _nodes?: Array<{ id: string }> })._nodes ?? [];
    const states = this.set(this.states, id);
    for (const node of nodes) states.add(node.id);
    if (event.type === '@xstate.microstep') {
      const taken = this.set(this.transitions, id);
      const branches = this.set(this.branches, id);
      for (const t of event._transitions) {
        const eventType = (t as { eventType?: string }).eventType;
        const sourceNode = (t as unknown as { source: { id: string; transitions: Map<string, unknown[]>; always?: unknown[] } }).source;
        const source = sourceNode.id;
        const key = `${source} on ${eventType === '' || eventType === undefined ? 'always' : eventType}`;
        taken.add(key);
        const candidates = eventType === '' || eventType === undefined ? sourceNode.always : sourceNode.transitions.get(eventType);
        const index = candidates?.indexOf(t) ?? -1;
        if (index >= 0) branches.add(branchKey(key, index));
        // The source was active, even if only within this step (an initial state left at once).
        states.add(source);
      }
    }
  };

  merge(other: CoverageData): void {
    for (const [id, states] of Object.entries(other.states)) for (const s of states) this.set(this.states, id).add(s);
    for (const [id, transitions] of Object.entries(other.transitions)) for (const t of transitions) this.set(this.transitions, id).add(t);
    for (const [id, branches] of Object.entries(other.branches ?? {})) for (const b of branches) this.set(this.branches, id).add(b);
  }

  toJSON(): CoverageData {
    const plain = (m: Map<string, Set<string>>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()]));
    const branches = plain(this.branches);
    return { states: plain(this.states), transitions: plain(this.transitions), ...(Object.keys(branches).length > 0 ? { branches } : {}) };
  }

  /** One row per machine: reached / defined states and transitions, and what was never reached. */
  summary(machines: readonly AnyStateMachine[]): Array<{ machine: string; states: [number, number]; transitions: [number, number]; missedStates: string[]; missedTransitions: string[] }> {
    return machines.map((machine) => {
      const defined = machineElements(machine);
      const states = this.states.get(machine.id) ?? new Set<string>();
      const transitions = this.transitions.get(machine.id) ?? new Set<string>();
      const missedStates = defined.states.filter((s) => !states.has(s));
      const missedTransitions = defined.transitions.filter((t) => !transitions.has(t));
      return {
        machine: machine.id,
        states: [defined.states.length - missedStates.length, defined.states.length],
        transitions: [defined.transitions.length - missedTransitions.length, defined.transitions.length],
        missedStates,
        missedTransitions,
      };
    });
  }

  private set(map: Map<string, Set<string>>, id: string): Set<string> {
    let s = map.get(id);
    if (!s) map.set(id, (s = new Set()));
    return s;
  }
}

/** The machines a cluster runs, for coverage reports. */
export const CLUSTER_MACHINES: readonly AnyStateMachine[] = [
  masterMachine, workerMachine, executorRunnerMachine, appClientMachine, schedulerBackendMachine,
  heartbeatReceiverMachine, dagSchedulerMachine, executorBackendMachine, taskRunnerMachine, allocationManagerMachine,
] as unknown as AnyStateMachine[];

export function coverageLines(coverage: Coverage, machines: readonly AnyStateMachine[] = CLUSTER_MACHINES): string[] {
  const lines = ['statechart coverage   states    transitions   never reached'];
  for (const row of coverage.summary(machines)) {
    const missed = [...row.missedStates.map((s) => `state ${s}`), ...row.missedTransitions].join('; ');
    lines.push(`${row.machine.padEnd(28)} ${`${row.states[0]}/${row.states[1]}`.padStart(7)}  ${`${row.transitions[0]}/${row.transitions[1]}`.padStart(11)}   ${missed}`);
  }
  return lines;
}
