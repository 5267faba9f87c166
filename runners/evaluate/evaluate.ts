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
import type { ModelSpec, Scalar, SliceSpec, Task } from '../../pipeline-schema/types.js';
import type { ColumnSelection, NumericBatch } from '../data/numeric-batches.js';
import type { RowBatch } from '../data/source.js';
import { columnarView, rowView, type BatchView } from './batch-view.js';
import { badCell, toNumber } from './cells.js';
import {
  EVALUATION_SCHEMA_ID,
  type BaselineResult,
  type BaselineSource,
  type EvaluationDocument,
  type MissingBaseline,
  type ModelSummary,
  type SliceResult,
} from './document.js';
import { f64, i32 } from './growable.js';
import { permutationImportance } from './importance.js';
import { planInputs, planOutputs } from './io-plan.js';
import { LabelInterner, resolveClasses, type ClassOrder } from './labels.js';
import { percentileSorted } from './metrics/summary.js';
import { loadOnnxModel, type Feeds, type LoadedModel } from './onnx-session.js';
import { calibration, classificationOutcome, confusion, regressionOutcome, subset, taskMetrics, type Outcome, type Predictions } from './outcome.js';
import { mulberry32 } from './random.js';
import { ModelRunner } from './runner.js';
import { SliceColumn } from './slices.js';

export interface ModelInput {
  bytes: Uint8Array;
  /** How to name it in messages and the document (a path, or `path@ref`). */
  display: string;
}

export interface BaselineInput {
  name: string;
  source: BaselineSource;
  /** Absent when there is no baseline yet; `missingReason` says why. */
  model?: ModelInput;
  missingReason?: string;
}

export interface EvaluateInput {
  task: Task;
  label: string;
  features?: string[];
  classes?: Scalar[];
  threshold?: number;
  input?: ModelSpec['input'];
  outputs?: ModelSpec['outputs'];
  model: ModelInput;
  baselines?: BaselineInput[];
  /**
   * The rows: raw batches (any format), or a columnar CSV read (`numeric`, which is given the
   * columns to parse as numbers once the header is known; much faster on large CSV files).
   * Nothing of a batch is kept past the next one (samples are copied), so its buffers may be reused.
   */
  data: { display: string; batches: AsyncIterable<RowBatch> } | { display: string; numeric: (select: (columns: string[]) => ColumnSelection) => AsyncIterable<NumericBatch> };
  slices?: SliceSpec[];
  /** Report only these metrics (plus `rows`); default all of the task's. */
  metrics?: string[];
  latency?: { samples?: number; warmup?: number };
  importance?: { enabled?: boolean; repeats?: number; seed?: number; metric?: string; rows?: number };
  custom?: { values: Record<string, number>; directions: Record<string, 'higher' | 'lower'> };
  /** Rows per model call when scoring importance samples. */
  batchSize?: number;
  now?: () => Date;
}

export const DEFAULTS = {
  threshold: 0.5,
  latencySamples: 100,
  latencyWarmup: 10,
  importanceRepeats: 5,
  importanceSeed: 0,
  importanceRows: 2000,
  batchSize: 4096,
};

type Meta = { firstRow: number; lines?: ArrayLike<number> };

interface Evaluated {
  name: string;
  runner: ModelRunner;
  source?: BaselineSource;
  bytes: Uint8Array;
}

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

export async function evaluateModels(input: EvaluateInput): Promise<EvaluationDocument> {
  const { task, label } = input;
  const dataFile = input.data.display;
  const warnings: string[] = [];
  const classification = task !== 'regression';
  const candidateModel = await loadOnnxModel(input.model.bytes, input.model.display);
  const missing: MissingBaseline[] = [];
  const baselineModels: { b: BaselineInput; model: LoadedModel }[] = [];
  for (const b of input.baselines ?? []) {
    if (!b.model) missing.push({ name: b.name, source: b.source, reason: b.missingReason ?? 'no baseline model found' });
    else baselineModels.push({ b, model: await loadOnnxModel(b.model.bytes, b.model.display) });
  }
  const dropBaseline = (e: Evaluated, err: unknown) => {
    if (!(err instanceof InputError)) throw err;
    missing.push({ name: e.name, source: e.source!, reason: `the baseline cannot be evaluated on these rows: ${err.message}` });
    evaluated.splice(evaluated.indexOf(e), 1);
  };

  const interner = new LabelInterner();
  const yIds = i32();
  const yNum = f64();
  const trueIds = new Set<number>();
  const samples = input.latency?.samples ?? DEFAULTS.latencySamples;
  const warmup = input.latency?.warmup ?? DEFAULTS.latencyWarmup;
  const latencyRows: unknown[][] = [];
  const latencyMetas: Meta[] = [];
  const imp = input.importance ?? {};
  const importanceOn = imp.enabled ?? true;
  const reservoirCap = importanceOn ? imp.rows ?? DEFAULTS.importanceRows : 0;
  const reservoir: { row: unknown[]; index: number }[] = [];
  const rand = mulberry32(imp.seed ?? DEFAULTS.importanceSeed);

  let columns: string[] | undefined;
  let labelCol = -1;
  let slices: SliceColumn[] = [];
  const evaluated: Evaluated[] = [];
  let rows = 0;

  const init = (cols: string[]): ColumnSelection => {
    columns = cols;
    labelCol = cols.indexOf(label);
    if (labelCol < 0) {
      throw new InputError(`label column '${label}' is not in ${dataFile} (columns: ${cols.join(', ')})`, {
        location: { file: dataFile, line: 1 },
        fix: delimiterHint(cols) ?? 'set model.label (or --label) to the column that holds the true labels',
      });
    }
    const planFor = (m: LoadedModel) => ({
      plan: planInputs(m, { columns: cols, label, features: input.features, input: input.input, dataFile }),
      outputs: planOutputs(m, task, input.outputs),
    });
    const c = planFor(candidateModel);
    evaluated.push({ name: 'candidate', runner: new ModelRunner(candidateModel, c.plan, c.outputs, task, cols, dataFile, interner), bytes: input.model.bytes });
    for (const { b, model } of baselineModels) {
      const e: Evaluated = { name: b.name, source: b.source, bytes: b.model!.bytes, runner: undefined as never };
      try {
        const p = planFor(model);
        e.runner = new ModelRunner(model, p.plan, p.outputs, task, cols, dataFile, interner);
        evaluated.push(e);
      } catch (err) {
        evaluated.push(e);
        dropBaseline(e, err);
      }
    }
    slices = (input.slices ?? []).map((s) => new SliceColumn(s, cols, dataFile));
    // What a columnar read must parse: float features as numbers; the label (classification),
    // slice columns and other features as raw text, so they convert exactly as raw rows do.
    const index = new Map(cols.map((name, i) => [name, i]));
    const numeric = new Set<number>();
    const text = new Set<number>([...slices.map((s) => index.get(s.spec.column)!)]);
    (classification ? text : numeric).add(labelCol);
    for (const e of evaluated) {
      const plan = e.runner?.plan;
      if (!plan) continue;
      const typed = plan.mode === 'tensor' ? plan.features.map((f) => ({ column: f, type: plan.tensor!.type })) : plan.columns!;
      for (const t of typed) (t.type === 'float32' || t.type === 'float64' ? numeric : text).add(index.get(t.column)!);
    }
    return { numeric: [...numeric].filter((c) => !text.has(c)), text: [...text] };
  };

  for await (const batch of batchViews(input.data, init)) {
    const n = batch.n;
    if (n === 0) continue;
    // True labels.
    if (classification) {
      let lastRaw: unknown = undefined;
      let lastId = -1;
      yIds.pushMany(n, (t, o) => {
        for (let r = 0; r < n; r++) {
          const v = batch.value(r, labelCol);
          if (v !== lastRaw || lastId < 0) {
            if (v === null || v === undefined) {
              throw badCell({ file: dataFile, batch, r, column: label, columnIndex: labelCol }, '', v, 'drop rows without a label from the evaluation data');
            }
            lastId = interner.id(v, () => ({ row: batch.firstRow + r, location: { file: dataFile, ...(batch.lines?.[r] !== undefined ? { line: batch.lines[r], column: labelCol + 1 } : {}) } }));
            lastRaw = v;
            trueIds.add(lastId);
          }
          t[o + r] = lastId;
        }
      });
    } else {
      yNum.pushMany(n, (t, o) => {
        for (let r = 0; r < n; r++) t[o + r] = toNumber(batch.value(r, labelCol), () => ({ file: dataFile, batch, r, column: label, columnIndex: labelCol }));
      });
    }
    for (const s of slices) s.add(batch);
    for (let r = 0; r < n && latencyRows.length < samples; r++) {
      latencyRows.push(batch.row(r));
      latencyMetas.push({ firstRow: batch.firstRow + r, lines: batch.lines ? [batch.lines[r]!] : undefined });
    }
    for (let r = 0; r < n && reservoirCap > 0; r++) {
      const index = rows + r;
      if (reservoir.length < reservoirCap) reservoir.push({ row: batch.row(r), index });
      else {
        const j = Math.floor(rand() * (index + 1));
        if (j < reservoirCap) reservoir[j] = { row: batch.row(r), index };
      }
    }
    // Every model sees the same rows; models with the same input plan share the tensors.
    const feedCache = new Map<string, Feeds>();
    const count = { length: n };
    for (const e of [...evaluated]) {
      let feeds = feedCache.get(e.runner.planKey);
      try {
        if (!feeds) {
          feeds = batch.rows ? e.runner.encoder.encode(batch.rows, batch) : e.runner.encoder.encodeView(batch);
          feedCache.set(e.runner.planKey, feeds);
        }
        await e.runner.consume(count, batch, feeds);
      } catch (err) {
        if (e.name === 'candidate') throw err;
        dropBaseline(e, err);
      }
    }
    rows += n;
  }
  if (!columns || rows === 0) {
    throw new InputError(`${dataFile} has no rows to evaluate`, { location: { file: dataFile }, fix: 'point evaluation.data (or --data) at the held-out rows' });
  }

  // Fix the class order now that every label has been seen.
  const candidate = evaluated[0]!;
  let order: ClassOrder | undefined;
  if (classification) {
    order = resolveClasses({
      task,
      interner,
      trueIds,
      // Predicted labels widen the default class set only when they are needed to reach the
      // model's probability columns (a label output may hold indices rather than class labels).
      defaultIds:
        candidate.runner.probColumns !== undefined && trueIds.size >= candidate.runner.probColumns
          ? trueIds
          : new Set([...trueIds, ...candidate.runner.predictedIds]),
      configured: input.classes,
      probColumns: candidate.runner.probColumns,
      label,
      modelDisplay: candidate.runner.model.display,
    });
    for (const e of evaluated.slice(1)) {
      const pc = e.runner.probColumns;
      if (pc !== undefined && pc !== order.keys.length && !(task === 'binary-classification' && pc === 1)) {
        dropBaseline(e, new InputError(`${e.runner.model.display} outputs ${pc} probability columns, but there are ${order.keys.length} classes`));
      }
    }
  }
  const threshold = input.threshold ?? DEFAULTS.threshold;
  const yIdsAll = yIds.view();
  const outcomeOf = (p: Predictions, w: string[], yIdsSub?: Int32Array, ySub?: Float64Array): Outcome =>
    classification ? classificationOutcome(p, yIdsSub ?? yIdsAll, order!, threshold, input.threshold !== undefined, w) : regressionOutcome(p, ySub ?? yNum.view());

  const groups = slices.map((s) => ({ column: s.spec.column, groups: s.groups(warnings) }));
  const keep = (m: Record<string, number>) => {
    if (!input.metrics) return m;
    const out: Record<string, number> = {};
    for (const k of [...input.metrics, 'rows']) if (k in m) out[k] = m[k]!;
    return out;
  };

  interface ModelResult {
    metrics: Record<string, number>;
    slices: SliceResult[];
    outcome: Outcome;
  }
  const results: ModelResult[] = [];
  for (const e of evaluated) {
    const w: string[] = [];
    const outcome = outcomeOf(e.runner.predictions(), w);
    const overall = taskMetrics(outcome);
    w.push(...overall.warnings);
    const metrics: Record<string, number> = { ...overall.metrics };
    const throughput = await e.runner.throughput();
    if (samples > 0) {
      const times = Float64Array.from(await e.runner.latency(latencyRows, latencyMetas, samples, warmup)).sort();
      metrics.latency_p50_ms = percentileSorted(times, 50);
      metrics.latency_p95_ms = percentileSorted(times, 95);
      metrics.latency_p99_ms = percentileSorted(times, 99);
    }
    metrics.throughput_rows_per_s = throughput;
    metrics.model_size_bytes = e.bytes.length;
    metrics.rows = rows;
    const sliceResults: SliceResult[] = [];
    for (const g of groups) {
      for (const { value, rows: idx } of g.groups) {
        const m = taskMetrics(subset(outcome, idx));
        // A slice that lacks a class (roc_auc_ovr, roc_auc) says so in the document, as overall does.
        w.push(...m.warnings.map((x) => `slice ${g.column}=${String(value)}: ${x}`));
        sliceResults.push({ slice: { [g.column]: value }, rows: idx.length, metrics: keep({ ...m.metrics, rows: idx.length }) });
      }
    }
    if (e.name === 'candidate') warnings.push(...w);
    else warnings.push(...w.map((x) => `baseline ${e.name}: ${x}`));
    results.push({ metrics: keep(metrics), slices: sliceResults, outcome });
  }

  // Custom metrics (from stage metrics files) belong to the candidate only.
  const candMetrics = { ...results[0]!.metrics, ...(input.custom?.values ?? {}) };

  // Permutation importance on the seeded reservoir sample.
  let importance: EvaluationDocument['importance'] = [];
  let importanceMetric: string | null = null;
  if (importanceOn && reservoir.length > 1) {
    const hasScores = candidate.runner.values.length > 0;
    const metric = imp.metric ?? defaultImportanceMetric(task, hasScores);
    importanceMetric = metric;
    const sampleRows = reservoir.map((s) => s.row);
    const sampleYIds = classification ? Int32Array.from(reservoir, (s) => yIdsAll[s.index]!) : undefined;
    const sampleY = classification ? undefined : Float64Array.from(reservoir, (s) => yNum.view()[s.index]!);
    const batchSize = input.batchSize ?? DEFAULTS.batchSize;
    const colIndex = new Map(columns.map((c, i) => [c, i]));
    const features = candidate.runner.plan.features;
    importance = await permutationImportance({
      features,
      columnOf: features.map((f) => colIndex.get(f)!),
      rows: sampleRows,
      metric,
      repeats: imp.repeats ?? DEFAULTS.importanceRepeats,
      seed: imp.seed ?? DEFAULTS.importanceSeed,
      score: async (rs) => {
        const values: number[] = [];
        const labels: number[] = [];
        for (let i = 0; i < rs.length; i += batchSize) {
          const out = await candidate.runner.predict(rs.slice(i, i + batchSize), { firstRow: 1 });
          if (out.values) for (const v of out.values) values.push(v);
          if (out.labelIds) for (const v of out.labelIds) labels.push(v);
        }
        const p: Predictions = {
          task,
          display: candidate.runner.model.display,
          values: values.length ? Float64Array.from(values) : null,
          labelIds: labels.length ? Int32Array.from(labels) : null,
          scoreIsProbability: candidate.runner.scoreIsProbability,
        };
        return taskMetrics(outcomeOf(p, [], sampleYIds, sampleY)).metrics[metric];
      },
    });
    if (importance.length === 0) warnings.push(`importance: metric '${metric}' is not available for this model; importance left out`);
  }

  const labels = order?.labels ?? [];
  const baselines: BaselineResult[] = evaluated.slice(1).map((e, k) => {
    const r = results[k + 1]!;
    const deltas: Record<string, number> = {};
    for (const [m, v] of Object.entries(candMetrics)) if (typeof r.metrics[m] === 'number') deltas[m] = v - r.metrics[m]!;
    return {
      name: e.name,
      source: e.source!,
      model: summary(e.runner.model, e.runner),
      metrics: r.metrics,
      deltas,
      slices: r.slices,
      confusion_matrix: confusion(r.outcome, labels),
    };
  });
  const directions = { ...(input.custom?.directions ?? {}) };
  return {
    schema: EVALUATION_SCHEMA_ID,
    generated_at: (input.now?.() ?? new Date()).toISOString(),
    task,
    rows,
    label,
    features: candidate.runner.plan.features,
    classes: order ? order.labels : null,
    threshold: task === 'binary-classification' ? threshold : null,
    data: { path: dataFile },
    model: summary(candidate.runner.model, candidate.runner),
    metrics: candMetrics,
    directions,
    confusion_matrix: confusion(results[0]!.outcome, labels),
    calibration: calibration(results[0]!.outcome),
    slices: results[0]!.slices,
    baseline: baselines[0] ?? null,
    baselines,
    baselines_missing: missing,
    importance,
    importance_metric: importanceMetric,
    warnings,
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
