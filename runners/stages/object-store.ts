/**
 * The content-addressed cache under `.mlpipeline/cache/`:
 *   objects/ab/cdef…      file contents by sha256 (directory manifests end in `.dir`)
 *   runs/<fingerprint>.json  the run cache: which outs (by hash) a fingerprint produced
 * After a successful run the outs are stored; a fingerprint seen before has its outs restored
 * by copying the objects back (copies, never hardlinks, so editing a restored file cannot
 * corrupt the cache).
 */
import { constants } from 'node:fs';
import { access, copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { type HashCache, type PathHash, parseManifest } from './hash-cache.js';

export interface RunCacheEntry {
  stage: string;
  created_at: string;
  /** Out path (relative to the pipeline folder) → content hash. */
  outs: Record<string, string>;
}

const HASH = /^[0-9a-f]{64}(\.dir)?$/;

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

function tempBeside(p: string): string {
  return join(dirname(p), `.${randomBytes(6).toString('hex')}.mlpipeline-tmp`);
}

/** Copy with a temp file and rename, so a crash never leaves half a file in place. */
async function copyAtomic(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempBeside(dest);
  try {
    // FICLONE makes a copy-on-write clone where the filesystem supports it, a plain copy elsewhere.
    await copyFile(src, tmp, constants.COPYFILE_FICLONE);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export class ObjectStore {
  constructor(readonly root: string) {}

  objectPath(hash: string): string {
    if (!HASH.test(hash)) throw new Error(`not a content hash: ${hash}`);
    return join(this.root, 'objects', hash.slice(0, 2), hash.slice(2));
  }

  private runPath(fp: string): string {
    return join(this.root, 'runs', `${fp}.json`);
  }

  /** Put an out's content into the store (files not already there are copied). */
  async store(abs: string, h: PathHash): Promise<void> {
    if (h.kind === 'file') {
      const obj = this.objectPath(h.hash);
      if (!(await exists(obj))) await copyAtomic(abs, obj);
      return;
    }
    for (const e of h.manifest) {
      const obj = this.objectPath(e.hash);
      if (!(await exists(obj))) await copyAtomic(join(abs, e.path), obj);
    }
    const mobj = this.objectPath(h.hash);
    if (!(await exists(mobj))) await writeFileAtomic(mobj, h.manifestText);
  }

  /** True when every object needed to restore these outs is present. */
  async has(outs: Record<string, string>): Promise<boolean> {
    for (const hash of Object.values(outs)) {
      if (!HASH.test(hash) || !(await exists(this.objectPath(hash)))) return false;
      if (hash.endsWith('.dir')) {
        const manifest = parseManifest(await readFile(this.objectPath(hash), 'utf8'));
        for (const e of manifest) if (!(await exists(this.objectPath(e.hash)))) return false;
      }
    }
    return true;
  }

  /** Replace whatever is at `abs` with the stored content of `hash`, byte for byte. */
  async restore(abs: string, hash: string, hashes: HashCache): Promise<void> {
    await rm(abs, { recursive: true, force: true });
    if (!hash.endsWith('.dir')) {
      await copyAtomic(this.objectPath(hash), abs);
      await hashes.rememberFile(abs, hash);
      return;
    }
    const manifest = parseManifest(await readFile(this.objectPath(hash), 'utf8'));
    await mkdir(abs, { recursive: true });
    for (const e of manifest) {
      // The manifest is our own file, but never let a damaged one write outside the out.
      if (e.path.split('/').some((seg) => seg === '..' || seg === '') || e.path.startsWith('/')) {
        throw new Error(`damaged cache manifest ${hash}: bad path ${e.path}`);
      }
      const dest = join(abs, e.path);
      await copyAtomic(this.objectPath(e.hash), dest);
      await hashes.rememberFile(dest, e.hash);
    }
  }

  async readRun(fp: string): Promise<RunCacheEntry | undefined> {
    try {
      const entry = JSON.parse(await readFile(this.runPath(fp), 'utf8')) as RunCacheEntry;
      return entry && typeof entry.outs === 'object' ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async writeRun(fp: string, entry: RunCacheEntry): Promise<void> {
    await writeFileAtomic(this.runPath(fp), toJsonText(entry));
  }
}

/** `.mlpipeline/` holds only local state; a `.gitignore` inside keeps all of it out of Git. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const gi = join(stateDir, '.gitignore');
  if (!(await exists(gi))) await writeFileAtomic(gi, '# local state of mlpipeline: caches and run records\n*\n');
}
