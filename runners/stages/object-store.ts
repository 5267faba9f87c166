/**
 * The content-addressed cache under `.mlpipeline/cache/`:
 *   objects/ab/cdef…      file contents by sha256 (directory manifests end in `.dir`)
 *   runs/<fingerprint>.json  the run cache: which outs (by hash) a fingerprint produced
 *
 * Objects are named by what was stored: an out is copied into a temp file in the cache while
 * its bytes are hashed, and the temp file is renamed to that hash. A restore copies while
 * hashing and compares size and hash with the object's name; a damaged object is evicted and
 * the restore fails (the engine then runs the stage), so a tampered or truncated object — also
 * one restored in CI from another branch's cache — is never put back as a result. Restores are
 * copies, never hardlinks, so editing a restored file cannot corrupt the cache. Outs are never
 * followed through symlinks.
 */
import type { Stats } from 'node:fs';
import { access, lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { copyHashing, kindOf, NotRegularFileError } from './hashed-copy.js';
import { type HashCache, type ManifestEntry, type PathHash, manifestText, parseManifest, sha256 } from './hash-cache.js';

export interface RunCacheEntry {
  stage: string;
  created_at: string;
  /** Out path (relative to the pipeline folder) → content hash. */
  outs: Record<string, string>;
}

const HASH = /^[0-9a-f]{64}(\.dir)?$/;

/** An out cannot be cached: it is a symlink, a device, or a directory holding one. */
export class OutNotStorableError extends Error {}

/** A cache object's bytes do not match its name; it has been evicted. */
export class DamagedObjectError extends Error {}

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

const sameStat = (a: Stats, b: Stats): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

export class ObjectStore {
  constructor(readonly root: string) {}

  objectPath(hash: string): string {
    if (!HASH.test(hash)) throw new Error(`not a content hash: ${hash}`);
    return join(this.root, 'objects', hash.slice(0, 2), hash.slice(2));
  }

  private runPath(fp: string): string {
    return join(this.root, 'runs', `${fp}.json`);
  }

  /** Copy one regular file into the store; its object is named by the hash of the bytes stored. */
  private async putFile(abs: string, hashes: HashCache): Promise<string> {
    const tmpDir = join(this.root, 'objects');
    await mkdir(tmpDir, { recursive: true });
    const tmp = tempBeside(join(tmpDir, 'x'));
    try {
      const before = await lstat(abs);
      const startedAt = Date.now();
      const { hash } = await copyHashing(abs, tmp);
      const obj = this.objectPath(hash);
      await mkdir(dirname(obj), { recursive: true });
      // Replacing an existing object with the same name is harmless, and heals a damaged one.
      await rename(tmp, obj);
      // The workspace file may only be trusted to hold these bytes if it did not change meanwhile.
      const after = await lstat(abs);
      if (sameStat(before, after)) hashes.rememberStat(abs, after, hash, startedAt);
      return hash;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Store a declared out (a file or a directory of files) and return its hash as stored;
   * undefined when nothing is there. Throws OutNotStorableError for symlinks and other
   * non-regular files, which are never followed.
   */
  async storeOut(abs: string, rel: string, hashes: HashCache): Promise<PathHash | undefined> {
    let st: Stats;
    try {
      st = await lstat(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      if (st.isFile()) return { kind: 'file', hash: await this.putFile(abs, hashes) };
      if (!st.isDirectory()) throw new NotRegularFileError(abs, kindOf(st));
      const files: string[] = [];
      await walkOut(abs, '', rel, files);
      files.sort();
      const manifest: ManifestEntry[] = [];
      for (const f of files) manifest.push({ path: f, hash: await this.putFile(join(abs, f), hashes) });
      const text = manifestText(manifest);
      const hash = `${sha256(text)}.dir`;
      await writeFileAtomic(this.objectPath(hash), text);
      return { kind: 'dir', hash, manifest, manifestText: text };
    } catch (e) {
      if (e instanceof NotRegularFileError) {
        const which = e.path === abs ? rel : `${rel}/${e.path.slice(abs.length + 1)}`;
        throw new OutNotStorableError(`out ${which} is ${e.kind}; outs must be regular files or directories of them (links are not followed)`);
      }
      throw e;
    }
  }

  /**
   * Remove temp files a killed run left in the object folder. Only call while holding the
   * workspace lock: then no other run can be writing one.
   */
  async sweepTemp(): Promise<number> {
    const objects = join(this.root, 'objects');
    let names: string[];
    try {
      names = await readdir(objects);
    } catch {
      return 0;
    }
    const temps = names.filter((n) => n.endsWith('.mlpipeline-tmp'));
    for (const n of temps) await rm(join(objects, n), { force: true });
    return temps.length;
  }

  /** True when every object needed to restore these outs is present. */
  async has(outs: Record<string, string>): Promise<boolean> {
    for (const hash of Object.values(outs)) {
      if (!HASH.test(hash) || !(await exists(this.objectPath(hash)))) return false;
      if (hash.endsWith('.dir')) {
        let manifest: ManifestEntry[];
        try {
          manifest = parseManifest(await readFile(this.objectPath(hash), 'utf8'));
        } catch {
          return false;
        }
        for (const e of manifest) if (!HASH.test(e.hash) || !(await exists(this.objectPath(e.hash)))) return false;
      }
    }
    return true;
  }

  /** Remove an object whose bytes do not match its name. */
  private async evict(hash: string, why: string): Promise<never> {
    await rm(this.objectPath(hash), { force: true });
    throw new DamagedObjectError(`cache object ${hash.slice(0, 12)} is damaged (${why}); evicted it`);
  }

  /** Copy object `hash` to the new file `dest`, checking size and hash of what was copied. */
  private async copyOut(hash: string, dest: string): Promise<void> {
    const obj = this.objectPath(hash);
    let r;
    try {
      r = await copyHashing(obj, dest);
    } catch (e) {
      await rm(dest, { force: true });
      if (e instanceof NotRegularFileError) return this.evict(hash, e.kind);
      throw e;
    }
    if (r.hash !== hash || r.size !== r.sourceSize) {
      await rm(dest, { force: true });
      return this.evict(hash, r.size !== r.sourceSize ? `size changed while copying` : `its content hashes to ${r.hash.slice(0, 12)}`);
    }
  }

  private async readManifest(hash: string): Promise<ManifestEntry[]> {
    const text = await readFile(this.objectPath(hash), 'utf8');
    if (`${sha256(text)}.dir` !== hash) return this.evict(hash, 'the manifest does not match its name');
    let manifest: ManifestEntry[];
    try {
      manifest = parseManifest(text);
    } catch {
      return this.evict(hash, 'the manifest does not parse');
    }
    for (const e of manifest) {
      // Never let a damaged manifest write outside the out.
      if (typeof e.path !== 'string' || e.path.split('/').some((seg) => seg === '..' || seg === '' || seg === '.') || e.path.startsWith('/') || !HASH.test(e.hash) || e.hash.endsWith('.dir')) {
        return this.evict(hash, `bad entry ${JSON.stringify(e.path)}`);
      }
    }
    return manifest;
  }

  /**
   * Replace whatever is at `abs` with the stored content of `hash`, byte for byte, checked as it
   * is copied. Everything is assembled beside `abs` and renamed into place, so a failure leaves
   * the old out (never a mix). Throws DamagedObjectError after evicting a bad object.
   */
  async restore(abs: string, hash: string, hashes: HashCache): Promise<void> {
    await mkdir(dirname(abs), { recursive: true });
    const tmp = join(dirname(abs), `.${basename(abs)}.${randomBytes(6).toString('hex')}.mlpipeline-tmp`);
    try {
      if (!hash.endsWith('.dir')) {
        await this.copyOut(hash, tmp);
      } else {
        const manifest = await this.readManifest(hash);
        await mkdir(tmp);
        for (const e of manifest) {
          const dest = join(tmp, e.path);
          await mkdir(dirname(dest), { recursive: true });
          await this.copyOut(e.hash, dest);
        }
      }
      await rm(abs, { recursive: true, force: true });
      await rename(tmp, abs);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    if (!hash.endsWith('.dir')) {
      await hashes.rememberFile(abs, hash);
      return;
    }
    for (const e of parseManifest(await readFile(this.objectPath(hash), 'utf8'))) await hashes.rememberFile(join(abs, e.path), e.hash);
  }

  async readRun(fp: string): Promise<RunCacheEntry | undefined> {
    try {
      const entry = JSON.parse(await readFile(this.runPath(fp), 'utf8')) as RunCacheEntry;
      return entry && typeof entry.outs === 'object' && entry.outs !== null ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async writeRun(fp: string, entry: RunCacheEntry): Promise<void> {
    await writeFileAtomic(this.runPath(fp), toJsonText(entry));
  }
}

/** The regular files of a directory out; a symlink or device anywhere inside is refused. */
async function walkOut(root: string, prefix: string, rel: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const e of entries) {
    const p = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) await walkOut(root, p, rel, out);
    else if (e.isFile()) out.push(p);
    else throw new NotRegularFileError(join(root, p), kindOf(await lstat(join(root, p))));
  }
}

/** `.mlpipeline/` holds only local state; a `.gitignore` inside keeps all of it out of Git. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const gi = join(stateDir, '.gitignore');
  if (!(await exists(gi))) await writeFileAtomic(gi, '# local state of mlpipeline: caches and run records\n*\n');
}

