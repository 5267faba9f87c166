/**
 * The job summary (`summary.md`): the full, uncut report — every gate, metric, stage, check,
 * drift column and slice, the permutation importance and the latency figures — within GitHub's
 * 1 MiB limit for a step summary (beyond it, the same cuts as the comment, said where; last, the
 * verdict and as many failing gates as fit). The limit is in UTF-8 bytes, and is never exceeded.
 */
import { codeSpan } from './markdown.js';
import { renderModelCardBrief } from './model-card/summary.js';
import type { ReportData } from './report-data.js';
import { allSections, fitRows, FULL_DETAIL, GATE_HEADER, gateRows, missingList, verdictLine, type Detail, type Section } from './report-sections.js';

/** GitHub's limit for one step's summary, in bytes. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

function section(s: Section): string {
  return `## ${s.title}\n\n${s.headline}\n\n${s.body ? s.body.trimEnd() + '\n\n' : ''}`;
}

const FALLBACK: Detail[] = [
  { ...FULL_DETAIL, chartPoints: 1000 },
  { ...FULL_DETAIL, columns: false },
  { ...FULL_DETAIL, columns: false, slices: false, charts: false, maxRows: 1000 },
];

const bytes = (t: string): number => Buffer.byteLength(t, 'utf8');

export function renderSummary(d: ReportData, opts: { fullReport?: string; limitBytes?: number } = {}): string {
  const limit = opts.limitBytes ?? SUMMARY_LIMIT_BYTES;
  const missing = missingList(d);
  const head = `# mlpipeline report: ${verdictLine(d, 100)}\n\n${missing}${missing ? '\n' : ''}`;
  const modelCard = d.model_card ? renderModelCardBrief(d.model_card) : undefined;
  const where = codeSpan(opts.fullReport ?? 'report.json');
  for (const [i, detail] of FALLBACK.entries()) {
    const note = i === 0 ? '' : `> **Cut to fit GitHub's 1 MiB step summary:** ${i === 1 ? 'per-column detail' : 'per-column detail, slices, charts, long tables'}. Every value is in ${where}.\n\n`;
    const text = head + note + allSections(d, detail, modelCard, true).map(section).join('');
    if (bytes(text) <= limit) return text;
  }
  // Last resort (thousands of failing gates with long names): the verdict, then as many failing
  // gates as fit, whole rows only, then how many more there are.
  const note = `> **Cut to fit GitHub's 1 MiB step summary:** every section but the failing gates. Every value is in ${where}.\n\n`;
  const failing = gateRows(d.gates.filter((g) => g.status === 'failed'));
  for (const names of [100, 10, 1, 0]) {
    const prefix = `# mlpipeline report: ${verdictLine(d, names)}\n\n${note}`;
    const text = fitRows(prefix, '## Failing gates\n\n', GATE_HEADER, failing, (left) => `\n${left} more failing gate${left === 1 ? '' : 's'}: see ${where}.\n`, bytes, limit);
    if (text !== null) return text;
  }
  return `# mlpipeline report: ${d.verdict.status}\n`;
}
