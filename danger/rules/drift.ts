/**
 * Rule `drift`: when the validation found drifted columns, a message that names the most drifted
 * ones with the statistic each was judged by (`ks p = 0.003 < 0.05`, `wasserstein 0.21 > 0.1`).
 * Column names come from data files: escaped.
 */
import { formatNumber, formatPercent } from '../../core/numbers.js';
import type { ReportDriftColumn } from '../../reports/report-data.js';
import { clipText, codeSpan, escapeMarkdown } from '../../reports/markdown.js';
import { P_VALUE_METHODS } from '../../runners/data/drift.js';
import type { Finding } from '../findings.js';

export const DEFAULT_TOP = 5;

export interface DriftInput {
  drift: {
    drifted: boolean;
    share: number;
    share_threshold: number;
    baseline: string;
    columns: ReportDriftColumn[];
  } | null;
  top: number;
}

/** How far past its threshold a column is (p-values: how far below), so the worst come first. */
function exceedance(c: ReportDriftColumn): number {
  return P_VALUE_METHODS.has(c.method) ? c.threshold - c.value : c.value - c.threshold;
}

function line(c: ReportDriftColumn): string {
  const p = P_VALUE_METHODS.has(c.method);
  return `${escapeMarkdown(clipText(c.column, 200))} (${escapeMarkdown(c.method)}${p ? ' p =' : ''} ${formatNumber(c.value)} ${p ? '&lt;' : '&gt;'} ${formatNumber(c.threshold)})`;
}

export function drift(input: DriftInput): Finding[] {
  const d = input.drift;
  if (!d) return [];
  const drifted = d.columns.filter((c) => c.drifted).sort((a, b) => exceedance(b) - exceedance(a));
  if (drifted.length === 0) return [];
  const top = drifted.slice(0, Math.max(1, input.top));
  const more = drifted.length > top.length ? `, and ${drifted.length - top.length} more` : '';
  const verdict = d.drifted ? 'the dataset drifts' : 'below the share at which the dataset drifts';
  return [
    {
      rule: 'drift',
      level: 'message',
      text: `Drift detected against ${codeSpan(clipText(d.baseline, 200))}: ${drifted.length} of ${d.columns.length} columns drifted (${formatPercent(d.share)}; ${verdict}, ${formatPercent(d.share_threshold)}). Top drifted: ${top.map(line).join('; ')}${more}.`,
    },
  ];
}
