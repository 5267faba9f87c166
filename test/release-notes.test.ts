/** The Release notes and the pushed-tag verdict: what a Release page says, with every value from a tag escaped. */
import { describe, expect, it } from 'vitest';
import { renderReleaseNotes, renderTagViolation, RELEASE_NOTES_MARKER } from '../reports/release-notes.js';
import type { LineageRecord } from '../runners/registry/lineage-record.js';

const record = (over: Partial<LineageRecord> = {}): LineageRecord => ({
  schema: 'mlpipeline/lineage@1',
  action: 'register',
  model: 'churn',
  version: 'v1.0.0',
  environment: null,
  commit: 'a'.repeat(40),
  time: '2026-01-01T00:00:00.000Z',
  actor: { login: 'alice', name: 'Alice', email: 'a@example.com', source: 'GITHUB_ACTOR', verified: true },
  pr: 7,
  ci: null,
  model_file: { path: 'model.onnx', sha256: 'b'.repeat(64), size: 3, source: 'git' },
  materials: [{ path: 'data/train.csv', sha256: 'c'.repeat(64), size: 9, source: 'git', role: 'data', dataset: 'train' }],
  run: { pipeline: 'churn', finished_at: 'x', ok: true, git: { commit: null, dirty: false }, stages: [], params: {}, metrics: { 'metrics.json': { f1: 0.81, '@evil <img src=x>': 1 } } },
  verdict: { passed: true, gates: [{ metric: 'f1', threshold: 0.7, value: 0.81, status: 'passed' }] },
  ...over,
});

describe('release notes', () => {
  it('lead with the verdict, then the metrics, the lineage, the model card and the assets', () => {
    const md = renderReleaseNotes({ tag: 'churn@v1.0.0', record: record(), modelCardSummary: '**Model card: churn**\n', assets: [{ name: 'churn-v1.0.0.onnx', sha256: 'b'.repeat(64), size: 3 }], environments: ['staging'] });
    expect(md.startsWith(`${RELEASE_NOTES_MARKER}\n\n**Verdict:** passed · **In:** staging`)).toBe(true);
    const order = ['**Verdict:**', '### Metrics', '### Lineage', '### Model card', '### Assets'].map((h) => md.indexOf(h));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(md).toContain('| `f1` | 0.81 | `metrics.json` |');
    expect(md).toContain('\\#7');
  });

  it('escape what came from a tag: no HTML, no mention', () => {
    const md = renderReleaseNotes({ tag: 'churn@v1.0.0', record: record({ actor: { login: '@octocat<b>', name: 'x', email: 'y', source: 'GITHUB_ACTOR' } }), modelCardSummary: '', assets: [], environments: [] });
    expect(md).toContain('by @&#8203;octocat&lt;b&gt; (unverified)');
    // Names from documents are code spans: shown literally, never HTML.
    expect(md).toContain('| `@evil <img src=x>` | 1 |');
    expect(md).toContain('(unverified)');
    expect(renderReleaseNotes({ tag: 't', record: record({ verdict: null }), modelCardSummary: '', assets: [], environments: [] })).toContain('**Verdict:** no gate verdict recorded');
  });

  it('a pushed-tag violation names the rule, the fix and whether it was reverted', () => {
    const v = { tag: 'churn#production#1', rule: 'order', detail: 'churn v1.0.0 has not been in staging', fix: 'promote it to staging first', enforce: 'revert' as const, revertTag: 'churn#production!#2' };
    const md = renderTagViolation(v);
    expect(md).toContain('rule `order`');
    expect(md).toContain('Reverted: `churn#production!#2`');
    expect(renderTagViolation({ ...v, enforce: 'report', revertTag: null })).toContain('Not reverted (`enforce: report`)');
  });
});
