/**
 * The PR comment (`comment.md`), what reviewers read on every push: a hidden marker (one comment
 * per pipeline, updated in place), the verdict line, what did not run, then one section each
 * with its details collapsed. It fits a budget (GitHub: 65,536 characters for a comment, 65,535
 * for a check-run summary): when too long, details are cut in a fixed order — per-column detail,
 * then slices, then charts, then long tables — and the comment says what was cut and where the
 * full report is. The verdict and the failing gates are never cut.
 */
import { codeSpan, wellFormed } from './markdown.js';
import { renderModelCardBrief } from './model-card/summary.js';
import type { ReportData } from './report-data.js';
import { allSections, fitRows, FULL_DETAIL, GATE_HEADER, gateRows, missingList, verdictLine, type Detail, type Section } from './report-sections.js';

export const COMMENT_LIMIT = 65_536;
export const CHECK_RUN_SUMMARY_LIMIT = 65_535;

export interface CommentOptions {
  /**
   * Largest length in characters. GitHub counts characters (code points); this counts UTF-16 code
   * units, one or two per code point, so it never undercounts. Default COMMENT_LIMIT.
   */
  limit?: number;
  /** Where the full report is, shown when something was cut (e.g. `.mlpipeline/report/summary.md`). */
  fullReport?: string;
  /** The pipeline file's repo-relative path, in the marker (two pipeline files may share a name). */
  pipelineFile?: string;
}

/**
 * One-to-one encoding of a name or path in the marker: percent-encoding (after making the text
 * well-formed, so it never throws on a lone surrogate; the pipeline schema refuses those) with
 * `-` encoded too, so the marker can never contain `-->` or a space and one name never reads as
 * another.
 */
function markerPart(text: string): string {
  return encodeURIComponent(wellFormed(text)).replace(/-/g, '%2D');
}

/**
 * The hidden marker that identifies the comment of this pipeline, the comment's first line: the
 * pipeline name and, when known, the pipeline file's repo-relative path (two files may share a
 * `name:`), each encoded one-to-one. It never throws.
 */
export function commentMarker(pipelineName: string, pipelineFile?: string): string {
  return `<!-- mlpipeline-report pipeline=${markerPart(pipelineName)}${pipelineFile === undefined ? '' : ` file=${markerPart(pipelineFile)}`} -->`;
}

/**
 * Whether a comment body (as the GitHub API returns it) is this pipeline's: it STARTS with exactly
 * the marker line. A marker text anywhere else (quoted by a reviewer, or forged by data, which the
 * escapers refuse anyway) does not count, so a poster never overwrites another comment.
 */
export function isOurComment(body: string, pipelineName: string, pipelineFile?: string): boolean {
  const marker = commentMarker(pipelineName, pipelineFile);
  return body === marker || body.startsWith(marker + '\n') || body.startsWith(marker + '\r\n');
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
  const marker = commentMarker(d.pipeline.name, opts.pipelineFile);
  const missing = missingList(d);
  // From the data, never from a caller: the action re-renders from report.json alone.
  const modelCard = d.model_card ? renderModelCardBrief(d.model_card) : undefined;
  const head = `${marker}\n## mlpipeline report: ${verdictLine(d)}\n\n${missing}${missing ? '\n' : ''}`;
  for (const level of LEVELS) {
    const note = level.cut.length ? cutNote(level.cut, limit, opts.fullReport) : '';
    const text = assemble(d, head, level.detail, note, level.cut.length > 3 ? undefined : modelCard);
    if (text.length <= limit) return text;
  }
  // Last resort: the verdict and the failing gates only, as many rows as fit (a pipeline with
  // thousands of failing gates), never anything else, and never a cut in the middle of Markdown:
  // fewer names in the verdict line, then fewer rows, each whole.
  const note = cutNote(['every section but the failing gates'], limit, opts.fullReport);
  const failing = gateRows(d.gates.filter((g) => g.status === 'failed'));
  for (const names of [10, 3, 1, 0]) {
    const prefix = `${marker}\n## mlpipeline report: ${verdictLine(d, names)}\n\n${note}`;
    const text = fitRows(prefix, '### Failing gates\n\n', GATE_HEADER, failing, (left) => `\n… ${left} more failing gate${left === 1 ? '' : 's'} in the full report.\n`, (t) => t.length, limit);
    if (text !== null) return text;
  }
  // A limit smaller than the marker and a one-line verdict: the marker and the status only.
  return `${marker}\n## mlpipeline report: ${d.verdict.status}\n`;
}
