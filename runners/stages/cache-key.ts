/**
 * The key under which CI saves and restores the stage cache (`.mlpipeline/cache`): a digest of
 * what every stage's fingerprint is made of that is known BEFORE anything runs — commands,
 * working directory, environment, params values, out paths, and the content hashes of the deps
 * no stage produces. Deps another stage writes are left out: their content follows from the
 * producing stage's inputs, which are in the digest. So the key depends on the inputs alone,
 * never on what the local cache or work tree already holds, and two checkouts whose stages
 * would see the same inputs compute the same key (a pull request that changes nothing finds
 * its base branch's entry by exact key).
 */
import { canonicalJson } from '../../core/canonical-json.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { sha256 } from './hash-cache.js';
import { overlaps } from './paths.js';
import { prepare } from './prepare.js';

/** Bump when the recipe changes, so old entries are not taken for new ones. */
const RECIPE = 1;

export interface StageCacheKey {
  /** sha256 over every stage's own inputs, in run order. */
  digest: string;
  /** Deps that no stage produces and that do not exist (the digest names them as missing). */
  missingDeps: string[];
}

export async function stageCacheKey(loaded: LoadedPipeline): Promise<StageCacheKey> {
  const prepared = await prepare(loaded, {});
  const outs = prepared.stages.flatMap((s) => s.outs.map((o) => o.abs));
  const missingDeps: string[] = [];
  const stages = [];
  for (const s of prepared.stages) {
    const deps: Record<string, string | null> = {};
    for (const dep of s.deps) {
      if (outs.some((o) => overlaps(dep.abs, o))) {
        deps[dep.rel] = 'produced';
        continue;
      }
      const h = await prepared.hashes.hashPath(dep.abs);
      if (!h) missingDeps.push(dep.rel);
      deps[dep.rel] = h?.hash ?? null;
    }
    stages.push({ name: s.name, cmds: s.cmds, wdir: s.wdir.rel, env: s.env, deps, params: prepared.params.get(s.name) ?? {}, outs: s.outs.map((o) => o.rel).sort() });
  }
  // Hashing may have refreshed the hash cache (local, gitignored): keep it for the run that follows.
  await prepared.hashes.save().catch(() => undefined);
  return { digest: sha256(canonicalJson({ recipe: RECIPE, stages })), missingDeps };
}
