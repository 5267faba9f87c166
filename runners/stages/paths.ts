/** Path helpers shared by the stage engine. Records key paths relative to the pipeline folder, in POSIX form. */
import { isAbsolute, relative, resolve } from 'node:path';

/** `abs` relative to `root`, with `/` separators, `.` for the root itself. */
export { posixRelative as relPosix } from '../../core/paths.js';

/** True when `child` is `parent` or lies below it (both absolute, normalised). */
export function isSameOrInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const r = relative(parent, child);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

/** Two paths overlap when one equals or contains the other. */
export function overlaps(a: string, b: string): boolean {
  return isSameOrInside(a, b) || isSameOrInside(b, a);
}

export function resolveIn(dir: string, p: string): string {
  return resolve(dir, p);
}
