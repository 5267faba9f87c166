/**
 * The drift issue the monitor action keeps, one per model and environment: a hidden marker as its
 * first line (found again like the sticky PR comment), the verdict, the drift table, the drift of
 * past runs as a Mermaid chart followed by the same numbers as a table, and the history block the
 * next run reads. `renderMonitorMarkdown` (`mlpipeline monitor --md`) is the same text without the
 * marker and the history. Everything from data (column names, paths, versions) is escaped.
 */
import { formatNumber } from '../core/numbers.js';
import { historyBlock, type HistoryRun } from '../runners/monitor/history.js';
import type { MonitorDocument } from '../runners/monitor/monitor.js';
import { clipText, codeSpan, escapeMarkdown, markdownTable, wellFormed } from './markdown.js';
import { renderXyChart } from './mermaid.js';
import { driftLine } from './validation-text.js';
import { reportGates } from './report-data.js';
import { GATE_HEADER, gateRows } from './report-sections.js';

/** Issue bodies are limited to 65,536 characters by GitHub. */
export const ISSUE_BODY_LIMIT = 65_536;
const MAX_COLUMN_ROWS = 200;

function markerPart(text: string): string {
  return encodeURIComponent(wellFormed(text)).replace(/-/g, '%2D');
}

export function monitorMarker(model: string, environment: string | null): string {
  return `<!-- mlpipeline-monitor model=${markerPart(model)} environment=${markerPart(environment ?? '')} -->`;
}

/** The body STARTS with exactly the marker line (a quote of it elsewhere does not count). */
export function isMonitorIssue(body: string | null | undefined, model: string, environment: string | null): boolean {
  if (!body) return false;
  const marker = monitorMarker(model, environment);
  return body === marker || body.startsWith(marker + '\n') || body.startsWith(marker + '\r\n');
}

/** The issue stays open while the data drifts or a performance gate of severity error fails. */
export function needsAttention(doc: MonitorDocument): boolean {
  return doc.drift.drifted || doc.performance?.failed === true;
}

export function monitorIssueTitle(doc: MonitorDocument): string {
  const where = doc.environment ? ` in ${doc.environment}` : '';
  const what = doc.performance?.failed ? (doc.drift.drifted ? 'Data drift and performance drop' : 'Performance drop') : doc.drift.drifted ? 'Data drift' : 'Monitor';
  return clipText(`${what}: ${doc.model}${doc.reference.version ? ` ${doc.reference.version}` : ''}${where}`, 200);
}

/** The gate the chart follows: the first overall (unsliced) min/max gate with a value, else the first gate with a value. */
function headlineGate(doc: MonitorDocument) {
  const gates = (doc.performance?.status === 'evaluated' ? doc.performance.verdict?.gates : undefined) ?? [];
  const valued = gates.filter((g) => typeof g.value === 'number' && Number.isFinite(g.value) && g.kind !== 'max_gap');
  return valued.find((g) => g.slice === null && (g.kind === 'min' || g.kind === 'max')) ?? valued[0];
}

export function historyRun(doc: MonitorDocument): HistoryRun {
  const g = headlineGate(doc);
  return {
    at: doc.checked_at,
    version: doc.reference.version,
    share: doc.drift.share,
    drifted_columns: doc.drift.drifted_columns.length,
    columns: Object.keys(doc.drift.columns).length,
    drifted: doc.drift.drifted,
    ...(g && /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(g.metric) ? { performance: { metric: g.metric, value: g.value!, passed: g.status !== 'failed' || g.severity === 'warn' } } : {}),
  };
}

function referenceText(doc: MonitorDocument): string {
  const r = doc.reference;
  const file = `${codeSpan(clipText(r.path, 300))} (${r.rows} rows)`;
  if (r.kind === 'file') return `the reference ${file}`;
  return `the training data of ${escapeMarkdown(doc.model)} ${codeSpan(r.version ?? '')} in ${codeSpan(r.environment ?? '')}, ${file}, sha256 ${codeSpan(r.sha256.slice(0, 12))} as recorded in ${codeSpan(r.tag ?? '')}`;
}

function verdict(doc: MonitorDocument): string {
  const perfFailed = doc.performance?.failed === true;
  const driftRetrain = doc.drift.drifted && doc.drift.severity === 'error';
  if (perfFailed && driftRetrain) return '🔴 The live data drifted and a performance gate failed on labelled live data: the policy says retrain.';
  if (perfFailed) return '🔴 A performance gate failed on labelled live data: the policy says retrain.';
  if (doc.retrain) return '🔴 The live data drifted: the policy says retrain.';
  if (doc.drift.drifted) return '🟡 The live data drifted (severity warn): no retrain.';
  if (doc.performance?.status === 'evaluated') return '✅ No drift, and the performance gates pass on labelled live data.';
  return '✅ No drift: the live data looks like the training data again.';
}

function performanceSection(doc: MonitorDocument): string[] {
  const p = doc.performance;
  if (!p) return [];
  const out = ['### Performance on labelled live data', ''];
  if (p.status === 'waiting') {
    out.push(`Waiting for labels: ${escapeMarkdown(clipText(p.reason ?? '', 500))}. Nothing is judged until they arrive.`, '');
    return out;
  }
  const model = p.model ? `${escapeMarkdown(clipText(p.model.display, 200))} (sha256 ${codeSpan(p.model.sha256.slice(0, 12))})` : 'the deployed model';
  out.push(`${model} on ${codeSpan(clipText(p.data!.path, 300))} (${p.data!.rows} labelled rows${p.data!.batches_matched > 1 ? `, newest of ${p.data!.batches_matched}` : ''}, sha256 ${codeSpan(p.data!.sha256.slice(0, 12))}).`, '');
  const gates = p.verdict?.gates ?? [];
  if (gates.length) out.push(markdownTable(GATE_HEADER, gateRows(reportGates(gates).slice(0, MAX_COLUMN_ROWS))));
  else out.push('No gates are configured for live performance (monitoring.performance.gates or gates:).', '');
  const metrics = Object.entries(p.metrics).filter(([, v]) => Number.isFinite(v));
  if (metrics.length) out.push('', markdownTable(['metric', 'value'], metrics.slice(0, MAX_COLUMN_ROWS).map(([k, v]) => [escapeMarkdown(clipText(k, 100)), formatNumber(v, 4)]), ['left', 'right']));
  for (const w of p.warnings.slice(0, 20)) out.push(`> ⚠️ ${escapeMarkdown(clipText(w, 500))}`, '');
  return out;
}

function columnTable(doc: MonitorDocument): string {
  const cols = Object.entries(doc.drift.columns).sort(([, a], [, b]) => Number(b.drifted) - Number(a.drifted));
  const rows = cols.slice(0, MAX_COLUMN_ROWS).map(([name, c]) => [
    escapeMarkdown(clipText(name, 200)),
    escapeMarkdown(c.method),
    escapeMarkdown(driftLine(c)),
    c.drifted ? '🔴 yes' : 'no',
  ]);
  let out = rows.length ? markdownTable(['column', 'method', 'statistic', 'drifted'], rows) : 'No column could be compared.\n';
  if (cols.length > rows.length) out += `\n${cols.length - rows.length} more columns are in \`mlpipeline monitor --json\`.\n`;
  const skipped = Object.keys(doc.drift.skipped_columns);
  if (skipped.length) out += `\nLeft out: ${skipped.slice(0, 50).map((s) => codeSpan(clipText(s, 100))).join(', ')}${skipped.length > 50 ? ', …' : ''}.\n`;
  if (doc.drift.new_columns.length) out += `\nNew columns: ${doc.drift.new_columns.slice(0, 50).map((s) => codeSpan(clipText(s, 100))).join(', ')}.\n`;
  if (doc.drift.vanished_columns.length) out += `\nVanished columns: ${doc.drift.vanished_columns.slice(0, 50).map((s) => codeSpan(clipText(s, 100))).join(', ')}.\n`;
  return out;
}

function runLabel(at: string): string {
  return at.slice(0, 16).replace('T', ' ');
}

function historySection(runs: HistoryRun[], threshold: number): string {
  const chart = renderXyChart({
    title: 'Share of drifted columns per run',
    xLabels: runs.map((r) => runLabel(r.at)),
    yLabel: 'share',
    series: [
      { name: 'share of drifted columns', kind: 'line', values: runs.map((r) => r.share) },
      { name: 'threshold', kind: 'line', values: runs.map(() => threshold) },
    ],
  });
  // Performance is charted for the metric of the latest judged run, over the runs that judged it.
  const metric = [...runs].reverse().find((r) => r.performance)?.performance!.metric;
  const judged = metric === undefined ? [] : runs.filter((r) => r.performance?.metric === metric);
  const perfChart = judged.length
    ? renderXyChart({
        title: `${metric} on labelled live data per run`,
        xLabels: judged.map((r) => runLabel(r.at)),
        yLabel: metric!,
        series: [{ name: metric!, kind: 'line', values: judged.map((r) => r.performance!.value) }],
      }) + '\n'
    : '';
  const perfCell = (r: HistoryRun) => (r.performance ? `${escapeMarkdown(r.performance.metric)} ${formatNumber(r.performance.value, 4)} ${r.performance.passed ? '✅' : '❌'}` : '–');
  const withPerf = runs.some((r) => r.performance);
  const rows = [...runs].reverse().map((r) => [escapeMarkdown(runLabel(r.at)), r.version ? codeSpan(r.version) : '', formatNumber(r.share, 3), `${r.drifted_columns} of ${r.columns}`, r.drifted ? '🔴 yes' : 'no', ...(withPerf ? [perfCell(r)] : [])]);
  const header = ['run (UTC)', 'version', 'share', 'drifted columns', 'drifted', ...(withPerf ? ['performance'] : [])];
  const align: ('left' | 'right')[] = ['left', 'left', 'right', 'right', 'left', ...(withPerf ? (['left'] as const) : [])];
  return `${chart}\n${perfChart}${markdownTable(header, rows, align)}`;
}

function core(doc: MonitorDocument, runs: HistoryRun[], note?: string): string {
  const d = doc.drift;
  const lines = [
    `## ${escapeMarkdown(monitorIssueTitle(doc))}`,
    '',
    `**${verdict(doc)}**`,
    '',
    `The newest live batch ${codeSpan(clipText(doc.live.path, 300))} (${doc.live.rows} rows${doc.live.batches_matched > 1 ? `, newest of ${doc.live.batches_matched}` : ''}) against ${referenceText(doc)}: ${d.drifted_columns.length} of ${Object.keys(d.columns).length} columns drifted (share ${formatNumber(d.share, 3)}, threshold ${formatNumber(d.share_threshold)}).`,
    '',
    '### Drift by column',
    '',
    columnTable(doc),
  ];
  lines.push(...performanceSection(doc));
  if (runs.length) lines.push(`### Drift over the last ${runs.length} run${runs.length === 1 ? '' : 's'}`, '', historySection(runs, d.share_threshold));
  if (note) lines.push(`_${escapeMarkdown(note)}_`, '');
  return lines.join('\n');
}

/** `mlpipeline monitor --md`: the report without the marker and the stored history. */
export function renderMonitorMarkdown(doc: MonitorDocument): string {
  return core(doc, []).trimEnd() + '\n';
}

/** The issue body: marker, report, the chart of `runs` (this run included), the history block. */
export function renderMonitorIssue(doc: MonitorDocument, runs: HistoryRun[], opts: { note?: string; runUrl?: string } = {}): string {
  const marker = monitorMarker(doc.model, doc.environment);
  const footer = `_Checked ${escapeMarkdown(doc.checked_at)} by the mlpipeline monitor. This issue is updated by every scheduled run and closed when the drift is gone${doc.performance ? ' and the performance gates pass' : ''}; run \`mlpipeline monitor\` for the same numbers locally._\n`;
  const body = `${marker}\n${core(doc, runs, opts.note).trimEnd()}\n\n${footer}\n${historyBlock(runs)}\n`;
  if (body.length <= ISSUE_BODY_LIMIT) return body;
  return `${marker}\n${core({ ...doc, drift: { ...doc.drift, columns: {} } }, runs.slice(-10), 'The column table did not fit in an issue; run mlpipeline monitor --json for it.').trimEnd()}\n\n${footer}\n${historyBlock(runs)}\n`;
}
