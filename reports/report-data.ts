/**
 * The data behind every report output (`report.json`, schema pipeline-schema/report.schema.json):
 * one pure function of the documents. It decides what the comment and the job summary say —
 * the verdict, which metrics are better or worse, which slice is worst, what did not run and
 * why — so the Markdown renderers only lay it out. Strings stay raw here (untrusted, escaped by
 * the renderers); numbers stay unrounded.
 */
import { METRIC_DIRECTIONS, type Direction } from '../pipeline-schema/metrics.js';
import type { RunRecord, StageStatus, Task } from '../pipeline-schema/types.js';
import type { DiffRow } from '../runners/diff/diff.js';
import type { EvaluationDocument, SliceValue } from '../runners/evaluate/document.js';
import type { GateResult } from '../runners/gates/verdict.js';
import { buildModelCardData } from './model-card/data.js';
import { modelCardBrief, type ModelCardBrief } from './model-card/summary.js';
import type { ReportAnnotation, ReportInputs, VersionMetrics } from './report-documents.js';

export const REPORT_SCHEMA_ID = 'mlpipeline/report@1';

export type VerdictStatus = 'passed' | 'failed' | 'warnings' | 'not-gated';
export type Change = 'better' | 'worse' | 'same' | null;

export interface ReportGate {
  name: string;
  metric: string;
  slice: string | null;
  kind: string;
  value: number | null;
  threshold: number;
  vs: string | null;
  baseline: number | null;
  delta: number | null;
  status: 'passed' | 'failed' | 'skipped' | 'warning';
  reason: string;
}

export interface ReportMetric {
  name: string;
  direction: Direction | null;
  candidate: number | null;
  base: number | null;
  production: number | null;
  /** candidate − base / production (raw), null when either is missing. */
  vs_base: number | null;
  vs_production: number | null;
  change_base: Change;
  change_production: Change;
}

export interface ReportStage {
  name: string;
  status: StageStatus;
  duration_ms: number;
  reason: string | null;
}

export interface ReportCheck {
  column: string | null;
  check: string;
  severity: 'error' | 'warn';
  expected: string;
  failed_count: number;
  failed_fraction: number;
  examples: { row: number; line: number | null; value: unknown }[];
}

export interface ReportDriftColumn {
  column: string;
  method: string;
  value: number;
  threshold: number;
  drifted: boolean;
}

export interface ReportSlice {
  slice: string;
  /** The slice as column → value. */
  where: Record<string, SliceValue>;
  rows: number;
  /** The slice's value of `slices.metric`; null when the slice lacks it. */
  value: number | null;
  metrics: Record<string, number>;
}

export interface ReportMissing {
  /** The section that is empty: run, validation, drift, evaluation, gates, diff, production, history. */
  section: string;
  reason: string;
}

export interface ReportData {
  schema: typeof REPORT_SCHEMA_ID;
  pipeline: { name: string; model: string | null; task: Task | null };
  repo: { commit: string; ref: string } | null;
  base: { ref: string; commit: string | null } | null;
  verdict: {
    status: VerdictStatus;
    /** Names of failed error-severity gates. */
    failing: string[];
    /** Names of failed warn-severity gates. */
    warnings: string[];
    /** Why there is no verdict (not-gated), else null. */
    reason: string | null;
    counts: { passed: number; failed: number; skipped: number; warnings: number } | null;
  };
  gates: ReportGate[];
  metrics: ReportMetric[];
  params_diff: DiffRow[] | null;
  metrics_diff: DiffRow[] | null;
  stages: ReportStage[] | null;
  run_status: RunRecord['status'] | null;
  checks: { data: string; total: number; passed: number; failed: ReportCheck[] } | null;
  drift: {
    drifted: boolean;
    share: number;
    share_threshold: number;
    baseline: string;
    drifted_count: number;
    /** Drifted columns first (largest exceedance first), then the others in document order. */
    columns: ReportDriftColumn[];
    skipped: { column: string; reason: string }[];
  } | null;
  slices: { metric: string; direction: Direction | null; rows: ReportSlice[] } | null;
  importance: { metric: string | null; features: { feature: string; drop: number; std: number }[] } | null;
  latency: Record<string, number> | null;
  history: { metric: string; versions: { version: string; time: string; value: number | null }[] } | null;
  /** What each environment holds (from the registry's lineage), by environment name. */
  environments: { environment: string; version: string; since: string | null; commit: string; gates_passed: boolean | null }[];
  missing: ReportMissing[];
  problems: { document: string; problem: string }[];
  /** The pipeline file, repository-relative (the comment's marker names it). */
  pipeline_file?: string;
  /** The pull request the run was for (a `pull_request` job): the report action checks it against the run it posts for. */
  pull_request?: { number: number; head_sha: string };
  /** Check-run annotations on exact lines of mlpipeline.yaml and the data file (runners/report/annotations.ts). */
  annotations?: ReportAnnotation[];
  /** What the comment's model card block says (reports/model-card/summary.ts), so a comment re-rendered from report.json is the one written locally. */
  model_card?: ModelCardBrief;
}

const LATENCY_KEYS = ['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'throughput_rows_per_s', 'model_size_bytes'];
const PRIMARY: Record<Task, string[]> = {
  'binary-classification': ['roc_auc', 'f1', 'accuracy'],
  'multiclass-classification': ['f1_macro', 'accuracy'],
  regression: ['rmse', 'mae', 'r2'],
};

export function directionOf(metric: string, evaluation?: EvaluationDocument): Direction | null {
  return evaluation?.directions?.[metric] ?? METRIC_DIRECTIONS[metric] ?? null;
}

/** better / worse / same for `delta` = candidate − other, by the metric's direction; null without one. */
export function changeOf(delta: number | null, direction: Direction | null): Change {
  if (delta === null || direction === null || !Number.isFinite(delta)) return null;
  if (delta === 0) return 'same';
  return (delta > 0) === (direction === 'higher') ? 'better' : 'worse';
}

export function sliceLabel(where: Record<string, SliceValue>): string {
  return Object.entries(where)
    .map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`)
    .join(', ');
}

/** The metric the slices, the history and the charts are about: the first gated one the evaluation has, else the task's. */
export function primaryMetric(inputs: ReportInputs): string | null {
  const ev = inputs.evaluation;
  const have = (m: string) => (ev ? ev.metrics[m] !== undefined : true);
  for (const g of inputs.pipeline.gates ?? []) if (have(g.metric) && !LATENCY_KEYS.includes(g.metric)) return g.metric;
  const task = ev?.task ?? inputs.pipeline.model?.task;
  if (!task) return null;
  return PRIMARY[task].find(have) ?? null;
}

function verdictOf(inputs: ReportInputs, missing: ReportMissing[]): ReportData['verdict'] {
  const v = inputs.verdict;
  if (!v) {
    const reason = missing.find((m) => m.section === 'gates')?.reason ?? 'no gate verdict';
    return { status: 'not-gated', failing: [], warnings: [], reason, counts: null };
  }
  const failing = v.gates.filter((g) => g.status === 'failed' && g.severity !== 'warn').map((g) => g.name);
  const warnings = v.gates.filter((g) => g.status === 'failed' && g.severity === 'warn').map((g) => g.name);
  const status: VerdictStatus = !v.passed || failing.length ? 'failed' : warnings.length ? 'warnings' : 'passed';
  return { status, failing, warnings, reason: null, counts: v.summary };
}

function whyMissing(inputs: ReportInputs): ReportMissing[] {
  const out: ReportMissing[] = [];
  const run = inputs.run;
  const failed = run?.stages.find((s) => s.status === 'failed');
  const upstream = !run
    ? 'mlpipeline run has not run here'
    : failed
      ? `stage ${failed.name} failed`
      : run.status === 'interrupted'
        ? 'the run was interrupted'
        : run.status === 'running'
          ? 'the run did not finish'
          : null;
  if (!run) out.push({ section: 'run', reason: 'no run record: mlpipeline run has not run here' });
  if (!inputs.validation) {
    out.push({
      section: 'validation',
      reason: inputs.pipeline.validation ? 'no data validation: mlpipeline validate-data did not run' : 'no data validation: mlpipeline.yaml has no validation block',
    });
  } else if (!inputs.validation.drift) {
    out.push({ section: 'drift', reason: `no drift: ${inputs.validation.drift_skipped ?? 'no drift baseline was given'}` });
  }
  if (!inputs.evaluation) {
    out.push({ section: 'evaluation', reason: `no evaluation: ${upstream ?? 'mlpipeline evaluate did not run'}` });
  } else {
    for (const b of inputs.evaluation.baselines_missing ?? []) out.push({ section: b.name === 'base' ? 'base' : 'production', reason: `no ${b.name} baseline: ${b.reason}` });
  }
  const refused = inputs.problems?.find((p) => /(^|\/)verdict\.json$/.test(p.document));
  if (!inputs.verdict) {
    const why = refused ? `${refused.document} is not used (it does not judge this evaluation and the current gates)` : inputs.evaluation ? 'mlpipeline gate did not run' : `no evaluation (${upstream ?? 'mlpipeline evaluate did not run'})`;
    out.push({ section: 'gates', reason: `no gate verdict: ${why}` });
  }
  for (const note of inputs.notes ?? []) out.push({ section: 'run', reason: note });
  if (!inputs.params_diff && !inputs.metrics_diff) out.push({ section: 'diff', reason: `no diff against the base: ${inputs.diff_skipped ?? 'no base ref'}` });
  return out;
}

function gatesOf(inputs: ReportInputs): ReportGate[] {
  return reportGates(inputs.verdict?.gates ?? []);
}

/** Gate results as the report tables show them (a failed warn gate is a warning). */
export function reportGates(gates: readonly GateResult[]): ReportGate[] {
  return gates.map((g) => ({
    name: g.name,
    metric: g.metric,
    slice: g.slice ? sliceLabel(g.slice) : g.across ? `across ${g.across}` : null,
    kind: g.kind,
    value: g.value,
    threshold: g.threshold,
    vs: g.vs,
    baseline: g.baseline,
    delta: g.delta,
    status: g.status === 'failed' && g.severity === 'warn' ? 'warning' : g.status,
    reason: g.reason,
  }));
}

function metricsOf(ev: EvaluationDocument | undefined): ReportMetric[] {
  if (!ev) return [];
  const find = (name: string) => (ev.baselines ?? []).find((b) => b.name === name);
  const base = find('base');
  // "production" is the registry stage the pipeline compares with; any other stage baseline stands in when that is absent.
  const prod = find('production') ?? (ev.baselines ?? []).find((b) => b.name !== 'base');
  return Object.entries(ev.metrics).map(([name, candidate]) => {
    const direction = directionOf(name, ev);
    const b = base?.metrics[name] ?? null;
    const p = prod?.metrics[name] ?? null;
    const vsBase = b === null ? null : clean(candidate - b);
    const vsProd = p === null ? null : clean(candidate - p);
    return {
      name,
      direction,
      candidate,
      base: b,
      production: p,
      vs_base: vsBase,
      vs_production: vsProd,
      change_base: changeOf(vsBase, direction),
      change_production: changeOf(vsProd, direction),
    };
  });
}

function checksOf(inputs: ReportInputs): ReportData['checks'] {
  const v = inputs.validation;
  if (!v) return null;
  const failed = v.checks.filter((c) => !c.passed);
  return {
    data: v.data.path,
    total: v.checks.length,
    passed: v.checks.length - failed.length,
    failed: failed.map((c) => ({
      column: c.column,
      check: c.check,
      severity: c.severity,
      expected: c.expected,
      failed_count: c.failed_count,
      failed_fraction: c.failed_fraction,
      examples: c.examples.slice(0, 5).map((e) => ({ row: e.row, line: e.line, value: e.value })),
    })),
  };
}

/** How far past its threshold a drifted column is (p-values: how far below). */
function exceedance(c: ReportDriftColumn): number {
  return c.method === 'ks' || c.method === 'chi2' ? c.threshold - c.value : c.value - c.threshold;
}

function driftOf(inputs: ReportInputs): ReportData['drift'] {
  const d = inputs.validation?.drift;
  if (!d) return null;
  const columns: ReportDriftColumn[] = Object.entries(d.columns).map(([column, c]) => ({ column, method: c.method, value: c.value, threshold: c.threshold, drifted: c.drifted }));
  const drifted = columns.filter((c) => c.drifted).sort((a, b) => exceedance(b) - exceedance(a));
  return {
    drifted: d.drifted,
    share: d.share,
    share_threshold: d.share_threshold,
    baseline: `${d.baseline.ref ? `${d.baseline.ref}:` : ''}${d.baseline.path}`,
    drifted_count: drifted.length,
    columns: [...drifted, ...columns.filter((c) => !c.drifted)],
    skipped: Object.entries(d.skipped_columns).map(([column, reason]) => ({ column, reason })),
  };
}

function slicesOf(ev: EvaluationDocument | undefined, metric: string | null): ReportData['slices'] {
  if (!ev || !metric || !ev.slices?.length) return null;
  const direction = directionOf(metric, ev);
  const rows: ReportSlice[] = ev.slices.map((s) => ({ slice: sliceLabel(s.slice), where: s.slice, rows: s.rows, value: s.metrics[metric] ?? null, metrics: s.metrics }));
  // Worst first: the lowest value of a higher-is-better metric; slices without the metric last.
  const key = (r: ReportSlice) => (r.value === null || !Number.isFinite(r.value) ? Infinity : direction === 'lower' ? -r.value : r.value);
  rows.sort((a, b) => key(a) - key(b));
  return { metric, direction, rows };
}

function historyOf(history: VersionMetrics[] | undefined, metric: string | null): ReportData['history'] {
  if (!history?.length || !metric) return null;
  return { metric, versions: history.map((h) => ({ version: h.version, time: h.time, value: h.metrics[metric] ?? null })) };
}

export function buildReportData(inputs: ReportInputs): ReportData {
  const missing = whyMissing(inputs);
  const ev = inputs.evaluation;
  const metric = primaryMetric(inputs);
  const latency = ev ? Object.fromEntries(LATENCY_KEYS.filter((k) => ev.metrics[k] !== undefined).map((k) => [k, ev.metrics[k]!])) : null;
  if (!inputs.history?.length) missing.push({ section: 'history', reason: 'no history: no registered version of the model' });
  return {
    schema: REPORT_SCHEMA_ID,
    pipeline: { name: inputs.pipeline.name, model: inputs.pipeline.model?.name ?? null, task: ev?.task ?? inputs.pipeline.model?.task ?? null },
    repo: inputs.repo ?? null,
    base: inputs.base ?? null,
    verdict: verdictOf(inputs, missing),
    gates: gatesOf(inputs),
    metrics: metricsOf(ev),
    params_diff: inputs.params_diff?.rows ?? null,
    metrics_diff: inputs.metrics_diff?.rows ?? null,
    stages: inputs.run ? inputs.run.stages.map((s) => ({ name: s.name, status: s.status, duration_ms: s.duration_ms, reason: s.reason ?? null })) : null,
    run_status: inputs.run?.status ?? null,
    checks: checksOf(inputs),
    drift: driftOf(inputs),
    slices: slicesOf(ev, metric),
    importance: ev?.importance?.length ? { metric: ev.importance_metric, features: ev.importance.map((i) => ({ ...i })) } : null,
    latency: latency && Object.keys(latency).length ? latency : null,
    history: historyOf(inputs.history, metric),
    environments: Object.entries(inputs.lineage ?? {})
      .map(([environment, l]) => ({ environment, version: l.version, since: l.holding?.since ?? null, commit: l.commit, gates_passed: l.verdict?.passed ?? null }))
      .sort((a, b) => a.environment.localeCompare(b.environment)),
    missing,
    problems: inputs.problems ?? [],
    ...(inputs.pipeline_file === undefined ? {} : { pipeline_file: inputs.pipeline_file }),
    ...(inputs.pull_request ? { pull_request: { ...inputs.pull_request } } : {}),
    ...(inputs.annotations ? { annotations: inputs.annotations.map((a) => ({ ...a })) } : {}),
    model_card: modelCardBrief(buildModelCardData(inputs)),
  };
}

/** Drop binary floating-point noise from a difference. */
function clean(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}
