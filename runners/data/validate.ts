/**
 * `validate-data` as a function: one pass over the current data (profile + checks), table checks,
 * and drift against a baseline (a data file, a stored profile, or the dataset at a git ref).
 * Returns the validation document (schema: pipeline-schema/validation.schema.json).
 */
import { dict } from '../../core/own.js';
import { validateDocument } from '../../pipeline-schema/documents.js';
import { parseYaml } from '../../pipeline-schema/yaml-source.js';
import { delimiterHint } from './delimiter-hint.js';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { isInside, posixRelative } from '../../core/paths.js';
import { InputError } from '../../core/errors.js';
import { gitRaw, repoRoot, resolveCommit } from '../../core/git.js';
import type { ColumnType, DataFormat, DriftSpec, ValidationSpec } from '../../pipeline-schema/types.js';
import { missingColumnResult, tableChecks, type CheckResult } from './checks.js';
import { checkDriftSpec, computeDrift, type DriftResult } from './drift.js';
import { PROFILE_SCHEMA_ID, type ColumnProfile, type ProfileDocument } from './profile-types.js';
import { scanDataset } from './scan.js';
import type { DataSource } from './source.js';

export const VALIDATION_SCHEMA_ID = 'mlpipeline/validation@1';

/**
 * Where the drift baseline comes from; `label` is how to show a path (as the user wrote it). A
 * `path` may name a file at a git `ref` (relative to `cwd`, the repository root then), with its
 * own format and delimiter: the monitor's reference, the training data of a registered version.
 */
export type BaselineChoice =
  | { path: string; label?: string; ref?: string; cwd?: string; format?: DataFormat; delimiter?: string }
  | { profile: string; label?: string }
  | { ref: string };

export interface ValidateOptions {
  data: DataSource;
  spec?: ValidationSpec;
  /** Dataset `types`. */
  types?: Record<string, ColumnType>;
  /** Baseline to compare with; none = no drift section. Paths resolve against data.cwd. */
  baseline?: BaselineChoice;
  configFile?: string;
}

/** A column's profile without the drift material (samples and full counts). */
export type ColumnSummary = Omit<ColumnProfile, 'sample' | 'counts' | 'other_count'>;

export interface ValidationDocument {
  schema: typeof VALIDATION_SCHEMA_ID;
  ok: boolean;
  data: { path: string; ref?: string; format: string };
  summary: { checks: number; failed_errors: number; failed_warnings: number; drift_failed: boolean };
  checks: CheckResult[];
  profile: { rows: number; columns: Record<string, ColumnSummary> };
  drift: DriftResult | null;
  /** Things worth knowing that are not checks (e.g. a CSV that looks read with the wrong delimiter). */
  warnings?: string[];
  /** Why there is no drift section although a baseline was asked for (e.g. the file is new in this PR). */
  drift_skipped?: string;
}

export function summarizeProfile(p: ProfileDocument): ValidationDocument['profile'] {
  const columns = dict<ColumnSummary>();
  for (const [name, col] of Object.entries(p.columns)) {
    const { sample: _s, counts: _c, other_count: _o, ...rest } = col;
    columns[name] = rest;
  }
  return { rows: p.rows, columns };
}

export async function validateData(opts: ValidateOptions): Promise<{ document: ValidationDocument; profile: ProfileDocument }> {
  const spec = opts.spec ?? {};
  // Config mistakes surface on every run, not only when a baseline happens to be there.
  if (spec.drift) checkDriftSpec(spec.drift, opts.configFile);
  const scan = await scanDataset(opts.data, { types: opts.types, columns: spec.columns, configFile: opts.configFile });
  const checks: CheckResult[] = [];
  for (const [name, colSpec] of Object.entries(spec.columns ?? {})) {
    if (!scan.columns.includes(name)) checks.push(missingColumnResult(name, colSpec));
  }
  checks.push(...scan.checks);
  checks.push(...tableChecks(spec.table, scan.columns, scan.profile.rows, Object.keys(spec.columns ?? {})));
  let drift: DriftResult | null = null;
  let driftSkipped: string | undefined;
  if (opts.baseline) {
    const loaded = await loadBaseline(opts.baseline, opts.data, opts.types, spec);
    if ('skipped' in loaded) driftSkipped = loaded.skipped;
    else drift = computeDrift(loaded.profile, scan.profile, spec.drift ?? {}, loaded.info, opts.configFile);
  }
  const failedErrors = checks.filter((c) => !c.passed && c.severity === 'error').length;
  const failedWarnings = checks.filter((c) => !c.passed && c.severity === 'warn').length;
  const driftFailed = Boolean(drift?.drifted && drift.severity === 'error');
  const document: ValidationDocument = {
    schema: VALIDATION_SCHEMA_ID,
    ok: failedErrors === 0 && !driftFailed,
    data: { path: opts.data.path, ...(opts.data.ref ? { ref: opts.data.ref } : {}), format: scan.profile.source.format },
    summary: { checks: checks.length, failed_errors: failedErrors, failed_warnings: failedWarnings, drift_failed: driftFailed },
    checks,
    profile: summarizeProfile(scan.profile),
    drift,
    ...(driftSkipped ? { drift_skipped: driftSkipped } : {}),
  };
  const hint = scan.profile.source.format.startsWith('csv') ? delimiterHint(scan.columns) : undefined;
  if (hint) document.warnings = [hint];
  return { document, profile: scan.profile };
}

/** Read a stored profile document, with clear errors for other JSON. */
export async function readProfileFile(path: string, label = path): Promise<ProfileDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`baseline profile not found: ${label}`, { location: { file: label }, fix: 'create it with `mlpipeline profile --data FILE --out PROFILE.json`' });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${label} is not valid JSON: ${(e as Error).message}`, { location: { file: label }, fix: 'pass a profile written by `mlpipeline profile --out`' });
  }
  const d = doc as Partial<ProfileDocument>;
  if (!d || d.schema !== PROFILE_SCHEMA_ID || typeof d.columns !== 'object' || typeof d.rows !== 'number') {
    throw new InputError(`${label} is not an mlpipeline profile (expected "schema": "${PROFILE_SCHEMA_ID}")`, {
      location: { file: label },
      fix: 'pass a profile written by `mlpipeline profile --out`, or a data file',
    });
  }
  // Records read back are untrusted: a bad column entry would otherwise surface as a crash or a
  // NaN statistic deep inside drift.
  const problems = validateDocument('profile', doc);
  if (problems.length) {
    const first = problems[0]!;
    const ptr = first.slice(0, first.indexOf(': '));
    let pos: { line: number; column: number } | undefined;
    try {
      pos = parseYaml(text).index.locate(ptr === '/' ? '' : ptr);
    } catch {
      pos = undefined;
    }
    throw new InputError(`${label} is not a valid mlpipeline profile: ${first}${problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : ''}`, {
      location: { file: label, ...(pos ?? {}) },
      fix: 'regenerate the baseline with `mlpipeline profile --data FILE --out PROFILE.json` (check: `mlpipeline schema profile`)',
    });
  }
  return d as ProfileDocument;
}

async function loadBaseline(
  choice: BaselineChoice,
  data: DataSource,
  types: Record<string, ColumnType> | undefined,
  spec: ValidationSpec,
): Promise<{ profile: ProfileDocument; info: { path: string; ref?: string; profile?: string } } | { skipped: string }> {
  const checkTypes = { ...types, ...Object.fromEntries(Object.entries(spec.columns ?? {}).flatMap(([k, v]) => (v.type ? [[k, v.type]] : []))) };
  if ('profile' in choice) {
    const abs = resolve(data.cwd, choice.profile);
    const label = choice.label ?? choice.profile;
    return { profile: await readProfileFile(abs, label), info: { path: label, profile: label } };
  }
  if ('path' in choice) {
    const base: DataSource = {
      path: choice.path,
      cwd: choice.cwd ?? data.cwd,
      delimiter: choice.delimiter ?? data.delimiter,
      ...(choice.ref !== undefined ? { ref: choice.ref } : {}),
      ...(choice.format !== undefined ? { format: choice.format } : {}),
    };
    const scan = await scanDataset(base, { types: checkTypes });
    return { profile: scan.profile, info: { path: choice.label ?? choice.path, ...(choice.ref !== undefined ? { ref: choice.ref } : {}) } };
  }
  // The same dataset as it is at a git ref; its path relative to the repository root.
  const root = await repoRoot(data.cwd);
  if (!root) {
    throw new InputError(`--baseline-ref needs a git repository, and ${data.cwd} is not in one`, {
      location: { file: data.path },
      fix: 'run inside the repository, or pass --baseline FILE',
    });
  }
  const abs = isAbsolute(data.path) ? data.path : resolve(data.cwd, data.path);
  const rel = posixRelative(root, abs);
  if (!isInside(root, abs)) {
    throw new InputError(`${data.path} is outside the repository, so it has no version at ${choice.ref}`, {
      location: { file: data.path },
      fix: 'keep the dataset inside the repository, or pass --baseline FILE',
    });
  }
  // A dataset added by this change has no baseline yet: that is not an error, just no drift.
  const commit = await resolveCommit(data.cwd, choice.ref);
  const exists = await gitRaw(['cat-file', '-e', `${commit}:${rel}`], { cwd: root, okCodes: [1, 128] });
  if (exists.code !== 0) return { skipped: `${rel} does not exist at ${choice.ref}; no baseline to compare with yet` };
  const base: DataSource = { path: rel, cwd: root, ref: choice.ref, format: data.format, delimiter: data.delimiter };
  const scan = await scanDataset(base, { types: checkTypes });
  return { profile: scan.profile, info: { path: rel, ref: choice.ref } };
}

export type { DriftSpec };
