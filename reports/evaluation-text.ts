/**
 * Terminal text for an evaluation document (`mlpipeline evaluate`): every metric, next to the
 * first baseline with the change; the first metrics of each slice; one line per further
 * baseline; missing baselines; warnings.
 */
import { formatNumber, formatSigned } from '../core/numbers.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';

/** `writtenTo`: where the document was written, as shown to the user (a last `wrote ...` line). */
export function renderEvaluationText(doc: EvaluationDocument, opts: { writtenTo?: string } = {}): string {
  const lines: string[] = [`${doc.task} on ${doc.rows} rows of ${doc.data.path} (model ${doc.model.path})`];
  const base = doc.baseline;
  for (const [k, v] of Object.entries(doc.metrics)) {
    const b = base?.metrics[k];
    const vsBase = base && b !== undefined ? `   ${base.name} ${formatNumber(b)} (${formatChange(v - b)})` : '';
    lines.push(`  ${k.padEnd(22)} ${formatNumber(v).padStart(12)}${vsBase}`);
  }
  for (const s of doc.slices) {
    const where = Object.entries(s.slice)
      .map(([col, val]) => `${col}=${String(val)}`)
      .join(',');
    const main = Object.entries(s.metrics)
      .filter(([k]) => k !== 'rows')
      .slice(0, 3)
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join(', ');
    lines.push(`  slice ${where} (${s.rows} rows): ${main}`);
  }
  // Baselines after the first (shown inline above): one line each, the gated metrics' changes.
  for (const b of doc.baselines.slice(1)) {
    const changes = Object.entries(b.deltas)
      .filter(([k]) => !k.startsWith('latency') && k !== 'throughput_rows_per_s' && k !== 'model_size_bytes' && k !== 'rows')
      .slice(0, 4);
    lines.push(`  baseline ${b.name} (${b.model.path}): ${changes.map(([k, d]) => `${k} ${formatNumber(b.metrics[k]!)} (${formatChange(d)})`).join(', ')}`);
  }
  for (const m of doc.baselines_missing) lines.push(`  baseline ${m.name}: none (${m.reason})`);
  for (const w of doc.warnings) lines.push(`  warning: ${w}`);
  if (opts.writtenTo !== undefined) lines.push(`wrote ${opts.writtenTo}`);
  return lines.join('\n') + '\n';
}

/** A change is always signed, `+0` for none (as before: the sign says "compared"). */
function formatChange(delta: number): string {
  return delta === 0 ? '+0' : formatSigned(delta);
}
