/**
 * The sections of the PR comment and the job summary, each a pure function of the report data
 * at a level of detail (the comment lowers it to fit its budget; the summary never does). Every
 * string from the documents goes through escapeMarkdown / codeSpan (reports/markdown.ts) or, in
 * charts, mermaidLabel (reports/mermaid.ts).
 */
import { formatNumber, formatPercent, formatSigned } from '../core/numbers.js';
import { renderDiffMarkdown } from './diff-table.js';
import { clipText, codeSpan as codeSpanUncut, escapeMarkdown, markdownTable, MAX_CELL } from './markdown.js';
import { renderXyChart } from './mermaid.js';
import type { Change, ReportData, ReportGate, ReportMetric } from './report-data.js';
import { formatDuration } from './run-text.js';

/** Untrusted text in a cell or a line: at most MAX_CELL code points of it, escaped. */
const e = (text: unknown): string => escapeMarkdown(clipText(text, MAX_CELL));
/** Likewise in a code span. */
const codeSpan = (text: unknown): string => codeSpanUncut(clipText(text, MAX_CELL));
/** Longest name in the verdict line, in code points. */
export const MAX_VERDICT_NAME = 200;
const short = (text: unknown): string => escapeMarkdown(clipText(text, MAX_VERDICT_NAME));

/**
 * A table of whole rows under `prefix` and `title`, as many as fit `limit` (measured by `size`:
 * characters for the comment, UTF-8 bytes for the summary), then `more(left)` when some were
 * left out; null when not even the prefix and that line fit. Never cuts inside a row.
 */
export function fitRows(prefix: string, title: string, header: string[], rows: string[][], more: (left: number) => string, size: (t: string) => number, limit: number): string | null {
  if (!rows.length) return size(prefix) <= limit ? prefix : null;
  const start = prefix + title + markdownTable(header, []);
  const lines = rows.map((r) => `| ${r.join(' | ')} |\n`);
  const reserve = size(more(rows.length));
  let used = size(start);
  let n = 0;
  for (const line of lines) {
    const s = size(line);
    if (used + s + (n + 1 === lines.length ? 0 : reserve) > limit) break;
    used += s;
    n++;
  }
  if (n === 0) {
    const text = prefix + more(rows.length);
    return size(text) <= limit ? text : null;
  }
  return start + lines.slice(0, n).join('') + (n < rows.length ? more(rows.length - n) : '');
}

export interface Detail {
  /** Every drift column and every check example; false: drifted columns and failing checks only, one example each. */
  columns: boolean;
  slices: boolean;
  charts: boolean;
  /** Longest table (rows); Infinity for none. */
  maxRows: number;
  /** Points on a chart (the slices chart shows the worst ones). */
  chartPoints: number;
}

export const FULL_DETAIL: Detail = { columns: true, slices: true, charts: true, maxRows: Infinity, chartPoints: 100 };

export interface Section {
  id: string;
  title: string;
  /** One line, always shown. */
  headline: string;
  /** The details (tables, charts); empty when the headline says it all. */
  body: string;
}

export function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : formatNumber(v);
}

function signed(v: number | null): string {
  return v === null ? '–' : v === 0 ? '0' : formatSigned(v);
}

const CHANGE_MARK: Record<Exclude<Change, null>, string> = { better: '🟢 better', worse: '🔴 worse', same: 'same' };

function change(delta: number | null, c: Change): string {
  if (delta === null) return '–';
  return c ? `${signed(delta)} ${CHANGE_MARK[c]}` : signed(delta);
}

/** Rows kept under `max`, with a last row saying how many were left out. */
function capped(rows: string[][], max: number, width: number, what: string): string[][] {
  if (rows.length <= max) return rows;
  const kept = rows.slice(0, max);
  const note = [`… ${rows.length - max} more ${what} in the full report`, ...Array<string>(width - 1).fill('')];
  return [...kept, note];
}

const GATE_MARK: Record<ReportGate['status'], string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped', warning: '⚠️ warning' };

export function gateRows(gates: ReportGate[]): string[][] {
  return gates.map((g) => [
    e(g.name) + (g.slice ? ` (${e(g.slice)})` : ''),
    num(g.value),
    `${e(g.kind)} ${num(g.threshold)}`,
    g.vs ? `${e(g.vs)} ${num(g.baseline)}` : '–',
    signed(g.delta),
    GATE_MARK[g.status],
    e(g.reason),
  ]);
}

export const GATE_HEADER = ['gate', 'value', 'threshold', 'baseline', 'delta', 'status', 'reason'];

export function gatesSection(d: ReportData, detail: Detail): Section | null {
  if (!d.gates.length) return null;
  const c = d.verdict.counts;
  const headline = c ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.warnings ? `, ${c.warnings} warning(s)` : ''}.` : '';
  // Failing gates first: they are never cut.
  const order = (g: ReportGate) => (g.status === 'failed' ? 0 : g.status === 'warning' ? 1 : 2);
  const gates = [...d.gates].sort((a, b) => order(a) - order(b));
  const failing = gates.filter((g) => g.status === 'failed').length;
  const rows = gateRows(gates);
  const kept = rows.length > detail.maxRows ? capped(rows, Math.max(detail.maxRows, failing), GATE_HEADER.length, 'gates') : rows;
  return { id: 'gates', title: 'Gates', headline, body: markdownTable(GATE_HEADER, kept, ['left', 'right', 'right', 'right', 'right', 'left', 'left']) };
}

const QUALITY_EXCLUDED = new Set(['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'throughput_rows_per_s', 'model_size_bytes', 'rows']);

function metricsChart(d: ReportData): string {
  const ms = d.metrics.filter((m) => !QUALITY_EXCLUDED.has(m.name)).slice(0, 12);
  if (!ms.length) return '';
  const series = [{ name: 'candidate', kind: 'bar' as const, values: ms.map((m) => m.candidate) }];
  if (ms.some((m) => m.base !== null)) series.push({ name: 'base', kind: 'bar', values: ms.map((m) => m.base) });
  if (ms.some((m) => m.production !== null)) series.push({ name: 'production', kind: 'bar', values: ms.map((m) => m.production) });
  return (
    renderXyChart({ title: series.length > 1 ? `candidate vs ${series.slice(1).map((s) => s.name).join(' vs ')}` : 'metrics', xLabels: ms.map((m) => m.name), series }) +
    `\nBars, left to right in each group: ${series.map((s) => s.name).join(', ')}.\n\n`
  );
}

export function metricsSection(d: ReportData, detail: Detail): Section | null {
  if (!d.metrics.length) return null;
  const hasBase = d.metrics.some((m) => m.base !== null);
  const hasProd = d.metrics.some((m) => m.production !== null);
  const header = ['metric', 'candidate', ...(hasBase ? ['base', 'vs base'] : []), ...(hasProd ? ['production', 'vs production'] : [])];
  const row = (m: ReportMetric) => [
    e(m.name) + (m.direction ? (m.direction === 'higher' ? ' ↑' : ' ↓') : ''),
    num(m.candidate),
    ...(hasBase ? [num(m.base), change(m.vs_base, m.change_base)] : []),
    ...(hasProd ? [num(m.production), change(m.vs_production, m.change_production)] : []),
  ];
  const tally = (key: 'change_base' | 'change_production', name: string) => {
    const better = d.metrics.filter((m) => m[key] === 'better').length;
    const worse = d.metrics.filter((m) => m[key] === 'worse').length;
    return `vs ${name} ${better} better, ${worse} worse`;
  };
  const against = [hasBase ? tally('change_base', 'base') : '', hasProd ? tally('change_production', 'production') : ''].filter(Boolean).join('; ');
  const headline = against ? `${d.metrics.length} metrics: ${against} (↑ higher is better, ↓ lower is better).` : `${d.metrics.length} metrics; no baseline to compare with.`;
  const chart = detail.charts ? metricsChart(d) : '';
  const rows = capped(d.metrics.map(row), detail.maxRows, header.length, 'metrics');
  return { id: 'metrics', title: 'Metrics', headline, body: chart + markdownTable(header, rows, ['left', ...header.slice(1).map(() => 'right' as const)]) };
}

export function diffSection(d: ReportData, detail: Detail): Section | null {
  if (d.params_diff === null && d.metrics_diff === null) return null;
  const base = d.base ? e(d.base.ref) : 'the base';
  const parts: string[] = [];
  const counts: string[] = [];
  for (const [kind, rows] of [['params', d.params_diff], ['metrics', d.metrics_diff]] as const) {
    if (rows === null) continue;
    counts.push(`${rows.length} ${kind} changed`);
    if (!rows.length) continue;
    const shown = rows.slice(0, detail.maxRows);
    parts.push(`**${kind === 'params' ? 'Params' : 'Metrics files'}**\n\n` + renderDiffMarkdown({ kind, a: d.base?.ref ?? 'base', b: 'candidate', rows: shown }));
    if (rows.length > shown.length) parts.push(`\n… ${rows.length - shown.length} more rows in the full report.\n`);
    parts.push('\n');
  }
  return { id: 'diff', title: 'Params diff', headline: `vs ${base}: ${counts.join(', ')}.`, body: parts.join('') };
}

export function stagesSection(d: ReportData, detail: Detail): Section | null {
  if (!d.stages) return null;
  const counts = new Map<string, number>();
  for (const s of d.stages) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const total = d.stages.reduce((t, s) => t + s.duration_ms, 0);
  const headline =
    `${d.stages.length} stage${d.stages.length === 1 ? '' : 's'}: ` +
    ['ran', 'restored', 'skipped', 'failed', 'not-run'].filter((k) => counts.get(k)).map((k) => `${counts.get(k)} ${k}`).join(', ') +
    ` (${formatDuration(total)})${d.run_status && d.run_status !== 'succeeded' ? `; run ${d.run_status}` : ''}.`;
  const rows = d.stages.map((s) => [e(s.name), e(s.status), formatDuration(s.duration_ms), s.reason ? e(s.reason) : '–']);
  return { id: 'stages', title: 'Stages', headline, body: markdownTable(['stage', 'status', 'duration', 'reason'], capped(rows, detail.maxRows, 4, 'stages'), ['left', 'left', 'right', 'left']) };
}

function where(data: string, line: number | null, row: number): string {
  return line === null ? `row ${row}` : codeSpan(`${data}:${line}`);
}

export function checksSection(d: ReportData, detail: Detail): Section | null {
  const c = d.checks;
  if (!c) return null;
  const headline = `${c.passed}/${c.total} checks passed on ${codeSpan(c.data)}${c.failed.length ? `; ${c.failed.length} failed` : ''}.`;
  if (!c.failed.length) return { id: 'checks', title: 'Data checks', headline, body: '' };
  const examples = detail.columns ? 3 : 1;
  const max = detail.columns ? detail.maxRows : Math.min(detail.maxRows, 50);
  const rows = c.failed.map((f) => {
    const ex = f.examples.slice(0, examples);
    return [
      f.column === null ? 'table' : e(f.column),
      e(f.check) + (f.severity === 'warn' ? ' (warn)' : ''),
      e(f.expected),
      `${f.failed_count} (${formatPercent(f.failed_fraction)})`,
      ex.length ? ex.map((x) => codeSpan(exampleText(x.value))).join(', ') : '–',
      ex.length ? ex.map((x) => where(c.data, x.line, x.row)).join(', ') : '–',
    ];
  });
  return {
    id: 'checks',
    title: 'Data checks',
    headline,
    body: markdownTable(['column', 'check', 'expected', 'failing', 'sample values', 'where'], capped(rows, max, 6, 'failed checks'), ['left', 'left', 'left', 'right', 'left', 'left']),
  };
}

export function driftSection(d: ReportData, detail: Detail): Section | null {
  const dr = d.drift;
  if (!dr) return null;
  const total = dr.columns.length;
  const headline = `${dr.drifted ? '🔴 drifted' : 'no dataset drift'}: ${dr.drifted_count} of ${total} columns drifted vs ${codeSpan(dr.baseline)} (share ${formatNumber(dr.share, 3)}, threshold ${formatNumber(dr.share_threshold)}).`;
  const cols = detail.columns ? dr.columns : dr.columns.filter((c) => c.drifted).slice(0, 50);
  const max = Math.min(detail.maxRows, cols.length);
  const rows = cols.slice(0, max).map((c) => [e(c.column), e(c.method), formatNumber(c.value, 4), formatNumber(c.threshold), c.drifted ? '🔴 yes' : 'no']);
  const left = total - rows.length;
  let body = rows.length ? markdownTable(['column', 'method', 'score', 'threshold', 'drifted'], rows, ['left', 'left', 'right', 'right', 'left']) : '';
  if (left > 0) body += `\n${left} more column${left === 1 ? '' : 's'} (${dr.drifted_count - rows.filter((r) => r[4] !== 'no').length} of them drifted) in the full report.\n`;
  if (detail.columns && dr.skipped.length) body += `\nSkipped: ${dr.skipped.map((s) => `${e(s.column)} (${e(s.reason)})`).join(', ')}.\n`;
  return { id: 'drift', title: 'Drift', headline, body };
}

export function slicesSection(d: ReportData, detail: Detail): Section | null {
  const s = d.slices;
  if (!s) return null;
  const worst = s.rows[0];
  const headline = `${s.rows.length} slices by ${e(s.metric)}; worst: ${worst ? `${e(worst.slice)} (${num(worst.value)})` : '–'}.`;
  if (!detail.slices) return { id: 'slices', title: 'Slices', headline, body: '' };
  const points = s.rows.slice(0, detail.chartPoints);
  const chart = detail.charts
    ? renderXyChart({ title: `${s.metric} by slice, worst first`, xLabels: points.map((r) => r.slice), yLabel: s.metric, series: [{ name: s.metric, kind: 'bar', values: points.map((r) => r.value) }] }) +
      (points.length < s.rows.length ? `\nThe chart shows the ${points.length} worst slices; the table has every one.\n` : '') +
      '\n'
    : '';
  const others = [...new Set(s.rows.flatMap((r) => Object.keys(r.metrics)))].filter((k) => k !== s.metric && k !== 'rows').slice(0, 3);
  const rows = s.rows.map((r) => [e(r.slice), String(r.rows), num(r.value), ...others.map((k) => num(r.metrics[k]))]);
  const header = ['slice', 'rows', s.metric, ...others].map((h, i) => (i < 2 ? h : e(h)));
  return { id: 'slices', title: 'Slices', headline, body: chart + markdownTable(header, capped(rows, detail.maxRows, header.length, 'slices'), ['left', ...header.slice(1).map(() => 'right' as const)]) };
}

export function historySection(d: ReportData, detail: Detail): Section | null {
  const h = d.history;
  if (!h) return null;
  const candidate = d.metrics.find((m) => m.name === h.metric)?.candidate ?? null;
  const points = [...h.versions.map((v) => ({ label: v.version, value: v.value })), ...(candidate !== null ? [{ label: 'candidate', value: candidate }] : [])].slice(-detail.chartPoints);
  const chart = detail.charts ? renderXyChart({ title: `${h.metric} over registered versions`, xLabels: points.map((p) => p.label), yLabel: h.metric, series: [{ name: h.metric, kind: 'line', values: points.map((p) => p.value) }] }) + '\n' : '';
  const rows = [...h.versions.map((v) => [e(v.version), e(v.time), num(v.value)]), ...(candidate !== null ? [['candidate', '–', num(candidate)]] : [])];
  return {
    id: 'history',
    title: 'History',
    headline: `${e(h.metric)} over ${h.versions.length} registered version${h.versions.length === 1 ? '' : 's'}.`,
    body: chart + markdownTable(['version', 'registered', e(h.metric)], capped(rows.slice(-detail.maxRows), detail.maxRows, 3, 'versions'), ['left', 'left', 'right']),
  };
}

export function environmentsSection(d: ReportData, detail: Detail): Section | null {
  if (!d.environments.length) return null;
  const rows = d.environments.map((x) => [e(x.environment), e(x.version), x.since ? e(x.since) : '–', codeSpan(x.commit.slice(0, 12)), x.gates_passed === null ? '–' : x.gates_passed ? 'passed' : 'failed']);
  return {
    id: 'environments',
    title: 'Environments',
    headline: d.environments.map((x) => `${e(x.environment)}: ${e(x.version)}`).join(', ') + '.',
    body: markdownTable(['environment', 'version', 'since', 'commit', 'gates'], capped(rows, detail.maxRows, 5, 'environments')),
  };
}

export function importanceSection(d: ReportData): Section | null {
  const i = d.importance;
  if (!i) return null;
  const rows = [...i.features].sort((a, b) => b.drop - a.drop).map((f) => [e(f.feature), formatNumber(f.drop), formatNumber(f.std)]);
  return { id: 'importance', title: 'Permutation importance', headline: `${i.features.length} features, by the drop in ${i.metric ? e(i.metric) : 'the metric'} when shuffled.`, body: markdownTable(['feature', 'drop', 'std'], rows, ['left', 'right', 'right']) };
}

export function latencySection(d: ReportData): Section | null {
  const l = d.latency;
  if (!l) return null;
  const rows = Object.entries(l).map(([k, v]) => [e(k), num(v)]);
  return { id: 'latency', title: 'Latency', headline: `p50 ${num(l.latency_p50_ms)} ms, p95 ${num(l.latency_p95_ms)} ms, p99 ${num(l.latency_p99_ms)} ms.`, body: markdownTable(['figure', 'value'], rows, ['left', 'right']) };
}

const EXAMPLE_MAX = 200;
const EXAMPLE_DEPTH = 16;

/**
 * A sample value as JSON, cut at EXAMPLE_MAX characters. A JSONL value may be any JSON, and in
 * an artifact nested as deep as its 16 MiB allow: JSON.stringify would recurse to a stack
 * overflow, so this walks at most EXAMPLE_DEPTH levels and stops once the text is long enough.
 */
export function exampleText(value: unknown): string {
  let out = '';
  const walk = (x: unknown, depth: number): void => {
    if (out.length > EXAMPLE_MAX) return;
    if (x === null || typeof x !== 'object') {
      out += JSON.stringify(x) ?? String(x);
      return;
    }
    if (depth >= EXAMPLE_DEPTH) {
      out += '…';
      return;
    }
    const array = Array.isArray(x);
    // Keys only, lazily for arrays: a value of millions of elements is not copied.
    const keys = array ? (x as unknown[]).keys() : Object.keys(x).values();
    out += array ? '[' : '{';
    let first = true;
    for (const k of keys) {
      if (out.length > EXAMPLE_MAX) return;
      if (!first) out += ',';
      first = false;
      if (!array) out += `${JSON.stringify(k)}:`;
      walk((x as Record<string | number, unknown>)[k], depth + 1);
    }
    out += array ? ']' : '}';
  };
  walk(value, 0);
  return out.length > EXAMPLE_MAX ? `${out.slice(0, EXAMPLE_MAX - 1)}…` : out;
}

export function modelCardSection(summary: string | undefined): Section | null {
  if (!summary) return null;
  return { id: 'model-card', title: 'Model card', headline: 'The model card is in the report artifact (`model-card.md`, `model-card.json`, `bom.cdx.json`).', body: summary.endsWith('\n') ? summary : summary + '\n' };
}

/** The one verdict line: status, the pipeline, the failing gates (at most `maxNames`, then a count). */
export function verdictLine(d: ReportData, maxNames = 10): string {
  const v = d.verdict;
  const name = short(d.pipeline.name);
  const list = (names: string[]) => maxNames <= 0 ? String(names.length) : names.slice(0, maxNames).map((n) => short(n)).join(', ') + (names.length > maxNames ? ` and ${names.length - maxNames} more` : '');
  switch (v.status) {
    case 'passed':
      return `**✅ ${name}: passed**${v.counts ? ` (${v.counts.passed} gates passed${v.counts.skipped ? `, ${v.counts.skipped} skipped` : ''})` : ''}`;
    case 'failed':
      return `**❌ ${name}: failed**${v.failing.length ? ` — failing gate${v.failing.length === 1 ? '' : 's'}: ${list(v.failing)}` : ''}`;
    case 'warnings':
      return `**⚠️ ${name}: passed with warnings** — ${list(v.warnings)}`;
    default:
      return `**⚪ ${name}: not gated** — ${e(v.reason ?? 'no gate verdict')}`;
  }
}

/** What did not run and why, one bullet each (the gates' own reason is in the verdict line). */
export function missingList(d: ReportData): string {
  const items = d.missing.filter((m) => !(m.section === 'gates' && d.verdict.status === 'not-gated')).map((m) => `- ${e(m.reason)}`);
  items.push(...d.problems.map((p) => `- ${e(p.document)} not used: ${e(p.problem)}`));
  return items.length ? items.join('\n') + '\n' : '';
}

export function allSections(d: ReportData, detail: Detail, modelCard?: string, extra = false): Section[] {
  const list = [
    gatesSection(d, detail),
    metricsSection(d, detail),
    diffSection(d, detail),
    stagesSection(d, detail),
    checksSection(d, detail),
    driftSection(d, detail),
    slicesSection(d, detail),
    historySection(d, detail),
    environmentsSection(d, detail),
    ...(extra ? [importanceSection(d), latencySection(d)] : []),
    modelCardSection(modelCard),
  ];
  return list.filter((s): s is Section => s !== null);
}
