/**
 * Content hashes (sha256) of files and directories, with a cache keyed by path and the file's
 * size, mtime, ctime and inode in `.mlpipeline/hashes.json`, so unchanged gigabytes are never
 * re-read. A directory's hash is the sha256 of its manifest (sorted relative paths with their
 * file hashes) and carries a `.dir` suffix, as in DVC.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { kindOf } from './hashed-copy.js';
import { relPosix } from './paths.js';

export interface ManifestEntry {
  path: string;
  hash: string;
}

export type PathHash =
  | { kind: 'file'; hash: string }
  | { kind: 'dir'; hash: string; manifest: ManifestEntry[]; manifestText: string };

interface CacheEntry {
  size: number;
  mtime: number;
  ctime: number;
  ino: number;
  hash: string;
}

/**
 * A write within the filesystem's timestamp granularity after we stat a file could leave size,
 * mtime and ctime unchanged ("racy clean", as Git calls it). Entries are only trusted when the
 * file's mtime or ctime is at least this much older than the moment we hashed it.
 */
const RACY_WINDOW_MS = 100;

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function manifestText(entries: ManifestEntry[]): string {
  return JSON.stringify(entries.map((e) => [e.path, e.hash]));
}

export function parseManifest(text: string): ManifestEntry[] {
  return (JSON.parse(text) as [string, string][]).map(([path, hash]) => ({ path, hash }));
}

export class HashCache {
  /** How many files were actually read and hashed (the rest came from the cache). */
  filesRead = 0;
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly root: string,
    private entries: Record<string, CacheEntry>,
  ) {}

  /** Open the cache at `file`; a missing or unreadable cache is simply empty. */
  static async open(file: string, root: string): Promise<HashCache> {
    let entries: Record<string, CacheEntry> = {};
    try {
      const doc = JSON.parse(await readFile(file, 'utf8')) as { version?: number; entries?: Record<string, CacheEntry> };
      if (doc.version === 1 && doc.entries && typeof doc.entries === 'object') entries = doc.entries;
    } catch {
      /* no cache yet, or a damaged one: start over (it is only an accelerator) */
    }
    return new HashCache(file, root, entries);
  }

  /** Hash of a file or directory, or undefined when nothing is there. */
  async hashPath(abs: string): Promise<PathHash | undefined> {
    let st: Stats;
    try {
      st = await stat(abs);
    } catch {
      return undefined;
    }
    if (!st.isFile() && !st.isDirectory()) {
      // Reading a device or a FIFO would never end (a link to /dev/zero) or block.
      throw new InputError(`${relPosix(this.root, abs)} is ${kindOf(st)}, not a regular file or directory; mlpipeline does not read it`, {
        fix: 'point deps and outs at regular files or directories',
      });
    }
    if (st.isDirectory()) {
      const files: string[] = [];
      await walk(abs, '', files);
      files.sort();
      const manifest: ManifestEntry[] = [];
      for (const f of files) manifest.push({ path: f, hash: await this.hashFile(join(abs, f)) });
      const text = manifestText(manifest);
      return { kind: 'dir', hash: `${sha256(text)}.dir`, manifest, manifestText: text };
    }
    return { kind: 'file', hash: await this.hashFile(abs, st) };
  }

  async hashFile(abs: string, st?: Stats): Promise<string> {
    const s = st ?? (await stat(abs));
    const key = relPosix(this.root, abs);
    const e = this.entries[key];
    if (e && e.size === s.size && e.mtime === s.mtimeMs && e.ctime === s.ctimeMs && e.ino === s.ino) return e.hash;
    const startedAt = Date.now();
    const hash = await sha256File(abs);
    this.filesRead++;
    this.remember(key, s, hash, startedAt);
    return hash;
  }

  /** Record a hash we already know (e.g. of a file just restored from the object store). */
  async rememberFile(abs: string, hash: string): Promise<void> {
    const key = relPosix(this.root, abs);
    this.remember(key, await stat(abs), hash, Date.now());
  }

  /** Record the hash of `abs` as it was when `st` was taken (the copy that hashed it started at `hashedAt`). */
  rememberStat(abs: string, st: Stats, hash: string, hashedAt: number): void {
    this.remember(relPosix(this.root, abs), st, hash, hashedAt);
  }

  private remember(key: string, s: Stats, hash: string, hashedAt: number): void {
    const racy = Math.min(s.mtimeMs, s.ctimeMs) > hashedAt - RACY_WINDOW_MS;
    if (racy) {
      if (this.entries[key]) {
        delete this.entries[key];
        this.dirty = true;
      }
      return;
    }
    this.entries[key] = { size: s.size, mtime: s.mtimeMs, ctime: s.ctimeMs, ino: s.ino, hash };
    this.dirty = true;
  }

  /** Write the cache if anything changed. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const sorted: Record<string, CacheEntry> = {};
    for (const k of Object.keys(this.entries).sort()) sorted[k] = this.entries[k]!;
    await writeFileAtomic(this.file, toJsonText({ version: 1, entries: sorted }));
    this.dirty = false;
  }
}

async function walk(root: string, prefix: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(root, rel, out);
    else if (e.isFile()) out.push(rel);
    else if (e.isSymbolicLink()) {
      // Follow links to files (their content is what the stage reads); skip links to directories to avoid loops.
      const st = await stat(join(root, rel)).catch(() => undefined);
      if (st?.isFile()) out.push(rel);
    }
  }
}
