/**
 * Findings of the hostile review of `mlpipeline report`, one regression test each: no forged
 * marker in the raw Markdown, a marker only at the start counts, the budgets of the comment
 * (characters) and the summary (UTF-8 bytes) are never exceeded and never cut mid-Markdown,
 * marker encoding never throws, and the Markdown/Mermaid details (shortcodes, separators,
 * exponents, chart titles).
 */
import { describe, expect, it } from 'vitest';
import { reportFixture } from '../bench/report-documents.js';
import { COMMENT_LIMIT, commentMarker, isOurComment, renderComment } from '../reports/comment.js';
import { codeSpan, escapeMarkdown } from '../reports/markdown.js';
import { renderXyChart } from '../reports/mermaid.js';
import { buildReportData } from '../reports/report-data.js';
import type { ReportInputs } from '../reports/report-documents.js';
import { renderReportFiles } from '../reports/report-files.js';
import { renderSummary, SUMMARY_LIMIT_BYTES } from '../reports/summary.js';

const FORGED = '<!-- mlpipeline-report pipeline=fraud -->';

function forgedInputs(): ReportInputs {
  const inputs = reportFixture({ columns: 6, slices: 4, name: (kind, i) => (kind === 'pipeline' ? 'churn' : `${FORGED} ${kind} ${i}`) });
  const v = structuredClone(inputs.validation!);
  v.data.path = `data/${FORGED}.csv`;
  if (v.drift) v.drift.baseline = { ...v.drift.baseline, path: `x${FORGED}`, ref: FORGED };
  const failing = v.checks.find((c) => c.examples.length)!;
  failing.examples = [{ row: 1, line: 2, value: { nested: FORGED, list: [FORGED] } as never }, ...failing.examples];
  return { ...inputs, validation: v };
}

describe('finding 1: no data can place a marker in the raw Markdown', () => {
  const files = renderReportFiles(forgedInputs(), { fullReport: '.mlpipeline/report/summary.md' });
  it.each(['comment.md', 'summary.md', 'model-card.md'] as const)('%s has no `<!--` or `-->` but our marker', (name) => {
    const raw = files[name];
    // The forged text is there (visibly), only never whole.
    expect(raw).toContain('mlpipeline-report pipeline=fraud');
    const opens = raw.split('<!--').length - 1;
    // Mermaid's own `y-axis "…" 0 --> 1` is the report's syntax, not data.
    const closes = raw.split('\n').filter((l) => !/^ {2}y-axis "[^"<>]*" [\d.-]+ --> [\d.-]+$/.test(l)).join('\n').split('-->').length - 1;
    expect(opens).toBe(name === 'comment.md' ? 1 : 0);
    expect(closes).toBe(name === 'comment.md' ? 1 : 0);
    if (name === 'comment.md') expect(raw.startsWith(commentMarker('churn') + '\n')).toBe(true);
  });

  it('codeSpan breaks `<!--` and `-->` with a zero-width space', () => {
    expect(codeSpan(FORGED)).toBe('`<\u200b!-- mlpipeline-report pipeline=fraud -\u200b->`'.replace('-\u200b->', '--\u200b>'));
    expect(codeSpan('a --!> b <!x')).not.toMatch(/<!|->/);
  });

  it('isOurComment: only a body that STARTS with exactly the marker line', () => {
    const ours = commentMarker('churn', 'mlpipeline.yaml');
    expect(isOurComment(`${ours}\n## mlpipeline report`, 'churn', 'mlpipeline.yaml')).toBe(true);
    expect(isOurComment(`${ours}\r\nbody`, 'churn', 'mlpipeline.yaml')).toBe(true);
    expect(isOurComment(ours, 'churn', 'mlpipeline.yaml')).toBe(true);
    // The marker elsewhere (a hostile or quoting comment) is not ours.
    expect(isOurComment(`hello\n${ours}\n`, 'churn', 'mlpipeline.yaml')).toBe(false);
    expect(isOurComment(` ${ours}\n`, 'churn', 'mlpipeline.yaml')).toBe(false);
    // Another pipeline's marker, or ours with more on the line, is not ours.
    expect(isOurComment(`${ours} x\n`, 'churn', 'mlpipeline.yaml')).toBe(false);
    expect(isOurComment(`${commentMarker('churn')}\n`, 'churn', 'mlpipeline.yaml')).toBe(false);
    expect(isOurComment(`${commentMarker('fraud', 'mlpipeline.yaml')}\n`, 'churn', 'mlpipeline.yaml')).toBe(false);
  });
});

describe('finding 2: summary.md never exceeds 1 MiB (UTF-8 bytes)', () => {
  const inputs = reportFixture({ columns: 6, slices: 4 });
  const gate = inputs.verdict!.gates[1]!;
  const gates = Array.from({ length: 5000 }, (_, i) => ({ ...gate, name: `gate ${i} ${'é'.repeat(150)}`, reason: `reason ${'😀'.repeat(120)}` }));
  const data = buildReportData({ ...inputs, verdict: { ...inputs.verdict!, gates } });

  it('5,000 failing gates with long names: the verdict, the failing gates that fit, then how many more', () => {
    const text = renderSummary(data);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(text.startsWith('# mlpipeline report: **❌ churn: failed** — failing gates: gate 0')).toBe(true);
    expect(text).toContain("every section but the failing gates. Every value is in `report.json`.");
    expect(text).toContain('## Failing gates');
    const rows = text.split('\n').filter((l) => /^\| gate \d+ /.test(l));
    expect(rows.length).toBeGreaterThan(100);
    expect(text).toMatch(new RegExp(`\\n${5000 - rows.length} more failing gates: see \`report\\.json\`\\.\\n$`));
    // Filled, not halved: another row would not have fit.
    expect(Buffer.byteLength(text, 'utf8') + Buffer.byteLength(rows[0]!) + 1).toBeGreaterThan(SUMMARY_LIMIT_BYTES - 200);
    expect(text).not.toContain('\ufffd');
  });

  it('a small byte budget is kept the same way', () => {
    for (const limitBytes of [200_000, 20_000, 5_000]) expect(Buffer.byteLength(renderSummary(data, { limitBytes }))).toBeLessThanOrEqual(limitBytes);
  });
});

describe('finding 3: huge gate names never cut the verdict line or the comment', () => {
  const inputs = reportFixture({ columns: 6, slices: 4 });
  const gate = inputs.verdict!.gates[1]!;
  const gates = Array.from({ length: 12 }, (_, i) => ({ ...gate, name: `${'#'.repeat(800)}${'😀'.repeat(3000)}${i}` }));
  const data = buildReportData({ ...inputs, verdict: { ...inputs.verdict!, gates } });

  it('each name in the verdict line is capped at 200 code points with `…`, and the comment keeps the cut note and the failing gates', () => {
    const text = renderComment(data, { fullReport: 'summary.md' });
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const lines = text.split('\n');
    expect(lines[0]).toBe(commentMarker('churn'));
    expect(lines[1]).toMatch(/^## mlpipeline report: \*\*❌ churn: failed\*\* — failing gates: (\\#&#8203;){200}… and 2 more$|^## mlpipeline report: \*\*❌ churn: failed\*\* — failing gates: /);
    // 10 names, each 200 code points of `#` then `…`.
    expect(lines[1]!.split('…').length - 1).toBeGreaterThanOrEqual(10);
    expect(text).toContain('> **Cut to fit 65,536 characters:**');
    expect(text).toContain('### Failing gates');
    expect(text).not.toContain('\ufffd');
    expect(/[\ud800-\udbff]$/.test(text) || /^[\udc00-\udfff]/.test(text)).toBe(false);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('the last resort fills the budget (not halved), whole rows, always with the cut note', () => {
    for (const limit of [60_000, 30_000, 12_000]) {
      const text = renderComment(data, { limit });
      expect(text.length).toBeLessThanOrEqual(limit);
      expect(text).toContain('Cut to fit');
      const rows = text.split('\n').filter((l) => l.startsWith('| \\#'));
      const more = /… (\d+) more failing gates? in the full report\./.exec(text);
      expect(rows.length + Number(more?.[1] ?? 0)).toBe(12);
      if (more) expect(text.length + rows[0]!.length + 1).toBeGreaterThan(limit - 100);
    }
  });

  it('a cell cap on a code-point boundary: a surrogate pair is never split', () => {
    const text = renderComment(data);
    for (const m of text.matchAll(/(.)…/gu)) expect(m[1]).not.toMatch(/[\ud800-\udfff]/);
  });
});

describe('finding 4: commentMarker never throws', () => {
  it('a lone surrogate is made well-formed before encoding', () => {
    expect(() => commentMarker('churn\ud800')).not.toThrow();
    expect(commentMarker('churn\ud800')).toBe('<!-- mlpipeline-report pipeline=churn%EF%BF%BD -->');
    expect(() => commentMarker('a', 'x\udc00.yaml')).not.toThrow();
  });
});

describe('finding 7: the marker names the pipeline file', () => {
  it('two files with the same name: different markers, encoded one-to-one', () => {
    expect(commentMarker('churn', 'mlpipeline.yaml')).toBe('<!-- mlpipeline-report pipeline=churn file=mlpipeline.yaml -->');
    expect(commentMarker('churn', 'pipelines/a-b.yaml')).toBe('<!-- mlpipeline-report pipeline=churn file=pipelines%2Fa%2Db.yaml -->');
    expect(commentMarker('churn', 'a.yaml')).not.toBe(commentMarker('churn', 'b.yaml'));
    expect(commentMarker('churn file=x')).not.toBe(commentMarker('churn', 'x'));
  });

  it('renderReportFiles puts inputs.pipeline_file in the comment\'s first line', () => {
    const files = renderReportFiles({ ...reportFixture({ columns: 3, slices: 2 }), pipeline_file: 'ml/churn.yaml' });
    expect(files['comment.md'].split('\n')[0]).toBe('<!-- mlpipeline-report pipeline=churn file=ml%2Fchurn.yaml -->');
    expect(isOurComment(files['comment.md'], 'churn', 'ml/churn.yaml')).toBe(true);
  });
});

describe('minor findings', () => {
  it('the metrics chart is titled "metrics" when there is no baseline', () => {
    const inputs = reportFixture({ columns: 3, slices: 2 });
    const ev = structuredClone(inputs.evaluation!);
    ev.baselines = [];
    ev.baseline = null;
    const text = renderSummary(buildReportData({ ...inputs, evaluation: ev }));
    expect(text).not.toContain('title "candidate vs "');
    expect(text).toContain('title "metrics"');
  });

  it('Mermaid numbers are plain decimals; clamped values are said to be', () => {
    const chart = renderXyChart({ title: 't', xLabels: ['a', 'b', 'c', 'd'], series: [{ name: 's', kind: 'bar', values: [1e308, 5e-324, -1e22, 0.5] }] });
    expect(chart).not.toMatch(/\de[+-]?\d/i);
    expect(chart).toContain('bar [1000000000000000, 0, -1000000000000000, 0.5]');
    expect(chart).toContain('the table has the exact numbers');
    expect(renderXyChart({ title: 't', xLabels: ['a'], series: [{ name: 's', kind: 'bar', values: [0.5] }] })).not.toContain('exact numbers');
  });

  it('emoji shortcodes are broken; times are not touched', () => {
    expect(escapeMarkdown(':shipit: :+1:')).toBe('&#58;&#8203;shipit&#58; &#58;&#8203;\\+1&#58;');
    expect(escapeMarkdown('12:00:04')).toBe('12&#58;00&#58;04');
  });

  it('U+2028 and U+2029 become spaces', () => {
    expect(escapeMarkdown('a\u2028b\u2029c')).toBe('a b c');
    expect(codeSpan('a\u2028b')).toBe('`a b`');
  });
});
