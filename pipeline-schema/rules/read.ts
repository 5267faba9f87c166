/**
 * Tolerant accessors for the raw document. Semantic rules run even when the schema found
 * problems, so a value may have any type; these return an empty or undefined value instead of
 * throwing, and leave reporting the wrong type to the schema.
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const own = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
