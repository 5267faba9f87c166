import { lstat, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { lstatSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, basename, isAbsolute, join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isMlpipelineError, MlpipelineError } from './errors.js';

/**
 * Atomic writes: a temp file beside the target, renamed into place, so readers never see half a
 * file. The target must be a regular file or not exist yet: a rename over a symlink, a device
 * (`/dev/stdout`, `/dev/full` as root), a fifo or a directory would replace that thing, so it is
 * refused. Write failures (ENOSPC, EACCES, EROFS, ...) become an `OutputError` naming the path
 * and the OS reason; nothing half-written is left behind.
 */
export interface AtomicWriteOptions {
  /** How the user named the target, for messages: `--out` (a flag) or a config key. */
  what?: string;
  /**
   * The folder the file must stay in, symlinks resolved: a default output folder (`.mlpipeline/`)
   * that is, or sits under, a symlink pointing elsewhere is refused before anything is created.
   * Not for a path the user gave (`--out` is the user's choice).
   */
  confineTo?: string;
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function escapes(path: string, real: string, root: string, opts: AtomicWriteOptions | undefined): OutputError {
  return new OutputError(`${label(path, opts)} would be written outside ${root}: a folder on its way is a symbolic link to ${real}`, {
    location: { file: path },
    fix: 'remove the symbolic link (mlpipeline creates the folder itself), or give an explicit output path',
  });
}

/** The nearest existing folder of `path`, symlinks resolved (nothing is created). */
function realAncestor(path: string, real: (p: string) => string): string {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      return real(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw e;
    }
  }
}

async function realAncestorAsync(path: string): Promise<string> {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      return await realpath(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw e;
    }
  }
}

async function checkConfined(path: string, opts: AtomicWriteOptions | undefined): Promise<void> {
  if (!opts?.confineTo) return;
  const root = await realAncestorAsync(opts.confineTo);
  const real = await realAncestorAsync(dirname(path));
  if (!inside(real, root)) throw escapes(path, real, opts.confineTo, opts);
}

function checkConfinedSync(path: string, opts: AtomicWriteOptions | undefined): void {
  if (!opts?.confineTo) return;
  const root = realAncestor(opts.confineTo, (p) => realpathSync(p));
  const real = realAncestor(dirname(path), (p) => realpathSync(p));
  if (!inside(real, root)) throw escapes(path, real, opts.confineTo, opts);
}

/** A file mlpipeline was asked to write cannot be written. */
export class OutputError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'output-invalid';
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function label(path: string, opts: AtomicWriteOptions | undefined): string {
  return opts?.what ? `${opts.what} ${path}` : path;
}

function kindOf(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a named pipe (fifo)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(path: string, kind: string, opts: AtomicWriteOptions | undefined): OutputError {
  return new OutputError(`${label(path, opts)} is ${kind}; expected the path of a regular file to write (it is replaced atomically)`, {
    location: { file: path },
    fix: opts?.what
      ? `give ${opts.what} a file path such as ./result.json (to print the document, use --json instead)`
      : 'remove it, or write somewhere else',
  });
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a parent of the path is not a directory',
  EISDIR: 'is a directory',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EEXIST: 'a file is in the way',
};

/** An fs error from writing `path` as a user-facing error (others pass through unchanged). */
export function writeFailure(e: unknown, path: string, opts?: AtomicWriteOptions): unknown {
  if (isMlpipelineError(e)) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !/^E[A-Z]+$/.test(code)) return e;
  const reason = REASONS[code] ?? ((e as Error).message.split(',')[0]?.replace(/^E[A-Z]+: /, '') || 'write failed');
  const fix =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'free some space on that file system, or write somewhere else'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'write to a folder you can write to, or fix its permissions'
        : 'check the path, or write somewhere else';
  return new OutputError(`cannot write ${label(path, opts)}: ${code}: ${reason}`, { location: { file: path }, fix, cause: e });
}

async function checkTarget(path: string, opts: AtomicWriteOptions | undefined): Promise<void> {
  let st: Stats;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw writeFailure(e, path, opts);
  }
  const kind = kindOf(st);
  if (kind) throw notRegular(path, kind, opts);
}

function checkTargetSync(path: string, opts: AtomicWriteOptions | undefined): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw writeFailure(e, path, opts);
  }
  const kind = kindOf(st);
  if (kind) throw notRegular(path, kind, opts);
}

/** Write to a temp file beside the target and rename it into place, so readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts?: AtomicWriteOptions): Promise<void> {
  await checkConfined(path, opts).catch((e: unknown) => {
    throw writeFailure(e, path, opts);
  });
  await checkTarget(path, opts);
  const tmp = tempPathFor(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailure(e, path, opts);
  }
}

export function writeFileAtomicSync(path: string, data: string | Uint8Array, opts?: AtomicWriteOptions): void {
  try {
    checkConfinedSync(path, opts);
  } catch (e) {
    throw writeFailure(e, path, opts);
  }
  checkTargetSync(path, opts);
  const tmp = tempPathFor(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* the original error is the one to report */
    }
    throw writeFailure(e, path, opts);
  }
}

/** JSON documents we write are pretty-printed with a trailing newline so they diff well in Git. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
