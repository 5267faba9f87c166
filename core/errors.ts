/**
 * Typed errors that carry their fix. Anything a user can cause (bad config, bad data, bad
 * flags, a refused promotion) is an MlpipelineError: the CLI prints `format()` and exits with
 * `exitCode`, never a stack trace. Anything else is a bug and keeps its stack.
 */

/** Where in a user's file something went wrong. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export function formatLocation(loc: SourceLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) {
    s += `:${loc.line}`;
    if (loc.column !== undefined) s += `:${loc.column}`;
  }
  return s;
}

export abstract class MlpipelineError extends Error {
  /** 2 = usage/config/unreadable input, 1 = a check, gate or policy said no. */
  abstract readonly exitCode: 1 | 2;
  /** Stable machine-readable code, e.g. `config-invalid`. */
  abstract readonly code: string;
  readonly location?: SourceLocation;
  readonly fix?: string;

  constructor(message: string, opts: { location?: SourceLocation; fix?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.location = opts.location;
    this.fix = opts.fix;
  }

  /** One line `file:line:col: message`, plus an indented `fix:` line when a fix is known. */
  format(): string {
    const head = this.location ? `${formatLocation(this.location)}: ${this.message}` : this.message;
    return this.fix ? `${head}\n  fix: ${this.fix}` : head;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      ...(this.location ? { file: this.location.file, line: this.location.line, column: this.location.column } : {}),
      ...(this.fix ? { fix: this.fix } : {}),
    };
  }
}

/** One problem found in a config file; ConfigError groups all of them so users see every error at once. */
export interface ConfigProblem {
  message: string;
  location: SourceLocation;
  fix?: string;
}

export function formatProblem(p: ConfigProblem): string {
  const head = `${formatLocation(p.location)}: ${p.message}`;
  return p.fix ? `${head}\n  fix: ${p.fix}` : head;
}

/** mlpipeline.yaml (or another config file) is unreadable, malformed or inconsistent. */
export class ConfigError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'config-invalid';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const first = problems[0];
    super(first ? first.message : 'invalid configuration', { location: first?.location, fix: first?.fix });
    this.problems = problems;
  }

  override format(): string {
    return this.problems.map(formatProblem).join('\n');
  }

  override toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      problems: this.problems.map((p) => ({ ...p.location, message: p.message, ...(p.fix ? { fix: p.fix } : {}) })),
    };
  }
}

/** Wrong flags, missing arguments, unknown commands. */
export class UsageError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'usage';
}

/** An input file (data, model, params, metrics) cannot be read or parsed. */
export class InputError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'input-invalid';
}

/** A git operation the user asked for cannot be done (unknown ref, not a repository, dirty tree). */
export class GitError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'git';
}

/** A stage command failed; downstream stages were not run. */
export class StageFailedError extends MlpipelineError {
  readonly exitCode = 1 as const;
  readonly code = 'stage-failed';
}

/** A data check, drift test or quality gate failed. The result document says which. */
export class ChecksFailedError extends MlpipelineError {
  readonly exitCode = 1 as const;
  readonly code = 'checks-failed';
}

/** A promotion or registry action was refused by the policy in mlpipeline.yaml. */
export class PolicyError extends MlpipelineError {
  readonly exitCode = 1 as const;
  readonly code = 'policy-refused';
  readonly rule: string;
  /** What the refused action would have written (the registry-action result), for `--json` and notes. */
  refusal?: unknown;
  constructor(rule: string, message: string, opts: { fix?: string } = {}) {
    super(message, opts);
    this.rule = rule;
  }
}

export function isMlpipelineError(e: unknown): e is MlpipelineError {
  return e instanceof MlpipelineError;
}

/**
 * A remote did not take a registry write: it refused it (a server hook, a protected tag), or it
 * could not be reached. Nothing was changed locally. The message carries the server's reason.
 */
export class PushError extends MlpipelineError {
  readonly exitCode = 1 as const;
  readonly code = 'push-failed';
}

/** Another `mlpipeline run` holds the workspace (its lock names the holder). */
export class WorkspaceBusyError extends MlpipelineError {
  readonly exitCode = 1 as const;
  readonly code = 'workspace-busy';
}
