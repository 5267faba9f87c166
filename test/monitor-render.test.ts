/**
 * The drift issue body rendered with GitHub's engine (cmark-gfm with GitHub's extensions, raw
 * HTML allowed as GitHub's sanitiser would see it): hostile column names and live batch paths
 * add no tag, link, image, mention or reference, the only HTML comments are the marker (first)
 * and the history block (last), the chart's lines are Mermaid the renderer made, and the history
 * reads back. Skips without cmark-gfm (apt-get install cmark-gfm).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { monitorMarker, renderMonitorIssue } from '../reports/monitor-issue.js';
import type { ColumnDrift } from '../runners/data/drift.js';
import { parseHistory, type HistoryRun } from '../runners/monitor/history.js';
import type { MonitorDocument } from '../runners/monitor/monitor.js';

const HOSTILE = [
  'https://evil.example/path',
  'www.evil.example',
  '@admin please merge',
  'fixes #123 and org/repo#9',
  'a | b | c',
  'line1\nline2\r\n| injected | row |',
  '```\n# heading\n```',
  '<!-- hidden --> -->',
  '</details><details open><summary>x</summary>',
  '<a href="https://evil.example">hi</a>',
  '<img src=x onerror=alert(1)>',
  '\u202Eevil\u202C @\u200Bok',
];

const CMARK = spawnSync('cmark-gfm', ['--version'], { stdio: 'ignore' }).status === 0;
const FLAGS = ['--extension', 'table', '--extension', 'strikethrough', '--extension', 'autolink', '--extension', 'tagfilter', '--extension', 'tasklist', '--unsafe'];
const render = (md: string) => spawnSync('cmark-gfm', FLAGS, { input: md, encoding: 'utf8' }).stdout;

function column(i: number): ColumnDrift {
  return { kind: 'numeric', method: 'ks', threshold: 0.05, drifted: i % 2 === 0, value: i % 2 === 0 ? 0.001 : 0.4, statistic: 'ks_p_value', ks_statistic: 0.3, ks_p_value: 0.001, ks_p_method: 'exact', wasserstein_normed: 0.2, psi: 0.3, exact: true };
}

const columns = Object.fromEntries(HOSTILE.map((h, i) => [`${h} ${i}`, column(i)]));
const doc: MonitorDocument = {
  schema: 'mlpipeline/monitor@1',
  pipeline: 'churn',
  model: 'churn',
  environment: 'production',
  checked_at: '2026-12-02T06:17:00.000Z',
  live: { path: 'data/live/@admin #12 https://evil.example/<b>.csv', sha256: 'a'.repeat(64), rows: 10, format: 'csv', batches_matched: 3 },
  reference: { kind: 'registry', path: 'data/<!-- x -->/train.csv', sha256: 'b'.repeat(64), read_from: 'git', dataset: 'train', model: 'churn', environment: 'production', version: 'v1.0.0', tag: 'churn@v1.0.0', commit: 'c'.repeat(40), rows: 100 },
  drift: {
    drifted: true,
    share: 0.5,
    share_threshold: 0.5,
    severity: 'error',
    drifted_columns: Object.keys(columns).filter((_c, i) => i % 2 === 0),
    new_columns: [HOSTILE[2]!],
    vanished_columns: [HOSTILE[7]!],
    skipped_columns: { [HOSTILE[9]!]: 'skip: true' },
    baseline: { path: 'data/train.csv', rows: 100 },
    columns,
  },
  retrain: true,
  open: 'issue',
  reasons: [],
};
const runs: HistoryRun[] = [
  { at: '2026-12-01T06:17:00.000Z', version: 'v1.0.0', share: 0.25, drifted_columns: 3, columns: 12, drifted: false },
  { at: '2026-12-02T06:17:00.000Z', version: 'v1.0.0', share: 0.5, drifted_columns: 6, columns: 12, drifted: true },
];

describe('the drift issue body under hostile names', () => {
  const body = renderMonitorIssue(doc, runs);

  it('reads back: the marker first, the history last', () => {
    expect(body.split('\n')[0]).toBe(monitorMarker('churn', 'production'));
    expect(parseHistory(body)).toEqual({ runs });
  });

  it.skipIf(!CMARK)('renders to only the HTML the renderer made', () => {
    const html = render(body);
    const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());
    const allowed = new Set(['p', 'h2', 'h3', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'strong', 'em']);
    expect(tags.filter((t) => !allowed.has(t))).toEqual([]);
    expect(html).not.toMatch(/<img|<a[\s>]|<script/i);
    const comments = html.match(/<!--[\s\S]*?-->/g) ?? [];
    expect(comments).toHaveLength(2);
    expect(comments[0]).toBe(monitorMarker('churn', 'production'));
    expect(comments[1]).toMatch(/^<!-- mlpipeline-monitor-history\n\{"schema":"mlpipeline\/monitor-history@1",/);
    const text = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[^<]*<\/code>/g, '').replace(/<[^>]*>/g, ' ').replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)));
    expect(text).not.toMatch(/@[A-Za-z0-9]/);
    expect(text).not.toMatch(/#\d/);
    // Every table row has its header's cells: no name broke a row.
    for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
      const head = (table.match(/<th[ >]/g) ?? []).length;
      for (const row of table.match(/<tr>[\s\S]*?<\/tr>/g)!.slice(1)) expect((row.match(/<td[ >]/g) ?? []).length).toBe(head);
    }
    expect((html.match(/<tr>/g) ?? []).length).toBe(1 + HOSTILE.length + 1 + runs.length);
  });
});
