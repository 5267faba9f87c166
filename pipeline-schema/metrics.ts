/**
 * The built-in metric names of DESIGN.md's metrics contract and their direction. Gates use the
 * direction for `max_drop`, `max_drop_pct` and `min_gain`; a metric not listed here is custom and
 * must state `higher_is_better`.
 */
import type { Task } from './types.js';

export type Direction = 'higher' | 'lower';

export const BINARY_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'log_loss', 'brier_score'] as const;
export const MULTICLASS_METRICS = [
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'f1_weighted',
  'log_loss',
  'roc_auc_ovr',
] as const;
export const REGRESSION_METRICS = ['mae', 'mse', 'rmse', 'r2', 'mape', 'median_ae', 'max_error'] as const;
export const ALWAYS_METRICS = [
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'throughput_rows_per_s',
  'model_size_bytes',
  'rows',
] as const;

export const METRIC_DIRECTIONS: Readonly<Record<string, Direction>> = {
  accuracy: 'higher',
  balanced_accuracy: 'higher',
  precision: 'higher',
  recall: 'higher',
  f1: 'higher',
  roc_auc: 'higher',
  pr_auc: 'higher',
  log_loss: 'lower',
  brier_score: 'lower',
  precision_macro: 'higher',
  recall_macro: 'higher',
  f1_macro: 'higher',
  f1_weighted: 'higher',
  roc_auc_ovr: 'higher',
  mae: 'lower',
  mse: 'lower',
  rmse: 'lower',
  r2: 'higher',
  mape: 'lower',
  median_ae: 'lower',
  max_error: 'lower',
  latency_p50_ms: 'lower',
  latency_p95_ms: 'lower',
  latency_p99_ms: 'lower',
  throughput_rows_per_s: 'higher',
  model_size_bytes: 'lower',
  rows: 'higher',
};

export function metricsForTask(task: Task): readonly string[] {
  const own = task === 'binary-classification' ? BINARY_METRICS : task === 'multiclass-classification' ? MULTICLASS_METRICS : REGRESSION_METRICS;
  return [...own, ...ALWAYS_METRICS];
}

export function isKnownMetric(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(METRIC_DIRECTIONS, name);
}
