/** Path helpers shared by the stage engine. Records key paths relative to the pipeline folder, in POSIX form. */
import { isAbsolute, resolve, sep } from 'node:path';
import { isInside } from '../../core/paths.js';

/** `abs` relative to `root`, with `/` separators, `.` for the root itself. */
export { posixRelative as relPosix } from '../../core/paths.js';

/**
 * True when `child` is `parent` or lies below it (both absolute, normalised, as resolveIn makes
 * them). A string comparison, not path.relative: the stage graph asks this for every pair of dep
 * and out, which with hundreds of matrix instances took seconds.
 */
export function isSameOrInside(child: string, parent: string): boolean {
  if (!isAbsolute(child) || !isAbsolute(parent)) return isInside(parent, child);
  if (child === parent) return true;
  return child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** Two paths overlap when one equals or contains the other. */
export function overlaps(a: string, b: string): boolean {
  return isSameOrInside(a, b) || isSameOrInside(b, a);
}

export function resolveIn(dir: string, p: string): string {
  return resolve(dir, p);
}
