/**
 * A record keyed by strings that is cheap to update immutably when it is large: the keys are
 * spread over BUCKETS small records by a hash of the key, so an update copies the bucket list and
 * one bucket of about n / BUCKETS entries. For bookkeeping with one entry per executor or block
 * that changes per message: a plain record of 1,000 block managers (keys such as `7@10.0.0.2:7079`)
 * is a dictionary-mode object in V8 and costs ~460 µs to copy, so a copy per heartbeat, per
 * registration or per block update made those paths O(n) (and a cluster's start-up O(n²)).
 *
 * Immutable like every context: each update returns a new value and shares what it did not change.
 * Plain arrays and objects, so snapshots stay JSON. Iteration goes bucket by bucket (deterministic,
 * not insertion order): callers that need an order sort, or keep one beside it.
 */
export type Bucketed<V> = ReadonlyArray<Readonly<Record<string, V>> | undefined>;

const BUCKETS = 64;

/** FNV-1a of the key, folded to a bucket. */
function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % BUCKETS;
}

export const empty = <V>(): Bucketed<V> => [];

export const get = <V>(b: Bucketed<V>, key: string): V | undefined => b[bucketOf(key)]?.[key];

export const has = <V>(b: Bucketed<V>, key: string): boolean => get(b, key) !== undefined;

export function set<V>(b: Bucketed<V>, key: string, value: V): Bucketed<V> {
  const i = bucketOf(key);
  const next = b.slice();
  next[i] = { ...b[i], [key]: value };
  return next;
}

/** Without `keys` (unknown keys are ignored; nothing removed returns `b` itself). */
export function remove<V>(b: Bucketed<V>, keys: readonly string[]): Bucketed<V> {
  let next: Array<Readonly<Record<string, V>> | undefined> | undefined;
  for (const key of keys) {
    const i = bucketOf(key);
    const bucket = (next ?? b)[i];
    if (bucket?.[key] === undefined) continue;
    next ??= b.slice();
    // Rebuilt rather than `delete`d: a delete turns an object into a slow dictionary-mode one.
    next[i] = Object.fromEntries(Object.entries(bucket).filter(([k]) => k !== key));
  }
  return next ?? b;
}

export const keys = <V>(b: Bucketed<V>): string[] => b.flatMap((bucket) => (bucket ? Object.keys(bucket) : []));

export const entries = <V>(b: Bucketed<V>): Array<[string, V]> => b.flatMap((bucket) => (bucket ? Object.entries(bucket) : []));

export const values = <V>(b: Bucketed<V>): V[] => b.flatMap((bucket) => (bucket ? Object.values(bucket) : []));

export const size = <V>(b: Bucketed<V>): number => b.reduce((n, bucket) => n + (bucket ? Object.keys(bucket).length : 0), 0);

/** A plain record of the same entries, for reports and tests. */
export const toRecord = <V>(b: Bucketed<V>): Record<string, V> => Object.fromEntries(entries(b));
