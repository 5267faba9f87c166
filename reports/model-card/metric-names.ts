/**
 * Display names of the built-in metrics (DESIGN.md, "Metrics contract"), for the model card's
 * `name` fields; a custom metric is shown by its own id.
 */
import { metricsForTask } from '../../pipeline-schema/metrics.js';
import type { Task } from '../../pipeline-schema/types.js';

const NAMES: Readonly<Record<string, string>> = {
  accuracy: 'Accuracy',
  balanced_accuracy: 'Balanced accuracy',
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1 score',
  roc_auc: 'ROC AUC',
  pr_auc: 'PR AUC (average precision)',
  log_loss: 'Log loss',
  brier_score: 'Brier score',
  precision_macro: 'Precision (macro)',
  recall_macro: 'Recall (macro)',
  f1_macro: 'F1 score (macro)',
  f1_weighted: 'F1 score (weighted)',
  roc_auc_ovr: 'ROC AUC (macro one-vs-rest)',
  mae: 'Mean absolute error',
  mse: 'Mean squared error',
  rmse: 'Root mean squared error',
  r2: 'R²',
  mape: 'Mean absolute percentage error',
  median_ae: 'Median absolute error',
  max_error: 'Max error',
  latency_p50_ms: 'Latency p50 (ms)',
  latency_p95_ms: 'Latency p95 (ms)',
  latency_p99_ms: 'Latency p99 (ms)',
  throughput_rows_per_s: 'Throughput (rows/s)',
  model_size_bytes: 'Model size (bytes)',
  rows: 'Rows',
};

export function metricName(metric: string): string {
  return Object.prototype.hasOwnProperty.call(NAMES, metric) ? NAMES[metric]! : metric;
}

/** The metric ids of a metrics object in card order: the task's built-in metrics first, then the rest by name. */
export function orderedMetrics(metrics: Record<string, number>, task: Task | null): string[] {
  const builtIn = task ? metricsForTask(task) : [];
  const present = Object.keys(metrics);
  const first = builtIn.filter((m) => present.includes(m));
  const rest = present.filter((m) => !first.includes(m)).sort();
  return [...first, ...rest];
}
