/**
 * Rule `metricRegressions`: metrics worse than the base (or production) model by more than the
 * team's tolerance, whether or not a gate watches them. Direction-aware (the metrics contract:
 * a higher `log_loss` is worse). One warning that counts them, and the table as Markdown.
 */
import { formatNumber, formatSigned } from '../../core/numbers.js';
import type { Direction } from '../../pipeline-schema/metrics.js';
import { clipText, codeSpan, escapeMarkdown, markdownTable, MAX_CELL } from '../../reports/markdown.js';
import type { Finding } from '../findings.js';

export type Against = 'base' | 'production';

/** One metric as report.json carries it (ReportMetric), the fields this rule reads. */
export interface MetricRow {
  name: string;
  direction: Direction | null;
  candidate: number | null;
  base: number | null;
  production: number | null;
}

/** Serving-speed numbers vary from runner to runner; a team opts in to them by naming a tolerance. */
export const NOISY_METRICS = ['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'throughput_rows_per_s', 'model_size_bytes', 'rows'];

export interface MetricRegressionsInput {
  metrics: MetricRow[];
  against: Against[];
  /** Largest tolerated regression, absolute, in the metric's unit: one for all, or per metric (`*` for the rest). */
  tolerance: number | Record<string, number>;
  /** Metrics some gate in the pipeline watches (shown in the table). */
  gated: string[];
  /** Where the numbers come from, as shown. */
  source: string;
}

function toleranceOf(t: MetricRegressionsInput['tolerance'], metric: string): number | undefined {
  if (typeof t === 'number') return NOISY_METRICS.includes(metric) ? undefined : t;
  if (Object.prototype.hasOwnProperty.call(t, metric)) return t[metric];
  return NOISY_METRICS.includes(metric) ? undefined : t['*'] ?? 0;
}

export interface Regression {
  metric: string;
  against: Against;
  baseline: number;
  candidate: number;
  /** By how much it is worse (positive), in the metric's unit. */
  worse: number;
  tolerance: number;
  direction: Direction;
}

export function regressions(input: MetricRegressionsInput): Regression[] {
  const out: Regression[] = [];
  for (const m of input.metrics) {
    const tol = toleranceOf(input.tolerance, m.name);
    if (tol === undefined || m.direction === null || m.candidate === null || !Number.isFinite(m.candidate)) continue;
    for (const against of input.against) {
      const baseline = m[against];
      if (baseline === null || !Number.isFinite(baseline)) continue;
      const worse = m.direction === 'higher' ? baseline - m.candidate : m.candidate - baseline;
      // Rounding noise of the documents' decimals is no regression.
      if (worse > tol + 1e-12 * Math.max(1, Math.abs(baseline))) out.push({ metric: m.name, against, baseline, candidate: m.candidate, worse, tolerance: tol, direction: m.direction });
    }
  }
  return out.sort((a, b) => b.worse - b.tolerance - (a.worse - a.tolerance));
}

export function metricRegressions(input: MetricRegressionsInput): Finding[] {
  const found = regressions(input);
  if (found.length === 0) return [];
  const names = [...new Set(found.map((r) => r.metric))];
  const table = markdownTable(
    ['Metric', 'vs', 'Baseline', 'Candidate', 'Change', 'Tolerance', 'Gate'],
    found.map((r) => [
      escapeMarkdown(clipText(r.metric, MAX_CELL)),
      escapeMarkdown(r.against),
      formatNumber(r.baseline),
      formatNumber(r.candidate),
      `${formatSigned(r.candidate - r.baseline)} (${r.direction === 'higher' ? 'higher is better' : 'lower is better'})`,
      formatNumber(r.tolerance),
      input.gated.includes(r.metric) ? 'gated' : 'no gate',
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
  return [
    {
      rule: 'metricRegressions',
      level: 'warn',
      text: `${names.length} metric${names.length > 1 ? 's' : ''} regressed beyond the team tolerance (${names.slice(0, 5).map((n) => codeSpan(clipText(n, 100))).join(', ')}${names.length > 5 ? ', …' : ''}); see the table below.`,
    },
    { rule: 'metricRegressions', level: 'markdown', text: `#### mlpipeline: metric regressions beyond tolerance\n\nFrom ${codeSpan(input.source)}.\n\n${table}` },
  ];
}
