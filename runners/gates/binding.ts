/**
 * What a verdict is bound to: the sha256 of the model it judged, of the evaluation data it was
 * judged on, and of the gate config that judged it (a canonical JSON of the pipeline's `gates:`
 * section, keys sorted), with the number of gates declared. `register` recomputes all three
 * from what it registers and records a verdict that does not match as "not gated";
 * `require_gates` then refuses it (runners/registry/verdict-binding.ts, policy.ts).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { GateSpec, LoadedPipeline, Pipeline } from '../../pipeline-schema/types.js';
import { ChecksFailedError } from '../../core/errors.js';
import type { EvaluationDocument } from '../evaluate/document.js';
import { bindEvaluationConfig, configDifferences, fileDifferences, type EvaluationConfigBinding } from '../evaluate/evaluation-config.js';
import { own } from '../../core/own.js';

export interface VerdictBinding {
  /** The model judged: its path as in the pipeline (relative to the pipeline folder) and the sha256 of the bytes `evaluate` read. */
  model: { path: string; sha256: string };
  /** The evaluation data (relative to the pipeline folder): the sha256 and size of the bytes `evaluate` read (a directory's sha256 is its manifest digest). Null when unknown. */
  evaluation_data: { path: string; sha256: string; size?: number } | null;
  /** sha256 of canonicalJson(gates) and how many gates that section declares; `gates` and `defaults` are what was hashed, to name a difference. */
  gates_config: { sha256: string; count: number; gates?: GateSpec[]; defaults?: Pipeline['gates_defaults'] };
  /** The evaluation config the metrics were computed with (runners/evaluate/evaluation-config.ts). */
  evaluation_config?: EvaluationConfigBinding;
}

export { canonicalJson };

/** `gates_defaults` (on_missing_baseline) changes verdicts too, so it is part of the digest when set. */
export function gatesConfigDigest(gates: GateSpec[] | undefined, defaults?: Pipeline['gates_defaults']): VerdictBinding['gates_config'] {
  const list = gates ?? [];
  const config = defaults && Object.keys(defaults).length ? { gates: list, gates_defaults: defaults } : list;
  return { sha256: createHash('sha256').update(canonicalJson(config)).digest('hex'), count: list.length };
}

async function sha256File(abs: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(abs) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { sha256: h.digest('hex'), size };
}

/** sha256 and size of a file, or of a directory's manifest (`<sha256>  <rel>\n` per regular file, sorted; size = total), as the registry digests it. */
export async function workTreeDigest(abs: string): Promise<{ sha256: string; size: number } | undefined> {
  if (!existsSync(abs)) return undefined;
  const st = statSync(abs);
  if (st.isFile()) return sha256File(abs);
  if (!st.isDirectory()) return undefined;
  const lines: { rel: string; sha: string }[] = [];
  let size = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(abs, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (d.name !== '.git') await walk(r);
      } else if (d.isFile()) {
        const f = await sha256File(join(abs, r));
        size += f.size;
        lines.push({ rel: r, sha: f.sha256 });
      }
    }
  };
  await walk('');
  lines.sort((a, b) => Buffer.compare(Buffer.from(a.rel), Buffer.from(b.rel)));
  return { sha256: createHash('sha256').update(lines.map((l) => `${l.sha}  ${l.rel}\n`).join('')).digest('hex'), size };
}

export async function workTreeSha256(abs: string): Promise<string | undefined> {
  return (await workTreeDigest(abs))?.sha256;
}

/** The evaluation data file the pipeline declares (`evaluation.data`: a dataset name or a path), absolute. */
export function declaredEvaluationData(pipeline: LoadedPipeline): string | undefined {
  const ev = pipeline.pipeline.evaluation?.data;
  if (!ev) return undefined;
  const ds = own(pipeline.pipeline.data, ev);
  return resolve(pipeline.dir, ds ? ds.path : ev);
}

const relTo = (dir: string, abs: string) => {
  const r = relative(dir, abs);
  return (r.startsWith('..') || isAbsolute(r) ? abs : r).split(sep).join('/');
};

const short = (s: string | undefined) => (s ? s.slice(0, 12) : 'none');
const RE_EVALUATE = 're-run `mlpipeline evaluate` (it records what it read), then `mlpipeline gate`';

/**
 * The binding of a verdict judged on `doc`, from what the evaluation document says it read:
 * the sha256 of the model and data bytes `evaluate` hashed and the evaluation config it used.
 * Refuses (exit 1) a document that is stale: the model, data or a baseline model file changed
 * since, the pipeline's evaluation config is not the one the metrics were computed with, or the
 * document records none of it (hand-written, or from an older `mlpipeline evaluate`).
 */
export async function bindVerdict(cwd: string, pipeline: LoadedPipeline | undefined, doc: EvaluationDocument, gates: GateSpec[], shown = 'the evaluation document'): Promise<VerdictBinding> {
  const dir = pipeline?.dir ?? cwd;
  const stale: string[] = [];
  const modelPath = pipeline?.pipeline.model?.path ?? doc.model?.path ?? '';
  const sha = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);

  // The model: the pipeline's model file must still be the bytes that were evaluated.
  const modelAbs = modelPath ? resolve(pipeline ? dir : cwd, modelPath) : undefined;
  const modelNow = modelAbs ? await workTreeDigest(modelAbs) : undefined;
  if (!sha(doc.model?.sha256)) stale.push('it names no sha256 of the model it evaluated');
  else if (modelAbs && !modelNow) stale.push(`the model ${relTo(cwd, modelAbs)} does not exist any more`);
  else if (modelNow && modelNow.sha256 !== doc.model.sha256) {
    stale.push(`the model ${relTo(cwd, modelAbs!)} is not the one evaluated (evaluated sha256 ${short(doc.model.sha256)}, now ${short(modelNow.sha256)})`);
  }
  // Baseline model files named by path must be unchanged too (refs and registry stages are immutable).
  for (const b of doc.baselines ?? []) {
    if (b.source?.kind !== 'model' || !b.source.path) continue;
    const now = await workTreeDigest(resolve(cwd, b.source.path));
    if (now && now.sha256 !== b.model?.sha256) stale.push(`the baseline model ${b.source.path} changed since it was evaluated (sha256 ${short(b.model?.sha256)}, now ${short(now.sha256)})`);
  }

  // The data: the sha256 of the bytes the evaluation read, checked against the file now.
  const evaluated = doc.data?.path ? resolve(cwd, doc.data.path) : undefined;
  const dataAbs = evaluated && existsSync(evaluated) ? evaluated : pipeline ? declaredEvaluationData(pipeline) : evaluated;
  const read = doc.data as { path?: string; sha256?: unknown; size_bytes?: unknown } | undefined;
  let evaluationData: VerdictBinding['evaluation_data'] = null;
  if (!sha(read?.sha256)) stale.push(`it names no sha256 of the evaluation data it read${doc.data?.path ? ` (${doc.data.path})` : ''}`);
  else if (dataAbs) {
    const now = await workTreeDigest(dataAbs);
    if (!now) stale.push(`the evaluation data ${relTo(cwd, dataAbs)} does not exist any more`);
    else if (now.sha256 !== read.sha256) {
      stale.push(`the evaluation data ${relTo(cwd, dataAbs)} is not what was evaluated (the evaluation read sha256 ${short(read.sha256)}, the file is now ${short(now.sha256)})`);
    }
    evaluationData = { path: relTo(dir, dataAbs), sha256: read.sha256, ...(typeof read.size_bytes === 'number' ? { size: read.size_bytes } : {}) };
  }

  // The evaluation config: the pipeline's must be the one the metrics were computed with.
  let evaluationConfig: EvaluationConfigBinding | undefined;
  const recorded = (doc as { config?: EvaluationConfigBinding }).config;
  if (!recorded || !sha(recorded.sha256)) stale.push('it names no digest of the evaluation config (model:, evaluation:) it was computed with');
  else if (pipeline) {
    const now = await bindEvaluationConfig(pipeline.pipeline, dir, async (abs) => (await workTreeDigest(abs))?.sha256);
    const diffs = [
      ...(recorded.sha256 !== now.sha256 ? configDifferences(recorded.config, now.config, ['when evaluated', `in ${pipeline.displayFile ?? relTo(cwd, pipeline.file)}`]) : []),
      ...fileDifferences(recorded.custom_metric_files, now.custom_metric_files),
    ];
    if (recorded.sha256 !== now.sha256 && diffs.length === 0) diffs.push(`config sha256 ${short(recorded.sha256)} when evaluated, ${short(now.sha256)} now`);
    if (diffs.length) stale.push(`the evaluation config changed since the evaluation: ${diffs.join('; ')}`);
    evaluationConfig = now;
  } else evaluationConfig = recorded;

  if (stale.length) {
    throw new ChecksFailedError(`${shown} does not describe the current model, data and config, so no verdict was written: ${stale.join('; ')}`, { fix: RE_EVALUATE });
  }
  const defaults = pipeline?.pipeline.gates_defaults;
  return {
    model: { path: modelPath.split(sep).join('/'), sha256: doc.model.sha256 },
    evaluation_data: evaluationData,
    gates_config: { ...gatesConfigDigest(gates, defaults), gates, ...(defaults && Object.keys(defaults).length ? { defaults } : {}) },
    ...(evaluationConfig ? { evaluation_config: evaluationConfig } : {}),
  };
}
