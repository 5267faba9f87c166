/**
 * Terminal text for a validation document (`mlpipeline validate-data`): failed checks with
 * their offending rows and file lines, the drift verdict and every column's statistic.
 */
import { formatNumber, formatPercent } from '../core/numbers.js';
import { P_VALUE_METHODS, type ColumnDrift } from '../runners/data/drift.js';
import type { ProfileDocument } from '../runners/data/profile-types.js';
import type { ValidationDocument } from '../runners/data/validate.js';

const SYMBOL: Record<string, string> = { ks: 'ks p', chi2: 'chi2 p', wasserstein: 'wasserstein', psi: 'psi', jsd: 'jsd', js_distance: 'js distance', linf: 'linf' };

/** One line naming the statistic compared: `ks p = 0.003 < 0.05`, `js distance 0.12 ≥ 0.1`. */
export function driftLine(c: ColumnDrift): string {
  const v = formatNumber(c.value, 3);
  const name = SYMBOL[c.method] ?? c.method;
  if (P_VALUE_METHODS.has(c.method)) return `${name} = ${v} ${c.drifted ? '<' : '≥'} ${c.threshold}`;
  return `${name} ${v} ${c.drifted ? '≥' : '<'} ${c.threshold}`;
}

export function renderValidationText(doc: ValidationDocument): string {
  const lines: string[] = [];
  lines.push(`data: ${doc.data.path} (${doc.profile.rows} rows, ${Object.keys(doc.profile.columns).length} columns)`);
  const failed = doc.checks.filter((c) => !c.passed);
  lines.push(`checks: ${doc.checks.length - failed.length}/${doc.checks.length} passed`);
  for (const c of failed) {
    const where = c.column === null ? 'table' : c.column;
    const ex = c.examples
      .slice(0, 3)
      .map((e) => `row ${e.row}${e.line !== null ? ` (line ${e.line})` : ''}: ${JSON.stringify(e.value)}`)
      .join('; ');
    lines.push(
      `  ${c.severity === 'error' ? 'FAIL' : 'WARN'} ${where} ${c.check} (expected ${c.expected}): ${c.failed_count} failing (${formatPercent(c.failed_fraction)})` +
        (c.observed !== undefined ? `, observed ${JSON.stringify(c.observed)}` : '') +
        (ex ? ` — ${ex}` : ''),
    );
  }
  if (doc.drift) {
    const d = doc.drift;
    lines.push(
      `drift vs ${d.baseline.ref ? `${d.baseline.ref}:` : ''}${d.baseline.path}: ${d.drifted_columns.length} of ${Object.keys(d.columns).length} columns drifted (share ${d.share.toFixed(2)}, threshold ${formatNumber(d.share_threshold)}) → ${d.drifted ? 'DRIFTED' : 'ok'}`,
    );
    for (const [name, c] of Object.entries(d.columns)) {
      lines.push(`  ${c.drifted ? 'DRIFT' : 'ok   '} ${name}: ${driftLine(c)}`);
    }
    for (const [name, reason] of Object.entries(d.skipped_columns)) lines.push(`  ${name}: skipped (${reason})`);
    if (d.new_columns.length) lines.push(`  new columns: ${d.new_columns.join(', ')}`);
    if (d.vanished_columns.length) lines.push(`  vanished columns: ${d.vanished_columns.join(', ')}`);
  }
  if (doc.drift_skipped) lines.push(`drift: skipped (${doc.drift_skipped})`);
  for (const w of doc.warnings ?? []) lines.push(`warning: ${w}`);
  lines.push(doc.ok ? 'result: passed' : 'result: FAILED');
  return lines.join('\n') + '\n';
}

/** The one line `mlpipeline profile --out FILE` prints. */
export function renderProfileWritten(profile: ProfileDocument, data: string, out: string): string {
  return `profile of ${data}: ${profile.rows} rows, ${Object.keys(profile.columns).length} columns → ${out}\n`;
}
