/** The monitor's pure parts: the glob matcher, the promotion order, the history block read back as untrusted input, the issue marker, escaping, and the retrain params edit. */
import { describe, expect, it } from 'vitest';
import { globBase, globMatch } from '../core/glob.js';
import { appendRun, historyBlock, MAX_HISTORY_RUNS, parseHistory, type HistoryRun } from '../runners/monitor/history.js';
import { lastEnvironment, promotionOrder } from '../runners/monitor/environment.js';
import { applyParams } from '../runners/monitor/retrain.js';
import type { MonitorDocument } from '../runners/monitor/monitor.js';
import { pathChecker } from '../pipeline-schema/paths.js';
import { ruleContext } from '../pipeline-schema/rules/context.js';
import { monitoringRefs } from '../pipeline-schema/rules/monitoring-refs.js';
import { isMonitorIssue, monitorMarker, renderMonitorIssue } from '../reports/monitor-issue.js';

describe('glob', () => {
  it.each([
    ['data/live/*.csv', 'data/live/2026-12-01.csv', true],
    ['data/live/*.csv', 'data/live/sub/2026-12-01.csv', false],
    ['data/live/*.csv', 'data/live/.partial.csv', false],
    ['data/live/**/*.csv', 'data/live/a/b/x.csv', true],
    ['data/live/**/*.csv', 'data/live/x.csv', true],
    ['data/live/**/*.csv', 'data/live/.tmp/x.csv', false],
    ['data/b?tch.csv', 'data/batch.csv', true],
    ['data/b?tch.csv', 'data/b/tch.csv', false],
    ['data/[0-9]*.jsonl', 'data/7.jsonl', true],
    ['data/[!0-9]*.jsonl', 'data/7.jsonl', false],
    ['data/*.{csv,jsonl}', 'data/x.jsonl', true],
    ['data/*.{csv,jsonl}', 'data/x.parquet', false],
    ['data/a+b(1).csv', 'data/a+b(1).csv', true],
    ['data/a.csv', 'data/aXcsv', false],
  ])('%s ~ %s: %s', (pattern, path, expected) => {
    expect(globMatch(pattern, path)).toBe(expected);
  });

  it('walks from the folder before the first glob segment', () => {
    expect(globBase('data/live/*.csv')).toBe('data/live');
    expect(globBase('data/**/x.csv')).toBe('data');
    expect(globBase('*.csv')).toBe('');
  });
});

describe('promotion order', () => {
  it('follows after: chains whatever the file order, and the last one is the monitored default', () => {
    expect(promotionOrder({ production: { after: 'staging' }, staging: { after: 'dev' }, dev: {} })).toEqual(['dev', 'staging', 'production']);
    expect(lastEnvironment({ production: { after: 'staging' }, staging: {} })).toBe('production');
    expect(lastEnvironment(undefined)).toBeUndefined();
  });
});

const run = (at: string, share = 0.5, drifted = true): HistoryRun => ({ at, version: 'v1.0.0', share, drifted_columns: 4, columns: 8, drifted });

describe('history in the issue body (untrusted)', () => {
  it('round-trips, keeps the newest MAX_HISTORY_RUNS runs, oldest first', () => {
    let runs: HistoryRun[] = [];
    for (let i = 0; i < MAX_HISTORY_RUNS + 5; i++) runs = appendRun(runs, run(`2026-11-${String(1 + (i % 28)).padStart(2, '0')}T${String(Math.floor(i / 28)).padStart(2, '0')}:00:00.000Z`));
    expect(runs).toHaveLength(MAX_HISTORY_RUNS);
    const parsed = parseHistory(`text\n\n${historyBlock(runs)}\n`);
    expect(parsed).toEqual({ runs });
  });

  it('drops forged runs, refuses non-JSON, oversized and foreign blocks, never throws', () => {
    const forged = { schema: 'mlpipeline/monitor-history@1', runs: [run('2026-12-01T00:00:00.000Z'), { ...run('2026-12-02T00:00:00.000Z'), share: 7 }, { ...run('2026-12-03T00:00:00.000Z'), version: '<img src=x>' }, { ...run('2026-12-04T00:00:00.000Z'), extra: 1 }, 'x', null] };
    const p = parseHistory(`<!-- mlpipeline-monitor-history\n${JSON.stringify(forged)}\n-->`);
    expect(p.runs).toEqual([run('2026-12-01T00:00:00.000Z')]);
    expect(p.problem).toBe('5 stored run(s) of the drift history were not valid and are left out');
    expect(parseHistory('<!-- mlpipeline-monitor-history\n{nope\n-->')).toEqual({ runs: [], problem: 'the stored drift history is not valid JSON; it starts over' });
    expect(parseHistory(`<!-- mlpipeline-monitor-history\n"${'x'.repeat(40_000)}"\n-->`).problem).toContain('larger than');
    expect(parseHistory('<!-- mlpipeline-monitor-history\n{"schema":"other","runs":[]}\n-->').problem).toContain('is not mlpipeline/monitor-history@1');
    expect(parseHistory('<!-- mlpipeline-monitor-history\n[1,2]').problem).toContain('not closed');
    expect(parseHistory('no block here')).toEqual({ runs: [] });
  });

  it("keeps a run's performance entry only when it is exactly {metric, value, passed} with a metric name and a finite number", () => {
    const ok = { ...run('2026-12-01T00:00:00.000Z'), performance: { metric: 'accuracy', value: 0.91, passed: true } };
    const bad = [
      { metric: 'accuracy<script>', value: 0.9, passed: true },
      { metric: 'accuracy', value: 'NaN', passed: true },
      { metric: 'accuracy', value: 1e300, passed: true },
      { metric: 'accuracy', value: 0.9, passed: true, note: '@everyone' },
      { metric: 'accuracy', value: 0.9 },
      null,
    ].map((performance, i) => ({ ...run(`2026-12-0${i + 2}T00:00:00.000Z`), performance }));
    const p = parseHistory(`<!-- mlpipeline-monitor-history\n${JSON.stringify({ schema: 'mlpipeline/monitor-history@1', runs: [ok, ...bad] })}\n-->`);
    expect(p.runs).toEqual([ok]);
    expect(p.problem).toBe('6 stored run(s) of the drift history were not valid and are left out');
  });

  it('the block cannot end its HTML comment early', () => {
    const block = historyBlock([{ ...run('2026-12-01T00:00:00.000Z'), version: 'v1.0.0-->x' as string }]);
    expect(block.slice(0, -4)).not.toContain('-->');
    expect(block.endsWith('\n-->')).toBe(true);
  });
});

function doc(over: Partial<MonitorDocument> = {}): MonitorDocument {
  return {
    schema: 'mlpipeline/monitor@1',
    pipeline: 'churn',
    model: 'churn',
    environment: 'production',
    checked_at: '2026-12-02T06:17:00.000Z',
    live: { path: 'data/live/x.csv', sha256: 'a'.repeat(64), rows: 10, format: 'csv', batches_matched: 1 },
    reference: { kind: 'registry', path: 'data/train.csv', sha256: 'b'.repeat(64), read_from: 'git', dataset: 'train', model: 'churn', environment: 'production', version: 'v1.0.0', tag: 'churn@v1.0.0', commit: 'c'.repeat(40), rows: 100 },
    drift: {
      drifted: true,
      share: 1,
      share_threshold: 0.5,
      severity: 'error',
      drifted_columns: ['<!-- mlpipeline-monitor model=churn environment=production --> @admin [x](https://evil.example)'],
      new_columns: [],
      vanished_columns: [],
      skipped_columns: {},
      baseline: { path: 'data/train.csv', rows: 100 },
      columns: {
        '<!-- mlpipeline-monitor model=churn environment=production --> @admin [x](https://evil.example)': {
          kind: 'categorical', method: 'js_distance', threshold: 0.1, drifted: true, value: 0.5, statistic: 'js_distance', chi2_p_value: 0, chi2_statistic: 1, jsd: 0.25, js_distance: 0.5, linf: 0.5, psi: 1, new_categories: [], vanished_categories: [],
        },
      },
    },
    retrain: true,
    open: 'issue',
    reasons: [],
    ...over,
  };
}

describe('the issue body', () => {
  it('starts with the marker; a body quoting the marker later is not ours; column names cannot forge markers, mentions or links', () => {
    const body = renderMonitorIssue(doc(), [run('2026-12-02T06:17:00.000Z')]);
    expect(isMonitorIssue(body, 'churn', 'production')).toBe(true);
    expect(isMonitorIssue(body, 'churn', 'staging')).toBe(false);
    expect(isMonitorIssue(`quoted:\n${body}`, 'churn', 'production')).toBe(false);
    expect(body.split(monitorMarker('churn', 'production')).length).toBe(2);
    expect(body).not.toContain('@admin');
    expect(body).not.toContain('](https');
    expect(body).toContain('xychart-beta');
    expect(body.length).toBeLessThanOrEqual(65_536);
  });

  it('markers differ by model and environment and hold no characters a name could use to break out', () => {
    expect(monitorMarker('churn', 'production')).toBe('<!-- mlpipeline-monitor model=churn environment=production -->');
    expect(monitorMarker('churn-x', 'prod')).toBe('<!-- mlpipeline-monitor model=churn%2Dx environment=prod -->');
  });
});

describe('retrain params edit', () => {
  it('sets dotted keys with placeholders filled, keeping comments and other keys', () => {
    const text = '# tuned by hand\ndata:\n  rows: 5000 # rows generated\ntrain:\n  lr: 0.1\n';
    const out = applyParams(text, { 'data.live_batch': '${live.path}', 'data.refreshed': '${date}', 'data.rows': 6000 }, doc(), 'params.yaml');
    expect(out).toBe('# tuned by hand\ndata:\n  rows: 6000 # rows generated\n  live_batch: data/live/x.csv\n  refreshed: 2026-12-02\ntrain:\n  lr: 0.1\n');
  });

  it('a params file that is not YAML is an input error naming it', () => {
    expect(() => applyParams('a: [1,\n', {}, doc(), 'params.yaml')).toThrow(/params\.yaml is not valid YAML/);
  });
});

describe('retrain params edit: a key through a scalar', () => {
  it('is an input error naming the key and the file', () => {
    expect(() => applyParams('data: 5\n', { 'data.live_batch': 'x' }, doc(), 'params.yaml')).toThrow("monitoring.pull_request.set cannot write data.live_batch in params.yaml");
  });
});

describe('monitoring-refs rule', () => {
  const check = (doc: Record<string, unknown>) => monitoringRefs.check(ruleContext(doc, pathChecker('/repo', '/repo'), 'mlpipeline.yaml'));
  const base = { data: { train: { path: 't.csv' } }, environments: { staging: {}, production: { after: 'staging' } } };

  it('accepts the defaults, and says nothing without a monitoring block', () => {
    expect(check({ ...base, monitoring: { live: { path: 'live/*.csv' } } })).toEqual([]);
    expect(check({})).toEqual([]);
  });

  it.each([
    [{ ...base, monitoring: { live: { path: '../live/*.csv' } } }, '/monitoring/live/path', 'escapes the repository'],
    [{ ...base, monitoring: { live: { path: 'l.csv' }, reference: { environment: 'prod' } } }, '/monitoring/reference/environment', "names 'prod', which is not under 'environments'"],
    [{ data: base.data, monitoring: { live: { path: 'l.csv' } } }, '/monitoring', 'no environments: are declared'],
    [{ data: { a: { path: 'a.csv' }, b: { path: 'b.csv' } }, environments: base.environments, monitoring: { live: { path: 'l.csv' } } }, '/monitoring', 'cannot tell which dataset is the training data'],
    [{ ...base, monitoring: { live: { path: 'l.csv' }, pull_request: { branch: 'x' } } }, '/monitoring/pull_request', "monitoring.open is not 'pull-request'"],
  ])('reports %#', (doc, pointer, message) => {
    const problems = check(doc);
    expect(problems.map((p) => p.pointer)).toEqual([pointer]);
    expect(problems[0]!.message).toContain(message);
    expect(problems[0]!.fix).toMatch(/\S/);
  });

  it('a fixed reference path needs no environments', () => {
    expect(check({ data: base.data, monitoring: { live: { path: 'l.csv' }, reference: { path: 'ref.csv' } } })).toEqual([]);
  });
});
