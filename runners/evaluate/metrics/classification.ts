/**
 * Classification metrics per DESIGN.md's metrics contract, with scikit-learn's definitions:
 * labels are class indices 0..C−1 (`classes` order); the positive class of a binary task is
 * index 1. Zero division gives 0 everywhere.
 */
import { rankingMetrics } from './ranking.js';
import { safeDiv } from './summary.js';

export const LOG_LOSS_EPS = 1e-15;

export interface BinaryInput {
  /** True class index per row (0 or 1). */
  y: Int32Array;
  /** Predicted class index per row (0 or 1; −1 = a label outside `classes`, always wrong). */
  pred: Int32Array;
  /** Positive-class probability (or score) per row; null when the model gives labels only. */
  score: Float64Array | null;
  /** True when `score` holds probabilities in [0, 1] (log_loss and brier_score need them). */
  scoreIsProbability: boolean;
}

export interface MetricsOutcome {
  metrics: Record<string, number>;
  warnings: string[];
}

export function confusionMatrix(y: Int32Array, pred: Int32Array, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < y.length; i++) {
    const p = pred[i]!;
    if (p >= 0 && p < classes) m[y[i]!]![p]!++;
  }
  return m;
}

export function binaryMetrics(input: BinaryInput): MetricsOutcome {
  const { y, pred, score } = input;
  const n = y.length;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i] === 1;
    const p = pred[i] === 1;
    if (t && p) tp++;
    else if (!t && p) fp++;
    else if (t && !p) fn++;
    else if (pred[i] === 0) tn++;
  }
  const metrics: Record<string, number> = {
    accuracy: safeDiv(tp + tn, n),
    precision: safeDiv(tp, tp + fp),
    recall: safeDiv(tp, tp + fn),
    f1: safeDiv(2 * tp, 2 * tp + fp + fn),
  };
  const warnings: string[] = [];
  if (score) {
    const r = rankingMetrics(y, score);
    metrics.roc_auc = r.rocAuc;
    metrics.pr_auc = r.averagePrecision;
    if (!r.rocDefined && n > 0) warnings.push('roc_auc: only one class in the evaluation rows, so ROC AUC is undefined; reported as 0');
    if (input.scoreIsProbability) {
      let ll = 0;
      let brier = 0;
      for (let i = 0; i < n; i++) {
        const p = Math.min(Math.max(score[i]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
        ll -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
        brier += (score[i]! - y[i]!) ** 2;
      }
      metrics.log_loss = safeDiv(ll, n);
      metrics.brier_score = safeDiv(brier, n);
    }
  }
  return { metrics, warnings };
}

export interface MulticlassInput {
  y: Int32Array;
  pred: Int32Array;
  /** Row-major N×C probabilities, or null for label-only models. */
  probs: Float64Array | null;
  classes: number;
}

export function multiclassMetrics(input: MulticlassInput): MetricsOutcome {
  const { y, pred, probs, classes: c } = input;
  const n = y.length;
  const tp = new Float64Array(c);
  const support = new Float64Array(c); // rows whose true class is k
  const predicted = new Float64Array(c); // rows predicted as k
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i]!;
    const p = pred[i]!;
    support[t]!++;
    if (p >= 0) predicted[p]!++;
    if (t === p) {
      tp[t]!++;
      correct++;
    }
  }
  // scikit-learn averages over the labels present in y_true or y_pred.
  let present = 0;
  let precSum = 0;
  let recSum = 0;
  let f1Sum = 0;
  let f1Weighted = 0;
  let balSum = 0;
  let balCount = 0;
  for (let k = 0; k < c; k++) {
    if (support[k] === 0 && predicted[k] === 0) continue;
    present++;
    const fpK = predicted[k]! - tp[k]!;
    const fnK = support[k]! - tp[k]!;
    const f1 = safeDiv(2 * tp[k]!, 2 * tp[k]! + fpK + fnK);
    precSum += safeDiv(tp[k]!, predicted[k]!);
    recSum += safeDiv(tp[k]!, support[k]!);
    f1Sum += f1;
    f1Weighted += f1 * support[k]!;
    if (support[k]! > 0) {
      balSum += tp[k]! / support[k]!;
      balCount++;
    }
  }
  const metrics: Record<string, number> = {
    accuracy: safeDiv(correct, n),
    balanced_accuracy: safeDiv(balSum, balCount),
    precision_macro: safeDiv(precSum, present),
    recall_macro: safeDiv(recSum, present),
    f1_macro: safeDiv(f1Sum, present),
    f1_weighted: safeDiv(f1Weighted, n),
  };
  const warnings: string[] = [];
  if (probs) {
    // log_loss: clip to [eps, 1 − eps], then renormalise each row (as scikit-learn does).
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let rowSum = 0;
      for (let k = 0; k < c; k++) rowSum += Math.min(Math.max(probs[i * c + k]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
      const pt = Math.min(Math.max(probs[i * c + y[i]!]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
      ll -= Math.log(pt / rowSum);
    }
    metrics.log_loss = safeDiv(ll, n);
    // roc_auc_ovr: unweighted mean of each class's one-vs-rest AUC (scikit-learn's
    // multi_class='ovr', average='macro'). A class with no rows (or only rows) in the set has no
    // one-vs-rest AUC (scikit-learn raises); it is left out of the mean rather than counted as 0,
    // so a slice that happens to lack a class is not reported as a worse ranker.
    const isK = new Int32Array(n);
    const scoreK = new Float64Array(n);
    let aucSum = 0;
    let defined = 0;
    const undefinedFor: number[] = [];
    for (let k = 0; k < c; k++) {
      for (let i = 0; i < n; i++) {
        isK[i] = y[i] === k ? 1 : 0;
        scoreK[i] = probs[i * c + k]!;
      }
      const r = rankingMetrics(isK, scoreK);
      if (!r.rocDefined) undefinedFor.push(k);
      else {
        aucSum += r.rocAuc;
        defined++;
      }
    }
    metrics.roc_auc_ovr = safeDiv(aucSum, defined);
    if (undefinedFor.length && n > 0) {
      warnings.push(
        defined > 0
          ? `roc_auc_ovr: ${undefinedFor.length} class(es) are absent from (or the only class in) the evaluation rows, so their one-vs-rest AUC is undefined; the mean is over the other ${defined}`
          : 'roc_auc_ovr: the evaluation rows hold a single class, so every one-vs-rest AUC is undefined; reported as 0',
      );
    }
  }
  return { metrics, warnings };
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin; null when the bin is empty. */
  mean_predicted: number | null;
  /** Fraction of positives in the bin; null when the bin is empty. */
  fraction_positive: number | null;
}

/** 10 equal-width bins over [0, 1]; the last bin includes 1. */
export function calibrationBins(y: Int32Array, score: Float64Array, bins = 10): CalibrationBin[] {
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const pos = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const p = score[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b]!++;
    sumP[b]! += p;
    pos[b]! += y[i]!;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b]!,
    mean_predicted: count[b] ? sumP[b]! / count[b]! : null,
    fraction_positive: count[b] ? pos[b]! / count[b]! : null,
  }));
}
