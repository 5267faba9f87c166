/**
 * The one way a path is written for people and in records: POSIX separators, relative where
 * that reads better. Every message, report and document names files through these two.
 */
import { isAbsolute, relative, sep } from 'node:path';

/** `abs` relative to `root` with `/` separators; `.` for the root itself (records, git paths). */
export function posixRelative(root: string, abs: string): string {
  const r = relative(root, abs);
  if (r === '') return '.';
  return sep === '/' ? r : r.split(sep).join('/');
}

/** True when `abs` is `root` or lies below it. */
export function isInside(root: string, abs: string): boolean {
  const r = relative(root, abs);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/**
 * How a file is shown to a person in `cwd`: relative (POSIX) when it is inside `cwd`; outside,
 * the shorter of the relative (`../x`) and the absolute path.
 */
export function displayPath(abs: string, cwd: string): string {
  if (!isAbsolute(abs)) return sep === '/' ? abs : abs.split(sep).join('/');
  const rel = posixRelative(cwd, abs);
  if (isInside(cwd, abs)) return rel;
  const absShown = sep === '/' ? abs : abs.split(sep).join('/');
  return rel.length < absShown.length ? rel : absShown;
}
