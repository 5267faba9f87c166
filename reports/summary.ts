/**
 * The job summary (`summary.md`): the full, uncut report — every gate, metric, stage, check,
 * drift column and slice, the permutation importance and the latency figures — within GitHub's
 * 1 MiB limit for a step summary (beyond it, the same cuts as the comment, said where).
 */
import { codeSpan } from './markdown.js';
import type { ReportData } from './report-data.js';
import { allSections, FULL_DETAIL, missingList, verdictLine, type Detail, type Section } from './report-sections.js';

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

export function renderSummary(d: ReportData, opts: { modelCard?: string; fullReport?: string } = {}): string {
  const missing = missingList(d);
  const head = `# mlpipeline report: ${verdictLine(d, 100)}\n\n${missing}${missing ? '\n' : ''}`;
  let text = '';
  for (const [i, detail] of FALLBACK.entries()) {
    const note = i === 0 ? '' : `> **Cut to fit GitHub's 1 MiB step summary:** ${i === 1 ? 'per-column detail' : 'per-column detail, slices, charts, long tables'}. Every value is in ${codeSpan(opts.fullReport ?? 'report.json')}.\n\n`;
    text = head + note + allSections(d, detail, opts.modelCard, true).map(section).join('');
    if (Buffer.byteLength(text, 'utf8') <= SUMMARY_LIMIT_BYTES) return text;
  }
  return text;
}
