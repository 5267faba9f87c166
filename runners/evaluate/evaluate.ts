/**
 * The evaluation engine: stream rows once, feed every model (candidate and baselines) the very
 * same batches, keep compact per-row results, then compute metrics overall and per slice,
 * latency, throughput and permutation importance, and assemble the evaluation document.
 *
 * Memory. Raw rows live only for one batch (`evaluation.batch_size`, default 4096), plus two
 * bounded samples: `latency.samples` rows (100) for single-row timing and a seeded reservoir of
 * 2000 rows for permutation importance. What grows with the dataset is only
 * what the exact metrics need, in typed arrays (no per-row JS objects):
 *   - the true label: 4 bytes per row (class index), or 8 (regression value);
 *   - per model: 8 bytes per row for a score / prediction (8 × C for multiclass probabilities),
 *     or 4 for a label-only model;
 *   - per slice column: 4 bytes per row (the slice id).
 * Exact ROC AUC, average precision and the median need every score, so this cannot be a
 * constant; a binary evaluation with one baseline and two slice columns holds 28 bytes per row
 * (28 MB per million rows; up to twice that while a growable array doubles), plus about 16 bytes
 * per row per model transiently while the metrics are computed (class indices, sort buffers).
 */
import { delimiterHint } from '../data/delimiter-hint.js';
import { InputError } from '../../core/errors.js';
import { defined } from '../../core/internal-error.js';
import type { Task } from '../../pipeline-schema/types.js';
import type { ColumnSelection } from '../data/numeric-batch.js';
import { columnarView, rowView, type BatchView } from './batch-view.js';
import {
  EVALUATION_SCHEMA_ID,
  type BaselineResult,
  type EvaluationDocument,
  type ModelSummary,
  type SliceResult,
} from './document.js';
import { permutationImportance } from './importance.js';
import { LabelInterner, resolveClasses, type ClassOrder } from './labels.js';
import { percentileSorted } from './metrics/summary.js';
import { ModelSet, type EvaluatedModel } from './model-set.js';
import type { Feeds, LoadedModel } from './onnx-session.js';
import { calibration, classificationOutcome, confusion, regressionOutcome, subset, taskMetrics, type Outcome, type Predictions } from './outcome.js';
import { LatencySample, Reservoir } from './row-samples.js';
import type { ModelRunner } from './runner.js';
import { SliceColumn } from './slices.js';
import { TrueLabels } from './true-labels.js';
import type { EvaluateInput } from './evaluate-input.js';
import { own } from '../../core/own.js';

export type { BaselineInput, EvaluateInput, ModelInput } from './evaluate-input.js';

export const DEFAULTS = {
  threshold: 0.5,
  latencySamples: 100,
  latencyWarmup: 10,
  importanceRepeats: 5,
  importanceSeed: 0,
  importanceRows: 2000,
  batchSize: 4096,
};

function summary(m: LoadedModel, runner: ModelRunner): ModelSummary {
  const outputs: ModelSummary['outputs'] = {};
  for (const k of ['probabilities', 'score', 'label', 'prediction'] as const) if (runner.outputs[k]) outputs[k] = runner.outputs[k];
  return {
    path: m.display,
    sha256: m.sha256,
    size_bytes: m.bytes.length,
    input_mode: runner.plan.mode,
    inputs: m.inputs.map((i) => ({ name: i.name, type: i.type, shape: i.shape })),
    outputs,
  };
}

function defaultImportanceMetric(task: Task, hasScores: boolean): string {
  if (task === 'regression') return 'r2';
  if (task === 'binary-classification') return hasScores ? 'roc_auc' : 'accuracy';
  return 'accuracy';
}

/** What one pass over the rows keeps: true labels, slice ids, the two row samples; models keep their own outputs. */
interface RowPass {
  columns: string[];
  labelCol: number;
  rows: number;
  interner: LabelInterner;
  labels: TrueLabels;
  slices: SliceColumn[];
  latency: LatencySample;
  reservoir: Reservoir;
}

export async function evaluateModels(input: EvaluateInput): Promise<EvaluationDocument> {
  const warnings: string[] = [];
  const models = await ModelSet.open(input);
  const pass = await streamRows(input, models);
  const order = classOrder(input, models, pass);
  const scoring = scoringOf(input, pass, order);
  const groups = pass.slices.map((s) => ({ column: s.spec.column, groups: s.groups(warnings) }));
  const results: ModelResult[] = [];
  for (const e of models.evaluated) results.push(await modelResult(input, e, pass, groups, scoring, warnings));
  const candidate = defined(results[0], 'the candidate is always evaluated');
  // Custom metrics (from stage metrics files) belong to the candidate only.
  const candMetrics = { ...candidate.metrics, ...(input.custom?.values ?? {}) };
  const importance = await importanceOf(input, models.candidate, pass, scoring, warnings);
  return evaluationDocument(input, { models, pass, order, threshold: scoring.threshold, results, candMetrics, importance, warnings });
}

/**
 * Plan inputs once the header is known, then stream every batch once: true labels, slice ids
 * and samples are kept, and every model scores the very same rows.
 */
async function streamRows(input: EvaluateInput, models: ModelSet): Promise<RowPass> {
  const dataFile = input.data.display;
  const classification = input.task !== 'regression';
  const interner = new LabelInterner();
  const imp = input.importance ?? {};
  const importanceRows = (imp.enabled ?? true) ? imp.rows ?? DEFAULTS.importanceRows : 0;
  const latency = new LatencySample(input.latency?.samples ?? DEFAULTS.latencySamples);
  const reservoir = new Reservoir(importanceRows, imp.seed ?? DEFAULTS.importanceSeed);
  const labels = new TrueLabels(classification, interner, input.label, dataFile);
  let planned: { columns: string[]; labelCol: number; slices: SliceColumn[] } | undefined;

  const plan = (columns: string[]): ColumnSelection => {
    const labelCol = columns.indexOf(input.label);
    if (labelCol < 0) {
      throw new InputError(`label column '${input.label}' is not in ${dataFile} (columns: ${columns.join(', ')})`, {
        location: { file: dataFile, line: 1 },
        fix: delimiterHint(columns) ?? 'set model.label (or --label) to the column that holds the true labels',
      });
    }
    models.plan(input, columns, dataFile, interner);
    const slices = (input.slices ?? []).map((s) => new SliceColumn(s, columns, dataFile));
    planned = { columns, labelCol, slices };
    return columnsToRead(columns, labelCol, classification, slices, models.evaluated);
  };

  let rows = 0;
  for await (const batch of batchViews(input.data, plan)) {
    const n = batch.n;
    if (n === 0) continue;
    const { labelCol, slices } = defined(planned, 'batchViews plans on the header, before the first batch');
    labels.add(batch, labelCol);
    for (const s of slices) s.add(batch);
    latency.add(batch);
    reservoir.add(batch, rows);
    await scoreBatch(models, batch);
    rows += n;
  }
  if (!planned || rows === 0) {
    throw new InputError(`${dataFile} has no rows to evaluate`, { location: { file: dataFile }, fix: 'point evaluation.data (or --data) at the held-out rows' });
  }
  return { ...planned, rows, interner, labels, latency, reservoir };
}

/**
 * What a columnar read must parse: float features as numbers; the label (classification),
 * slice columns and other features as raw text, so they convert exactly as raw rows do.
 */
function columnsToRead(columns: string[], labelCol: number, classification: boolean, slices: SliceColumn[], evaluated: EvaluatedModel[]): ColumnSelection {
  const index = new Map(columns.map((name, i) => [name, i]));
  const indexOf = (column: string) => defined(index.get(column), `column '${column}' was checked against the header`);
  const numeric = new Set<number>();
  const text = new Set<number>(slices.map((s) => indexOf(s.spec.column)));
  (classification ? text : numeric).add(labelCol);
  for (const { runner } of evaluated) {
    const plan = runner.plan;
    const typed = plan.mode === 'tensor' ? plan.features.map((f) => ({ column: f, type: defined(plan.tensor, 'a tensor plan has a tensor').type })) : defined(plan.columns, 'a per-column plan has columns');
    for (const t of typed) (t.type === 'float32' || t.type === 'float64' ? numeric : text).add(indexOf(t.column));
  }
  return { numeric: [...numeric].filter((c) => !text.has(c)), text: [...text] };
}

/** Every model sees the same rows; models with the same input plan share the tensors. A baseline that fails leaves the evaluation. */
async function scoreBatch(models: ModelSet, batch: BatchView & { rows?: unknown[][] }): Promise<void> {
  const feedCache = new Map<string, Feeds>();
  const count = { length: batch.n };
  for (const e of [...models.evaluated]) {
    let feeds = feedCache.get(e.runner.planKey);
    try {
      if (!feeds) {
        feeds = batch.rows ? e.runner.encoder.encode(batch.rows, batch) : e.runner.encoder.encodeView(batch);
        feedCache.set(e.runner.planKey, feeds);
      }
      await e.runner.consume(count, batch, feeds);
    } catch (err) {
      if (e.name === 'candidate') throw err;
      models.drop(e, err);
    }
  }
}

/** Fix the class order now that every label has been seen; drop baselines whose probability columns do not match it. */
function classOrder(input: EvaluateInput, models: ModelSet, pass: RowPass): ClassOrder | undefined {
  const { task, label } = input;
  if (task === 'regression') return undefined;
  const candidate = models.candidate.runner;
  const trueIds = pass.labels.classIds;
  const order = resolveClasses({
    task,
    interner: pass.interner,
    trueIds,
    // Predicted labels widen the default class set only when they are needed to reach the
    // model's probability columns (a label output may hold indices rather than class labels).
    defaultIds: candidate.probColumns !== undefined && trueIds.size >= candidate.probColumns ? trueIds : new Set([...trueIds, ...candidate.predictedIds]),
    configured: input.classes,
    probColumns: candidate.probColumns,
    label,
    modelDisplay: candidate.model.display,
  });
  for (const e of models.baselineModels) {
    const pc = e.runner.probColumns;
    if (pc !== undefined && pc !== order.keys.length && !(task === 'binary-classification' && pc === 1)) {
      models.drop(e, new InputError(`${e.runner.model.display} outputs ${pc} probability columns, but there are ${order.keys.length} classes`));
    }
  }
  return order;
}

/** How predictions become outcomes against the true labels (all rows, or a sample's). */
interface Scoring {
  threshold: number;
  outcomeOf(p: Predictions, warnings: string[], yIdsSub?: Int32Array, ySub?: Float64Array): Outcome;
}

function scoringOf(input: EvaluateInput, pass: RowPass, order: ClassOrder | undefined): Scoring {
  const threshold = input.threshold ?? DEFAULTS.threshold;
  const yIdsAll = pass.labels.ids.view();
  return {
    threshold,
    outcomeOf: (p, w, yIdsSub, ySub) =>
      order ? classificationOutcome(p, yIdsSub ?? yIdsAll, order, threshold, input.threshold !== undefined, w) : regressionOutcome(p, ySub ?? pass.labels.values.view()),
  };
}

interface ModelResult {
  metrics: Record<string, number>;
  slices: SliceResult[];
  outcome: Outcome;
}

type SliceGroups = { column: string; groups: ReturnType<SliceColumn['groups']> }[];

/** One model's metrics overall and per slice, with its latency, throughput and size; its warnings go to `warnings`. */
async function modelResult(input: EvaluateInput, e: EvaluatedModel, pass: RowPass, groups: SliceGroups, scoring: Scoring, warnings: string[]): Promise<ModelResult> {
  const w: string[] = [];
  const outcome = scoring.outcomeOf(e.runner.predictions(), w);
  const overall = taskMetrics(outcome);
  w.push(...overall.warnings);
  const metrics: Record<string, number> = { ...overall.metrics, ...(await timings(input, e, pass)) };
  metrics.model_size_bytes = e.bytes.length;
  metrics.rows = pass.rows;
  const keep = keptMetrics(input);
  const slices: SliceResult[] = [];
  for (const g of groups) {
    for (const { value, rows: idx } of g.groups) {
      const m = taskMetrics(subset(outcome, idx));
      // A slice that lacks a class (roc_auc_ovr, roc_auc) says so in the document, as overall does.
      w.push(...m.warnings.map((x) => `slice ${g.column}=${String(value)}: ${x}`));
      slices.push({ slice: { [g.column]: value }, rows: idx.length, metrics: keep({ ...m.metrics, rows: idx.length }) });
    }
  }
  if (e.name === 'candidate') warnings.push(...w);
  else warnings.push(...w.map((x) => `baseline ${e.name}: ${x}`));
  return { metrics: keep(metrics), slices, outcome };
}

/** Latency percentiles over single-row calls on the latency sample (when there is one), and batched throughput. */
async function timings(input: EvaluateInput, e: EvaluatedModel, pass: RowPass): Promise<Record<string, number>> {
  const samples = input.latency?.samples ?? DEFAULTS.latencySamples;
  const warmup = input.latency?.warmup ?? DEFAULTS.latencyWarmup;
  const out: Record<string, number> = {};
  const throughput = await e.runner.throughput();
  if (samples > 0) {
    const times = Float64Array.from(await e.runner.latency(pass.latency.rows, pass.latency.metas, samples, warmup)).sort();
    out.latency_p50_ms = percentileSorted(times, 50);
    out.latency_p95_ms = percentileSorted(times, 95);
    out.latency_p99_ms = percentileSorted(times, 99);
  }
  out.throughput_rows_per_s = throughput;
  return out;
}

/** Only the metrics asked for (plus `rows`), in that order; all of them when none were named. */
function keptMetrics(input: EvaluateInput): (m: Record<string, number>) => Record<string, number> {
  const wanted = input.metrics;
  if (!wanted) return (m) => m;
  return (m) => {
    const out: Record<string, number> = {};
    for (const k of [...wanted, 'rows']) {
      const v = own(m, k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
}

interface ImportanceResult {
  importance: EvaluationDocument['importance'];
  metric: string | null;
}

/** Permutation importance of the candidate's features on the seeded reservoir sample. */
async function importanceOf(input: EvaluateInput, candidate: EvaluatedModel, pass: RowPass, scoring: Scoring, warnings: string[]): Promise<ImportanceResult> {
  const imp = input.importance ?? {};
  const reservoir = pass.reservoir.entries;
  if (!(imp.enabled ?? true) || reservoir.length <= 1) return { importance: [], metric: null };
  const { task } = input;
  const runner = candidate.runner;
  const classification = task !== 'regression';
  const metric = imp.metric ?? defaultImportanceMetric(task, runner.values.length > 0);
  const yIdsAll = pass.labels.ids.view();
  const yAll = pass.labels.values.view();
  const sampleYIds = classification ? Int32Array.from(reservoir, (s) => at(yIdsAll, s.index)) : undefined;
  const sampleY = classification ? undefined : Float64Array.from(reservoir, (s) => at(yAll, s.index));
  const batchSize = input.batchSize ?? DEFAULTS.batchSize;
  const colIndex = new Map(pass.columns.map((c, i) => [c, i]));
  const features = runner.plan.features;
  const importance = await permutationImportance({
    features,
    columnOf: features.map((f) => defined(colIndex.get(f), `feature '${f}' was planned against the header`)),
    rows: reservoir.map((s) => s.row),
    metric,
    repeats: imp.repeats ?? DEFAULTS.importanceRepeats,
    seed: imp.seed ?? DEFAULTS.importanceSeed,
    score: async (rs) => {
      const values: number[] = [];
      const labels: number[] = [];
      for (let i = 0; i < rs.length; i += batchSize) {
        const out = await runner.predict(rs.slice(i, i + batchSize), { firstRow: 1 });
        if (out.values) for (const v of out.values) values.push(v);
        if (out.labelIds) for (const v of out.labelIds) labels.push(v);
      }
      const p: Predictions = {
        task,
        display: runner.model.display,
        values: values.length ? Float64Array.from(values) : null,
        labelIds: labels.length ? Int32Array.from(labels) : null,
        scoreIsProbability: runner.scoreIsProbability,
      };
      return own(taskMetrics(scoring.outcomeOf(p, [], sampleYIds, sampleY)).metrics, metric);
    },
  });
  if (importance.length === 0) warnings.push(`importance: metric '${metric}' is not available for this model; importance left out`);
  return { importance, metric };
}

/** Row `i` of a per-row array; the reservoir only holds indices of rows that were read. */
function at(values: Int32Array | Float64Array, i: number): number {
  return defined(values[i], 'the reservoir holds indices of rows that were read');
}

interface Assembled {
  models: ModelSet;
  pass: RowPass;
  order: ClassOrder | undefined;
  threshold: number;
  results: ModelResult[];
  candMetrics: Record<string, number>;
  importance: ImportanceResult;
  warnings: string[];
}

function evaluationDocument(input: EvaluateInput, a: Assembled): EvaluationDocument {
  const { task } = input;
  const { models, order, results } = a;
  const labels = order?.labels ?? [];
  const candidate = models.candidate.runner;
  const candidateResult = defined(results[0], 'the candidate is always evaluated');
  const baselines: BaselineResult[] = models.baselineModels.map((e, k) => {
    const r = defined(results[k + 1], 'one result per evaluated model, in order');
    const deltas: Record<string, number> = {};
    for (const [m, v] of Object.entries(a.candMetrics)) {
      const base = own(r.metrics, m);
      if (typeof base === 'number') deltas[m] = v - base;
    }
    return {
      name: e.name,
      source: defined(e.source, 'every baseline has a source'),
      model: summary(e.runner.model, e.runner),
      metrics: r.metrics,
      deltas,
      slices: r.slices,
      confusion_matrix: confusion(r.outcome, labels),
    };
  });
  return {
    schema: EVALUATION_SCHEMA_ID,
    generated_at: (input.now?.() ?? new Date()).toISOString(),
    task,
    rows: a.pass.rows,
    label: input.label,
    features: candidate.plan.features,
    classes: order ? order.labels : null,
    threshold: task === 'binary-classification' ? a.threshold : null,
    data: { path: input.data.display },
    model: summary(candidate.model, candidate),
    metrics: a.candMetrics,
    directions: { ...(input.custom?.directions ?? {}) },
    confusion_matrix: confusion(candidateResult.outcome, labels),
    calibration: calibration(candidateResult.outcome),
    slices: candidateResult.slices,
    baseline: baselines[0] ?? null,
    baselines,
    baselines_missing: models.missing,
    importance: a.importance.importance,
    importance_metric: a.importance.metric,
    warnings: a.warnings,
  };
}

/**
 * The batches as views. `init` runs on the header's columns; an error it throws surfaces when the
 * first batch arrives in both modes, so a file with several problems reports the same one first.
 */
async function* batchViews(
  data: EvaluateInput['data'],
  init: (columns: string[]) => ColumnSelection,
): AsyncIterable<BatchView & { rows?: unknown[][] }> {
  let started = false;
  if ('batches' in data) {
    for await (const b of data.batches) {
      if (!started) {
        started = true;
        init(b.columns);
      }
      yield { ...rowView(b), rows: b.rows };
    }
    return;
  }
  let deferred: { error: unknown } | undefined;
  let selection: ColumnSelection = { numeric: [], text: [] };
  const select = (columns: string[]): ColumnSelection => {
    try {
      selection = init(columns);
    } catch (error) {
      deferred = { error };
      selection = { numeric: [], text: columns.map((_, i) => i) };
    }
    return selection;
  };
  for await (const b of data.numeric(select)) {
    if (deferred) throw deferred.error;
    yield columnarView(b);
  }
}
