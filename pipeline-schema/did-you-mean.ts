/**
 * "Did you mean" suggestions for misspelt keys, metric names, dataset and environment names.
 * Uses the optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so
 * `verison` → `version` costs 1), after folding case and `-`/`_` so `roc-auc` → `roc_auc` costs 0.
 */

import { defined } from '../core/internal-error.js';

/** Optimal string alignment distance between two strings. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: i-2, i-1 and i.
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  // Every row has b.length + 1 cells and j ≤ b.length.
  const cell = (row: number[], j: number) => defined(row[j], 'an edit-distance row has a cell per prefix of b');
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(cell(prev, j) + 1, cell(cur, j - 1) + 1, cell(prev, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, cell(prev2, j - 2) + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return cell(prev, b.length);
}

function fold(s: string): string {
  return s.toLowerCase().replace(/-/g, '_');
}

/** Largest distance still worth suggesting: short words need a closer match. */
function tolerance(word: string): number {
  if (word.length <= 3) return 1;
  if (word.length <= 6) return 2;
  return 3;
}

/** The candidate closest to `word`, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = fold(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(w, fold(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= tolerance(word)) return best;
  return synonym(w, candidates);
}

/**
 * Words users reach for that mlpipeline spells differently (`command` for `cmd`). A key that is
 * such a word, or a near miss of one (`comand`), suggests the name mlpipeline uses.
 */
const SYNONYMS: Readonly<Record<string, string>> = {
  command: 'cmd',
  commands: 'cmd',
  script: 'cmd',
  dependencies: 'deps',
  depends: 'deps',
  depends_on: 'deps',
  inputs: 'deps',
  outputs: 'outs',
  parameters: 'params',
};

function synonym(folded: string, candidates: Iterable<string>): string | undefined {
  const names = new Set(candidates);
  for (const [word, name] of Object.entries(SYNONYMS)) {
    if (names.has(name) && editDistance(folded, word) <= Math.min(tolerance(word), tolerance(folded))) return name;
  }
  return undefined;
}

/** `; did you mean 'x'?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : `; did you mean '${c}'?`;
}
