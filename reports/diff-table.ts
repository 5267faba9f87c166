/**
 * Renderers for params/metrics diffs: an aligned plain-text table for terminals and a GFM table
 * for PR comments and job summaries. Keys, values, paths and ref names are untrusted (they come
 * from files in a PR), so the Markdown goes through escapeMarkdown and the text table drops
 * control characters that could drive a terminal.
 */
import { formatSigned } from '../core/numbers.js';
import type { DiffDocument, DiffRow } from '../runners/diff/diff.js';
import { escapeMarkdown, markdownTable } from './markdown.js';

export const DIFF_COLUMNS = ['Path', 'Key'] as const;

/** A value cell: missing is `-`. */
export function formatValue(v: DiffRow['a']): string {
  if (v === null) return '-';
  return String(v);
}

/** The change cell: `+0.01 (+10%)`, `-3`, or `-` when either side is not a number. */
export function formatChange(row: Pick<DiffRow, 'change' | 'pct'>): string {
  if (row.change === null) return '-';
  // Integers are shown whole (row counts); fractions to 6 significant digits, percentages to 3.
  let s = formatSigned(row.change, 6);
  if (row.pct !== null) s += ` (${formatSigned(row.pct, 3)}%)`;
  return s;
}

function cells(doc: DiffDocument): { header: string[]; body: string[][] } {
  return {
    header: [...DIFF_COLUMNS, doc.a, doc.b, 'Change'],
    body: doc.rows.map((r) => [r.file, r.key, formatValue(r.a), formatValue(r.b), formatChange(r)]),
  };
}

function noChanges(doc: DiffDocument): string {
  return `No ${doc.kind} changes between ${doc.a} and ${doc.b}.`;
}

/** Control characters (ESC sequences, carriage returns) shown as visible escapes. */
function terminalSafe(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

export function renderDiffText(doc: DiffDocument): string {
  if (doc.rows.length === 0) return terminalSafe(noChanges(doc)) + '\n';
  const { header, body } = cells(doc);
  const table = [header, ...body].map((row) => row.map(terminalSafe));
  // Every body row has a cell per header column; a missing one would render as empty.
  const widths = header.map((_, i) => Math.max(...table.map((row) => [...(row[i] ?? '')].length)));
  return (
    table
      .map((row) =>
        row
          .map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - [...c].length)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function renderDiffMarkdown(doc: DiffDocument): string {
  if (doc.rows.length === 0) return escapeMarkdown(noChanges(doc)) + '\n';
  const { header, body } = cells(doc);
  return markdownTable(
    header.map(escapeMarkdown),
    body.map((row) => row.map(escapeMarkdown)),
    ['left', 'left', 'right', 'right', 'right'],
  );
}
