/**
 * Threshold-free binary ranking metrics, exactly as scikit-learn computes them:
 * `roc_auc_score` (trapezoid over the ROC points of every distinct score, so tied scores form
 * one diagonal step) and `average_precision_score` (AP = Σ (R_n − R_{n−1}) · P_n over distinct
 * thresholds, step-wise, no interpolation).
 *
 * Both walk the positives' and negatives' scores sorted separately (a linear-time radix sort),
 * so millions of rows cost little next to inference.
 */
import { sortFloat64 } from './sort.js';

export interface RankingResult {
  rocAuc: number;
  averagePrecision: number;
  /** False when the ROC AUC is undefined (only one class present); it is then reported as 0. */
  rocDefined: boolean;
}

/** `positive[i]` is true when row i is of the positive class; `score[i]` its score. */
export function rankingMetrics(positive: ArrayLike<number>, score: ArrayLike<number>, rows: ArrayLike<number> | null = null): RankingResult {
  const n = rows ? rows.length : score.length;
  let p = 0;
  for (let k = 0; k < n; k++) if (positive[rows ? rows[k]! : k]) p++;
  const pos = new Float64Array(p);
  const neg = new Float64Array(n - p);
  let ip = 0;
  let ineg = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k]! : k;
    if (positive[i]) pos[ip++] = score[i]!;
    else neg[ineg++] = score[i]!;
  }
  sortFloat64(pos);
  sortFloat64(neg);
  // Walk both from the highest score down, one distinct threshold at a time.
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let prevTp = 0;
  let prevFp = 0;
  let area = 0;
  let ap = 0;
  let prevRecall = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    while (i >= 0 && pos[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fp++;
      j--;
    }
    area += ((fp - prevFp) * (tp + prevTp)) / 2;
    if (pos.length > 0) {
      const recall = tp / pos.length;
      ap += (recall - prevRecall) * (tp / (tp + fp));
      prevRecall = recall;
    }
    prevTp = tp;
    prevFp = fp;
  }
  const rocDefined = pos.length > 0 && neg.length > 0;
  return {
    rocAuc: rocDefined ? area / (pos.length * neg.length) : 0,
    // No positives: recall is undefined at every threshold; scikit-learn then reports 0.
    averagePrecision: pos.length > 0 ? ap : 0,
    rocDefined,
  };
}
