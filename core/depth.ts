/**
 * A bound on how deeply user JSON/YAML may nest. Walkers over user documents (flatten, profile
 * text, diffs) are recursive; an input 100,000 levels deep would overflow the stack, so readers
 * refuse it first, naming the file, row and key path. The check itself is iterative.
 */
export const MAX_NESTING = 64;

/** The key path to the first container deeper than `max` levels (the top value is level 1), else undefined. */
export function tooDeep(value: unknown, max = MAX_NESTING): string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: { v: object; depth: number; path: string[] }[] = [{ v: value, depth: 1, path: [] }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (depth > max) return path;
    const entries: [string, unknown][] = v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x]) : Object.entries(v);
    for (const [k, x] of entries) {
      if (x !== null && typeof x === 'object' && !(x instanceof Date)) stack.push({ v: x, depth: depth + 1, path: [...path.slice(0, 8), k] });
    }
  }
  return undefined;
}

export function pathText(path: string[]): string {
  return path.length ? path.join('.') + (path.length >= 9 ? '…' : '') : '(top level)';
}
