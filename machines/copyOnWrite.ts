/**
 * Copy-on-write updates of a machine's context (Immer): a handler written as plain mutation of a
 * draft copies only the records it touches, so a message costs what it changes, not the size of
 * the whole context. Results are not frozen: snapshots stay plain objects, as tests and
 * inspectors read them.
 *
 * Used by the scheduler backend's less frequent updates (driverEndpoint.ts) and the YARN
 * ResourceManager. Hot paths over large records use hand-written
 * writers instead (schedulerState.ts for the TaskScheduler, masterWriter.ts for the Master):
 * Immer copies every record at one megamorphic spread (~170 ns a key, BENCHMARKS.md), and a draft
 * cannot go through bucketed.ts's functions.
 */
import { Immer, type Draft } from 'immer';

// Immer 11 finalizes only the drafts a recipe touched (10.x walked every copied record and into
// untouched ones: at 1,000 executors each Master message cost ~1.4 ms). Contexts have no symbol
// or non-enumerable keys, so plain key iteration (useStrictIteration: false) is enough.
const immer = new Immer({ autoFreeze: false, useStrictIteration: false });

/** The next context: `recipe` mutates a draft of `base`; untouched records are shared. */
export function produce<T>(base: T, recipe: (draft: Draft<T>) => void): T {
  return immer.produce(base, recipe) as T;
}
