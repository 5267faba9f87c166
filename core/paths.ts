/**
 * The one way a path is written for people and in records: POSIX separators, relative where
 * that reads better. Every message, report and document names files through these two.
 */
import { isAbsolute, relative, sep } from 'node:path';

/** `abs` relative to `root` with `/` separators; `.` for the root itself (records, git paths). */
export function posixRelative(root: string, abs: string): string {
  const r = relative(root, abs);
  return r === '' ? '.' : toPosix(r);
}

/** True when `abs` is `root` or lies below it. */
export function isInside(root: string, abs: string): boolean {
  const r = relative(root, abs);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/**
 * How a file is shown to a person working in `cwd`: relative to it with `/` separators
 * (`data/train.csv`, `../params.yaml`, `.`), the same on every machine; absolute only where no
 * relative path exists (another drive on Windows).
 */
export function displayPath(abs: string, cwd: string): string {
  if (!isAbsolute(abs)) return toPosix(abs);
  const rel = relative(cwd, abs);
  return isAbsolute(rel) ? toPosix(abs) : posixRelative(cwd, abs);
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
