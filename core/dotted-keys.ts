/**
 * Dotted keys (`train.lr`, `layers.0.units`): how params and metrics files are named in
 * mlpipeline.yaml, in diffs and in run records. `flattenDotted` writes every leaf of a document
 * under its dotted key; `lookupDotted` finds one key again. They agree: every key flattenDotted
 * writes, lookupDotted finds with the same value.
 *
 * Only own keys count (never `constructor`, `toString` or `__proto__` from a prototype), lists
 * are indexed by position (`0`, `1`, ...), and a literal key containing dots (`{"a.b": 1}`, as
 * tools that flatten keys write) wins over descending.
 */

/** A leaf value. Non-finite numbers are kept as their names (`NaN`, `Infinity`) so JSON can carry them. */
export type FlatValue = string | number | boolean | null;

export type DottedLookup = { ok: true; value: unknown } | { ok: false };

const INDEX = /^(0|[1-9]\d*)$/;

/** The value directly under `key` in a map, object or list, when it has one of its own. */
function child(container: unknown, key: string): DottedLookup {
  if (container instanceof Map) return container.has(key) ? { ok: true, value: container.get(key) as unknown } : { ok: false };
  if (Array.isArray(container)) {
    const i = INDEX.test(key) ? Number(key) : -1;
    return i >= 0 && i < container.length ? { ok: true, value: container[i] as unknown } : { ok: false };
  }
  if (container !== null && typeof container === 'object' && Object.prototype.hasOwnProperty.call(container, key)) {
    return { ok: true, value: (container as Record<string, unknown>)[key] };
  }
  return { ok: false };
}

/** Find `key` in a parsed document. The longest literal prefix is tried first, then shorter ones. */
export function lookupDotted(doc: unknown, key: string): DottedLookup {
  const whole = child(doc, key);
  if (whole.ok) return whole;
  const parts = key.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = child(doc, parts.slice(0, i).join('.'));
    if (!head.ok) continue;
    const rest = lookupDotted(head.value, parts.slice(i).join('.'));
    if (rest.ok) return rest;
  }
  return { ok: false };
}

/** Every leaf of a parsed params or metrics document under its dotted key, in document order. */
export function flattenDotted(doc: unknown): Map<string, FlatValue> {
  const out = new Map<string, FlatValue>();
  // An empty file (null) or an empty top-level map/list has no keys at all.
  const empty = doc === null || doc === undefined || (doc instanceof Map ? doc.size === 0 : typeof doc === 'object' && Object.keys(doc).length === 0);
  if (!empty) walk(doc, '', out);
  return out;
}

function walk(value: unknown, key: string, out: Map<string, FlatValue>): void {
  if (Array.isArray(value)) {
    // An empty list or map is still a value someone may have set on purpose; keep it visible.
    if (value.length === 0) return void out.set(key, '[]');
    value.forEach((v, i) => walk(v, join(key, String(i)), out));
    return;
  }
  if (value instanceof Map) {
    if (value.size === 0) return void out.set(key, '{}');
    for (const [k, v] of value) walk(v, join(key, String(k)), out);
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return void out.set(key, '{}');
    for (const [k, v] of entries) walk(v, join(key, k), out);
    return;
  }
  out.set(key, leaf(value));
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function leaf(value: unknown): FlatValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return String(value as symbol | ((...args: unknown[]) => unknown));
}
