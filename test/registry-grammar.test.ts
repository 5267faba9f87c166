import { describe, expect, it } from 'vitest';
import { parseTagName, parseModelRef } from '../runners/registry/grammar.js';
import { bumpVersion, compareVersions, parseVersion } from '../runners/registry/semver.js';
import { formatDuration, parseDuration } from '../runners/registry/duration.js';
import { parseTagMessage, formatTagMessage, quickRecordField, LINEAGE_SCHEMA, type LineageRecord } from '../runners/registry/lineage-record.js';
import { renderLineageMarkdown } from '../reports/lineage.js';
import type { LineageReport } from '../runners/registry/lineage.js';

describe('tag grammar (Git Tag Ops)', () => {
  it.each([
    ['churn@v1.2.3', { action: 'register', name: 'churn', version: 'v1.2.3' }],
    ['churn@v1.0.0-rc.1+build.5', { action: 'register', name: 'churn', version: 'v1.0.0-rc.1+build.5' }],
    ['churn@v1.2.3!', { action: 'deregister', name: 'churn', version: 'v1.2.3' }],
    ['churn#production#12', { action: 'assign', name: 'churn', stage: 'production', counter: 12 }],
    ['churn#production!#13', { action: 'unassign', name: 'churn', stage: 'production', counter: 13 }],
    ['churn@deprecated', { action: 'deprecate', name: 'churn' }],
    ['churn@deprecated#4', { action: 'deprecate', name: 'churn', counter: 4 }],
    ['churn@v1.2.3!#7', { action: 'deregister', name: 'churn', version: 'v1.2.3', counter: 7 }],
    ['churn#prod', { action: 'assign', name: 'churn', stage: 'prod' }],
    ['churn-v2@v0.0.1', { action: 'register', name: 'churn-v2', version: 'v0.0.1' }],
  ])('parses %s', (tag, expected) => {
    expect(parseTagName(tag)).toEqual(expected);
  });

  it.each(['v1.0.0', 'churn@1.2.3', 'churn@v1.2', 'churn@v01.2.3', 'churn#prod#x', 'churn#prod#', 'churn@latest', '@v1.0.0', 'churn@v1.2.3-', 'release-2024'])(
    'ignores %s (not in the grammar)',
    (tag) => {
      expect(parseTagName(tag)).toBeUndefined();
    },
  );

  it('parses command-line references', () => {
    expect(parseModelRef('churn@v1.4.0', ['version'])).toEqual({ kind: 'version', name: 'churn', version: 'v1.4.0' });
    expect(parseModelRef('churn#production', ['environment', 'version'])).toEqual({ kind: 'environment', name: 'churn', environment: 'production' });
    expect(() => parseModelRef('churn..x', ['model'])).toThrow(/invalid model name 'churn\.\.x'/);
    expect(() => parseModelRef('a.lock', ['model'])).toThrow(/invalid model name/);
  });
});

describe('SemVer', () => {
  it('orders versions as semver.org §11 lists them', () => {
    // The precedence example from semver.org, in ascending order.
    const ordered = ['v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-alpha.beta', 'v1.0.0-beta', 'v1.0.0-beta.2', 'v1.0.0-beta.11', 'v1.0.0-rc.1', 'v1.0.0', 'v2.0.0', 'v2.1.0', 'v2.1.1'];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareVersions(parseVersion(ordered[i]!)!, parseVersion(ordered[i + 1]!)!)).toBe(-1);
      expect(compareVersions(parseVersion(ordered[i + 1]!)!, parseVersion(ordered[i]!)!)).toBe(1);
    }
    expect(compareVersions(parseVersion('v1.0.0+a')!, parseVersion('v1.0.0+b')!)).toBe(0);
  });

  it('bumps', () => {
    expect(bumpVersion(undefined, 'patch')).toBe('v0.0.1');
    expect(bumpVersion(undefined, 'minor')).toBe('v0.1.0');
    expect(bumpVersion(parseVersion('v1.4.2'), 'major')).toBe('v2.0.0');
    expect(bumpVersion(parseVersion('v1.4.2'), 'minor')).toBe('v1.5.0');
    expect(bumpVersion(parseVersion('v1.4.2'), 'patch')).toBe('v1.4.3');
    expect(bumpVersion(parseVersion('v1.5.0-rc.1'), 'minor')).toBe('v1.5.0');
  });
});

describe('durations', () => {
  it('parses min_soak values', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('24')).toBeUndefined();
    expect(formatDuration(90_061_000)).toBe('1d 1h 1m 1s');
  });
});

describe('tag messages', () => {
  it('round-trips a record and tolerates tags without one', () => {
    const record = { schema: LINEAGE_SCHEMA, action: 'deprecate', model: 'm', version: null, environment: null, commit: 'a'.repeat(40), time: '2024-01-01T00:00:00.000Z', actor: { login: null, name: 'n', email: 'e', source: 's' }, pr: null, ci: null } as LineageRecord;
    const msg = formatTagMessage('Deprecate model m\nsecond line', record);
    expect(msg.split('\n').slice(0, 3)).toEqual(['Deprecate model m second line', '', '```mlpipeline-lineage']);
    expect(parseTagMessage(msg).record).toEqual(record);
    expect(parseTagMessage('Registering artifact\n')).toEqual({ record: null });
    expect(parseTagMessage('x\n\n```mlpipeline-lineage\n{oops\n```\n').error).toMatch(/not valid JSON/);
  });
});

describe('reading one record field without parsing the record', () => {
  const base = { schema: LINEAGE_SCHEMA, action: 'assign', model: 'm', environment: 'prod', commit: 'a'.repeat(40), time: '2024-01-01T00:00:00.000Z', actor: { login: null, name: 'n', email: 'e', source: 's' }, pr: null, ci: null } as const;

  it('reads top-level fields only, as a full parse would', () => {
    // A nested `version` (under replaces) and a subject that mentions one must not be taken.
    const record = { ...base, version: null, replaces: { version: 'v0.9.0', tag: 'm#prod#1' }, rollback_of: 'v0.9.0' } as unknown as LineageRecord;
    const msg = formatTagMessage('Promote m "version": "v6.6.6"', record);
    expect(quickRecordField(msg, 'version')).toBeNull();
    expect(quickRecordField(msg, 'rollback_of')).toBe('v0.9.0');
    const plain = { ...base, version: 'v1.0.0' } as unknown as LineageRecord;
    expect(quickRecordField(formatTagMessage('x', plain), 'version')).toBe('v1.0.0');
    expect(quickRecordField(formatTagMessage('x', plain), 'rollback_of')).toBeNull();
  });

  it('declines records laid out differently, so the caller parses them', () => {
    const compact = '```mlpipeline-lineage\n' + JSON.stringify({ ...base, version: 'v1.0.0' }) + '\n```\n';
    expect(quickRecordField(`Promote\n\n${compact}`, 'version')).toBeUndefined();
    expect(quickRecordField('Assigning stage\n', 'version')).toBeUndefined();
  });
});

describe('lineage Markdown escapes hostile text', () => {
  it('renders no HTML, links, images or mentions from recorded values', () => {
    const hostile = '<img src=x onerror=alert(1)> @everyone [click](https://evil.example) ![i](https://evil.example/i.png)';
    const report: LineageReport = {
      schema: 'mlpipeline/lineage-report@1',
      query: 'churn@v1.0.0',
      model: 'churn',
      version: 'v1.0.0',
      environment: null,
      holding: null,
      deployed_in: [],
      deprecated: { tag: 'churn@v1.0.0!', time: '2024-01-01T00:00:00.000Z', reason: hostile },
      commit: 'a'.repeat(40),
      registration: { tag: 'churn@v1.0.0', time: '2024-01-01T00:00:00.000Z', tagger: { name: hostile, email: 'x@y' }, actor: { login: '@everyone', name: hostile, email: 'x@y', source: 'x' }, pr: 7, ci: null },
      model_file: { path: `models/${hostile}.onnx`, sha256: 'b'.repeat(64), size: 1, source: 'git' },
      data: [{ path: `data/${hostile}.csv`, sha256: 'c'.repeat(64), size: 1, source: 'git', role: 'data', dataset: hostile }],
      dependencies: [{ path: `${hostile}/`, sha256: 'd'.repeat(64), size: 2, source: 'workspace', kind: 'directory', files: 2, role: 'dependency' }],
      run: { pipeline: hostile, finished_at: 'x', ok: true, git: { commit: null, dirty: false }, stages: [{ name: hostile, status: 'ran', fingerprint: 'f', deps: {}, outs: {}, params: {} }], params: { [hostile]: hostile }, metrics: { 'm.json': { [hostile]: 1 } } },
      verdict: { passed: false, gates: [{ metric: hostile, status: 'failed', reason: hostile }] },
      promotions: [],
      record_missing: false,
      invalid_records: [],
    };
    const full = renderLineageMarkdown(report);
    // Code spans render their content literally (no HTML, links or mentions), so check the rest.
    const md = full.replace(/`[^`\n]*`/g, '');
    expect(full).toContain('`models/<img src=x onerror=alert(1)> @everyone');
    expect(md).not.toMatch(/<img/i);
    expect(md).not.toMatch(/(^|[^`&#\w])@everyone/);
    expect(md).not.toMatch(/\]\(https?:/);
    expect(md).not.toMatch(/!\[/);
    expect(md).toContain('&lt;img');
  });
});
