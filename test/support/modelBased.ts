/**
 * Model-based testing against the assembled cluster. xstate/graph walks a machine (its shortest
 * and simple paths, bounded) as a pure model; each path is then replayed on a real cluster built
 * by the runtime: every model event is mapped to something that makes the running system take
 * that edge (a fault, a scenario choice, or simply letting simulated time pass), and after each
 * step the live actor's state must be the state the model says. A failure prints the path and
 * what the live actor did instead.
 */
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { AnyActorRef, AnyStateMachine, EventObject, InspectionEvent } from 'xstate';
import { createCluster, type Cluster } from '../../runtime/cluster.js';
import { Coverage } from '../../runtime/coverage.js';
import { parseScenario, type Scenario } from '../../runtime/scenario.js';

export interface ModelStep { event: EventObject; value: unknown }
export interface ModelPath { steps: ModelStep[] }

export interface ModelAdapter {
  /** The machine as the cluster runs it (its id names the live actors to follow). */
  machine: AnyStateMachine;
  /** The same machine with its effects (messages to parent, network, children) replaced by no-ops, for xstate/graph. */
  model: AnyStateMachine;
  input: unknown;
  /** One payload per event type the model may take. */
  events: Array<EventObject & Record<string, unknown>>;
  /** The scenario (JSON, as a user writes it) to run a path on: the faults it needs armed up front. */
  scenario(path: ModelPath): unknown;
  /** Which live actor of the machine is the subject (default: the first one to start). */
  pick?(context: unknown): boolean;
  /**
   * Makes the cluster take `event` from the subject's current state; nothing when time alone takes it.
   * `at` is the path and the index of the step about to be taken (for adapters that arm faults ahead).
   */
  stimulate?(event: EventObject, cluster: Cluster, subjectContext: unknown, at: { path: ModelPath; step: number }): void;
  /**
   * A projected subject: the model is not a machine the cluster runs but a record inside `machine`'s
   * live context (one ApplicationInfo of the Master). The walk then compares views instead of state
   * values: `model` maps a model state (value and context) to its view; `live` maps the live actor's
   * context to the same view, or to undefined while the record does not exist (its first view is the
   * subject's start). Every live transition is a log entry; those that leave the view as it was are
   * skipped like any other that is not the step's.
   */
  view?: { model(state: { value: unknown; context: unknown }): unknown; live(context: unknown): unknown };
  /** Longest simulated wait for one step (default 10 min). */
  stepBoundMs?: number;
}

/** Shortest paths to every state plus simple paths, deduplicated, bounded in number. */
export function modelPaths(adapter: ModelAdapter, limit = 200): ModelPath[] {
  const options = { input: adapter.input, events: adapter.events, limit } as never;
  const all = [...getShortestPaths(adapter.model, options), ...getSimplePaths(adapter.model, options)];
  const byKey = new Map<string, ModelPath>();
  for (const p of all) {
    const steps = p.steps.map((s) => ({ event: s.event as EventObject, value: adapter.view ? adapter.view.model(s.state) : s.state.value }));
    byKey.set(describePath({ steps }), { steps });
  }
  return [...byKey.values()].sort((a, b) => a.steps.length - b.steps.length || (describePath(a) < describePath(b) ? -1 : 1));
}

export function describePath(path: ModelPath): string {
  return path.steps.map((s, i) => (i === 0 ? show(s.value) : `--${s.event.type}--> ${show(s.value)}`)).join(' ');
}

/** Whether the path takes an event of this type (to arm the faults it needs). */
export const pathTakes = (path: ModelPath, type: string): boolean => path.steps.some((s) => s.event.type === type);

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** One microstep of the subject; `settled` is the state its macrostep ended in (after raised events such as a state's entry raise). */
interface LogEntry { event: string; value: string; macrostep: number; settled?: string }

export interface WalkResult { coverage: Coverage }

/**
 * Replays one model path on a fresh cluster. Throws, with the path and the subject's log, when the
 * live actor does not take the path's next edge or ends in another state.
 */
export function walkPath(adapter: ModelAdapter, path: ModelPath): WalkResult {
  const coverage = new Coverage();
  const log: LogEntry[] = [];
  let macrostep = 0;
  let subject: AnyActorRef | undefined;
  const rejected = new Set<AnyActorRef>();
  const inspect = (event: InspectionEvent) => {
    coverage.observe(event);
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    const actor = event.actorRef as AnyActorRef;
    if ((actor as unknown as { logic?: { id?: string } }).logic?.id !== adapter.machine.id) return;
    const snapshot = event.snapshot as unknown as { value: unknown; context: unknown };
    if (!subject && !rejected.has(actor)) {
      if (adapter.pick && !adapter.pick(snapshot.context)) rejected.add(actor);
      else subject = actor;
    }
    if (actor !== subject) return;
    // Microsteps carry every transition (raised events included); the init is the snapshot event of xstate.init.
    // A projected subject (adapter.view) is seen through its view; undefined until the record exists.
    const valueOf = (snap: { value: unknown; context: unknown }) => (adapter.view ? adapter.view.live(snap.context) : snap.value);
    // A later snapshot event ends a macrostep: the model (a pure transition) sees only where it settles.
    if (event.type === '@xstate.snapshot' && event.event.type !== 'xstate.init') {
      const settled = valueOf(snapshot);
      if (settled !== undefined) for (let k = log.length - 1; k >= 0 && log[k]!.macrostep === macrostep; k--) log[k]!.settled = show(settled);
      macrostep++;
      return;
    }
    // XState also reports an event the actor ignored as a microstep, with no transition: it takes no edge.
    if (event.type === '@xstate.microstep' && event._transitions.length === 0) return;
    const value = valueOf(snapshot);
    if (value === undefined) return;
    // A projected subject starts when its record first exists: that entry is its init.
    log.push({ event: adapter.view && log.length === 0 ? 'xstate.init' : event.event.type, value: show(value), macrostep });
    if (event.type === '@xstate.snapshot') {
      log[log.length - 1]!.settled = show(value);
      macrostep++;
    }
  };
  const scenario: Scenario = parseScenario(adapter.scenario(path), 'model-scenario.json');
  const cluster = createCluster(scenario, { inspect, keepTrace: false });
  cluster.start();
  const bound = adapter.stepBoundMs ?? 600_000;
  const fail = (message: string): never => {
    throw new Error(`${message}\n  model path: ${describePath(path)}\n  live ${adapter.machine.id}: ${log.map((e) => `${e.event} -> ${e.value}`).join(', ') || '(never started)'}`);
  };
  let cursor = 0;
  let expected = '';
  for (const [i, step] of path.steps.entries()) {
    const want = show(step.value);
    const type = i === 0 ? 'xstate.init' : step.event.type;
    if (i > 0 && adapter.stimulate) adapter.stimulate(step.event, cluster, subject!.getSnapshot().context, { path, step: i });
    // The next entry that either changes the state or is the step's event decides the step.
    const decisive = () => log.findIndex((e, k) => k >= cursor && (e.event === type || (i > 0 && e.value !== expected)));
    cluster.clock.runUntil(cluster.clock.now() + bound, { stop: () => decisive() >= 0 });
    const at = decisive();
    if (at < 0) fail(`step ${i}: the cluster never took ${type} from ${expected || 'the start'} within ${bound} ms`);
    const entry = log[at]!;
    const settled = entry.settled ?? entry.value;
    if (entry.event !== type) fail(`step ${i}: expected ${type} from ${expected}, the live actor took ${entry.event} to ${settled}`);
    if (settled !== want) fail(`step ${i}: after ${type} the model is in ${want}, the live actor in ${settled}`);
    // The rest of the macrostep (raised events) belongs to this step.
    cursor = at + 1;
    while (cursor < log.length && log[cursor]!.macrostep === entry.macrostep) cursor++;
    expected = want;
  }
  return { coverage };
}

/** Replays every path; merges their coverage. */
export function walkAll(adapter: ModelAdapter, paths: ModelPath[]): Coverage {
  const total = new Coverage();
  for (const p of paths) total.merge(walkPath(adapter, p).coverage.toJSON());
  return total;
}

/** Replaces named actions (effects) with no-ops so xstate/graph can run the machine without parent or system. */
export function withoutEffects(machine: AnyStateMachine, effects: string[]): AnyStateMachine {
  const noop = () => undefined;
  return machine.provide({ actions: Object.fromEntries(effects.map((name) => [name, noop])) } as never) as AnyStateMachine;
}

/** A small cluster: one worker, one application with one stage, as scenario JSON. */
export function smallScenario(options: { tasks?: number; taskDuration?: string; faults?: unknown[]; conf?: Record<string, unknown>; workers?: number } = {}): Record<string, unknown> {
  return {
    name: 'model',
    seed: 1,
    workers: [{ count: options.workers ?? 1, cores: 2, memory: '2g' }],
    applications: [{
      name: 'app',
      submitAt: '1s',
      conf: { 'spark.executor.cores': 2, 'spark.executor.memory': '1g', ...(options.conf ?? {}) },
      jobs: [{ submitAt: '0s', stages: [{ id: 0, tasks: options.tasks ?? 2, taskDuration: options.taskDuration ?? '5s' }] }],
    }],
    faults: options.faults ?? [],
    stopAt: '30min',
  };
}

/** An edge of a model the assembled cluster cannot take: why, and how a walk of it fails instead. */
export interface UnreachableEdge { edge: RegExp; why: string; instead?: RegExp }

/**
 * Splits a machine's paths into those to walk and those that take an unreachable edge. With
 * `shortestOnly`, one path per unreachable edge (the shortest: paths come sorted by length) is
 * kept, for machines whose unreachable paths are many and each walk is long.
 */
export function splitPaths(paths: ModelPath[], unreachable: UnreachableEdge[], shortestOnly = false): { reachable: ModelPath[]; unreachable: Array<[ModelPath, UnreachableEdge]> } {
  const edgeOf = (p: ModelPath) => unreachable.find((u) => u.edge.test(describePath(p)));
  const reachable = paths.filter((p) => !edgeOf(p));
  const taken: Array<[ModelPath, UnreachableEdge]> = shortestOnly
    ? unreachable.map((u) => [paths.find((p) => u.edge.test(describePath(p)))!, u])
    : paths.flatMap((p) => { const u = edgeOf(p); return u ? [[p, u] as [ModelPath, UnreachableEdge]] : []; });
  return { reachable, unreachable: taken };
}

/** How a walk of an unreachable edge fails when the edge gives no `instead`: the cluster does something else, or nothing. */
export const WALK_FAILS = /never took|the live actor took/;
