/**
 * Flatten a parsed params or metrics document into dotted keys (`train.lr`, arrays by index
 * `layers.0.units`), the form data scientists know from other tools' diffs.
 */

/** A leaf value. Non-finite numbers are kept as their names (`NaN`, `Infinity`) so JSON can carry them. */
export type FlatValue = string | number | boolean | null;

export function flatten(doc: unknown): Map<string, FlatValue> {
  const out = new Map<string, FlatValue>();
  // An empty file (null) or an empty top-level map/list has no keys at all.
  const empty = doc === null || doc === undefined || (typeof doc === 'object' && Object.keys(doc).length === 0 && !(doc instanceof Map));
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
  return String(value);
}
