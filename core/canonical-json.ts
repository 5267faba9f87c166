/**
 * The one canonical JSON of mlpipeline: object keys sorted (UTF-16 code units) at every level, no
 * whitespace, `undefined` members left out (as JSON.stringify does), so the same value always
 * gives the same bytes. Used for every digest of config (gates, evaluation config, stage
 * fingerprints). Keys are read with Object.entries, so an own key named `__proto__` is kept.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** sha256 (hex) of canonicalJson(value). */
export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
