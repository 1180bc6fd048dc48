/**
 * Clock times by key for bookkeeping that every heartbeat touches: HeartbeatReceiver's
 * executorLastSeen and BlockManagerInfo.lastSeenMs. A heartbeat must not copy a record of every
 * executor: at 1,000 executors such a record is a dictionary-mode object, and copying it on every
 * heartbeat was most of an idle cluster's CPU and allocation (and registering n executors cost
 * O(n²)). Here the keys are spread over BUCKETS small records by a hash of the key: an update
 * copies the bucket list and one bucket of about n / BUCKETS entries.
 *
 * Immutable like every context: each update returns a new value and shares what it did not change.
 */
export type LastSeen = ReadonlyArray<Readonly<Record<string, number>> | undefined>;

const BUCKETS = 64;

/** FNV-1a of the key, folded to a bucket: deterministic, so iteration order is too. */
function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % BUCKETS;
}

export const noneSeen = (): LastSeen => [];

export const lastSeenOf = (s: LastSeen, key: string): number | undefined => s[bucketOf(key)]?.[key];

export const isTracked = (s: LastSeen, key: string): boolean => lastSeenOf(s, key) !== undefined;

/** The tracked keys, bucket by bucket (callers that need an order sort them). */
export const trackedKeys = (s: LastSeen): string[] => s.flatMap((bucket) => (bucket ? Object.keys(bucket) : []));

/** `key` seen at `now`: tracked from now on if it was not. */
export function seen(s: LastSeen, key: string, now: number): LastSeen {
  const b = bucketOf(key);
  const next = s.slice();
  next[b] = { ...s[b], [key]: now };
  return next;
}

/** Stops tracking `keys`. */
export function forget(s: LastSeen, keys: readonly string[]): LastSeen {
  const next = s.slice();
  let changed = false;
  for (const key of keys) {
    const b = bucketOf(key);
    const bucket = next[b];
    if (bucket?.[key] === undefined) continue;
    // Rebuilt rather than `delete`d: a delete turns an object into a slow dictionary-mode one.
    next[b] = Object.fromEntries(Object.entries(bucket).filter(([k]) => k !== key));
    changed = true;
  }
  return changed ? next : s;
}

/** Key -> time of every tracked key, for reports and tests. */
export function lastSeenRecord(s: LastSeen): Record<string, number> {
  return Object.fromEntries(trackedKeys(s).map((k) => [k, lastSeenOf(s, k)!]));
}
