/**
 * The terminal renderers in reports/ are pure functions of documents: these render small
 * documents and compare the whole text. Fixtures hold only the fields a renderer reads.
 */
import { describe, expect, it } from 'vitest';
import type { PipelineCheck } from '../pipeline-schema/check.js';
import { renderEvaluationText } from '../reports/evaluation-text.js';
import { renderLineageText } from '../reports/lineage-text.js';
import { renderPipelineCheckText } from '../reports/pipeline-check-text.js';
import { renderHistoryText, renderRegistryActionText, renderRegistryText, renderSkippedTags, renderVerifyText } from '../reports/registry-text.js';
import { formatDuration, renderRunFailure, renderRunInterrupted, renderRunPlanText, renderRunSummaryText, renderStageEvent, renderStatusText } from '../reports/run-text.js';
import { renderValidationText } from '../reports/validation-text.js';
import { renderValidationYaml } from '../reports/validation-yaml.js';
import { renderVerdictText } from '../reports/verdict-text.js';
import type { ValidationDocument } from '../runners/data/validate.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import type { Verdict } from '../runners/gates/verdict.js';
import type { RegistryActionDocument } from '../runners/registry/action-result.js';
import type { LineageReport } from '../runners/registry/lineage.js';
import type { RegistryHistory, RegistryListing } from '../runners/registry/listing.js';
import type { VerifyReport } from '../runners/registry/verify.js';
import type { StageEvent } from '../runners/stages/engine.js';
import { runPlanDocument, runSummary, statusDocument } from '../runners/stages/summary.js';

const fixture = <T>(partial: unknown): T => partial as T;
const C = 'c0ffee'.padEnd(40, '0');

describe('run, dry run and status', () => {
  const record = {
    ok: false,
    pipeline: { name: 'churn' },
    stages: [
      { name: 'prepare', status: 'skipped', fingerprint: 'f1', duration_ms: 0 },
      { name: 'train', status: 'failed', fingerprint: 'f2', duration_ms: 2350, exit_code: 3, reason: 'exit 3' },
      { name: 'evaluate', status: 'not-run', fingerprint: 'f3', duration_ms: 0, reason: 'upstream failed: train' },
    ],
  };
  const summary = runSummary(fixture({ record, failed: { stage: 'train', exit_code: 3, reason: 'exit 3' } }), '.mlpipeline/run.json');

  it('summarises a run and names the failure with its fix', () => {
    expect(renderRunSummaryText(summary, 2400)).toBe('3 stages: 1 skipped, 1 failed, 1 not-run (2.40 s); run record: .mlpipeline/run.json\n');
    expect(renderRunFailure(summary)).toBe(
      "mlpipeline: stage 'train' failed: exit 3; not run: evaluate\n  fix: read the [train] output above, fix the command or its inputs, and run again\n",
    );
    expect(renderRunFailure({ ...summary, failed: undefined })).toBe('');
  });

  it('says where a signal stopped the run, and the summary records it', () => {
    expect(renderRunInterrupted({ stage: 'train' })).toBe('mlpipeline: interrupted during stage train; finished stages recorded; re-run to continue\n');
    expect(renderRunInterrupted({ after: 'prepare' })).toBe('mlpipeline: interrupted after stage prepare; finished stages recorded; re-run to continue\n');
    expect(renderRunInterrupted({})).toBe('mlpipeline: interrupted before any stage ran; finished stages recorded; re-run to continue\n');
    const stopped = runSummary(fixture({ record, interrupted: { signal: 'SIGINT', stage: 'train' } }), 'run.json');
    expect(stopped.interrupted).toEqual({ signal: 'SIGINT', stage: 'train' });
  });

  it('writes progress lines, with a counter and the clock on a terminal', () => {
    const end = { type: 'end', index: 2, total: 3, stage: 'train', status: 'ran', duration_ms: 850 } as const;
    expect(renderStageEvent(end, { tty: false, elapsedMs: 900 })).toBe('train: ran in 850 ms\n');
    expect(renderStageEvent(end, { tty: true, elapsedMs: 12_345 })).toBe('[2/3] train: ran in 850 ms [12.3 s elapsed]\n');
    const start: StageEvent = { type: 'start', index: 1, total: 3, stage: 'prepare', action: 'restore', reasons: ['outs missing: x'] };
    expect(renderStageEvent(start, { tty: false, elapsedMs: 0 })).toBe('prepare: restoring from cache (outs missing: x)\n');
    expect(formatDuration(999)).toBe('999 ms');
  });

  it('renders the dry run and the status from the plan', () => {
    const plan = {
      pipeline: 'churn',
      stages: [
        { name: 'prepare', action: 'skip', reasons: [], fingerprint: 'f1' },
        { name: 'train', action: 'restore', reasons: ['params changed: train.lr'], fingerprint: 'f2' },
        { name: 'evaluate', action: 'run', reasons: ['upstream stale'], fingerprint: null },
      ],
    } as const;
    const mutable = { pipeline: plan.pipeline, stages: plan.stages.map((s) => ({ ...s, reasons: [...s.reasons] })) };
    expect(renderRunPlanText(runPlanDocument(mutable))).toBe(
      'prepare: up to date, would skip\ntrain: would restore from cache (params changed: train.lr)\nevaluate: would run (upstream stale)\n' +
        'dry run: 2 of 3 stages would change; nothing was run or written\n',
    );
    expect(renderStatusText(statusDocument(mutable))).toBe(
      'prepare: up to date\ntrain: stale: params changed: train.lr (restorable from cache)\nevaluate: stale: upstream stale\n',
    );
    expect(renderStatusText(statusDocument({ pipeline: 'p', stages: [] }))).toBe('no stages\n');
  });
});

describe('validate', () => {
  it('lists what a valid pipeline declares', () => {
    const check: PipelineCheck = { ok: true, file: 'mlpipeline.yaml', pipeline: 'churn', stages: ['a', 'b'], datasets: [], gates: 2, environments: ['staging'], problems: [] };
    expect(renderPipelineCheckText(check)).toBe(
      "mlpipeline.yaml: OK — pipeline 'churn'\n  stages (2, in dependency order): a → b\n  datasets (0): -\n  gates: 2\n  environments (1): staging\n",
    );
  });
  it('lists the problems of an invalid one as file:line:col with the fix', () => {
    const check: PipelineCheck = { ok: false, file: 'mlpipeline.yaml', problems: [{ file: 'mlpipeline.yaml', line: 4, column: 9, message: 'bad', fix: 'do x' }] };
    expect(renderPipelineCheckText(check)).toBe('mlpipeline.yaml:4:9: bad\n  fix: do x\n');
  });
});

describe('validate-data', () => {
  const doc = fixture<ValidationDocument>({
    ok: false,
    data: { path: 'data/raw.csv' },
    profile: { rows: 4, columns: { a: {}, b: {} } },
    checks: [
      { column: 'a', check: 'max', severity: 'error', passed: false, failed_count: 1, failed_fraction: 0.25, expected: '<= 1', examples: [{ row: 2, line: 3, value: '2' }] },
      { column: null, check: 'rows', severity: 'warn', passed: false, failed_count: 1, failed_fraction: 1, expected: '>= 10', observed: 4, examples: [] },
      { column: 'b', check: 'type', severity: 'error', passed: true, failed_count: 0, failed_fraction: 0, expected: 'integer', examples: [] },
    ],
    drift: {
      drifted: true,
      share: 0.5,
      share_threshold: 0.5,
      drifted_columns: ['a'],
      new_columns: ['c'],
      vanished_columns: [],
      skipped_columns: { id: 'all values distinct' },
      baseline: { path: 'data/raw.csv', ref: 'main', rows: 4 },
      columns: { a: { drifted: true, method: 'ks', value: 0.0030000001, threshold: 0.05 }, b: { drifted: false, method: 'chi2', value: 0.5, threshold: 0.05 } },
    },
  });

  it('shows failed checks with rows and lines, and drift per column with its statistic', () => {
    expect(renderValidationText(doc)).toBe(
      [
        'data: data/raw.csv (4 rows, 2 columns)',
        'checks: 1/3 passed',
        '  FAIL a max (expected <= 1): 1 failing (25.00%) — row 2 (line 3): "2"',
        '  WARN table rows (expected >= 10): 1 failing (100.00%), observed 4',
        'drift vs main:data/raw.csv: 1 of 2 columns drifted (share 0.50, threshold 0.5) → DRIFTED',
        '  DRIFT a: ks p = 0.003 < 0.05',
        '  ok    b: chi2 p = 0.5 ≥ 0.05',
        '  id: skipped (all values distinct)',
        '  new columns: c',
        'result: FAILED',
        '',
      ].join('\n'),
    );
  });

  it('writes an inferred block as YAML with short lists inline', () => {
    const yaml = renderValidationYaml({ columns: { plan: { type: 'string', in: ['basic', 'pro'] } }, table: { required: ['plan'] } }, { data: 'd.csv', rows: 3 });
    expect(yaml).toBe('# inferred by mlpipeline infer-schema from d.csv (3 rows); review before use\nvalidation:\n  columns:\n    plan:\n      type: string\n      in: [basic, pro]\n  table:\n    required: [plan]\n');
  });
});

describe('evaluate and gate', () => {
  it('shows metrics next to the baseline with a signed change, slices and warnings', () => {
    const doc = fixture<EvaluationDocument>({
      task: 'binary-classification',
      rows: 100,
      data: { path: 'data/test.csv' },
      model: { path: 'model.onnx' },
      metrics: { accuracy: 0.8512, rows: 100, latency_p50_ms: 1234.56 },
      baseline: { name: 'base', metrics: { accuracy: 0.8, rows: 100 } },
      baselines: [
        { name: 'base', metrics: { accuracy: 0.8, rows: 100 } },
        { name: 'production', model: { path: 'prod.onnx' }, metrics: { accuracy: 0.9, rows: 100, latency_p50_ms: 2 }, deltas: { accuracy: -0.0488, rows: 0, latency_p50_ms: 1 } },
      ],
      slices: [{ slice: { contract: 'monthly' }, rows: 40, metrics: { rows: 40, accuracy: 0.7, f1: 0.61234, recall: 0.5, precision: 0.9 } }],
      baselines_missing: [{ name: 'production', reason: 'nothing in production yet' }],
      warnings: ['w1'],
    });
    expect(renderEvaluationText(doc, { writtenTo: '.mlpipeline/evaluation.json' })).toBe(
      [
        'binary-classification on 100 rows of data/test.csv (model model.onnx)',
        '  accuracy                     0.8512   base 0.8 (+0.0512)',
        '  rows                            100   base 100 (+0)',
        '  latency_p50_ms                 1235',
        '  slice contract=monthly (40 rows): accuracy 0.7, f1 0.6123, recall 0.5',
        '  baseline production (prod.onnx): accuracy 0.9 (-0.0488)',
        '  baseline production: none (nothing in production yet)',
        '  warning: w1',
        'wrote .mlpipeline/evaluation.json',
        '',
      ].join('\n'),
    );
  });

  it('puts the verdict first, then one line per gate; a failed warn gate is WARN', () => {
    const verdict = fixture<Verdict>({
      passed: false,
      summary: { passed: 1, failed: 2, skipped: 1, warnings: 1 },
      gates: [
        { name: 'f1 >= 0.7', status: 'passed', severity: 'error', reason: 'f1 is 0.8, at least the minimum 0.7' },
        { name: 'auc', status: 'failed', severity: 'error', reason: 'auc is 0.6, below the minimum 0.9' },
        { name: 'gap', status: 'failed', severity: 'warn', reason: 'gap 0.2' },
        { name: 'vs prod', status: 'skipped', severity: 'error', reason: 'no production yet' },
      ],
    });
    expect(renderVerdictText(verdict)).toBe(
      'gates FAILED: 1 passed, 2 failed, 1 skipped, 1 warning(s)\n  PASS  f1 >= 0.7: f1 is 0.8, at least the minimum 0.7\n  FAIL  auc: auc is 0.6, below the minimum 0.9\n  WARN  gap: gap 0.2\n  SKIP  vs prod: no production yet\n',
    );
  });
});

describe('registry', () => {
  const action = (over: Partial<RegistryActionDocument>): RegistryActionDocument =>
    fixture<RegistryActionDocument>({ tag: 'churn#production#4', commit: C, subject: 'Promote churn v1.0.0 to production', dry_run: false, refused: null, pushed: false, remote: null, attempts: 1, checks: [], ...over });

  it('says what a writer did, would do, or why policy refused', () => {
    expect(renderRegistryActionText(action({}))).toBe(`created tag churn#production#4 -> ${C.slice(0, 12)}\n  Promote churn v1.0.0 to production\n`);
    expect(renderRegistryActionText(action({ pushed: true, remote: 'origin', attempts: 3 }))).toBe(
      `created tag churn#production#4 -> ${C.slice(0, 12)} and pushed it to origin\n  Promote churn v1.0.0 to production\n  (after 2 lost races with other writers)\n`,
    );
    const refused = { rule: 'min_soak', ok: false, detail: 'in staging for 5m, needs 1h' } as const;
    expect(renderRegistryActionText(action({ dry_run: true, refused, checks: [{ rule: 'order', ok: true, detail: 'staging first' }, refused] }))).toBe(
      "  ok      order: staging first\n  REFUSED min_soak: in staging for 5m, needs 1h\ndry run: would be refused by policy 'min_soak'\n",
    );
  });

  it('lists models in a table with a column per environment', () => {
    const listing = fixture<RegistryListing>({
      models: [
        { name: 'churn', latest: 'v1.1.0', deprecated: false, environments: { production: { version: 'v1.0.0' }, staging: { version: 'v1.1.0' } } },
        { name: 'old', latest: 'v0.1.0', deprecated: true, environments: { production: null } },
      ],
      skipped: [{ tag: 'churn@v9.9.9', reason: 'lightweight tag (only annotated tags count)' }],
    });
    expect(renderRegistryText(listing)).toBe('MODEL             LATEST  PRODUCTION  STAGING\nchurn             v1.1.0  v1.0.0      v1.1.0\nold (deprecated)  v0.1.0  -           -\n');
    expect(renderSkippedTags(listing)).toBe('mlpipeline: warning: ignored tag churn@v9.9.9: lightweight tag (only annotated tags count)\n');
    expect(renderRegistryText(fixture<RegistryListing>({ models: [], skipped: [] }))).toBe('no registered models (register one with: mlpipeline register NAME)\n');
  });

  it('lists a model history in time order', () => {
    const history = fixture<RegistryHistory>({
      events: [
        { time: '2026-01-01T00:00:00Z', tag: 'churn@v1.0.0', action: 'register', version: 'v1.0.0', environment: null, commit: C, tagger: { name: 'Dana' } },
        { time: '2026-01-02T00:00:00Z', tag: 'churn#staging#1', action: 'assign', version: 'v1.0.0', environment: 'staging', commit: C, tagger: { name: 'Rel' } },
      ],
    });
    expect(renderHistoryText(history)).toBe(
      '2026-01-01T00:00:00Z  churn@v1.0.0                  register v1.0.0  by Dana\n2026-01-02T00:00:00Z  churn#staging#1               assign v1.0.0 -> staging  by Rel\n',
    );
  });

  it('shows both hashes of a mismatch, and a last line only when everything matches', () => {
    const file = { path: 'model.onnx', role: 'model', recorded_sha256: 'a'.repeat(64), actual_sha256: 'a'.repeat(64), source: 'git', ok: true };
    const ok = fixture<VerifyReport>({ model: 'churn', version: 'v1.0.0', commit: C, ok: true, files: [file] });
    expect(renderVerifyText(ok)).toBe(`ok       model      model.onnx\nverified churn v1.0.0: 1 files match the recorded lineage at ${C.slice(0, 12)}\n`);
    const bad = fixture<VerifyReport>({ ...ok, ok: false, files: [{ ...file, ok: false, actual_sha256: null, source: 'missing' }] });
    expect(renderVerifyText(bad)).toBe(`MISMATCH model      model.onnx (missing at the commit and in the work tree)\n         recorded sha256 ${'a'.repeat(64)}\n         actual   sha256 (none)\n`);
  });

  it('renders lineage as text for a terminal', () => {
    const report = fixture<LineageReport>({
      model: 'churn',
      version: 'v1.0.0',
      deprecated: null,
      environment: 'staging',
      holding: { since: '2026-01-02T00:00:00.000Z', tag: 'churn#staging#1', replaced: null },
      deployed_in: ['staging'],
      commit: C,
      registration: { pr: 42, time: '2026-01-01T00:00:00.000Z', actor: { login: 'dana' }, tagger: { name: 'Dana' }, tag: 'churn@v1.0.0' },
      model_file: { path: 'model.onnx', sha256: 'b'.repeat(64) },
      data: [],
      dependencies: [{ path: 'data/images', kind: 'directory', files: 2, sha256: 'c'.repeat(64) }],
      run: null,
      verdict: { passed: true, gates: [{ metric: 'f1', status: 'passed', reason: 'f1 0.8 >= 0.7' }] },
      promotions: [{ counter: 1, time: '2026-01-02T00:00:00.000Z', action: 'assign', environment: 'staging', actor: null, tagger: { name: 'Rel' }, replaces: null, rollback_of: null }],
    });
    expect(renderLineageText(report)).toBe(
      [
        'churn v1.0.0',
        '  in staging since 2026-01-02T00:00:00.000Z (churn#staging#1), replacing nothing',
        '  deployed in: staging',
        `  commit:      ${C}`,
        '  PR:          #42',
        '  registered:  2026-01-01T00:00:00.000Z by dana (churn@v1.0.0)',
        `  model:       model.onnx sha256:${'b'.repeat(64)}`,
        '  data:        none recorded',
        `  depends on:  data/images/ (2 files) sha256:${'c'.repeat(64)}`,
        '  run:         not recorded',
        '  gates:       passed',
        '    passed  f1 (f1 0.8 >= 0.7)',
        '  #1 2026-01-02T00:00:00.000Z assign staging by Rel',
        '',
      ].join('\n'),
    );
  });
});
