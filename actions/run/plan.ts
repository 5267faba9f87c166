/**
 * The `plan` phase, before the stage cache is restored: fetch the base branch, validate the
 * pipeline file, and compute the cache keys the composite's `actions/cache` steps use:
 *
 *   key             mlpipeline-stages-v1-<os>-<arch>-<pipeline id>-<digest of this tree's stage inputs>
 *   restore prefix  mlpipeline-stages-v1-<os>-<arch>-<pipeline id>-
 *   base key        the same digest computed on the base branch's tree (a temporary worktree)
 *
 * The digest is runners/stages/cache-key.ts (the stage inputs known before anything runs).
 * A pull request that changes nothing computes its base's key: an exact hit, nothing trains.
 * Otherwise the newest entry with the prefix is restored (this PR's last push, else the base
 * branch's newest), and the base's own entry is restored on top of it, so the base branch's
 * model — which `vs: base` finds through the base's committed mlpipeline.lock — is in the
 * cache even when the base moved on since this PR's last push. The cache is content-addressed
 * (objects by sha256, runs by fingerprint, re-hashed on restore), so two entries merge safely.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gitRaw, repoRoot } from '../../core/git.js';
import { isMlpipelineError } from '../../core/errors.js';
import { pipelineStatePaths } from '../../core/state-paths.js';
import { loadPipelineFile } from '../../pipeline-schema/load.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { stageCacheKey } from '../../runners/stages/cache-key.js';
import { info, warning } from '../github/index.js';

const KEY_VERSION = 'v1';

export interface CacheKeys {
  key: string;
  restorePrefix: string;
  /** Empty when the base branch has no such pipeline, or its stages cannot be planned. */
  baseKey: string;
  path: string;
}

function keyPrefix(root: string, pipelineFile: string): string {
  const rel = relative(root, pipelineFile).split(sep).join('/');
  const id = createHash('sha256').update(rel).digest('hex').slice(0, 12);
  return `mlpipeline-stages-${KEY_VERSION}-${process.env.RUNNER_OS ?? 'unknown'}-${process.env.RUNNER_ARCH ?? 'unknown'}-${id}-`;
}

export async function cacheKeys(loaded: LoadedPipeline, baseRef: string | undefined): Promise<CacheKeys> {
  const root = (await repoRoot(loaded.dir)) ?? loaded.dir;
  const prefix = keyPrefix(root, loaded.file);
  const own = await stageCacheKey(loaded);
  if (own.missingDeps.length) info(`stage cache key: deps no stage produces are missing: ${own.missingDeps.join(', ')}`);
  const base = baseRef ? await baseDigest(root, loaded, baseRef) : undefined;
  return { key: prefix + own.digest, restorePrefix: prefix, baseKey: base ? prefix + base : '', path: pipelineStatePaths(loaded.dir, loaded.file).cacheDir };
}

/** The same digest on the base branch's tree, checked out in a temporary worktree and removed. */
async function baseDigest(root: string, loaded: LoadedPipeline, baseRef: string): Promise<string | undefined> {
  const tmp = await mkdtemp(join(process.env.RUNNER_TEMP ?? root, 'mlpipeline-base-'));
  const tree = join(tmp, 'tree');
  try {
    await gitRaw(['worktree', 'add', '--detach', '--quiet', tree, baseRef], { cwd: root });
    const file = join(tree, relative(root, loaded.file));
    if (!existsSync(file)) return undefined;
    const base = await loadPipelineFile(file, { cwd: tree });
    return (await stageCacheKey(base)).digest;
  } catch (e) {
    if (!isMlpipelineError(e)) throw e;
    warning(`the base branch's stage cache key cannot be computed (${e.message}); only the newest cache entry is restored`);
    return undefined;
  } finally {
    await gitRaw(['worktree', 'remove', '--force', tree], { cwd: root, okCodes: [128] }).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }
}
