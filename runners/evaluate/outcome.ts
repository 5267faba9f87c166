/**
 * A model's per-row outcome in metric-ready form (class indices or numbers), and the metrics,
 * confusion matrix and calibration computed from it, overall or for a subset of rows.
 */
import type { Task } from '../../pipeline-schema/types.js';
import { binaryMetrics, calibrationBins, confusionMatrix, multiclassMetrics, type CalibrationBin, type MetricsOutcome } from './metrics/classification.js';
import { regressionMetrics } from './metrics/regression.js';
import type { ClassOrder } from './labels.js';

/** What one model predicted for a set of rows. */
export interface Predictions {
  task: Task;
  display: string;
  values: Float64Array | null;
  labelIds: Int32Array | null;
  scoreIsProbability: boolean;
}

export interface Outcome {
  task: Task;
  /** Classification: true class index. Regression: unused (see yNum). */
  y: Int32Array;
  pred: Int32Array;
  /** Regression: true values. */
  yNum: Float64Array;
  /** Binary: positive score; multiclass: N×C probabilities; regression: predictions. Null for label-only models. */
  values: Float64Array | null;
  classes: number;
  scoreIsProbability: boolean;
}

export function regressionOutcome(runner: Predictions, y: Float64Array): Outcome {
  return { task: 'regression', y: new Int32Array(0), pred: new Int32Array(0), yNum: y, values: runner.values, classes: 0, scoreIsProbability: false };
}

export function classificationOutcome(
  runner: Predictions,
  yIds: Int32Array,
  order: ClassOrder,
  threshold: number,
  thresholdConfigured: boolean,
  warnings: string[],
): Outcome {
  const n = yIds.length;
  const c = order.keys.length;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = order.index[yIds[i]!]!;
  const { values, labelIds } = runner;
  const pred = new Int32Array(n);
  if (runner.task === 'binary-classification') {
    const useScore = values && (runner.scoreIsProbability || thresholdConfigured || !labelIds);
    if (values && !runner.scoreIsProbability) {
      warnings.push(`${runner.display}: scores fall outside [0, 1], so log_loss and brier_score are left out${useScore ? ` and predictions use threshold ${threshold}` : ' and predictions come from its label output'}`);
    }
    if (useScore) for (let i = 0; i < n; i++) pred[i] = values![i]! >= threshold ? 1 : 0;
    else for (let i = 0; i < n; i++) pred[i] = order.index[labelIds![i]!]!;
  } else if (values) {
    // argmax, first maximum wins (numpy's argmax).
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (values[i * c + k]! > values[i * c + best]!) best = k;
      pred[i] = best;
    }
  } else for (let i = 0; i < n; i++) pred[i] = order.index[labelIds![i]!]!;
  return { task: runner.task, y, pred, yNum: new Float64Array(0), values, classes: c, scoreIsProbability: runner.scoreIsProbability };
}

/** The outcome restricted to `rows` (indices into the full outcome). */
export function subset(o: Outcome, rows: Int32Array): Outcome {
  const n = rows.length;
  if (o.task === 'regression') {
    const yNum = new Float64Array(n);
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      yNum[k] = o.yNum[rows[k]!]!;
      values[k] = o.values![rows[k]!]!;
    }
    return { ...o, yNum, values };
  }
  const y = new Int32Array(n);
  const pred = new Int32Array(n);
  const w = o.task === 'multiclass-classification' ? o.classes : 1;
  const values = o.values ? new Float64Array(n * w) : null;
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    y[k] = o.y[i]!;
    pred[k] = o.pred[i]!;
    if (values) for (let j = 0; j < w; j++) values[k * w + j] = o.values![i * w + j]!;
  }
  return { ...o, y, pred, values };
}

export function taskMetrics(o: Outcome): MetricsOutcome {
  if (o.task === 'regression') return { metrics: regressionMetrics(o.yNum, o.values!), warnings: [] };
  if (o.task === 'binary-classification') return binaryMetrics({ y: o.y, pred: o.pred, score: o.values, scoreIsProbability: o.scoreIsProbability });
  return multiclassMetrics({ y: o.y, pred: o.pred, probs: o.values, classes: o.classes });
}

export function confusion(o: Outcome, labels: (string | number)[]): { labels: (string | number)[]; matrix: number[][] } | null {
  if (o.task === 'regression') return null;
  return { labels, matrix: confusionMatrix(o.y, o.pred, o.classes) };
}

export function calibration(o: Outcome): CalibrationBin[] | null {
  if (o.task !== 'binary-classification' || !o.values || !o.scoreIsProbability) return null;
  return calibrationBins(o.y, o.values);
}
