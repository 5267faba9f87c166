/**
 * Permutation feature importance (as scikit-learn's `permutation_importance`): on a seeded
 * sample of rows, shuffle one feature column at a time and record how much the chosen metric
 * worsens; `repeats` shuffles per feature, mean and population std of the drop.
 */
import { METRIC_DIRECTIONS } from '../../pipeline-schema/metrics.js';
import type { ImportanceEntry } from './document.js';
import { mulberry32, shuffle } from './random.js';
import { mean, std } from './metrics/summary.js';

export interface ImportanceInput {
  features: string[];
  /** Column index (in the raw rows) of each feature. */
  columnOf: number[];
  /** The sample rows; permuted in place while scoring and restored before returning. */
  rows: unknown[][];
  metric: string;
  repeats: number;
  seed: number;
  /** The metric on these rows as given (rows in the same order as `rows`). */
  score(rows: unknown[][]): Promise<number | undefined>;
}

export async function permutationImportance(input: ImportanceInput): Promise<ImportanceEntry[]> {
  const base = await input.score(input.rows);
  if (base === undefined) return [];
  const sign = (METRIC_DIRECTIONS[input.metric] ?? 'higher') === 'higher' ? 1 : -1;
  const rand = mulberry32(input.seed);
  const out: ImportanceEntry[] = [];
  // Each permutation is written into the sample rows' own cells and undone afterwards, instead
  // of copying every row per shuffle (features × repeats × rows arrays).
  const rows = input.rows;
  for (let f = 0; f < input.features.length; f++) {
    const col = input.columnOf[f]!;
    const original = rows.map((row) => row[col]);
    const drops: number[] = [];
    try {
      for (let r = 0; r < input.repeats; r++) {
        const shuffled = shuffle(original.slice(), rand);
        for (let i = 0; i < rows.length; i++) rows[i]![col] = shuffled[i];
        const s = await input.score(rows);
        drops.push(s === undefined ? 0 : sign * (base - s));
      }
    } finally {
      for (let i = 0; i < rows.length; i++) rows[i]![col] = original[i];
    }
    out.push({ feature: input.features[f]!, drop: mean(drops), std: std(drops) });
  }
  return out.sort((a, b) => b.drop - a.drop);
}
