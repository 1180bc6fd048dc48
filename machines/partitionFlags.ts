/**
 * One flag per partition (or task index): '1' once it succeeded, '0' before. Kept as strings of
 * FLAG_CHUNK characters, so setting a flag copies one chunk and the short chunk list: a single
 * string of every partition, copied (and flattened by the next search) per finished task, cost
 * O(n) bytes per task. At 100,000 tasks that was ~20 GB of short-lived strings, most of the
 * run's garbage collection. Used for the DAGScheduler's finished partitions and the
 * TaskSetManager's `successful`.
 */
export type PartitionFlags = readonly string[];

export const FLAG_CHUNK = 1024;

/** `n` flags, none set. */
export const noFlags = (n: number): PartitionFlags =>
  Array.from({ length: Math.ceil(n / FLAG_CHUNK) }, (_, i) => '0'.repeat(Math.min(FLAG_CHUNK, n - i * FLAG_CHUNK)));

export const isFlagged = (f: PartitionFlags, i: number): boolean => f[Math.floor(i / FLAG_CHUNK)]?.charCodeAt(i % FLAG_CHUNK) === 0x31;

/** The flags with `i` set (the same value when it already was). */
export function withFlag(f: PartitionFlags, i: number): PartitionFlags {
  if (isFlagged(f, i)) return f;
  const chunk = Math.floor(i / FLAG_CHUNK);
  const at = i % FLAG_CHUNK;
  const next = f.slice();
  next[chunk] = `${f[chunk]!.slice(0, at)}1${f[chunk]!.slice(at + 1)}`;
  return next;
}
