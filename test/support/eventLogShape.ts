/**
 * The shape of Spark listener events: every field path with the JSON types seen there, so the
 * events this project writes can be compared with the ones Spark wrote in its shipped test logs.
 *
 * - `a/b` is field b of object a; `a[]` the elements of array a; `a{}` the values of a map whose
 *   keys are data (properties, log URLs, attributes, resources), not field names.
 * - A task end reason and a job result are qualified by their class name, because their fields
 *   depend on it: `Task End Reason<ExecutorLostFailure>/Loss Reason`, `Job Result<JobFailed>/Exception`.
 */

/** Objects written with writeMapField / propertiesToJson or keyed by resource name. */
const MAP_FIELDS = new Set([
  'Properties', 'Log Urls', 'Attributes', 'Resources', 'Driver Logs', 'Driver Attributes', 'JVM Information', 'Spark Properties',
  'Hadoop Properties', 'System Properties', 'Metrics Properties', 'Classpath Entries', 'Executor Resource Requests', 'Task Resource Requests',
]);

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
/** Field path -> JSON types seen there. */
export type Shape = Map<string, Set<JsonType>>;

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

function add(shape: Shape, path: string, type: JsonType): void {
  let types = shape.get(path);
  if (!types) shape.set(path, (types = new Set()));
  types.add(type);
}

function walk(shape: Shape, path: string, value: unknown, field: string): void {
  const type = typeOf(value);
  add(shape, path, type);
  if (type === 'array') {
    for (const element of value as unknown[]) walk(shape, `${path}[]`, element, field);
  } else if (type === 'object') {
    const obj = value as Record<string, unknown>;
    if (MAP_FIELDS.has(field)) {
      for (const v of Object.values(obj)) walk(shape, `${path}{}`, v, '');
      return;
    }
    const qualifier = field === 'Task End Reason' ? obj['Reason'] : field === 'Job Result' ? obj['Result'] : undefined;
    const base = qualifier !== undefined ? `${path}<${String(qualifier)}>` : path;
    if (qualifier !== undefined) add(shape, base, 'object');
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'Event') continue;
      walk(shape, base === '' ? k : `${base}/${k}`, v, k);
    }
  }
}

/** Adds an event's field paths to a shape (the top-level object's path is ''). */
export function addShape(shape: Shape, event: Record<string, unknown>): Shape {
  walk(shape, '', event, '');
  shape.delete('');
  return shape;
}

export function shapeOf(events: Iterable<Record<string, unknown>>): Shape {
  const shape: Shape = new Map();
  for (const e of events) addShape(shape, e);
  return shape;
}

/** Spark's version strings, ordered: 1.2.0 < 1.4.0-SNAPSHOT < 3.1.0-SNAPSHOT < 3.1.1.119 < 3.4.0-SNAPSHOT. */
export function compareSparkVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/-SNAPSHOT$/, '').split('.').map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether a path is covered by a documented list (an entry ending in '/' or '[]' or '<' covers everything under it). */
export function covered(path: string, entries: readonly string[]): boolean {
  return entries.some((e) => path === e || ((e.endsWith('/') || e.endsWith('[]')) && path.startsWith(e)));
}
