/**
 * The one data set every form of the model card is rendered from. Text comes from
 * `report.model_card` in mlpipeline.yaml; every number and hash comes from the result documents
 * (evaluation, verdict, run record, lineage). A missing document is not an error: what it would
 * have told is recorded as unknown. Nothing here is escaped: the renderers do that per form.
 */
import type { RunRecord, Task } from '../../pipeline-schema/types.js';
import type { SliceValue } from '../../runners/evaluate/document.js';
import type { GateResult } from '../../runners/gates/verdict.js';
import type { LineageReport } from '../../runners/registry/lineage.js';
import type { ReportDocuments } from '../report-documents.js';
import { metricName, orderedMetrics } from './metric-names.js';

export interface MetricValue {
  /** The metric's id as in the documents (`roc_auc`). */
  metric: string;
  /** Its display name (`ROC AUC`). */
  name: string;
  value: number;
}

export interface SliceMetrics {
  slice: Record<string, SliceValue>;
  /** `contract=month-to-month`, columns joined by `, `. */
  label: string;
  rows: number;
  metrics: MetricValue[];
}

export interface DatasetInfo {
  /** Name under `data:` in mlpipeline.yaml, when the path is a declared dataset. */
  name: string | null;
  path: string;
  /** sha256 of the file, or of a directory's manifest (`directory: true`); null when unknown. */
  sha256: string | null;
  directory: boolean;
  size_bytes: number | null;
  rows: number | null;
  /** Which document the digest came from. */
  source: 'evaluation' | 'run' | 'lineage' | 'verdict' | null;
}

/** A gate result as the card lists it: the verdict's own record without the raw delta. */
export type GateLine = Omit<GateResult, 'delta'>;

export interface Caveat {
  text: string;
  /** `config`: a limitation written in report.model_card; `documents`: read off the result documents. */
  source: 'config' | 'documents';
}

export interface ModelCardData {
  pipeline: string;
  model: {
    name: string;
    /** The registered version whose model file is this one, when any environment's lineage says so. */
    version: string | null;
    /** Environments holding that version. */
    environments: string[];
    task: Task | null;
    path: string | null;
    sha256: string | null;
    size_bytes: number | null;
    input_mode: 'tensor' | 'columns' | null;
    inputs: { name: string; type: string; shape: (number | string)[] }[];
    outputs: { role: string; name: string }[];
    label: string | null;
    features: string[];
    classes: (string | number)[] | null;
    threshold: number | null;
  };
  source: { commit: string | null; ref: string | null; dirty: boolean | null; evaluated_at: string | null; registered_at: string | null };
  text: {
    description: string | null;
    intended_use: string | null;
    out_of_scope: string | null;
    ethical_considerations: string[];
    owners: { name: string; contact: string | null }[];
    license: string | null;
    references: string[];
    citation: string | null;
  };
  /** The slice columns (Mitchell et al.'s "factors"), with their bin edges when binned. */
  factors: { column: string; bins: number[] | null }[];
  metrics: { overall: MetricValue[]; slices: SliceMetrics[] };
  /** The metrics the PR comment leads with: those of report.metrics the evaluation has, else the task's first four. */
  headline: MetricValue[];
  evaluation_data: DatasetInfo | null;
  training_data: DatasetInfo[];
  gates: { passed: boolean; summary: { passed: number; failed: number; skipped: number; warnings: number }; results: GateLine[] } | null;
  caveats: Caveat[];
  /** What the card cannot say, and why (a missing document). */
  unknown: string[];
}

const HEADLINE_COUNT = 4;

export function sliceLabel(slice: Record<string, SliceValue>): string {
  return Object.entries(slice)
    .map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`)
    .join(', ');
}

function metricValues(metrics: Record<string, number>, task: Task | null): MetricValue[] {
  return orderedMetrics(metrics, task).map((metric) => ({ metric, name: metricName(metric), value: metrics[metric]! }));
}

function normPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function splitHash(h: string | undefined): { sha256: string | null; directory: boolean } {
  if (!h) return { sha256: null, directory: false };
  const directory = h.endsWith('.dir');
  const hex = directory ? h.slice(0, -4) : h;
  return { sha256: /^[0-9a-f]{64}$/.test(hex) ? hex : null, directory };
}

/** Every hash the run record holds for a path (as a dep or an out of any stage). */
function runHash(run: RunRecord | undefined, path: string): string | undefined {
  for (const s of run?.stages ?? []) {
    for (const [p, h] of [...Object.entries(s.outs), ...Object.entries(s.deps)]) if (normPath(p) === path) return h;
  }
  return undefined;
}

/** The lineage report whose registered model file is the one evaluated, if any. */
function registeredAs(lineage: Record<string, LineageReport> | undefined, sha256: string | null): LineageReport[] {
  if (!lineage || !sha256) return [];
  return Object.keys(lineage)
    .sort()
    .map((env) => lineage[env]!)
    .filter((r) => r.model_file?.sha256 === sha256);
}

/** Datasets upstream of the model file: walk the run record's stages back from the model through their outs. */
function trainingData(docs: ReportDocuments, datasetByPath: Map<string, string>, exclude: string | null, lineage: LineageReport | undefined): DatasetInfo[] {
  const p = docs.pipeline;
  const found = new Map<string, DatasetInfo>();
  const validated = docs.validation ? normPath(docs.validation.data.path) : null;
  const add = (path: string, hash: string | undefined, source: DatasetInfo['source'], size: number | null = null) => {
    if (found.has(path)) return;
    const h = splitHash(hash);
    const rows = path === validated ? docs.validation!.profile.rows : null;
    found.set(path, { name: datasetByPath.get(path) ?? null, path, ...h, size_bytes: size, rows, source: h.sha256 ? source : null });
  };
  // Lineage and report.model_card.datasets also name the evaluation data; it has its own section.
  // The walk from the model does not skip it: evaluation data upstream of the model is training data.
  const addOther = (path: string, hash: string | undefined, source: DatasetInfo['source'], size: number | null = null) => {
    if (path !== exclude) add(path, hash, source, size);
  };
  const stages = docs.run?.stages ?? [];
  const producer = new Map<string, (typeof stages)[number]>();
  for (const s of stages) for (const o of Object.keys(s.outs)) producer.set(normPath(o), s);
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const stage = producer.get(path);
    if (!stage) return;
    for (const [dep, hash] of Object.entries(stage.deps)) {
      const d = normPath(dep);
      if (datasetByPath.has(d)) add(d, hash, 'run');
      visit(d);
    }
  };
  if (p.model?.path) visit(normPath(p.model.path));
  for (const d of lineage?.data ?? []) {
    const path = normPath(d.path);
    const known = found.get(path);
    // The run record and the registration agree on this file: the registration also knows its size.
    if (known?.sha256 === d.sha256) known.size_bytes = d.size;
    if (known && !known.sha256) found.delete(path);
    addOther(path, d.kind === 'directory' ? `${d.sha256}.dir` : d.sha256, 'lineage', d.size);
  }
  for (const name of p.report?.model_card?.datasets ?? []) {
    const spec = p.data?.[name];
    if (spec) addOther(normPath(spec.path), runHash(docs.run, normPath(spec.path)), 'run');
  }
  return [...found.values()];
}

function evaluationData(docs: ReportDocuments, datasetByPath: Map<string, string>): DatasetInfo | null {
  const e = docs.evaluation;
  const spec = docs.pipeline.evaluation;
  const path = e ? normPath(e.data.path) : spec ? normPath(docs.pipeline.data?.[spec.data]?.path ?? spec.data) : null;
  if (path === null) return null;
  const v = docs.verdict?.evaluation_data;
  const fromVerdict = v && normPath(v.path) === path ? v : null;
  let sha256: string | null = null;
  let directory = false;
  let source: DatasetInfo['source'] = null;
  if (e?.data.sha256) {
    // The bytes evaluate read (hashed before and after the read).
    sha256 = e.data.sha256;
    source = 'evaluation';
  } else if (fromVerdict) {
    sha256 = fromVerdict.sha256;
    source = 'verdict';
  } else {
    const h = splitHash(runHash(docs.run, path));
    if (h.sha256) {
      sha256 = h.sha256;
      directory = h.directory;
      source = 'run';
    }
  }
  const size = e?.data.size_bytes ?? (fromVerdict?.sha256 === sha256 ? fromVerdict?.size : undefined) ?? null;
  const name = datasetByPath.get(path) ?? (spec && docs.pipeline.data?.[spec.data] ? spec.data : null);
  return { name, path, sha256, directory, size_bytes: size, rows: e?.rows ?? null, source };
}

export function buildModelCardData(docs: ReportDocuments): ModelCardData {
  const p = docs.pipeline;
  const mc = p.report?.model_card ?? {};
  const e = docs.evaluation;
  const unknown: string[] = [];
  const datasetByPath = new Map<string, string>();
  for (const [name, spec] of Object.entries(p.data ?? {})) datasetByPath.set(normPath(spec.path), name);

  const task: Task | null = e?.task ?? p.model?.task ?? null;
  const modelPath = e?.model.path ?? docs.verdict?.model?.path ?? p.model?.path ?? null;
  let sha256 = e?.model.sha256 ?? docs.verdict?.model?.sha256 ?? null;
  if (!sha256 && modelPath) sha256 = splitHash(runHash(docs.run, normPath(modelPath))).sha256;
  if (!sha256 && docs.registered_model_sha256) sha256 = docs.registered_model_sha256;
  const registered = registeredAs(docs.lineage, sha256);
  const reg = registered[0];
  if (!sha256 && !reg) unknown.push('model file digest: no evaluation, verdict or run record names it');

  if (!e) unknown.push('metrics, slices and the model\'s inputs and outputs: there is no evaluation document (run `mlpipeline evaluate`)');
  if (!docs.verdict) unknown.push('gate results: there is no verdict (run `mlpipeline gate`)');
  if (!docs.run) unknown.push('training data digests from this run: there is no run record (run `mlpipeline run`)');
  if (!reg) unknown.push('registered version: this model file is not the one any environment holds');

  const outputs = Object.entries(e?.model.outputs ?? {})
    .filter((kv): kv is [string, string] => typeof kv[1] === 'string')
    .map(([role, name]) => ({ role, name }));

  const overall = e ? metricValues(e.metrics, task) : [];
  const wanted = p.report?.metrics?.length ? p.report.metrics : null;
  const chosen = wanted ? wanted.flatMap((m) => overall.filter((v) => v.metric === m)) : [];
  const headline = chosen.length ? chosen : overall.slice(0, HEADLINE_COUNT);

  const sliceColumns = new Map<string, number[] | null>();
  for (const s of p.evaluation?.slices ?? []) sliceColumns.set(s.column, s.bins ?? null);
  for (const s of e?.slices ?? []) for (const c of Object.keys(s.slice)) if (!sliceColumns.has(c)) sliceColumns.set(c, null);

  const evalData = evaluationData(docs, datasetByPath);
  const evalDigest = evalData && reg?.data.find((x) => normPath(x.path) === evalData.path && x.sha256 === evalData.sha256);
  if (evalData && evalDigest && evalData.size_bytes === null) evalData.size_bytes = evalDigest.size;
  const caveats: Caveat[] = (mc.limitations ?? []).map((text) => ({ text, source: 'config' as const }));
  for (const w of e?.warnings ?? []) caveats.push({ text: w, source: 'documents' });
  if (docs.run?.git.dirty) caveats.push({ text: 'The pipeline ran on a working tree with uncommitted changes.', source: 'documents' });
  if (docs.run && docs.run.status !== 'succeeded') caveats.push({ text: `The last pipeline run did not succeed (status: ${docs.run.status}).`, source: 'documents' });
  if (docs.verdict?.model && sha256 && docs.verdict.model.sha256 !== sha256) {
    caveats.push({ text: 'The gate verdict judged a different model file than the one evaluated.', source: 'documents' });
  }

  return {
    pipeline: p.name,
    model: {
      name: p.model?.name ?? p.name,
      version: reg?.version ?? null,
      environments: registered.map((r) => r.environment ?? '').filter((x) => x !== ''),
      task,
      path: modelPath,
      sha256,
      size_bytes: e?.model.size_bytes ?? reg?.model_file?.size ?? null,
      input_mode: e?.model.input_mode ?? null,
      inputs: e?.model.inputs ?? [],
      outputs,
      label: e?.label ?? p.model?.label ?? null,
      features: e?.features ?? p.model?.features ?? [],
      classes: e?.classes ?? null,
      threshold: e?.threshold ?? null,
    },
    source: {
      commit: docs.repo?.commit ?? docs.run?.git.commit ?? null,
      ref: docs.repo?.ref ?? null,
      dirty: docs.run ? docs.run.git.dirty : null,
      evaluated_at: e?.generated_at ?? null,
      registered_at: reg?.registration?.time ?? null,
    },
    text: {
      description: mc.description ?? null,
      intended_use: mc.intended_use ?? null,
      out_of_scope: mc.out_of_scope ?? null,
      ethical_considerations: mc.ethical_considerations ?? [],
      owners: (mc.owners ?? []).map((o) => ({ name: o.name, contact: o.contact ?? null })),
      license: mc.license ?? null,
      references: mc.references ?? [],
      citation: mc.citation ?? null,
    },
    factors: [...sliceColumns].map(([column, bins]) => ({ column, bins })),
    metrics: {
      overall,
      slices: (e?.slices ?? []).map((s) => ({ slice: s.slice, label: sliceLabel(s.slice), rows: s.rows, metrics: metricValues(s.metrics, task) })),
    },
    headline,
    evaluation_data: evalData,
    training_data: trainingData(docs, datasetByPath, evalData?.path ?? null, reg),
    gates: docs.verdict
      ? {
          passed: docs.verdict.passed,
          summary: docs.verdict.summary,
          results: docs.verdict.gates.map((g) => ({
            name: g.name,
            metric: g.metric,
            slice: g.slice,
            across: g.across,
            kind: g.kind,
            threshold: g.threshold,
            value: g.value,
            vs: g.vs,
            baseline: g.baseline,
            status: g.status,
            severity: g.severity,
            reason: g.reason,
          })),
        }
      : null,
    caveats,
    unknown,
  };
}
