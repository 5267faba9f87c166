/**
 * The live batch: `monitoring.live.path` is a file or a glob of the batches a serving system
 * writes. The newest batch by name is compared (serving systems name batches by time, e.g.
 * `2026-12-01T00.csv`; modification times are not kept by a checkout or an artifact download).
 * One batch, not the union of all matches: a fixed-size window keeps the tests' power the same
 * from run to run, where a growing pile of batches would make every p-value shrink with volume.
 * The walk never follows symbolic links and never leaves the pipeline's repository.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { globBase, globToRegExp, isGlob } from '../../core/glob.js';
import { isInside, posixRelative } from '../../core/paths.js';
import type { LoadedPipeline, MonitoringSpec } from '../../pipeline-schema/types.js';

export interface LiveBatch {
  /** Relative to the pipeline folder, POSIX. */
  path: string;
  abs: string;
  /** How many files the pattern matched (the newest is compared). */
  matched: number;
}

/** Folders a walk never enters: state, dependencies, Git. */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.mlpipeline']);
const MAX_FILES = 100_000;

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw e;
  }
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await walk(root, child, out);
    else if (e.isFile()) out.push(child);
    if (out.length > MAX_FILES) return;
  }
}

export async function resolveLiveBatch(loaded: LoadedPipeline, spec: MonitoringSpec, repoRoot: string, override?: string): Promise<LiveBatch> {
  return resolveNewestBatch(loaded, repoRoot, override ?? spec.live.path, override !== undefined ? '--live' : '/monitoring/live/path');
}

/** The newest file by name matching `path` (a file or a glob); `from` is the pointer into mlpipeline.yaml it came from, or a flag name. */
export async function resolveNewestBatch(loaded: LoadedPipeline, repoRoot: string, path: string, from: string, opts: { optional: true }): Promise<LiveBatch | undefined>;
export async function resolveNewestBatch(loaded: LoadedPipeline, repoRoot: string, path: string, from: string, opts?: { optional?: false }): Promise<LiveBatch>;
export async function resolveNewestBatch(loaded: LoadedPipeline, repoRoot: string, path: string, from: string, opts: { optional?: boolean } = {}): Promise<LiveBatch | undefined> {
  const pattern = path.replace(/^\.\//, '');
  const where = from.startsWith('/') ? { file: loaded.displayFile ?? loaded.file, ...(loaded.locate(from) ?? {}) } : { file: from };
  const labelled = from === '/monitoring/performance/path';
  const what = labelled ? 'labelled batch' : 'live batch';
  const setting = labelled ? 'monitoring.performance.path' : from.startsWith('/') ? 'monitoring.live.path' : from;
  const base = isGlob(pattern) ? globBase(pattern) : pattern;
  const baseAbs = resolve(loaded.dir, base);
  const outside = () => new InputError(`the ${what} ${pattern} (${setting}) is outside the repository`, { location: where, fix: `keep the ${what}es inside the repository (download them there first); symbolic links out of it are not followed` });
  // The real path counts: a symlinked folder on the way must not lead out of the repository.
  if (!isInside(repoRoot, baseAbs) || !(await realInside(repoRoot, baseAbs))) throw outside();
  if (!isGlob(pattern)) {
    const st = await lstat(baseAbs).catch(() => undefined);
    if (!st && opts.optional) return undefined;
    if (!st?.isFile()) {
      throw new InputError(`no ${what} at ${pattern}${st ? ' (not a regular file)' : ''}`, { location: where, fix: `point ${setting} at the batch files your serving system writes, or download them there before the monitor runs` });
    }
    return { path: posixRelative(loaded.dir, baseAbs), abs: baseAbs, matched: 1 };
  }
  const re = globToRegExp(pattern);
  const files: string[] = [];
  const baseRel = posixRelative(loaded.dir, baseAbs);
  await walk(loaded.dir, baseRel === '.' ? '' : baseRel, files);
  const matches = files.filter((f) => re.test(f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const newest = matches[matches.length - 1];
  if (newest === undefined) {
    if (opts.optional) return undefined;
    throw new InputError(`no ${what} matches ${pattern}`, { location: where, fix: `check the glob in ${setting}, or download the recent batches before the monitor runs` });
  }
  const abs = resolve(loaded.dir, newest);
  if (!(await realInside(repoRoot, abs))) throw outside();
  return { path: newest, abs, matched: matches.length };
}

/** The real path of `abs` (of its nearest existing ancestor when it does not exist) is inside the real repository root. */
async function realInside(root: string, abs: string): Promise<boolean> {
  const realRoot = await realpath(root).catch(() => root);
  let p = abs;
  for (;;) {
    const real = await realpath(p).catch(() => undefined);
    if (real !== undefined) return isInside(realRoot, real);
    const up = dirname(p);
    if (up === p) return false;
    p = up;
  }
}
