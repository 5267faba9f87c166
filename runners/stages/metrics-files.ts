/** Read a stage's metrics files (JSON or YAML) and flatten them to dotted keys (`train.loss`, `hist.0`). */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

export type FlatValue = number | string | boolean | null;

export function flatten(value: unknown, prefix = '', out: Record<string, FlatValue> = {}): Record<string, FlatValue> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as object);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (prefix === '') return out;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) out[prefix] = value;
  else out[prefix] = String(value);
  return out;
}

/** Flattened content of a metrics file; throws with a readable message when it cannot be parsed. */
export async function readMetricsFile(abs: string): Promise<Record<string, FlatValue>> {
  const text = await readFile(abs, 'utf8');
  const ext = extname(abs).toLowerCase();
  const doc = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  return flatten(doc);
}
