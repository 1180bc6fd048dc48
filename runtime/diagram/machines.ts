/**
 * The machines that can be drawn: every statechart `spark-statecharts/machines` exports
 * (machines/index.ts is the one registry), found by shape, so a machine added there appears in
 * `diagram --list` without being named here.
 */
import type { AnyStateMachine } from 'xstate';
import * as exported from '../../machines/index.js';

function isStateMachine(value: unknown): value is AnyStateMachine {
  return typeof value === 'object' && value !== null && 'root' in value && 'config' in value && typeof (value as { id?: unknown }).id === 'string';
}

/** Every exported machine, by its id (Spark's class or endpoint name), sorted by id. */
export function drawableMachines(): AnyStateMachine[] {
  const found = new Map<string, AnyStateMachine>();
  const visit = (value: unknown) => {
    if (isStateMachine(value)) found.set(value.id, value);
  };
  for (const value of Object.values(exported)) {
    visit(value);
    // Namespaced exports (`export * as taskScheduler`) may hold machines too.
    if (typeof value === 'object' && value !== null && !isStateMachine(value)) for (const inner of Object.values(value)) visit(inner);
  }
  return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** A machine by id, case-insensitively (`executorrunner` finds ExecutorRunner). */
export function findMachine(name: string): AnyStateMachine | undefined {
  const wanted = name.toLowerCase();
  return drawableMachines().find((m) => m.id.toLowerCase() === wanted);
}
