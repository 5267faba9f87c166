/**
 * What a verdict is bound to: the sha256 of the model it judged, of the evaluation data it was
 * judged on, and of the gate config that judged it (a canonical JSON of the pipeline's `gates:`
 * section, keys sorted), with the number of gates declared. `register` recomputes all three
 * from what it registers and records a verdict that does not match as "not gated";
 * `require_gates` then refuses it (runners/registry/verdict-binding.ts, policy.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { GateSpec, LoadedPipeline, Pipeline } from '../../pipeline-schema/types.js';
import type { EvaluationDocument } from '../evaluate/document.js';

export interface VerdictBinding {
  /** The model judged: its path as in the pipeline (relative to the pipeline folder) and its sha256. */
  model: { path: string; sha256: string };
  /** The evaluation data (relative to the pipeline folder); a directory's sha256 is its manifest digest. Null when unknown. */
  evaluation_data: { path: string; sha256: string } | null;
  /** sha256 of canonicalJson(gates) and how many gates that section declares. */
  gates_config: { sha256: string; count: number };
}

/** JSON with object keys sorted at every level: the same config always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** `gates_defaults` (on_missing_baseline) changes verdicts too, so it is part of the digest when set. */
export function gatesConfigDigest(gates: GateSpec[] | undefined, defaults?: Pipeline['gates_defaults']): VerdictBinding['gates_config'] {
  const list = gates ?? [];
  const config = defaults && Object.keys(defaults).length ? { gates: list, gates_defaults: defaults } : list;
  return { sha256: createHash('sha256').update(canonicalJson(config)).digest('hex'), count: list.length };
}

async function sha256File(abs: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(abs) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

/** sha256 of a file, or of a directory's manifest (`<sha256>  <rel>\n` per regular file, sorted), as the registry digests it. */
export async function workTreeSha256(abs: string): Promise<string | undefined> {
  if (!existsSync(abs)) return undefined;
  const st = statSync(abs);
  if (st.isFile()) return sha256File(abs);
  if (!st.isDirectory()) return undefined;
  const lines: { rel: string; sha: string }[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(abs, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (d.name !== '.git') await walk(r);
      } else if (d.isFile()) lines.push({ rel: r, sha: await sha256File(join(abs, r)) });
    }
  };
  await walk('');
  lines.sort((a, b) => Buffer.compare(Buffer.from(a.rel), Buffer.from(b.rel)));
  return createHash('sha256').update(lines.map((l) => `${l.sha}  ${l.rel}\n`).join('')).digest('hex');
}

/** The evaluation data file the pipeline declares (`evaluation.data`: a dataset name or a path), absolute. */
export function declaredEvaluationData(pipeline: LoadedPipeline): string | undefined {
  const ev = pipeline.pipeline.evaluation?.data;
  if (!ev) return undefined;
  const ds = pipeline.pipeline.data?.[ev];
  return resolve(pipeline.dir, ds ? ds.path : ev);
}

const relTo = (dir: string, abs: string) => {
  const r = relative(dir, abs);
  return (r.startsWith('..') || isAbsolute(r) ? abs : r).split(sep).join('/');
};

/** The binding of a verdict judged on `doc` (the document names the model and data it evaluated). */
export async function bindVerdict(cwd: string, pipeline: LoadedPipeline | undefined, doc: EvaluationDocument, gates: GateSpec[]): Promise<VerdictBinding> {
  const dir = pipeline?.dir ?? cwd;
  const modelPath = pipeline?.pipeline.model?.path ?? doc.model?.path ?? '';
  // The data the evaluation read (its document names it relative to where evaluate ran), else the declared one.
  const evaluated = doc.data?.path ? resolve(cwd, doc.data.path) : undefined;
  const dataAbs = evaluated && existsSync(evaluated) ? evaluated : pipeline ? declaredEvaluationData(pipeline) : undefined;
  const dataSha = dataAbs ? await workTreeSha256(dataAbs) : undefined;
  return {
    model: { path: modelPath.split(sep).join('/'), sha256: doc.model?.sha256 ?? '' },
    evaluation_data: dataAbs && dataSha ? { path: relTo(dir, dataAbs), sha256: dataSha } : null,
    gates_config: gatesConfigDigest(gates, pipeline?.pipeline.gates_defaults),
  };
}
