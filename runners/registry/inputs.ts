/**
 * What a registration records: the run record, the gate verdict, and sha256 digests of the
 * model file and of the data and dependency files, read from the commit's git objects when they
 * are committed and from the work tree when they are not (the digest says which).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { isInside, posixRelative } from '../../core/paths.js';
import { ChecksFailedError, InputError } from '../../core/errors.js';
import { gitRaw, streamFileAtRef } from '../../core/git.js';
import { pipelineStatePaths, resultDocumentPath } from '../../core/state-paths.js';
import type { LoadedPipeline, RunRecord } from '../../pipeline-schema/types.js';
import type { FileDigest, RunSummary, VerdictSummary } from './lineage-record.js';

export const DEFAULT_RUN_FILE = '.mlpipeline/run.json';
export const DEFAULT_VERDICT_FILE = '.mlpipeline/verdict.json';

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${(e as Error).message}`, { fix: `check the path of the ${what}` });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${path} is not valid JSON: ${(e as Error).message}`, {
      location: { file: path },
      fix: `regenerate it (the ${what} is written by mlpipeline)`,
    });
  }
}

/**
 * Where the run record of `loaded` lives. The ONE place that knows it: per-pipeline state
 * (`.mlpipeline/pipelines/<stem>/` for `<stem>.yaml`) changes only this function.
 */
export function runRecordPath(loaded: LoadedPipeline): string {
  return pipelineStatePaths(loaded.dir, loaded.file).runFile;
}

/** Where `mlpipeline gate` leaves the verdict of `loaded` (same rule as runRecordPath). */
export function verdictPath(loaded: LoadedPipeline): string {
  return resultDocumentPath(loaded.dir, loaded.file, 'verdict.json');
}

/** The run record summary, or null when the pipeline has not been run here. */
export async function readRunSummary(loaded: LoadedPipeline): Promise<RunSummary | null> {
  const path = runRecordPath(loaded);
  if (!existsSync(path)) return null;
  const run = (await readJson(path, 'run record')) as RunRecord;
  if (!run || typeof run !== 'object' || !Array.isArray(run.stages)) {
    throw new InputError(`run record ${path} has no stages array`, { location: { file: path }, fix: 'run `mlpipeline run` again to rewrite it' });
  }
  await assertRunBinding(loaded, run, path);
  const params: Record<string, unknown> = {};
  for (const s of run.stages) Object.assign(params, s.params ?? {});
  return {
    // run@2 binds the record to its pipeline file ({name, path, sha256}); run@1 had the name only.
    pipeline: typeof run.pipeline === 'string' ? run.pipeline : (run.pipeline?.name ?? loaded.pipeline.name),
    finished_at: run.finished_at ?? run.started_at,
    ok: run.ok,
    git: run.git,
    stages: run.stages.map((s) => ({ name: s.name, status: s.status, fingerprint: s.fingerprint, deps: s.deps ?? {}, outs: s.outs ?? {}, params: s.params ?? {} })),
    params,
    metrics: run.metrics ?? {},
  };
}

/**
 * A run record is registered only when it is this pipeline's and it succeeded: it must name
 * the pipeline file (`pipeline: {path, sha256}`) and that file's current bytes, and carry an
 * overall `status` of success with `ok` true and no failed stage. Anything else refuses
 * (exit 1): a failed run, another pipeline's run, or a record that names no pipeline (not bound).
 */
async function assertRunBinding(loaded: LoadedPipeline, run: RunRecord, path: string): Promise<void> {
  const rec = run as unknown as { pipeline?: unknown; status?: unknown; ok?: unknown; stages: { name?: string; status?: string }[] };
  const fix = 'fix what failed, re-run `mlpipeline run` for this pipeline, then register';
  const failedStage = rec.stages.find((s) => s.status === 'failed' || s.status === 'not-run');
  const status = rec.status === undefined || typeof rec.status === 'string' ? rec.status : JSON.stringify(rec.status);
  if (rec.ok === false || failedStage || (status !== undefined && !['success', 'succeeded', 'ok', 'passed'].includes(status))) {
    throw new ChecksFailedError(
      `the last run failed${failedStage ? ` (stage ${failedStage.name} ${failedStage.status})` : status !== undefined ? ` (status ${status})` : ''}, so nothing from it is registered (${path})`,
      { fix },
    );
  }
  const p = rec.pipeline as { path?: unknown; sha256?: unknown } | string | undefined;
  if (!p || typeof p !== 'object' || typeof p.path !== 'string' || typeof p.sha256 !== 'string' || rec.status === undefined) {
    throw new ChecksFailedError(`the run record ${path} is not bound: it names no pipeline file (pipeline.path, pipeline.sha256) or no overall status`, {
      fix: 're-run `mlpipeline run` (this version writes both), then register',
    });
  }
  const candidates = [resolve(loaded.dir, p.path), ...(await repoTop(loaded.dir).then((r) => (r ? [resolve(r, p.path as string)] : [])))];
  if (!candidates.includes(loaded.file)) {
    throw new ChecksFailedError(`the run record ${path} is of another pipeline (${p.path}), not of ${loaded.displayFile ?? loaded.file}`, {
      fix: `run this pipeline (mlpipeline run -f ${loaded.displayFile ?? loaded.file}), then register it`,
    });
  }
  const now = createHash('sha256').update(await readFile(loaded.file)).digest('hex');
  if (now !== p.sha256) {
    throw new ChecksFailedError(`the run record ${path} was made with another version of ${loaded.displayFile ?? loaded.file} (sha256 ${p.sha256.slice(0, 12)}, now ${now.slice(0, 12)})`, { fix });
  }
}

async function repoTop(dir: string): Promise<string | undefined> {
  const r = await gitRaw(['rev-parse', '--show-toplevel'], { cwd: dir, okCodes: [128] }).catch(() => undefined);
  return r && r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

/** The gate verdict as written (with its binding); null when absent (and no explicit --verdict was given). */
export async function readVerdict(loaded: LoadedPipeline, cwd: string, file?: string): Promise<VerdictSummary | null> {
  const path = file ? resolve(cwd, file) : verdictPath(loaded);
  if (!file && !existsSync(path)) return null;
  const v = (await readJson(path, 'gate verdict')) as VerdictSummary & Partial<NonNullable<VerdictSummary['binding']>>;
  if (!v || typeof v !== 'object' || typeof v.passed !== 'boolean' || !Array.isArray(v.gates)) {
    throw new InputError(`gate verdict ${path} needs {"passed": boolean, "gates": [...]}`, {
      location: { file: path },
      fix: 'write it with `mlpipeline gate`',
    });
  }
  const sha = (x: unknown) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
  const m = v.model;
  const d = v.evaluation_data;
  const g = v.gates_config;
  const e = v.evaluation_config;
  const config =
    e && typeof e === 'object' && sha(e.sha256) && e.config && typeof e.config === 'object' && Array.isArray(e.custom_metric_files)
      ? { sha256: e.sha256, config: e.config, custom_metric_files: e.custom_metric_files }
      : undefined;
  const binding =
    m && typeof m.path === 'string' && sha(m.sha256) && g && sha(g.sha256) && Number.isInteger(g.count) && (d === null || (d && typeof d.path === 'string' && sha(d.sha256)))
      ? {
          model: { path: m.path, sha256: m.sha256 },
          evaluation_data: d ? { path: d.path, sha256: d.sha256, ...(Number.isInteger(d.size) ? { size: d.size } : {}) } : null,
          gates_config: { sha256: g.sha256, count: g.count, ...(Array.isArray(g.gates) ? { gates: g.gates } : {}), ...(g.defaults && typeof g.defaults === 'object' ? { defaults: g.defaults } : {}) },
          ...(config ? { evaluation_config: config } : {}),
        }
      : undefined;
  return { passed: v.passed, gates: v.gates, ...(binding ? { binding } : {}) };
}

/** Repository-relative path with `/` separators for a path relative to the pipeline folder. */
export function repoPath(root: string, loaded: LoadedPipeline, path: string): string {
  const abs = isAbsolute(path) ? path : resolve(loaded.dir, path);
  if (!isInside(root, abs)) {
    throw new InputError(`${path} is outside the repository ${root}`, { fix: 'keep model and data files inside the repository' });
  }
  return posixRelative(root, abs);
}

export interface MaterialPath {
  path: string;
  role: 'data' | 'dependency';
  dataset?: string;
}

/**
 * The datasets declared under `data:` (role `data`) and every other path a stage depends on
 * (role `dependency`: code, params, other files), repository-relative, de-duplicated, sorted.
 */
export function materialPaths(root: string, loaded: LoadedPipeline, run: RunSummary | null): MaterialPath[] {
  const byPath = new Map<string, MaterialPath>();
  for (const [name, d] of Object.entries(loaded.pipeline.data ?? {})) {
    const path = repoPath(root, loaded, d.path);
    if (!byPath.has(path)) byPath.set(path, { path, role: 'data', dataset: name });
  }
  for (const s of run?.stages ?? []) {
    for (const dep of Object.keys(s.deps)) {
      const path = repoPath(root, loaded, dep);
      if (!byPath.has(path)) byPath.set(path, { path, role: 'dependency' });
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function sha256Stream(stream: NodeJS.ReadableStream): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { sha256: h.digest('hex'), size };
}

const sha256Of = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** What `path` is at `commit`: a file (blob), a directory (tree), or not there. */
async function objectType(root: string, commit: string, path: string): Promise<'blob' | 'tree' | undefined> {
  const r = await gitRaw(['cat-file', '-t', `${commit}:${path}`], { cwd: root, okCodes: [128] });
  const type = r.stdout.toString('utf8').trim();
  return r.code === 0 && (type === 'blob' || type === 'tree') ? type : undefined;
}

/** One file of a directory: its path below the directory and its digest. */
interface ManifestEntry {
  rel: string;
  sha256: string;
  size: number;
}

/**
 * A directory's digest: sha256 of `<sha256>  <rel>\n` lines for its regular files sorted by path
 * (byte order). This is in-toto's `dirHash` (Go's dirhash Hash1 in hex), i.e. what
 * `find . -type f | cut -c3- | LC_ALL=C sort | xargs -r sha256sum | sha256sum` prints inside it,
 * so anyone can recompute it without mlpipeline. Symlinks are not files there, so not here either.
 */
function directoryDigest(path: string, entries: ManifestEntry[], source: FileDigest['source']): FileDigest {
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.rel), Buffer.from(b.rel)));
  const manifest = entries.map((e) => `${e.sha256}  ${e.rel}\n`).join('');
  const size = entries.reduce((n, e) => n + e.size, 0);
  return { path, sha256: sha256Of(manifest), size, source, kind: 'directory', files: entries.length };
}

/**
 * A committed directory, read in two git calls whatever its size: `ls-tree -r` for the regular
 * files below it, then one `cat-file --batch` for their contents (symlinks and submodules are
 * not regular files and are left out, as `find -type f` leaves them out of a checkout).
 */
async function gitDirectoryDigest(root: string, commit: string, path: string): Promise<FileDigest> {
  const list = await gitRaw(['ls-tree', '-r', '-z', '--full-tree', commit, '--', `${path}/`], { cwd: root });
  const blobs: { rel: string; oid: string }[] = [];
  for (const line of list.stdout.toString('utf8').split('\0')) {
    const m = /^100(?:644|755) blob ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (m) blobs.push({ oid: m[1]!, rel: m[2]!.slice(path.length + 1) });
  }
  if (blobs.length === 0) return directoryDigest(path, [], 'git');
  const out = (await gitRaw(['cat-file', '--batch'], { cwd: root, input: blobs.map((b) => b.oid).join('\n') + '\n' })).stdout;
  const entries: ManifestEntry[] = [];
  let pos = 0;
  for (const b of blobs) {
    const nl = out.indexOf(10, pos);
    const size = Number(out.subarray(pos, nl).toString('latin1').split(' ')[2]);
    const body = out.subarray(nl + 1, nl + 1 + size);
    entries.push({ rel: b.rel, sha256: sha256Of(body), size });
    pos = nl + 1 + size + 1;
  }
  return directoryDigest(path, entries, 'git');
}

/** A work-tree directory: its regular files, without following symlinks. */
async function workspaceDirectoryDigest(root: string, path: string): Promise<FileDigest> {
  const entries: ManifestEntry[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(root, path, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      const abs = join(root, path, r);
      if (d.isDirectory()) {
        if (d.name !== '.git') await walk(r);
      } else if (d.isFile()) {
        entries.push({ rel: r, ...(await sha256Stream(createReadStream(abs))) });
      }
    }
  };
  await walk('');
  return directoryDigest(path, entries, 'workspace');
}

/**
 * Digest of `path` at `commit`: from git objects when committed there, else from the work tree.
 * Directories get a manifest digest (see FileDigest.kind). undefined when the path is in neither.
 */
export async function digestFile(root: string, commit: string, path: string): Promise<FileDigest | undefined> {
  const type = await objectType(root, commit, path);
  if (type === 'blob') return { path, ...(await sha256Stream(streamFileAtRef(root, commit, path))), source: 'git' };
  if (type === 'tree') return gitDirectoryDigest(root, commit, path);
  const abs = join(root, path);
  if (!existsSync(abs)) return undefined;
  const st = statSync(abs);
  if (st.isDirectory()) return workspaceDirectoryDigest(root, path);
  if (!st.isFile()) return undefined;
  return { path, ...(await sha256Stream(createReadStream(abs))), source: 'workspace' };
}
