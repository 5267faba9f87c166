/**
 * The evaluation config: everything in mlpipeline.yaml that decides an evaluation's metrics, as
 * one canonical object and its sha256. `mlpipeline evaluate` records it in the evaluation
 * document; `mlpipeline gate` refuses a document whose config is not the pipeline's any more;
 * `register` and `require_gates` compare the verdict's copy with the registered commit's and the
 * default branch's pipeline (runners/registry/verdict-binding.ts, policy.ts).
 *
 * In it: the `model:` section (task, label, features and their order, classes, threshold, input,
 * outputs) without `path` and `name` (the model file is bound by its own sha256), the
 * `evaluation:` section (slices, metrics, custom_metrics, latency, importance, batch_size) without
 * `data`, `output` and `baseline` (the data and the baseline models are bound by sha256), and how
 * the evaluation dataset is parsed (format, delimiter). Custom metrics read their values from
 * files, so each such file's sha256 is bound too, apart from the config object: a new version
 * legitimately has new metric values, so only the registered commit's files are compared.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { canonicalDigest, canonicalJson } from '../../core/canonical-json.js';
import type { Pipeline } from '../../pipeline-schema/types.js';

export interface CustomMetricFile {
  name: string;
  /** Relative to the pipeline folder, `/`-separated. */
  path: string;
  /** null when the file did not exist. */
  sha256: string | null;
}

export interface EvaluationConfigBinding {
  /** sha256 of canonicalJson(config). */
  sha256: string;
  /** What was hashed, so a difference can be named key by key. */
  config: { model: Record<string, unknown>; evaluation: Record<string, unknown>; dataset: Record<string, unknown> };
  custom_metric_files: CustomMetricFile[];
}

/** Flags of `mlpipeline evaluate` that replace parts of the model section. */
export interface ConfigOverrides {
  task?: string;
  label?: string;
  features?: string[];
}

const without = (o: object | undefined, keys: string[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (!keys.includes(k) && v !== undefined) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
};

export function evaluationConfig(p: Pipeline | undefined, overrides: ConfigOverrides = {}): EvaluationConfigBinding['config'] {
  const model = without(p?.model, ['path', 'name']);
  if (overrides.task !== undefined) model.task = overrides.task;
  if (overrides.label !== undefined) model.label = overrides.label;
  if (overrides.features !== undefined) model.features = overrides.features;
  const ev = p?.evaluation;
  const data = p?.data;
  const ds = ev?.data !== undefined && data && Object.hasOwn(data, ev.data) ? data[ev.data] : undefined;
  return { model, evaluation: without(ev, ['data', 'output', 'baseline']), dataset: ds ? without({ format: ds.format, delimiter: ds.delimiter }, []) : {} };
}

/** The binding of the config in `p` (with `overrides`), hashing custom metric files with `hash` (absolute path → sha256, undefined when absent). */
export async function bindEvaluationConfig(
  p: Pipeline | undefined,
  dir: string,
  hash: (abs: string, rel: string) => Promise<string | undefined>,
  overrides: ConfigOverrides = {},
): Promise<EvaluationConfigBinding> {
  const config = evaluationConfig(p, overrides);
  const files: CustomMetricFile[] = [];
  for (const [name, c] of Object.entries(p?.evaluation?.custom_metrics ?? {})) {
    if (!c.file) continue;
    const abs = resolve(dir, c.file);
    const rel = relative(dir, abs).split(sep).join('/');
    files.push({ name, path: rel, sha256: (await hash(abs, rel)) ?? null });
  }
  return { sha256: canonicalDigest(config), config, custom_metric_files: files };
}

/** The keys (`model.threshold`, `evaluation.slices`, ...) whose values differ, with both values. */
export function configDifferences(was: EvaluationConfigBinding['config'] | undefined, now: EvaluationConfigBinding['config'], labels: [string, string]): string[] {
  if (!was || typeof was !== 'object') return [];
  const out: string[] = [];
  for (const section of ['model', 'evaluation', 'dataset'] as const) {
    const a = (was[section] ?? {}) as Record<string, unknown>;
    const b = now[section];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const x = Object.hasOwn(a, k) ? a[k] : undefined;
      const y = Object.hasOwn(b, k) ? b[k] : undefined;
      if (canonicalJson(x) !== canonicalJson(y)) out.push(`${section === 'dataset' ? 'data' : section}.${k}: ${shortJson(x)} ${labels[0]}, ${shortJson(y)} ${labels[1]}`);
    }
  }
  return out;
}

export const shortJson = (v: unknown): string => {
  if (v === undefined) return '(unset)';
  const t = canonicalJson(v);
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
};

/** Custom metric files whose sha256 differs between `was` and `now`. */
export function fileDifferences(was: CustomMetricFile[] | undefined, now: CustomMetricFile[]): string[] {
  const out: string[] = [];
  const before = new Map((was ?? []).map((f) => [`${f.name}\0${f.path}`, f.sha256]));
  for (const f of now) {
    const key = `${f.name}\0${f.path}`;
    if (!before.has(key)) out.push(`custom metric ${f.name}: ${f.path} was not part of the evaluation`);
    else if (before.get(key) !== f.sha256) out.push(`custom metric ${f.name}: ${f.path} changed since the evaluation${f.sha256 === null ? ' (it is gone)' : ''}`);
    before.delete(key);
  }
  for (const k of before.keys()) out.push(`custom metric ${k.split('\0')[0]} is no longer in the pipeline`);
  return out;
}

/** `existsSync && isFile` for custom metric files and the like. */
export const isFile = (abs: string): boolean => existsSync(abs) && statSync(abs).isFile();
