/** Metric names outside gates (evaluation.metrics, importance, report) are built-in or declared custom metrics. */
import { closest } from '../did-you-mean.js';
import { pointer, type PendingProblem } from '../problems.js';
import type { RuleContext } from './context.js';
import { arr, obj, str } from './read.js';
import type { SemanticRule } from './rule.js';

function metricRef(ctx: RuleContext, value: unknown, ptr: string, what: string): PendingProblem[] {
  const m = str(value);
  if (m === undefined || ctx.metricNames.includes(m)) return [];
  const hint = closest(m, ctx.metricNames);
  return [
    {
      pointer: ptr,
      message: `${what}: unknown metric '${m}'${hint ? `; did you mean '${hint}'?` : ''}`,
      fix: hint ? `write '${hint}'` : 'use a built-in metric name, or declare it under evaluation.custom_metrics with higher_is_better',
    },
  ];
}

export const metricRefs: SemanticRule = {
  id: 'metric-refs',
  check(ctx) {
    const { doc, evaluation } = ctx;
    return [
      ...arr(evaluation.metrics).flatMap((m, i) => metricRef(ctx, m, pointer('evaluation', 'metrics', i), 'evaluation.metrics')),
      ...metricRef(ctx, obj(evaluation.importance).metric, '/evaluation/importance/metric', 'evaluation.importance.metric'),
      ...arr(obj(doc.report).metrics).flatMap((m, i) => metricRef(ctx, m, pointer('report', 'metrics', i), 'report.metrics')),
    ];
  },
};
