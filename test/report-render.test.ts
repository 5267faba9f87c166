/**
 * `mlpipeline report`'s outputs as text: a golden file per output on a fixed set of documents,
 * what the comment says when documents are missing, the size budgets on 2,000 columns × 500
 * slices, and the schema of report.json.
 */
import { describe, expect, it } from 'vitest';
import { reportFixture } from '../bench/report-documents.js';
import { validateDocument } from '../pipeline-schema/documents.js';
import { CHECK_RUN_SUMMARY_LIMIT, COMMENT_LIMIT, commentMarker, renderComment } from '../reports/comment.js';
import { mermaidLabel, renderXyChart } from '../reports/mermaid.js';
import { buildReportData } from '../reports/report-data.js';
import { REPORT_FILES, renderReportFiles } from '../reports/report-files.js';
import { renderSummary, SUMMARY_LIMIT_BYTES } from '../reports/summary.js';

const FULL = '.mlpipeline/report/summary.md';

describe('golden outputs on a fixed set of documents', () => {
  const files = renderReportFiles(reportFixture({ columns: 6, slices: 4 }), { fullReport: FULL });
  it.each(REPORT_FILES)('%s', async (name) => {
    await expect(files[name]).toMatchFileSnapshot(`fixtures/report/${name}`);
  });

  it('report.json validates against report.schema.json', () => {
    expect(validateDocument('report', JSON.parse(files['report.json']))).toEqual([]);
  });
});

describe('the verdict line', () => {
  const inputs = reportFixture({ columns: 3, slices: 2 });
  it('names the failing gates and says failed', () => {
    const first = renderComment(buildReportData(inputs)).split('\n').slice(0, 2);
    expect(first).toEqual([commentMarker('churn'), '## mlpipeline report: **❌ churn: failed** — failing gate: gate 1']);
  });

  it('passed with warnings when only warn gates failed', () => {
    const gates = inputs.verdict!.gates.map((g) => (g.severity === 'warn' ? g : { ...g, status: 'passed' as const }));
    const text = renderComment(buildReportData({ ...inputs, verdict: { ...inputs.verdict!, passed: true, gates } }));
    expect(text.split('\n')[1]).toBe('## mlpipeline report: **⚠️ churn: passed with warnings** — gate 2');
  });

  it('one marker per pipeline, which cannot end the HTML comment', () => {
    expect(commentMarker('churn')).toBe('<!-- mlpipeline-report pipeline=churn -->');
    expect(commentMarker('a-b --> <b>x</b>')).toBe('<!-- mlpipeline-report pipeline=a%2Db%20%2D%2D%3E%20%3Cb%3Ex%3C%2Fb%3E -->');
    expect(commentMarker('fraud')).not.toBe(commentMarker('churn'));
  });
});

describe('missing documents are not errors: the report says what did not run and why', () => {
  const full = reportFixture({ columns: 3, slices: 2 });

  it('only the pipeline: no run, no validation, no evaluation, not gated', () => {
    const text = renderComment(buildReportData({ pipeline: full.pipeline, diff_skipped: 'not inside a git repository' }));
    expect(text.split('\n').slice(0, 9)).toEqual([
      commentMarker('churn'),
      '## mlpipeline report: **⚪ churn: not gated** — no gate verdict&#58; no evaluation \\(mlpipeline run has not run here\\)',
      '',
      '- no run record&#58; mlpipeline run has not run here',
      '- no data validation&#58; mlpipeline validate\\-data did not run',
      '- no evaluation&#58; mlpipeline run has not run here',
      '- no diff against the base&#58; not inside a git repository',
      '- no history&#58; no registered version of the model',
      '',
    ]);
    expect(text).toContain('no evaluation&#58; mlpipeline run has not run here');
    expect(text).toContain('**⚪ churn: not gated**');
  });

  it('a failed stage: "no evaluation: stage train failed"', () => {
    const run = { ...full.run!, status: 'failed' as const, ok: false, stages: full.run!.stages.map((s) => (s.name === 'train' ? { ...s, status: 'failed' as const } : s)) };
    const data = buildReportData({ pipeline: full.pipeline, run, validation: full.validation });
    expect(data.missing).toContainEqual({ section: 'evaluation', reason: 'no evaluation: stage train failed' });
    expect(data.verdict).toMatchObject({ status: 'not-gated', reason: 'no gate verdict: no evaluation (stage train failed)' });
    const text = renderComment(data);
    expect(text).toContain('- no evaluation&#58; stage train failed\n');
    expect(text).toContain('### Stages\n\n3 stages: 1 restored, 1 skipped, 1 failed (2.47 s); run failed.');
  });
});

describe('size discipline on 2,000 columns × 500 slices', () => {
  const inputs = reportFixture({ columns: 2000, slices: 500 });
  const data = buildReportData(inputs);

  it('the comment fits 65,536 characters, keeps the verdict and failing gates, and says what was cut and where the rest is', () => {
    const text = renderComment(data, { fullReport: FULL });
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(text).toContain('**❌ churn: failed** — failing gate: gate 1');
    expect(text).toMatch(/\| gate 1 \(col\\_0000\\=cat\\_0\) \| 0\.55 \| min 0\.6 \|/);
    expect(text).toContain('> **Cut to fit 65,536 characters:** per-column detail. The full report is in the job summary and `.mlpipeline/report/summary.md` in the workflow artifact.');
  });

  it('degrades in the fixed order: per-column detail, then slices, then charts', () => {
    const cuts = [60_000, 20_000, 7_000, 6_000].map((limit) => {
      const text = renderComment(data, { limit, fullReport: FULL });
      expect(text.length).toBeLessThanOrEqual(limit);
      expect(text).toContain('**❌ churn: failed**');
      expect(text).toContain('gate 1');
      return /Cut to fit [\d,]+ characters:\*\* ([^.]*)\./.exec(text)?.[1];
    });
    expect(cuts[0]).toBe('per-column detail');
    for (const c of cuts.slice(1)) expect(c?.startsWith('per-column detail, slices')).toBe(true);
    expect(cuts.some((c) => c?.includes('charts'))).toBe(true);
  });

  it('a check-run summary fits 65,535', () => {
    expect(renderComment(data, { limit: CHECK_RUN_SUMMARY_LIMIT }).length).toBeLessThanOrEqual(CHECK_RUN_SUMMARY_LIMIT);
  });

  it('thousands of failing gates: still the verdict and as many failing gates as fit', () => {
    const gate = inputs.verdict!.gates[1]!;
    const gates = Array.from({ length: 5000 }, (_, i) => ({ ...gate, name: `gate number ${i} with a long name`.padEnd(80, '.') }));
    const text = renderComment(buildReportData({ ...inputs, verdict: { ...inputs.verdict!, gates } }));
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(text).toContain('**❌ churn: failed** — failing gates: gate number 0 with a long name');
    expect(text).toContain('### Failing gates');
    expect(text).toMatch(/… \d+ more failing gates in the full report\./);
  });

  it('the job summary is uncut: every column, every slice, importance and latency, within 1 MiB', () => {
    const text = renderSummary(data);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(text).not.toContain('Cut to fit');
    for (const c of ['col_0000', 'col_1999']) expect(text).toContain(`| ${c.replace('_', '\\_')} | wasserstein |`);
    const sliceRows = text.split('\n').filter((l) => /^\| col\\_\d{4}\\=cat\\_\d+ \| \d+ \|/.test(l));
    expect(sliceRows).toHaveLength(500);
    expect(text).toContain('## Permutation importance');
    expect(text).toContain('## Latency\n\np50 0.05 ms, p95 0.08 ms, p99 0.12 ms.');
    expect(text).toContain('## Stages');
  });
});

describe('Mermaid charts', () => {
  it('quotes labels and strips what could end the string, the statement or the fence', () => {
    expect(mermaidLabel('a "b"; c`d` %%{init}%% <x> [y] {z}\nnext')).toBe('"a b cd %init% x y z next"');
    expect(mermaidLabel('x'.repeat(60))).toBe(`"${'x'.repeat(39)}…"`);
  });

  it('is followed by the same numbers as a table in every section that charts', () => {
    const text = renderSummary(buildReportData(reportFixture({ columns: 3, slices: 3 })));
    const blocks = text.split('```mermaid').slice(1);
    expect(blocks).toHaveLength(3);
    for (const b of blocks) expect(b.split('```')[1]).toMatch(/\n\|[^\n]+\|\n\| ---/);
  });

  it('renders an xychart with a y range that includes 0', () => {
    expect(renderXyChart({ title: 't', xLabels: ['a', 'b'], series: [{ name: 's', kind: 'bar', values: [0.5, null] }] })).toBe(
      '```mermaid\nxychart-beta\n  title "t"\n  x-axis ["a", "b"]\n  y-axis "" 0 --> 0.5\n  bar [0.5, 0]\n```\n',
    );
  });
});
