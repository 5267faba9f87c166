/**
 * A broken invariant of mlpipeline itself, never a user's mistake: the CLI prints it with its
 * stack as an internal error to report. `defined` is the check for an index that is in range
 * by construction, so the type system can see it without a non-null assertion.
 */
export class InternalError extends Error {
  constructor(reason: string) {
    super(`internal error: ${reason}`);
    this.name = 'InternalError';
  }
}

/** `value`, which the caller's construction guarantees is there; `reason` says why. */
export function defined<T>(value: T | undefined, reason: string): T {
  if (value === undefined) throw new InternalError(reason);
  return value;
}
