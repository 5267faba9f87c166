/**
 * The PR comment (`comment.md`), what reviewers read on every push: a hidden marker (one comment
 * per pipeline, updated in place), the verdict line, what did not run, then one section each
 * with its details collapsed. It fits a budget (GitHub: 65,536 characters for a comment, 65,535
 * for a check-run summary): when too long, details are cut in a fixed order — per-column detail,
 * then slices, then charts, then long tables — and the comment says what was cut and where the
 * full report is. The verdict and the failing gates are never cut.
 */
import { codeSpan, markdownTable } from './markdown.js';
import type { ReportData } from './report-data.js';
import { allSections, FULL_DETAIL, GATE_HEADER, gateRows, missingList, verdictLine, type Detail, type Section } from './report-sections.js';

export const COMMENT_LIMIT = 65_536;
export const CHECK_RUN_SUMMARY_LIMIT = 65_535;

export interface CommentOptions {
  /** Largest length in characters (UTF-16 code units, which never undercount GitHub's). Default COMMENT_LIMIT. */
  limit?: number;
  /** Where the full report is, shown when something was cut (e.g. `.mlpipeline/report/summary.md`). */
  fullReport?: string;
  /** The model card's short Markdown block (reports/model-card/ modelCardSummary). */
  modelCard?: string;
}

/** The hidden marker that identifies the comment of this pipeline; the name is percent-encoded so it can never end the HTML comment. */
export function commentMarker(pipelineName: string): string {
  return `<!-- mlpipeline-report pipeline=${encodeURIComponent(pipelineName).replace(/-/g, '%2D')} -->`;
}

function section(s: Section): string {
  const head = `### ${s.title}\n\n${s.headline}\n`;
  if (!s.body) return head + '\n';
  // The gate table is open: it is what the verdict line is about. Every other section is collapsed.
  const open = s.id === 'gates' ? ' open' : '';
  return `${head}\n<details${open}><summary>Details</summary>\n\n${s.body.trimEnd()}\n\n</details>\n\n`;
}

/** The levels of detail tried in order, and what each one cut (for the note). */
const LEVELS: { detail: Detail; cut: string[] }[] = [
  { detail: { ...FULL_DETAIL, chartPoints: 30 }, cut: [] },
  { detail: { ...FULL_DETAIL, chartPoints: 30, columns: false }, cut: ['per-column detail'] },
  { detail: { ...FULL_DETAIL, chartPoints: 30, columns: false, slices: false }, cut: ['per-column detail', 'slices'] },
  { detail: { ...FULL_DETAIL, chartPoints: 30, columns: false, slices: false, charts: false }, cut: ['per-column detail', 'slices', 'charts'] },
  { detail: { ...FULL_DETAIL, columns: false, slices: false, charts: false, maxRows: 20 }, cut: ['per-column detail', 'slices', 'charts', 'long tables'] },
];

function cutNote(cut: string[], limit: number, fullReport: string | undefined): string {
  const where = fullReport ? `the job summary and ${codeSpan(fullReport)} in the workflow artifact` : 'the job summary and the workflow artifact';
  return `> **Cut to fit ${limit.toLocaleString('en-US')} characters:** ${cut.join(', ')}. The full report is in ${where}.\n\n`;
}

function assemble(d: ReportData, head: string, detail: Detail, note: string, modelCard: string | undefined): string {
  return head + note + allSections(d, detail, modelCard).map(section).join('');
}

export function renderComment(d: ReportData, opts: CommentOptions = {}): string {
  const limit = opts.limit ?? COMMENT_LIMIT;
  const head = `${commentMarker(d.pipeline.name)}\n## mlpipeline report: ${verdictLine(d)}\n\n${missingList(d)}${missingList(d) ? '\n' : ''}`;
  for (const level of LEVELS) {
    const note = level.cut.length ? cutNote(level.cut, limit, opts.fullReport) : '';
    const text = assemble(d, head, level.detail, note, level.cut.length > 3 ? undefined : opts.modelCard);
    if (text.length <= limit) return text;
  }
  // Last resort: the verdict and the failing gates only, as many rows as fit (a pipeline with
  // thousands of failing gates), never anything else.
  const note = cutNote(['every section but the failing gates'], limit, opts.fullReport);
  const failing = gateRows(d.gates.filter((g) => g.status === 'failed'));
  const shortHead = `${commentMarker(d.pipeline.name)}\n## mlpipeline report: ${verdictLine(d)}\n\n`;
  let rows = failing;
  for (;;) {
    const table = rows.length ? `### Failing gates\n\n${markdownTable(GATE_HEADER, rows)}` : '';
    const more = rows.length < failing.length ? `\n… ${failing.length - rows.length} more failing gates in the full report.\n` : '';
    const text = shortHead + note + table + more;
    if (text.length <= limit || rows.length === 0) return text.length <= limit ? text : text.slice(0, limit);
    rows = rows.slice(0, Math.floor(rows.length / 2));
  }
}
