/**
 * For tests under noUncheckedIndexedAccess: the value a test expects to be there, or a failure
 * naming what was missing. Unlike `!`, a wrong expectation fails with a reason instead of a
 * TypeError somewhere later.
 */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}, found nothing`);
  return value;
}
