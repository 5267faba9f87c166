/**
 * A fixed, deterministic set of report documents of any size (columns × slices), for the report
 * bench and the report tests (golden files, size budgets, hostile names). `name(kind, i)` picks
 * every untrusted string, so the same generator feeds hostile column names, category values,
 * metric, stage, gate and model names through every output.
 */
import type { Pipeline, RunRecord } from '../pipeline-schema/types.js';
import type { ColumnDrift } from '../runners/data/drift.js';
import type { ValidationDocument } from '../runners/data/validate.js';
import type { DiffDocument } from '../runners/diff/diff.js';
import type { EvaluationDocument, SliceResult } from '../runners/evaluate/document.js';
import type { GateResult, Verdict } from '../runners/gates/verdict.js';
import type { LineageReport } from '../runners/registry/lineage.js';
import type { ReportInputs } from '../runners/report/documents.js';

export type NameKind = 'pipeline' | 'model' | 'column' | 'category' | 'metric' | 'stage' | 'gate' | 'param' | 'value' | 'reason' | 'version';

export interface FixtureOptions {
  columns: number;
  slices: number;
  /** Every untrusted string; default ordinary names (`col_0007`). */
  name?: (kind: NameKind, i: number) => string;
}

const SHA = (c: string) => c.repeat(64);
const ordinary = (kind: NameKind, i: number): string =>
  ({
    pipeline: 'churn',
    model: 'churn',
    column: `col_${String(i).padStart(4, '0')}`,
    category: `cat_${i}`,
    metric: `custom_${i}`,
    stage: ['prepare', 'train', 'evaluate'][i] ?? `stage_${i}`,
    gate: `gate ${i}`,
    param: `train.p${i}`,
    value: `value ${i}`,
    reason: `reason ${i}`,
    version: `v1.${i}.0`,
  })[kind];

/** A number in [0, 1) from an index, the same on every machine. */
function unit(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return Number((x - Math.floor(x)).toFixed(6));
}

export function reportFixture(opts: FixtureOptions): ReportInputs {
  const n = opts.name ?? ordinary;
  const columns = Array.from({ length: opts.columns }, (_, i) => n('column', i));
  const pipeline: Pipeline = {
    version: 1,
    name: n('pipeline', 0),
    model: { name: n('model', 0), path: 'model/model.onnx', task: 'binary-classification', label: 'churned' },
    validation: { data: 'raw' },
    gates: [{ metric: 'roc_auc', min: 0.75 }],
    report: { model_card: { description: `Scores churn. ${n('value', 0)}` } },
  };
  const stages = [0, 1, 2].map((i) => n('stage', i));
  const run: RunRecord = {
    schema: 'mlpipeline/run@2',
    pipeline: { name: pipeline.name, path: 'mlpipeline.yaml', sha256: SHA('a') },
    status: 'succeeded',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:03.000Z',
    git: { commit: 'c'.repeat(40), dirty: false },
    ok: true,
    stages: stages.map((name, i) => ({
      name,
      status: (['skipped', 'ran', 'restored'] as const)[i]!,
      fingerprint: SHA(String(i)),
      duration_ms: [0, 2350, 120][i]!,
      reason: i === 1 ? `params changed: ${n('param', 0)}` : undefined,
      cmd: 'node train.mjs',
      deps: {},
      params: {},
      outs: {},
      metrics: {},
    })),
    metrics: {},
  };
  const drift: Record<string, ColumnDrift> = {};
  columns.forEach((c, i) => {
    const v = unit(i, 1) * 0.2;
    drift[c] = { kind: 'numeric', method: 'wasserstein', threshold: 0.1, drifted: v >= 0.1, value: v, statistic: 'wasserstein_normed' } as ColumnDrift;
  });
  const drifted = columns.filter((c) => drift[c]!.drifted);
  const validation: ValidationDocument = {
    schema: 'mlpipeline/validation@1',
    ok: false,
    data: { path: 'data/raw.csv', format: 'csv' },
    summary: { checks: columns.length + 1, failed_errors: Math.min(columns.length, 3), failed_warnings: 0, drift_failed: false },
    checks: [
      ...columns.map((c, i) => ({
        column: c,
        check: i < 3 ? 'in' : 'type',
        severity: 'error' as const,
        passed: i >= 3,
        failed_count: i < 3 ? 2 + i : 0,
        failed_fraction: i < 3 ? (2 + i) / 1000 : 0,
        expected: i < 3 ? `in [${n('category', 0)}, ${n('category', 1)}]` : 'integer',
        examples: i < 3 ? [{ row: 17 + i, line: 18 + i, value: n('category', 100 + i) }, { row: 40, line: 41, value: n('value', i) }] : [],
      })),
      { column: null, check: 'rows', severity: 'error' as const, passed: true, failed_count: 0, failed_fraction: 0, expected: '>= 1000', observed: 1000, examples: [] },
    ],
    profile: { rows: 1000, columns: {} },
    drift: {
      drifted: drifted.length / Math.max(1, columns.length) >= 0.5,
      share: Number((drifted.length / Math.max(1, columns.length)).toFixed(6)),
      share_threshold: 0.5,
      severity: 'error',
      drifted_columns: drifted.slice(0, 20),
      new_columns: [],
      vanished_columns: [],
      skipped_columns: {},
      baseline: { path: 'data/raw.csv', ref: 'main', rows: 1000 },
      columns: drift,
    },
  };
  const metrics = { accuracy: 0.81, precision: 0.7, recall: 0.55, f1: 0.616, roc_auc: 0.83, log_loss: 0.41, latency_p50_ms: 0.05, latency_p95_ms: 0.08, latency_p99_ms: 0.12, throughput_rows_per_s: 250000, model_size_bytes: 512, rows: 1000, [n('metric', 0)]: 0.5 };
  const shifted = (m: Record<string, number>, d: number) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number((v * (1 + d)).toFixed(6))]));
  const deltas = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(a).map((k) => [k, Number((a[k]! - b[k]!).toPrecision(12))]));
  const slices: SliceResult[] = Array.from({ length: opts.slices }, (_, i) => ({
    slice: { [columns[i % Math.max(1, columns.length)] ?? 'segment']: n('category', i) },
    rows: 100 + (i % 50),
    metrics: { roc_auc: Number((0.6 + unit(i, 2) * 0.35).toFixed(6)), accuracy: Number((0.7 + unit(i, 3) * 0.25).toFixed(6)), rows: 100 + (i % 50) },
  }));
  const base = shifted(metrics, -0.02);
  const prod = shifted(metrics, 0.01);
  const model = { path: 'model/model.onnx', sha256: SHA('d'), size_bytes: 512, input_mode: 'tensor' as const, inputs: [], outputs: {} };
  const evaluation: EvaluationDocument = {
    schema: 'mlpipeline/evaluation@1',
    generated_at: '2026-01-01T00:00:04.000Z',
    task: 'binary-classification',
    rows: 1000,
    label: 'churned',
    features: columns.slice(0, 5),
    classes: [0, 1],
    threshold: 0.5,
    data: { path: 'data/test.csv' },
    model,
    metrics,
    directions: { [n('metric', 0)]: 'higher' },
    confusion_matrix: null,
    calibration: null,
    slices,
    baseline: null,
    baselines: [
      { name: 'base', source: { kind: 'ref', ref: 'main' }, model, metrics: base, deltas: deltas(metrics, base), slices: [], confusion_matrix: null },
      { name: 'production', source: { kind: 'stage', stage: 'production', version: 'v1.2.0' }, model, metrics: prod, deltas: deltas(metrics, prod), slices: [], confusion_matrix: null },
    ],
    baselines_missing: [],
    importance: columns.slice(0, 5).map((feature, i) => ({ feature, drop: Number((0.1 / (i + 1)).toFixed(6)), std: 0.002 })),
    importance_metric: 'roc_auc',
    warnings: [],
  };
  evaluation.baseline = evaluation.baselines[0]!;
  const gate = (i: number, g: Partial<GateResult>): GateResult => ({
    name: n('gate', i),
    metric: 'roc_auc',
    slice: null,
    across: null,
    kind: 'min',
    threshold: 0.75,
    value: 0.83,
    vs: null,
    baseline: null,
    delta: null,
    status: 'passed',
    severity: 'error',
    reason: n('reason', i),
    ...g,
  });
  const verdict: Verdict = {
    schema: 'mlpipeline/verdict@1',
    passed: false,
    summary: { passed: 1, failed: 1, skipped: 0, warnings: 1 },
    gates: [
      gate(0, {}),
      gate(1, { metric: 'recall', kind: 'min', threshold: 0.6, value: 0.55, status: 'failed', slice: { [columns[0] ?? 'segment']: n('category', 0) } }),
      gate(2, { metric: 'roc_auc', kind: 'max_drop', threshold: 0.01, value: 0.83, vs: 'production', baseline: prod.roc_auc!, delta: Number((0.83 - prod.roc_auc!).toPrecision(12)), status: 'failed', severity: 'warn' }),
    ],
  };
  const diff = (kind: 'params' | 'metrics'): DiffDocument => ({
    kind,
    a: 'main',
    b: 'workspace',
    rows: [
      { file: 'params.yaml', key: n('param', 0), a: 0.01, b: 0.1, change: 0.09, pct: 900, status: 'changed' },
      { file: 'params.yaml', key: n('param', 1), a: null, b: n('value', 1), change: null, pct: null, status: 'added' },
    ],
  });
  return {
    pipeline,
    run,
    validation,
    evaluation,
    verdict,
    repo: { commit: 'c'.repeat(40), ref: 'feature/x' },
    base: { ref: 'main', commit: 'b'.repeat(40) },
    params_diff: diff('params'),
    metrics_diff: { ...diff('metrics'), rows: [{ file: 'metrics/test.json', key: 'roc_auc', a: 0.81, b: 0.83, change: 0.02, pct: 2.47, status: 'changed' }] },
    history: [0, 1, 2].map((i) => ({ version: n('version', i), time: `2026-01-0${i + 1}T00:00:00.000Z`, metrics: { roc_auc: 0.78 + i * 0.01 } })),
    lineage: { production: lineageOf(n('model', 0), n('version', 1), 'production') },
    problems: [],
  };
}

function lineageOf(model: string, version: string, environment: string): LineageReport {
  return {
    schema: 'mlpipeline/lineage-report@1',
    query: `${model}#${environment}`,
    model,
    version,
    environment,
    holding: { since: '2026-01-02T00:00:00.000Z', tag: `${model}#${environment}#1`, replaced: null },
    deployed_in: [environment],
    deprecated: null,
    commit: 'e'.repeat(40),
    registration: null,
    model_file: null,
    data: [],
    dependencies: [],
    run: null,
    verdict: { passed: true, gates: [] },
    promotions: [],
    record_missing: false,
    invalid_records: [],
  };
}
