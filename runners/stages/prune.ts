/**
 * Trim the content-addressed cache to what one lock file references: the run-cache entries of
 * its stages' fingerprints and the objects of their outs (with the files a directory manifest
 * names). CI saves the cache as a new entry each time the stage inputs change, restored from
 * the previous one: without this, every entry would carry every model ever trained on the
 * branch. A pull request's entry then holds its own stages' results; its base's are in the
 * base's own entry, which actions/run restores beside it.
 */
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LockDoc } from './lock-file.js';
import { parseManifest } from './hash-cache.js';
import { ObjectStore } from './object-store.js';

export interface PruneResult {
  removedRuns: number;
  removedObjects: number;
  keptObjects: number;
}

const HASH = /^[0-9a-f]{64}(\.dir)?$/;

/**
 * The entries of a real folder of the cache; nothing for a symlink: a restored or planted
 * `objects/ab -> elsewhere` must not make the trim delete files elsewhere (the object store
 * itself never follows one either).
 */
async function names(dir: string): Promise<string[]> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return [];
  return readdir(dir).catch(() => []);
}

export async function pruneToLock(cacheDir: string, lock: LockDoc): Promise<PruneResult> {
  const store = new ObjectStore(cacheDir);
  const fingerprints = new Set(Object.values(lock.stages).map((s) => s.fingerprint));
  const keep = new Set<string>();
  for (const s of Object.values(lock.stages)) for (const h of Object.values(s.outs ?? {})) keep.add(h);
  let removedRuns = 0;
  for (const name of await names(join(cacheDir, 'runs'))) {
    const fp = name.replace(/\.json$/, '');
    if (!fingerprints.has(fp)) {
      await rm(join(cacheDir, 'runs', name), { force: true });
      removedRuns++;
      continue;
    }
    for (const h of Object.values((await store.readRun(fp))?.outs ?? {})) keep.add(h);
  }
  // A directory out is a manifest object naming file objects: keep those too.
  for (const h of [...keep]) {
    if (!h.endsWith('.dir') || !HASH.test(h)) continue;
    try {
      for (const e of parseManifest(await readFile(store.objectPath(h), 'utf8'))) keep.add(e.hash);
    } catch {
      /* absent or damaged: a restore would evict it anyway */
    }
  }
  let removedObjects = 0;
  let keptObjects = 0;
  const objects = join(cacheDir, 'objects');
  for (const shard of await names(objects)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const rest of await names(join(objects, shard))) {
      // Temp files of a killed run start with '.'; sweepTemp removes those under the workspace lock.
      if (rest.startsWith('.')) continue;
      if (keep.has(shard + rest)) keptObjects++;
      else {
        await rm(join(objects, shard, rest), { force: true });
        removedObjects++;
      }
    }
  }
  return { removedRuns, removedObjects, keptObjects };
}
