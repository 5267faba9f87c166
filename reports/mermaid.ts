/**
 * Mermaid `xychart-beta` charts for PR comments and job summaries (GitHub renders them; no image
 * host, no `data:` URI). Text inside a ```mermaid fence is not Markdown: it is Mermaid source, so
 * untrusted labels are not Markdown-escaped but quoted, with every character that could end the
 * string, the statement, the fence or open a directive (`"`, newlines, backticks, `;`, `%%`, `<`,
 * `>`, `{`, `}`, `[`, `]`) removed. Every chart is followed by the same numbers as a table by its
 * caller (Mermaid is not rendered in e-mail notifications or API readers). Numbers are plain
 * decimals: huge, tiny and non-finite values are clamped, and a note under the chart says so.
 */
import { formatNumber } from '../core/numbers.js';

/** Longest label kept: an axis of 40-character names is already unreadable. */
const MAX_LABEL = 40;

/** An untrusted string as a quoted Mermaid label. */
export function mermaidLabel(text: unknown): string {
  const s = (text === null || text === undefined ? '' : typeof text === 'string' ? text : JSON.stringify(text) ?? '')
    .replace(/%+/g, '%')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    // Control and bidi-override characters, then the characters Mermaid or the fence would act on.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/["`;<>{}[\]#&\\]/g, '')
    .trim();
  const short = [...s].length > MAX_LABEL ? [...s].slice(0, MAX_LABEL - 1).join('') + '…' : s;
  return `"${short}"`;
}

export interface XySeries {
  /** Shown in the table that follows the chart; xychart-beta has no legend. */
  name: string;
  kind: 'bar' | 'line';
  /** One value per x label; null (missing) is drawn as 0. */
  values: (number | null)[];
}

export interface XyChart {
  title: string;
  xLabels: string[];
  yLabel?: string;
  series: XySeries[];
}

/** Largest magnitude drawn as is; Mermaid reads plain decimals only, never `1e+308`. */
export const CHART_MAX = 1e15;
/** Smallest non-zero magnitude drawn as is (JavaScript writes smaller ones as `1e-7`). */
export const CHART_MIN = 1e-6;

/** A value clamped to what the chart draws: null, NaN and ±Infinity as 0, huge ones to ±CHART_MAX, tiny ones to 0. */
function drawn(v: number | null): number {
  if (v === null || !Number.isFinite(v)) return 0;
  if (Math.abs(v) > CHART_MAX) return Math.sign(v) * CHART_MAX;
  return Math.abs(v) < CHART_MIN ? 0 : v;
}

/** Whether the chart draws `v` as something else than its value (the note below the chart says so). */
function clamped(v: number | null): boolean {
  return v !== null && drawn(v) !== v;
}

/** A plain decimal Mermaid can read (never exponent form). */
function value(v: number | null): string {
  const x = drawn(v);
  const text = formatNumber(x, 6);
  return /e/i.test(text) ? '0' : text;
}

/** The chart as a fenced ```mermaid block (with a final newline). */
export function renderXyChart(chart: XyChart): string {
  const lines = ['```mermaid', 'xychart-beta', `  title ${mermaidLabel(chart.title)}`, `  x-axis [${chart.xLabels.map(mermaidLabel).join(', ')}]`];
  const all = chart.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v)).map(drawn);
  if (all.length) {
    const lo = Math.min(0, ...all);
    const hi = Math.max(...all);
    lines.push(`  y-axis ${mermaidLabel(chart.yLabel ?? '')} ${value(lo)} --> ${value(hi === lo ? lo + 1 : hi)}`);
  }
  for (const s of chart.series) lines.push(`  ${s.kind} [${s.values.map(value).join(', ')}]`);
  lines.push('```');
  const note = chart.series.some((s) => s.values.some(clamped))
    ? `\nSome values are not drawn as they are (not finite, beyond ±${formatNumber(CHART_MAX)} or nearer 0 than ${CHART_MIN.toFixed(6)}: drawn as 0 or the bound); the table has the exact numbers.\n`
    : '';
  return lines.join('\n') + '\n' + note;
}
