/**
 * Performance monitoring (`monitoring.performance`) on a copy of examples/churn whose deployed
 * model (churn v1.0.0 in production, committed) is a known logistic regression: it predicts churn
 * exactly when support_calls >= 3. Labelled batches are made with known labels, so the expected
 * metrics are computed here by hand from their definitions, not by our evaluation code.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDocument } from '../pipeline-schema/documents.js';
import { recordedBaselines, recordedScores } from '../runners/monitor/performance.js';
import { evaluateGates } from '../runners/gates/gates.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import type { LineageRecord } from '../runners/registry/lineage-record.js';
import { labelledBatch, makeMonitorRepo, PERFORMANCE_MODEL as MODEL, predicts } from './monitor-fixture.js';
import { tempDir, type Repo } from './registry-fixture.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const GATES = `    gates:
      - metric: accuracy
        min: 0.9
      - metric: accuracy
        vs: production
        max_drop: 0.05
`;

function handMetrics(rows: { calls: number; y: number }[]) {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const r of rows) {
    const p = predicts(r.calls);
    if (p === 1 && r.y === 1) tp++;
    else if (p === 1) fp++;
    else if (r.y === 1) fn++;
    else tn++;
  }
  return { accuracy: (tp + tn) / rows.length, precision: tp / (tp + fp), recall: tp / (tp + fn), rows: rows.length };
}

function writeLabelled(repo: Repo, name: string, text: string): void {
  mkdirSync(join(repo.dir, 'data', 'labelled'), { recursive: true });
  writeFileSync(join(repo.dir, 'data', 'labelled', name), text);
}

describe('mlpipeline monitor: performance when labels arrive', () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeMonitorRepo(join(tmp.path, 'perf'), { model: MODEL, edit: (t) => t.replace('    min_rows: 100 ', `${GATES}    min_rows: 100 `) });
    expect(readFileSync(join(repo.dir, 'mlpipeline.yaml'), 'utf8')).toContain('      - metric: accuracy\n        min: 0.9\n');
  });

  it('labels agreeing with the model: evaluated, metrics equal their hand-computed definitions, gates pass, exit 0', async () => {
    const mixed = labelledBatch((i, calls) => (i % 10 === 0 ? 1 - predicts(calls) : predicts(calls)));
    writeLabelled(repo, '2026-12-02.csv', mixed.text);
    const r = await repo.cli(['monitor', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validateDocument('monitor', doc)).toEqual([]);
    const p = doc.performance;
    expect(p.status).toBe('evaluated');
    expect(p.data.path).toBe('data/labelled/2026-12-02.csv');
    expect(p.data.batches_matched).toBe(2);
    expect(p.model.version).toBe('v1.0.0');
    const want = handMetrics(mixed.rows);
    expect(p.data.rows).toBe(want.rows);
    expect(p.metrics.accuracy).toBeCloseTo(want.accuracy, 12);
    expect(p.metrics.precision).toBeCloseTo(want.precision, 12);
    expect(p.metrics.recall).toBeCloseTo(want.recall, 12);
    expect(want.accuracy).toBe(0.9); // min is inclusive
    expect(p.failed).toBe(false);
    const [absolute, comparison] = p.verdict.gates;
    expect(absolute).toMatchObject({ name: 'accuracy >= 0.9', status: 'passed' });
    // v1.0.0 was registered without a verdict: nothing recorded to compare with, so skipped (never passed).
    expect(comparison.status).toBe('skipped');
    expect(comparison.reason).toContain('records no gate verdict');
    expect(doc.retrain).toBe(false);
    expect(doc.reasons.at(-1)).toMatch(/^performance gates passed on 400 labelled rows/);
  });

  it('the same metrics as mlpipeline evaluate of the deployed model on the same file', async () => {
    const monitor = JSON.parse((await repo.cli(['monitor', '--json'])).stdout);
    const ev = await repo.cli(['evaluate', '--model', 'model/model.onnx', '--data', 'data/labelled/2026-12-02.csv', '--output', '.mlpipeline/perf-eval.json']);
    expect(ev.stderr).toBe('');
    const evaluation = JSON.parse(readFileSync(join(repo.dir, '.mlpipeline', 'perf-eval.json'), 'utf8'));
    for (const m of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss', 'brier_score']) expect(monitor.performance.metrics[m]).toBe(evaluation.metrics[m]);
  });

  it('labels the model gets wrong: a failed performance gate says retrain, exit 1, in text and --md', async () => {
    const wrong = labelledBatch((i, calls) => (i % 3 === 0 ? 1 - predicts(calls) : predicts(calls)));
    const accuracy = handMetrics(wrong.rows).accuracy;
    expect(accuracy).toBeLessThan(0.9);
    writeLabelled(repo, '2026-12-03.csv', wrong.text);
    const text = await repo.cli(['monitor']);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/performance: churn@v1\.0\.0 \(production\) on data\/labelled\/2026-12-03\.csv \(400 labelled rows\) → FAILED/);
    expect(text.stdout).toContain(`FAIL  accuracy >= 0.9: ${Number(accuracy.toPrecision(4))}`);
    expect(text.stdout).toContain('result: RETRAIN (a performance gate failed)');
    const md = await repo.cli(['monitor', '--md']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('🔴 A performance gate failed on labelled live data: the policy says retrain.');
    expect(md.stdout).toContain('### Performance on labelled live data');
    expect(md.stdout).toContain(`| accuracy &gt;\\= 0\\.9 | ${Number(accuracy.toPrecision(4))} | min 0.9 | – | – | ❌ failed |`);
    const doc = JSON.parse((await repo.cli(['monitor', '--json'])).stdout);
    expect(doc.drift.drifted).toBe(false);
    expect(doc.retrain).toBe(true);
    expect(doc.performance.failed).toBe(true);
    rmSync(join(repo.dir, 'data', 'labelled', '2026-12-03.csv'));
  });

  it('waiting for labels: no labelled batch, or fewer rows than min_rows, judges nothing and exits 0', async () => {
    const few = labelledBatch(() => 0).text.split('\n').slice(0, 51).join('\n') + '\n';
    writeLabelled(repo, '2026-12-04.csv', few);
    const r = await repo.cli(['monitor', '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).performance;
    expect(p.status).toBe('waiting');
    expect(p.reason).toBe('data/labelled/2026-12-04.csv has 50 labelled rows, fewer than monitoring.performance.min_rows (100)');
    expect(p.verdict).toBeNull();
    rmSync(join(repo.dir, 'data', 'labelled'), { recursive: true });
    const none = await repo.cli(['monitor']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('result: no drift, performance waiting for labels');
    expect(none.stdout).toContain('performance: waiting for labels (no labelled batch matches data/labelled/*.csv yet)');
  });

  it('a labelled batch without the label column is waiting; one without a model feature is an input error (exit 2, file and fix)', async () => {
    const full = labelledBatch((_, c) => predicts(c)).text.split('\n');
    const header = full[0]!.split(',');
    const drop = (col: string) => full.filter(Boolean).map((l) => l.split(',').filter((_, i) => header[i] !== col).join(',')).join('\n') + '\n';
    writeLabelled(repo, '2026-12-05.csv', drop('churned'));
    const r = await repo.cli(['monitor', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).performance.reason).toBe("data/labelled/2026-12-05.csv has no label column 'churned' yet");
    writeLabelled(repo, '2026-12-06.csv', drop('support_calls'));
    const bad = await repo.cli(['monitor']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("data/labelled/2026-12-06.csv:1:1: the labelled batch data/labelled/2026-12-06.csv has no column 'support_calls' of the features the deployed model takes");
    expect(bad.stderr).toContain('fix: log every model.features column');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    rmSync(join(repo.dir, 'data', 'labelled'), { recursive: true });
  });
});

describe('mlpipeline monitor: labels that have not all arrived, one-class batches, links out of the repository', () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeMonitorRepo(join(tmp.path, 'partial'), { model: MODEL, edit: (t) => t.replace('    min_rows: 100 ', `${GATES}    min_rows: 100 `) });
  });

  it('rows whose label is still empty are left out and counted; too few labelled rows (or none) is waiting, and drift is still reported', async () => {
    const b = labelledBatch((_, c) => predicts(c));
    const lines = b.text.trimEnd().split('\n');
    const blankEvery = (k: number) => [lines[0], ...lines.slice(1).map((l, i) => (i % k === 0 ? l.replace(/,[01]$/, ',') : l))].join('\n') + '\n';
    writeLabelled(repo, '2026-12-02.csv', blankEvery(2));
    const half = JSON.parse((await repo.cli(['monitor', '--json'])).stdout);
    expect(half.performance.status).toBe('evaluated');
    expect(half.performance.data.rows).toBe(200);
    expect(half.performance.metrics.accuracy).toBe(1);
    expect(half.performance.warnings).toContain('200 rows of data/labelled/2026-12-02.csv have no label yet and were left out');
    writeLabelled(repo, '2026-12-03.csv', blankEvery(1));
    const none = await repo.cli(['monitor', '--json']);
    expect(none.code).toBe(0);
    const doc = JSON.parse(none.stdout);
    expect(doc.drift.columns.tenure).toBeDefined();
    expect(doc.performance.reason).toBe('data/labelled/2026-12-03.csv has 0 labelled rows (400 rows without a label yet left out), fewer than monitoring.performance.min_rows (100)');
    rmSync(join(repo.dir, 'data', 'labelled'), { recursive: true });
  });

  it('a batch where nobody churned: ranking gates are skipped as undefined, neither failed nor passed', async () => {
    const edit = readFileSync(join(repo.dir, 'mlpipeline.yaml'), 'utf8').replace('      - metric: accuracy\n        min: 0.9\n', '      - metric: accuracy\n        min: 0.5\n      - metric: roc_auc\n        min: 0.78\n');
    writeFileSync(join(repo.dir, 'mlpipeline.yaml'), edit);
    writeLabelled(repo, '2026-12-04.csv', labelledBatch(() => 0).text);
    const r = await repo.cli(['monitor', '--json']);
    const p = JSON.parse(r.stdout).performance;
    const auc = p.verdict.gates.find((g: { metric: string }) => g.metric === 'roc_auc');
    expect(auc.status).toBe('skipped');
    expect(auc.reason).toContain('undefined on a labelled batch with only one class');
    expect(r.code).toBe(p.metrics.accuracy >= 0.5 ? 0 : 1);
    rmSync(join(repo.dir, 'data', 'labelled'), { recursive: true });
  });

  it('a labelled folder that is a symbolic link out of the repository is refused (exit 2), never read', async () => {
    const outside = join(tmp.path, 'outside-labels');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, '2026-12-09.csv'), labelledBatch((_, c) => predicts(c)).text);
    symlinkSync(outside, join(repo.dir, 'data', 'labelled'));
    const r = await repo.cli(['monitor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mlpipeline\.yaml:\d+:\d+: the labelled batch data\/labelled\/\*\.csv \(monitoring\.performance\.path\) is outside the repository/);
    rmSync(join(repo.dir, 'data', 'labelled'));
  });
});

describe('mlpipeline monitor: environments', () => {
  it('an --environment that is not declared is a usage error with a did-you-mean; one with nothing deployed names where a version is', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'envs'), { model: MODEL, promote: false });
    for (const args of [['register', 'churn', '--version', 'v1.0.0'], ['promote', 'churn@v1.0.0', '--to', 'staging']]) expect((await repo.cli(args)).code).toBe(0);
    const typo = await repo.cli(['monitor', '--environment', 'prod']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown environment 'prod'");
    expect(typo.stderr).toContain('fix: use one of staging, production');
    expect((await repo.cli(['monitor', '--environment', 'stagin'])).stderr).toContain("unknown environment 'stagin'; did you mean 'staging'?");
    const empty = await repo.cli(['monitor']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/mlpipeline\.yaml:\d+:\d+: no version of churn is in production/);
    expect(empty.stderr).toContain('monitor an environment that has one (staging (v1.0.0)): mlpipeline monitor --environment staging');
    const staging = await repo.cli(['monitor', '--environment', 'staging', '--md']);
    expect(staging.stderr).toBe('');
    expect(staging.stdout.split('\n')[0]).toBe('## Performance drop&#58; churn v1\\.0\\.0 in staging');

  });
});

describe('mlpipeline monitor: the deployed model must be the recorded one', () => {
  it('not committed and not cached: exit 2 naming where it looked and the fix', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'uncommitted'), { model: MODEL, promote: false });
    repo.write('.gitignore', '.mlpipeline/\n/model/\n');
    repo.git('rm', '-q', '--cached', 'model/model.onnx');
    repo.commit('the model is a stage out, not committed');
    for (const args of [['register', 'churn', '--version', 'v1.0.0'], ['promote', 'churn@v1.0.0', '--to', 'staging'], ['promote', 'churn@v1.0.0', '--to', 'production']]) expect((await repo.cli(args)).code).toBe(0);
    const r = await repo.cli(['monitor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot evaluate the model in production on the labelled batch');
    expect(r.stderr).toContain('not committed at');
    expect(r.stderr).toMatch(/fix: .*GitHub Release/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('recordedScores: what the version scored when it was gated', () => {
  it('takes each metric once, overall and per slice, and leaves out max_gap values and non-numbers', () => {
    const record = {
      verdict: {
        passed: true,
        gates: [
          { metric: 'roc_auc', kind: 'min', value: 0.81, status: 'passed' },
          { metric: 'roc_auc', kind: 'max_drop', value: 0.81, status: 'passed' },
          { metric: 'recall', kind: 'min', slice: { contract: 'month-to-month' }, value: 0.6, status: 'passed' },
          { metric: 'recall', kind: 'max_gap', value: 0.2, status: 'passed' },
          { metric: 'log_loss', kind: 'max', value: null, status: 'failed' },
        ],
      },
    } as unknown as LineageRecord;
    const s = recordedScores(record);
    expect({ ...s.overall }).toEqual({ roc_auc: 0.81 });
    expect([...s.slices.values()].map((x) => [x.slice, { ...x.metrics }])).toEqual([[{ contract: 'month-to-month' }, { recall: 0.6 }]]);
    expect({ ...recordedScores(null).overall }).toEqual({});
  });
});

describe('comparison gates in the monitor: the live value against the recorded one', () => {
  const gates = [
    { metric: 'roc_auc', vs: 'production', max_drop: 0.02 },
    { metric: 'recall', vs: 'production', max_drop: 0.05, slice: { contract: 'month-to-month' } },
    { metric: 'roc_auc', vs: 'staging', max_drop: 0.02 },
  ];
  const doc = () =>
    ({
      metrics: { roc_auc: 0.75 },
      slices: [{ slice: { contract: 'month-to-month' }, rows: 100, metrics: { recall: 0.58 } }],
      directions: {},
      model: { sha256: 'a'.repeat(64) },
    }) as unknown as EvaluationDocument;
  const record = (bound?: boolean) =>
    ({
      model_file: { path: 'model/model.onnx', sha256: 'a'.repeat(64), size: 1 },
      verdict: {
        passed: true,
        ...(bound === undefined ? {} : { bound }),
        binding: { model: { path: 'model/model.onnx', sha256: 'a'.repeat(64) } },
        gates: [
          { metric: 'roc_auc', kind: 'min', value: 0.8, status: 'passed' },
          { metric: 'recall', kind: 'min', slice: { contract: 'month-to-month' }, value: 0.6, status: 'passed' },
        ],
      },
    }) as unknown as LineageRecord;

  it('a drop beyond max_drop from the recorded score fails; within it passes; another environment is skipped', () => {
    const d = doc();
    recordedBaselines(d, gates, { bytes: new Uint8Array(), display: 'churn@v1 (production)', version: 'v1', record: record(true) }, 'production');
    const v = evaluateGates(gates, d);
    expect(v.gates.map((g) => [g.status, g.baseline, g.delta === null ? null : Number(g.delta.toFixed(12))])).toEqual([
      ['failed', 0.8, -0.05],
      ['passed', 0.6, -0.02],
      ['skipped', null, null],
    ]);
    expect(v.gates[2]!.reason).toContain("this run monitors production; a 'vs: staging' gate compares");
    expect(v.passed).toBe(false);
  });

  it('a verdict without bound: true, or bound to another model file, is not compared with', () => {
    for (const verdict of [{ passed: true, gates: record(true).verdict!.gates }, { ...record(true).verdict!, binding: { model: { path: 'model/model.onnx', sha256: '0'.repeat(64) } } }]) {
      const d = doc();
      recordedBaselines(d, gates.slice(0, 1), { bytes: new Uint8Array(), display: 'churn@v1 (production)', version: 'v1', record: { ...record(true), verdict } as LineageRecord }, 'production');
      const v = evaluateGates(gates.slice(0, 1), d);
      expect(v.gates[0]!.status).toBe('skipped');
      expect(v.gates[0]!.reason).toContain('was not bound');
    }
  });

  it('a verdict register did not bind is not compared with: the gates are skipped with the reason', () => {
    const d = doc();
    recordedBaselines(d, gates.slice(0, 1), { bytes: new Uint8Array(), display: 'churn@v1 (production)', version: 'v1', record: record(false) }, 'production');
    const v = evaluateGates(gates.slice(0, 1), d);
    expect(v.gates[0]!.status).toBe('skipped');
    expect(v.gates[0]!.reason).toContain('was not bound');
  });
});
