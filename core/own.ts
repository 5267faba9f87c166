/**
 * Maps keyed by user-controlled names (columns, categories) as plain objects: a column called
 * `__proto__`, `constructor` or `toString` must be an ordinary key, never the prototype's.
 */

/** An empty object without a prototype, safe for any key (JSON.stringify writes it as usual). */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** obj[key] only when it is obj's own property. */
export function own<T>(obj: Record<string, T> | undefined | null, key: string): T | undefined {
  return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function hasOwn(obj: object | undefined | null, key: string): boolean {
  return !!obj && Object.prototype.hasOwnProperty.call(obj, key);
}
