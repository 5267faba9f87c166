/**
 * The part of danger's DSL the plugin reads, typed structurally: danger injects `danger`, `warn`,
 * `fail`, `message` and `markdown` as globals into a dangerfile, so the plugin never imports
 * danger at run time and a user's install does not pull it in. test/danger-plugin.test.ts
 * checks that danger's own `DangerDSLType` fits these types.
 */
import { UsageError } from '../core/errors.js';

export interface DangerGitLike {
  created_files: string[];
  modified_files: string[];
  deleted_files: string[];
  /** The base ref or commit (`main` under `danger local --base main`, a SHA on a PR). */
  base?: string;
  head?: string;
}

export interface DangerLike {
  git: DangerGitLike;
  github?: { pr?: { base?: { sha?: string }; head?: { sha?: string } } } | undefined;
}

export type Report = (message: string, file?: string, line?: number) => void;

export interface DangerGlobals {
  danger: DangerLike;
  warn: Report;
  fail: Report;
  message: Report;
  markdown: Report;
}

/** danger's globals as the dangerfile sees them; a clear error when the plugin runs outside danger. */
export function dangerGlobals(scope: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): DangerGlobals {
  const missing = ['danger', 'warn', 'fail', 'message', 'markdown'].filter((k) => scope[k] === undefined);
  if (missing.length) {
    throw new UsageError(`mlpipeline/danger runs inside a dangerfile; danger's globals are missing: ${missing.join(', ')}`, {
      fix: 'call mlpipeline() from dangerfile.ts and run it with `danger ci`, `danger pr` or `danger local`',
    });
  }
  return scope as unknown as DangerGlobals;
}
