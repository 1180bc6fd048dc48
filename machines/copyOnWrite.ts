/**
 * Copy-on-write updates of a machine's context (Immer): a handler written as plain mutation of a
 * draft copies only the records it touches, so a message costs what it changes, not the size of
 * the whole context. Results are not frozen: snapshots stay plain objects, as tests and
 * inspectors read them.
 */
import { Immer, type Draft } from 'immer';

const immer = new Immer({ autoFreeze: false });

/** The next context: `recipe` mutates a draft of `base`; untouched records are shared. */
export function produce<T>(base: T, recipe: (draft: Draft<T>) => void): T {
  return immer.produce(base, recipe) as T;
}
