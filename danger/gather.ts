/**
 * What each rule reads, gathered from the PR: danger's changed-file lists, the work tree, the
 * base branch's blobs (through git, never a checkout), and the result documents. Everything the
 * rules then decide is a pure function of these inputs (danger/rules/).
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import { posix, relative, resolve } from 'node:path';
import { canonicalJson } from '../core/canonical-json.js';
import { headCommit, readFileAtRef } from '../core/git.js';
import { isInside } from '../core/paths.js';
import { pipelineStatePaths } from '../core/state-paths.js';
import type { Pipeline } from '../pipeline-schema/types.js';
import { HashCache, sha256File } from '../runners/stages/hash-cache.js';
import { ParamsReader } from '../runners/stages/params.js';
import { directionOf, type ReportDriftColumn } from '../reports/report-data.js';
import { CODEOWNERS_LOCATIONS, ownersOf, parseCodeowners, patternRegExp } from './codeowners.js';
import { readPipelineVersion, type PipelineVersion } from './pipeline-version.js';
import { readResults, type ResultDocuments } from './results.js';
import type { DriftInput } from './rules/drift.js';
import type { FreshResultsInput, WatchedPath } from './rules/fresh-results.js';
import type { GateChangesInput, GatesVersion } from './rules/gate-changes.js';
import type { MetricRow } from './rules/metric-regressions.js';

export interface ChangedFiles {
  created: string[];
  modified: string[];
  deleted: string[];
}

export interface PrContext {
  /** Absolute path of the repository root. */
  root: string;
  /** Repository-relative POSIX path of the pipeline file, and its folder ('' at the root). */
  pipelineFile: string;
  pipelineDir: string;
  baseRef: string;
  changed: ChangedFiles;
  /** Absolute path of the results folder, and how messages show it. */
  resultsDir: string;
  resultsShown: string;
}

const norm = (p: string) => posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/^\/+/, '');
const inPipelineDir = (ctx: PrContext, p: string) => norm(ctx.pipelineDir ? `${ctx.pipelineDir}/${p}` : p);

/** A path from an untrusted source, as an absolute path inside the repository (symlinks resolved), or undefined. */
async function insideRepo(root: string, rel: string): Promise<string | undefined> {
  const abs = resolve(root, rel);
  if (!isInside(root, abs)) return undefined;
  try {
    const real = await realpath(abs);
    return isInside(await realpath(root), real) ? abs : undefined;
  } catch {
    return abs; // not there (a deleted file): nothing to read, and no link to follow
  }
}

const memo = new WeakMap<PrContext, Map<string, Promise<unknown>>>();
function once<T>(ctx: PrContext, key: string, f: () => Promise<T>): Promise<T> {
  let m = memo.get(ctx);
  if (!m) memo.set(ctx, (m = new Map<string, Promise<unknown>>()));
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) m.set(key, (p = f()));
  return p;
}

/** The pipeline file in the work tree; null when the PR deletes it. */
export function headPipeline(ctx: PrContext): Promise<PipelineVersion | null> {
  return once(ctx, 'head', async () => {
    const abs = await insideRepo(ctx.root, ctx.pipelineFile);
    if (!abs) return { ok: false as const, problem: 'it is outside the repository' };
    const text = await readFile(abs, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    return text === null ? null : readPipelineVersion(text);
  });
}

/** The pipeline file at the base ref; null when it does not exist there. */
export function basePipeline(ctx: PrContext): Promise<PipelineVersion | null> {
  return once(ctx, 'base', async () => {
    const bytes = await readFileAtRef(ctx.root, ctx.baseRef, ctx.pipelineFile);
    return bytes === undefined ? null : readPipelineVersion(bytes.toString('utf8'));
  });
}

export function results(ctx: PrContext): Promise<ResultDocuments> {
  return once(ctx, 'results', () => readResults(ctx.resultsDir));
}

function usable(v: PipelineVersion | null, what: string): Pipeline | null {
  if (v === null) return null;
  if (!v.ok) throw new Error(`${what} cannot be read: ${v.problem}`);
  return v.pipeline;
}

// ---- freshResults ----

const DATA_EXTENSIONS = /\.(csv|tsv|jsonl|ndjson|parquet|json|ya?ml|txt|npy|npz|arrow|feather)(\.gz)?$/i;

/** The changed files that are the pipeline's data, params or training code, and what each is. */
export function watchedChanges(ctx: PrContext, pipeline: Pipeline | null, extraPaths: string[]): WatchedPath[] {
  const params = new Set((pipeline?.params ?? ['params.yaml']).map((p) => inPipelineDir(ctx, p)));
  for (const s of Object.values(pipeline?.stages ?? {})) for (const ref of s.params ?? []) if (ref.includes('#')) params.add(inPipelineDir(ctx, ref.slice(0, ref.indexOf('#'))));
  const asPattern = (p: string) => patternRegExp('/' + inPipelineDir(ctx, p).replace(/\$\{\s*matrix\.[^}]*\}/g, '*'));
  const data = Object.values(pipeline?.data ?? {}).map((d) => asPattern(d.path));
  const deps = Object.values(pipeline?.stages ?? {}).flatMap((s) => (s.deps ?? []).map(asPattern));
  const extra = extraPaths.map(patternRegExp);
  const all = [...new Set([...ctx.changed.created, ...ctx.changed.modified, ...ctx.changed.deleted].map(norm))].sort();
  const out: WatchedPath[] = [];
  for (const path of all) {
    if (path === ctx.pipelineFile) out.push({ path, kind: 'pipeline' });
    else if (params.has(path)) out.push({ path, kind: 'params' });
    else if (data.some((r) => r.test(path))) out.push({ path, kind: 'data' });
    else if (deps.some((r) => r.test(path))) out.push({ path, kind: DATA_EXTENSIONS.test(path) ? 'data' : 'training code' });
    else if (extra.some((r) => r.test(path))) out.push({ path, kind: 'training code' });
  }
  return out;
}

export async function freshResultsInput(ctx: PrContext, extraPaths: string[]): Promise<FreshResultsInput> {
  const head = await headPipeline(ctx);
  // A head file that does not parse still tells which files are watched by name (the pipeline file, params.yaml).
  const pipeline = head?.ok ? head.pipeline : null;
  const docs = await results(ctx);
  const current: FreshResultsInput['current'] = { pipelineSha256: null, headCommit: (await headCommit(ctx.root)) ?? null, deps: {}, params: {} };
  const pipelineAbs = await insideRepo(ctx.root, ctx.pipelineFile);
  if (pipelineAbs && head !== null) current.pipelineSha256 = await sha256File(pipelineAbs);
  const run = docs.run;
  if (run) {
    const dirAbs = resolve(ctx.root, ctx.pipelineDir);
    // The workspace's own hash cache (left by `mlpipeline run` in this job) spares re-reading unchanged data; it is only read, never written.
    const hashes = await HashCache.open(pipelineStatePaths(dirAbs, resolve(ctx.root, ctx.pipelineFile)).hashesFile, dirAbs);
    // The PR's own pipeline names the default params files: only those inside the repository are read.
    const defaults: string[] = [];
    const readable = async (f: string) => (await insideRepo(ctx.root, relative(ctx.root, resolve(dirAbs, f)))) !== undefined;
    for (const f of pipeline?.params ?? ['params.yaml']) if (await readable(f)) defaults.push(f);
    const reader = new ParamsReader(dirAbs, { defaults });
    for (const stage of run.stages) {
      const deps: Record<string, string | null> = {};
      for (const dep of Object.keys(stage.deps)) {
        const abs = await insideRepo(ctx.root, relative(ctx.root, resolve(dirAbs, dep)));
        deps[dep] = abs ? ((await hashes.hashPath(abs).catch(() => undefined))?.hash ?? null) : null;
      }
      current.deps[stage.name] = deps;
      const params: Record<string, string | null> = {};
      for (const ref of Object.keys(stage.params)) {
        const file = ref.includes('#') ? ref.slice(0, ref.indexOf('#')) : null;
        if (file !== null && !(await readable(file))) {
          params[ref] = null;
          continue;
        }
        params[ref] = await reader.values(stage.name, [ref]).then(
          (v) => canonicalJson(v[ref]),
          () => null,
        );
      }
      current.params[stage.name] = params;
    }
  }
  return {
    changed: watchedChanges(ctx, pipeline, extraPaths),
    resultsDir: ctx.resultsShown,
    run,
    problems: docs.problems,
    pipelineFile: ctx.pipelineFile,
    pipelineDir: ctx.pipelineDir,
    current,
  };
}

// ---- gateChanges ----

async function baseCodeowners(ctx: PrContext): Promise<GateChangesInput['owners']> {
  for (const source of CODEOWNERS_LOCATIONS) {
    const bytes = await readFileAtRef(ctx.root, ctx.baseRef, source);
    if (bytes === undefined) continue;
    const { owners, rule } = ownersOf(parseCodeowners(bytes.toString('utf8')), ctx.pipelineFile);
    return { owners, source, line: rule?.line ?? null };
  }
  return { owners: [], source: null, line: null };
}

export async function gateChangesInput(ctx: PrContext): Promise<GateChangesInput> {
  const version = (v: PipelineVersion | null, what: string): GatesVersion | null => {
    const p = usable(v, what);
    if (!p) return null;
    return { gates: p.gates ?? [], defaults: p.gates_defaults, line: v?.ok ? v.line : undefined };
  };
  return {
    pipelineFile: ctx.pipelineFile,
    baseRef: ctx.baseRef,
    base: version(await basePipeline(ctx), `${ctx.pipelineFile} at ${ctx.baseRef}`),
    head: version(await headPipeline(ctx), ctx.pipelineFile),
    owners: await baseCodeowners(ctx),
  };
}

// ---- largeFiles ----

export async function changedFileSizes(ctx: PrContext): Promise<{ path: string; size: number | null }[]> {
  const out: { path: string; size: number | null }[] = [];
  for (const path of [...new Set([...ctx.changed.created, ...ctx.changed.modified].map(norm))].sort()) {
    const abs = await insideRepo(ctx.root, path);
    const st = abs ? await lstat(abs).catch(() => undefined) : undefined;
    out.push({ path, size: st?.isFile() ? st.size : null });
  }
  return out;
}

// ---- metricRegressions ----

export async function metricRows(ctx: PrContext): Promise<{ rows: MetricRow[]; source: string; gated: string[] }> {
  const docs = await results(ctx);
  const head = await headPipeline(ctx);
  const gatedFromPipeline = head?.ok ? (head.pipeline.gates ?? []).map((g) => g.metric) : null;
  if (docs.report) {
    return { rows: docs.report.metrics, source: `${ctx.resultsShown}/report.json`, gated: gatedFromPipeline ?? docs.report.gates.map((g) => g.metric) };
  }
  const ev = docs.evaluation;
  if (!ev) return { rows: [], source: ctx.resultsShown, gated: [] };
  const baseline = (name: string) => (ev.baselines ?? []).find((b) => b.name === name);
  const base = baseline('base');
  const prod = baseline('production');
  return {
    rows: Object.entries(ev.metrics).map(([name, candidate]) => ({
      name,
      direction: directionOf(name, ev),
      candidate,
      base: base?.metrics[name] ?? null,
      production: prod?.metrics[name] ?? null,
    })),
    source: `${ctx.resultsShown}/evaluation.json`,
    gated: gatedFromPipeline ?? [],
  };
}

// ---- drift ----

export async function driftOf(ctx: PrContext): Promise<DriftInput['drift']> {
  const docs = await results(ctx);
  if (docs.report) return docs.report.drift;
  const d = docs.validation?.drift;
  if (!d) return null;
  const columns: ReportDriftColumn[] = Object.entries(d.columns).map(([column, c]) => ({ column, method: c.method, value: c.value, threshold: c.threshold, drifted: c.drifted }));
  return { drifted: d.drifted, share: d.share, share_threshold: d.share_threshold, baseline: `${d.baseline.ref ? `${d.baseline.ref}:` : ''}${d.baseline.path}`, columns };
}

// ---- modelCard ----

export async function modelCardInput(ctx: PrContext): Promise<{ hasModel: boolean; card: NonNullable<Pipeline['report']>['model_card']; line: number }> {
  const head = usable(await headPipeline(ctx), ctx.pipelineFile);
  const v = await headPipeline(ctx);
  const line = v?.ok ? (v.line('/report/model_card') ?? v.line('/report') ?? 1) : 1;
  return { hasModel: !!head?.model, card: head?.report?.model_card, line };
}
