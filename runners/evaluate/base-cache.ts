/**
 * The base branch's model when it is not committed: the base's `mlpipeline.lock` (committed)
 * records the sha256 of every stage out, and the local stage cache (restored in CI by
 * fingerprint) may hold that content. Used by `vs: base` baselines; the content is re-hashed
 * before use, since caches restored in CI may come from other branches.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readFileAtRef } from '../../core/git.js';
import { ObjectStore } from '../stages/object-store.js';
import { statePaths } from '../stages/state.js';

const HASH = /^[0-9a-f]{64}$/;

export type CacheLookup = { bytes: Uint8Array; sha256: string } | { missing: string };

/**
 * @param root        repository root
 * @param commit      the base commit
 * @param pipelineDir folder of mlpipeline.yaml (its lock is beside it; outs are relative to it)
 * @param modelAbs    the model file's absolute path in the work tree
 */
export async function modelFromBaseCache(root: string, commit: string, pipelineDir: string, modelAbs: string): Promise<CacheLookup> {
  const dirRel = relative(root, pipelineDir).split(sep).join('/');
  const lockRel = dirRel ? `${dirRel}/mlpipeline.lock` : 'mlpipeline.lock';
  const outRel = relative(pipelineDir, modelAbs).split(sep).join('/');
  const text = await readFileAtRef(root, commit, lockRel);
  if (!text) return { missing: `no committed ${lockRel} records its hash, so the stage cache cannot be searched` };
  let hash: string | undefined;
  try {
    const doc = parseYaml(text.toString('utf8')) as { stages?: Record<string, { outs?: Record<string, unknown> }> } | null;
    for (const st of Object.values(doc?.stages ?? {})) {
      const h = st?.outs && Object.prototype.hasOwnProperty.call(st.outs, outRel) ? st.outs[outRel] : undefined;
      if (typeof h === 'string') hash = h;
    }
  } catch {
    return { missing: `${lockRel} at the base is not valid YAML` };
  }
  if (!hash || !HASH.test(hash)) return { missing: `${lockRel} at the base records no out ${outRel}` };
  const store = new ObjectStore(statePaths(pipelineDir).cacheDir);
  let bytes: Buffer;
  try {
    bytes = await readFile(store.objectPath(hash));
  } catch {
    return { missing: `no cache entry for it (sha256 ${hash.slice(0, 12)} from ${lockRel}; restore the stage cache, or commit the model)` };
  }
  if (createHash('sha256').update(bytes).digest('hex') !== hash) return { missing: `the cache entry for sha256 ${hash.slice(0, 12)} does not match its hash` };
  return { bytes, sha256: hash };
}
