/**
 * Read a stage's metrics files (JSON or YAML) and flatten them to dotted keys (`train.loss`,
 * `hist.0`) with the same parser and flattening as `metrics diff`, so run.json and the diff
 * always agree on keys and values.
 */
import { readFile } from 'node:fs/promises';
import { flattenDotted, type FlatValue } from '../../core/dotted-keys.js';
import { parseDataFile } from '../diff/parse-file.js';

export type { FlatValue };

/** Flattened content of a metrics file; throws an InputError naming line and column when it cannot be parsed. */
export async function readMetricsFile(abs: string, label: string = abs): Promise<Record<string, FlatValue>> {
  const doc = parseDataFile(await readFile(abs, 'utf8'), label, 'metrics');
  return Object.fromEntries(flattenDotted(doc));
}
