/** Path helpers shared by the stage engine. Records key paths relative to the pipeline folder, in POSIX form. */
import { resolve } from 'node:path';
import { isInside } from '../../core/paths.js';

/** `abs` relative to `root`, with `/` separators, `.` for the root itself. */
export { posixRelative as relPosix } from '../../core/paths.js';

/** True when `child` is `parent` or lies below it (both absolute, normalised). */
export function isSameOrInside(child: string, parent: string): boolean {
  return isInside(parent, child);
}

/** Two paths overlap when one equals or contains the other. */
export function overlaps(a: string, b: string): boolean {
  return isSameOrInside(a, b) || isSameOrInside(b, a);
}

export function resolveIn(dir: string, p: string): string {
  return resolve(dir, p);
}
