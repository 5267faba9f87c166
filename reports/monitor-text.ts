/** Terminal text for a monitor document (`mlpipeline monitor`): the two files, each column's statistic, the verdict. */
import { formatNumber } from '../core/numbers.js';
import type { MonitorDocument } from '../runners/monitor/monitor.js';
import { driftLine } from './validation-text.js';

export function referenceLabel(doc: MonitorDocument): string {
  const r = doc.reference;
  if (r.kind === 'file') return r.path;
  return `${r.path} (training data of ${doc.model} ${r.version} in ${r.environment}, ${r.tag}, sha256 ${r.sha256.slice(0, 12)} checked, read from ${r.read_from})`;
}

export function renderMonitorText(doc: MonitorDocument): string {
  const d = doc.drift;
  const lines = [
    `live: ${doc.live.path} (${doc.live.rows} rows${doc.live.batches_matched > 1 ? `, newest of ${doc.live.batches_matched} batches` : ''})`,
    `reference: ${referenceLabel(doc)} (${doc.reference.rows} rows)`,
    `drift: ${d.drifted_columns.length} of ${Object.keys(d.columns).length} columns drifted (share ${d.share.toFixed(2)}, threshold ${formatNumber(d.share_threshold)}) → ${d.drifted ? 'DRIFTED' : 'ok'}`,
  ];
  for (const [name, c] of Object.entries(d.columns)) lines.push(`  ${c.drifted ? 'DRIFT' : 'ok   '} ${name}: ${driftLine(c)}`);
  for (const [name, reason] of Object.entries(d.skipped_columns)) lines.push(`  ${name}: skipped (${reason})`);
  if (d.new_columns.length) lines.push(`  new columns: ${d.new_columns.join(', ')}`);
  if (d.vanished_columns.length) lines.push(`  vanished columns: ${d.vanished_columns.join(', ')}`);
  const p = doc.performance;
  if (p?.status === 'waiting') lines.push(`performance: waiting for labels (${p.reason})`);
  else if (p) {
    lines.push(`performance: ${p.model?.display ?? 'the deployed model'} on ${p.data!.path} (${p.data!.rows} labelled rows) → ${p.failed ? 'FAILED' : 'passed'}`);
    for (const g of p.verdict?.gates ?? []) {
      const mark = g.status === 'failed' ? (g.severity === 'warn' ? 'WARN ' : 'FAIL ') : g.status === 'skipped' ? 'skip ' : 'ok   ';
      lines.push(`  ${mark} ${g.name}: ${g.value === null ? 'missing' : formatNumber(g.value, 4)}${g.reason ? ` (${g.reason})` : ''}`);
    }
  }
  const driftRetrain = d.drifted && d.severity === 'error';
  const why = [driftRetrain ? 'the live data drifted' : '', p?.failed ? 'a performance gate failed' : ''].filter(Boolean).join(' and ');
  const perfNote = p?.status === 'evaluated' ? ', performance gates pass' : p?.status === 'waiting' ? ', performance waiting for labels' : '';
  lines.push(doc.retrain ? `result: RETRAIN (${why})` : d.drifted ? `result: drifted (severity warn, no retrain)${perfNote}` : `result: no drift${perfNote}`);
  return lines.join('\n') + '\n';
}
