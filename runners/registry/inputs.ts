/**
 * What a registration records: the run record, the gate verdict, and sha256 digests of the
 * model file and of the data and dependency files, read from the commit's git objects when they
 * are committed and from the work tree when they are not (the digest says which).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../../core/errors.js';
import { gitRaw, streamFileAtRef } from '../../core/git.js';
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

/** The run record summary, or null when the pipeline has not been run here. */
export async function readRunSummary(loaded: LoadedPipeline): Promise<RunSummary | null> {
  const path = join(loaded.dir, DEFAULT_RUN_FILE);
  if (!existsSync(path)) return null;
  const run = (await readJson(path, 'run record')) as RunRecord;
  if (!run || typeof run !== 'object' || !Array.isArray(run.stages)) {
    throw new InputError(`run record ${path} has no stages array`, { location: { file: path }, fix: 'run `mlpipeline run` again to rewrite it' });
  }
  const params: Record<string, unknown> = {};
  for (const s of run.stages) Object.assign(params, s.params ?? {});
  return {
    pipeline: run.pipeline,
    finished_at: run.finished_at,
    ok: run.ok,
    git: run.git,
    stages: run.stages.map((s) => ({ name: s.name, status: s.status, fingerprint: s.fingerprint, deps: s.deps ?? {}, outs: s.outs ?? {}, params: s.params ?? {} })),
    params,
    metrics: run.metrics ?? {},
  };
}

/** The gate verdict; null when absent (and no explicit --verdict was given). */
export async function readVerdict(loaded: LoadedPipeline, cwd: string, file?: string): Promise<VerdictSummary | null> {
  const path = file ? resolve(cwd, file) : join(loaded.dir, DEFAULT_VERDICT_FILE);
  if (!file && !existsSync(path)) return null;
  const v = (await readJson(path, 'gate verdict')) as VerdictSummary;
  if (!v || typeof v !== 'object' || typeof v.passed !== 'boolean' || !Array.isArray(v.gates)) {
    throw new InputError(`gate verdict ${path} needs {"passed": boolean, "gates": [...]}`, {
      location: { file: path },
      fix: 'write it with `mlpipeline gate`',
    });
  }
  return { passed: v.passed, gates: v.gates };
}

/** Repository-relative path with `/` separators for a path relative to the pipeline folder. */
export function repoPath(root: string, loaded: LoadedPipeline, path: string): string {
  const abs = isAbsolute(path) ? path : resolve(loaded.dir, path);
  const rel = relative(root, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new InputError(`${path} is outside the repository ${root}`, { fix: 'keep model and data files inside the repository' });
  }
  return rel.split(sep).join('/');
}

/** Data files (datasets) and every file a stage depends on, repository-relative, de-duplicated. */
export function materialPaths(root: string, loaded: LoadedPipeline, run: RunSummary | null): string[] {
  const paths = new Set<string>();
  for (const d of Object.values(loaded.pipeline.data ?? {})) paths.add(repoPath(root, loaded, d.path));
  for (const s of run?.stages ?? []) for (const dep of Object.keys(s.deps)) paths.add(repoPath(root, loaded, dep));
  return [...paths].sort();
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

export async function isInCommit(root: string, commit: string, path: string): Promise<boolean> {
  const r = await gitRaw(['cat-file', '-t', `${commit}:${path}`], { cwd: root, okCodes: [128] });
  return r.code === 0 && r.stdout.toString('utf8').trim() === 'blob';
}

/**
 * Digest of `path` at `commit`: from git objects when committed there, else from the work tree.
 * undefined when the file is in neither (or is a directory in the work tree).
 */
export async function digestFile(root: string, commit: string, path: string): Promise<FileDigest | undefined> {
  if (await isInCommit(root, commit, path)) {
    return { path, ...(await sha256Stream(streamFileAtRef(root, commit, path))), source: 'git' };
  }
  const abs = join(root, path);
  if (!existsSync(abs) || !statSync(abs).isFile()) return undefined;
  return { path, ...(await sha256Stream(createReadStream(abs))), source: 'workspace' };
}
