/**
 * Performance when labels arrive (`monitoring.performance`): the version now in the environment
 * is evaluated on the newest labelled batch with evaluation's own code (the same task, features,
 * classes, threshold, metrics and slices as `mlpipeline evaluate`), and judged by the same gate
 * code as `mlpipeline gate`.
 *
 * What a comparison gate compares with: in CI a candidate is compared with the deployed model;
 * here the deployed model IS what is judged, so `vs: ENV` compares its live value with the value
 * the same version scored when it was gated, read from the verdict in its register tag (the
 * lineage record). That is the question a monitor asks: "has it got worse than when we shipped
 * it?". A metric that verdict did not record makes the gate skipped, with the reason, never passed.
 *
 * Labels arrive later than the features, so a missing labelled batch, a batch without the label
 * column, or fewer rows than `min_rows` is "waiting", not an error and not a pass.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readBatches, readColumns, type DataSource } from '../data/source.js';
import { readNumericBatches, supportsNumericBatches } from '../data/numeric-batches.js';
import type { GateSpec, LoadedPipeline, MonitoringPerformanceSpec, Scalar, Task } from '../../pipeline-schema/types.js';
import type { RowBatch } from '../data/source-types.js';
import type { BaselineResult, EvaluationDocument, SliceResult, SliceValue } from '../evaluate/document.js';
import type { LineageRecord } from '../registry/lineage-record.js';
import type { Verdict } from '../gates/verdict.js';
import { verdictOf } from '../gates/gates.js';
import { gateBaselineNames } from '../evaluate/request.js';
import { resolveNewestBatch } from './live.js';
import { dict } from '../../core/own.js';
import { InputError } from '../../core/errors.js';

export const DEFAULT_MIN_LABELLED_ROWS = 100;

export interface PerformanceResult {
  /** `evaluated`: metrics and gates below; `waiting`: no labelled rows to judge yet (see `reason`). */
  status: 'evaluated' | 'waiting';
  reason: string | null;
  data: { path: string; sha256: string; rows: number; batches_matched: number } | null;
  /** The deployed model that was evaluated. */
  model: { display: string; version: string | null; sha256: string } | null;
  metrics: Record<string, number>;
  slices: SliceResult[];
  /** The gates' verdict on the live metrics (null while waiting). */
  verdict: Pick<Verdict, 'passed' | 'summary' | 'gates'> | null;
  /** A gate of severity error failed. */
  failed: boolean;
  warnings: string[];
}

export interface DeployedModel {
  bytes: Uint8Array;
  display: string;
  version: string | null;
  /** The lineage record of the version's register tag, for comparison gates. */
  record: LineageRecord | null;
}

const waiting = (reason: string, data: PerformanceResult['data'] = null): PerformanceResult => ({
  status: 'waiting',
  reason,
  data,
  model: null,
  metrics: {},
  slices: [],
  verdict: null,
  failed: false,
  warnings: [],
});

async function sha256File(abs: string): Promise<string> {
  return createHash('sha256').update(await readFile(abs)).digest('hex');
}

const sliceKey = (s: Record<string, unknown> | null | undefined): string =>
  s ? JSON.stringify(Object.keys(s).sort().map((k) => [k, String(s[k])])) : '';

/**
 * What the version scored when it was gated: each gate result of its recorded verdict carries the
 * candidate's value of its metric (overall or in its slice). `max_gap` values are gaps, not metric
 * values, and are left out.
 */
export function recordedScores(record: LineageRecord | null): { overall: Record<string, number>; slices: Map<string, { slice: Record<string, SliceValue>; metrics: Record<string, number> }> } {
  const overall = dict<number>();
  const slices = new Map<string, { slice: Record<string, SliceValue>; metrics: Record<string, number> }>();
  for (const g of record?.verdict?.gates ?? []) {
    if (g.kind === 'max_gap' || typeof g.value !== 'number' || !Number.isFinite(g.value) || typeof g.metric !== 'string') continue;
    const slice = g.slice && typeof g.slice === 'object' ? (g.slice as Record<string, SliceValue>) : null;
    if (!slice) {
      overall[g.metric] ??= g.value;
      continue;
    }
    const key = sliceKey(slice);
    const entry = slices.get(key) ?? { slice, metrics: dict<number>() };
    entry.metrics[g.metric] ??= g.value;
    slices.set(key, entry);
  }
  return { overall, slices };
}


/** The recorded scores as evaluation baselines, one per name comparison gates use (`vs`). */
export function recordedBaselines(doc: EvaluationDocument, gates: readonly GateSpec[], deployed: DeployedModel, environment: string | null): void {
  const names = gateBaselineNames(gates);
  doc.baselines = [];
  doc.baselines_missing = [];
  if (names.length === 0) return;
  const source = { kind: 'stage' as const, stage: environment ?? 'deployed', ...(deployed.version ? { version: deployed.version } : {}) };
  const verdict = deployed.record?.verdict;
  const recordedModel = deployed.record?.model_file?.sha256;
  // Only a verdict register bound to exactly this model is what the version scored (as promote's
  // require_gates demands); a hand-written, old or forged one is never compared with.
  if (verdict && (verdict.bound !== true || !verdict.binding || verdict.binding.model?.sha256 !== recordedModel || recordedModel !== doc.model.sha256)) {
    const why = verdict.bound !== true ? (verdict.problems ?? []).join('; ') || 'register did not bind it' : 'the model it judged is not the deployed model file';
    for (const name of names) doc.baselines_missing.push({ name, source, reason: `the verdict in the register tag of ${deployed.display} was not bound to the registered model and data (${why}), so its scores are not compared with` });
    return;
  }
  if (!verdict) {
    for (const name of names) doc.baselines_missing.push({ name, source, reason: `the register tag of ${deployed.display} records no gate verdict to compare the live metrics with` });
    return;
  }
  const scores = recordedScores(deployed.record ?? null);
  for (const name of names) {
    if (name !== environment) {
      doc.baselines_missing.push({ name, source, reason: `this run monitors ${environment ?? 'a fixed reference'}; a 'vs: ${name}' gate compares the live metrics with the recorded scores of the version in ${name} only when ${name} is the environment monitored` });
      continue;
    }
    const deltas = dict<number>();
    for (const [m, v] of Object.entries(scores.overall)) if (typeof doc.metrics[m] === 'number') deltas[m] = doc.metrics[m]! - v;
    const baseline: BaselineResult = {
      name,
      source,
      model: doc.model,
      metrics: scores.overall,
      deltas,
      slices: [...scores.slices.values()].map((s) => ({ slice: s.slice, rows: 0, metrics: s.metrics })),
      confusion_matrix: null,
    } as BaselineResult;
    doc.baselines.push(baseline);
  }
}

export interface PerformanceContext {
  loaded: LoadedPipeline;
  spec: MonitoringPerformanceSpec;
  root: string;
  /** The live batch (the default labelled batch). */
  live: { abs: string; path: string; format?: string; delimiter?: string };
  environment: string | null;
  /** Loads the deployed model; only called when there are labelled rows to evaluate. */
  deployedModel: () => Promise<DeployedModel>;
}

export async function monitorPerformance(ctx: PerformanceContext): Promise<PerformanceResult> {
  const { loaded, spec } = ctx;
  const p = loaded.pipeline;
  const model = p.model;
  if (!model) {
    throw new InputError('monitoring.performance evaluates the deployed model, but mlpipeline.yaml has no model: section', {
      location: { file: loaded.displayFile ?? loaded.file, ...(loaded.locate('/monitoring/performance') ?? {}) },
      fix: 'declare model: (path, task, label, features), or remove monitoring.performance',
    });
  }
  const minRows = spec.min_rows ?? DEFAULT_MIN_LABELLED_ROWS;

  let batch: { abs: string; path: string; matched: number; format?: string; delimiter?: string };
  if (spec.path !== undefined) {
    const found = await resolveNewestBatch(loaded, ctx.root, spec.path, '/monitoring/performance/path', { optional: true });
    if (!found) return waiting(`no labelled batch matches ${spec.path} yet`);
    batch = { ...found, ...(spec.format ? { format: spec.format } : {}), ...(spec.delimiter ? { delimiter: spec.delimiter } : {}) };
  } else {
    batch = { abs: ctx.live.abs, path: ctx.live.path, matched: 1, ...(ctx.live.format ? { format: ctx.live.format } : {}), ...(ctx.live.delimiter ? { delimiter: ctx.live.delimiter } : {}) };
  }
  const source: DataSource = { path: batch.abs, cwd: loaded.dir, ...(batch.format ? { format: batch.format as DataSource['format'] } : {}), ...(batch.delimiter ? { delimiter: batch.delimiter } : {}) };
  const sha256 = await sha256File(batch.abs);
  const columns = await readColumns(source);
  if (!columns.includes(model.label)) {
    return waiting(`${batch.path} has no label column '${model.label}' yet`, { path: batch.path, sha256, rows: 0, batches_matched: batch.matched });
  }

  // Labels arrive row by row: rows whose label is still empty are left out (and counted), and
  // too few labelled rows (zero included) is waiting, never an error that would sink the drift report.
  const count = await countLabelled(source, model.label, batchSize0(p));
  const data0 = { path: batch.path, sha256, rows: count.labelled, batches_matched: batch.matched };
  const unlabelledNote = count.unlabelled ? ` (${count.unlabelled} row${count.unlabelled === 1 ? '' : 's'} without a label yet left out)` : '';
  if (count.labelled < minRows) {
    return waiting(`${batch.path} has ${count.labelled} labelled row${count.labelled === 1 ? '' : 's'}${unlabelledNote}, fewer than monitoring.performance.min_rows (${minRows})`, data0);
  }
  // Named here, not by the evaluation engine: its fix (edit model.features) is wrong for a deployed model.
  const missing = (model.features ?? []).filter((f) => !columns.includes(f));
  if (missing.length) {
    throw new InputError(`the labelled batch ${batch.path} has no column${missing.length === 1 ? '' : 's'} ${missing.slice(0, 10).map((m) => `'${m}'`).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''} of the features the deployed model takes`, {
      location: { file: batch.path, line: 1, column: 1 },
      fix: 'log every model.features column the model was fed, with the label, in the labelled batches (their header is read as the column names)',
    });
  }
  const deployed = await ctx.deployedModel();
  const ev = p.evaluation;
  const batchSize = ev?.batch_size ?? 4096;
  // Lazily: onnxruntime-node is only loaded when there is something to evaluate.
  const { evaluateModels } = await import('../evaluate/evaluate.js');
  const { evaluateGates } = await import('../gates/gates.js');
  const doc = await evaluateModels({
    task: model.task as Task,
    label: model.label,
    ...(model.features ? { features: model.features } : {}),
    ...(model.classes ? { classes: model.classes as Scalar[] } : {}),
    ...(model.threshold !== undefined ? { threshold: model.threshold } : {}),
    ...(model.input ? { input: model.input } : {}),
    ...(model.outputs ? { outputs: model.outputs } : {}),
    model: { bytes: deployed.bytes, display: deployed.display },
    baselines: [],
    data:
      count.unlabelled === 0 && supportsNumericBatches(source)
        ? { display: batch.path, numeric: (select) => readNumericBatches(source, { batchSize, select, reuseBuffers: true }) }
        : { display: batch.path, batches: labelledRows(source, model.label, batchSize) },
    ...(ev?.slices ? { slices: ev.slices } : {}),
    ...(ev?.metrics ? { metrics: ev.metrics } : {}),
    // Latency and importance describe the model, not the live data: CI measures them.
    latency: { samples: 0 },
    importance: { enabled: false },
    batchSize,
  });
  const data = { ...data0, rows: doc.rows };
  if (count.unlabelled) doc.warnings.push(`${count.unlabelled} row${count.unlabelled === 1 ? '' : 's'} of ${batch.path} have no label yet and were left out`);
  const modelInfo = { display: deployed.display, version: deployed.version, sha256: doc.model.sha256 };
  if (doc.rows < minRows) {
    return { ...waiting(`${batch.path} has ${doc.rows} labelled row${doc.rows === 1 ? '' : 's'}, fewer than monitoring.performance.min_rows (${minRows})`, data), model: modelInfo };
  }
  const gates = spec.gates ?? p.gates ?? [];
  recordedBaselines(doc, gates, deployed, ctx.environment);
  const verdict = skipUndefined(evaluateGates(gates, doc, p.gates_defaults), model.task as Task, count.classes);
  return {
    status: 'evaluated',
    reason: null,
    data,
    model: modelInfo,
    metrics: doc.metrics,
    slices: doc.slices,
    verdict: { passed: verdict.passed, summary: verdict.summary, gates: verdict.gates },
    failed: !verdict.passed,
    warnings: doc.warnings,
  };
}

const batchSize0 = (p: LoadedPipeline['pipeline']): number => p.evaluation?.batch_size ?? 4096;

const isMissingLabel = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** Rows with and without a label, and the distinct labels seen (up to 1,000). */
async function countLabelled(source: DataSource, label: string, batchSize: number): Promise<{ labelled: number; unlabelled: number; classes: number }> {
  let labelled = 0;
  let unlabelled = 0;
  const seen = new Set<string>();
  for await (const b of readBatches(source, { batchSize })) {
    const at = b.columns.indexOf(label);
    for (const row of b.rows) {
      const v = at < 0 ? undefined : row[at];
      if (isMissingLabel(v)) unlabelled++;
      else {
        labelled++;
        if (seen.size < 1000) seen.add(String(v));
      }
    }
  }
  return { labelled, unlabelled, classes: seen.size };
}

/** The batches without the rows whose label has not arrived. */
async function* labelledRows(source: DataSource, label: string, batchSize: number): AsyncIterable<RowBatch> {
  for await (const b of readBatches(source, { batchSize })) {
    const at = b.columns.indexOf(label);
    const keep: number[] = [];
    b.rows.forEach((row, i) => {
      if (!isMissingLabel(at < 0 ? undefined : row[at])) keep.push(i);
    });
    if (keep.length === b.rows.length) yield b;
    else if (keep.length) yield { columns: b.columns, rows: keep.map((i) => b.rows[i]!), firstRow: b.firstRow + keep[0]!, ...(b.lines ? { lines: keep.map((i) => b.lines![i]!) } : {}) };
  }
}

/** Ranking metrics need both classes; with one class in the batch they are undefined (reported as 0). */
const RANKING_METRICS = new Set(['roc_auc', 'pr_auc', 'roc_auc_ovr', 'average_precision']);

/**
 * A gate on a metric the labelled batch cannot define (ROC AUC when nobody churned) is skipped
 * with the reason: a live batch of one class is a normal outcome, not a regression, and the value
 * 0 the metric code reports for it must neither fail nor pass a gate.
 */
function skipUndefined(v: Verdict, task: Task, classes: number): Verdict {
  if (task === 'regression' || classes >= 2) return v;
  const gates = v.gates.map((g) =>
    RANKING_METRICS.has(g.metric) && g.status !== 'skipped'
      ? { ...g, status: 'skipped' as const, reason: `skipped: ${g.metric} is undefined on a labelled batch with only one class; it is judged once both classes have arrived` }
      : g,
  );
  return { ...v, ...verdictOf(gates) };
}
