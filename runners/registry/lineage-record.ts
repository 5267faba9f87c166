/**
 * The lineage record each registry tag carries. A tag message is one human line, a blank line,
 * then the record as a fenced block whose info string is `mlpipeline-lineage`:
 *
 *   Promote churn v1.4.0 to production (by alice)
 *
 *   ```mlpipeline-lineage
 *   { "schema": "mlpipeline/lineage@1", ... }
 *   ```
 *
 * A fence renders readably on GitHub's tag and release pages and is trivial to find again; the
 * JSON inside follows pipeline-schema/lineage.schema.json.
 */

import type { EvaluationConfigBinding } from '../evaluate/evaluation-config.js';

export const LINEAGE_SCHEMA = 'mlpipeline/lineage@1';
const FENCE_OPEN = '```mlpipeline-lineage';

export type Scalar = number | string | boolean | null;

export interface Actor {
  /** GitHub login or another handle the policy matches against `allowed`. */
  login: string | null;
  name: string;
  email: string;
  /** Where the identity came from: `--actor`, `GITHUB_ACTOR`, `GIT_COMMITTER_NAME` or `git config`. */
  source: string;
  /** True only for the authenticated GitHub Actions actor; absent in records made before. */
  verified?: boolean;
  /**
   * True only when name and email were derived from the verified login; a name or email from the
   * environment (GIT_COMMITTER_NAME/EMAIL) or git config is never verified. Absent in older records.
   */
  name_verified?: boolean;
}

export interface FileDigest {
  /** Path relative to the repository root, with `/` separators. */
  path: string;
  sha256: string;
  size: number;
  /** `git` when read from the commit's objects, `workspace` when the file is not committed. */
  source: 'git' | 'workspace';
  /**
   * Set for a directory (e.g. a stage that depends on `data/images/`): `sha256` is then the
   * sha256 of its manifest, one line `<sha256 of the file>  <path below the directory>\n` per
   * file sorted by path (what `sha256sum` prints), `size` the total and `files` the count.
   */
  kind?: 'directory';
  files?: number;
  /**
   * Materials only: `data` for a dataset declared under `data:` in mlpipeline.yaml (what the model
   * was trained and evaluated on), `dependency` for every other stage dependency (code, params,
   * other files). Absent in records written before the distinction existed.
   */
  role?: 'data' | 'dependency';
  /** For `data`: the dataset's name under `data:`. */
  dataset?: string;
}

export interface RunSummary {
  pipeline: string;
  finished_at: string;
  ok: boolean;
  git: { commit: string | null; dirty: boolean };
  stages: { name: string; status: string; fingerprint: string; deps: Record<string, string>; outs: Record<string, string>; params: Record<string, unknown> }[];
  /** Every stage's params merged, keyed by dotted name. */
  params: Record<string, unknown>;
  /** Flattened metrics, keyed by metrics file then dotted key. */
  metrics: Record<string, Record<string, Scalar>>;
}

export interface GateResult {
  metric: string;
  slice?: unknown;
  kind?: string;
  threshold?: unknown;
  value?: unknown;
  baseline?: unknown;
  delta?: unknown;
  status: string;
  reason?: string;
}

export interface VerdictSummary {
  passed: boolean;
  gates: GateResult[];
  /** What the verdict says it judged (model, evaluation data, gate config); absent in hand-written or old verdicts. */
  binding?: {
    model: { path: string; sha256: string };
    evaluation_data: { path: string; sha256: string; size?: number } | null;
    /** `gates`/`defaults`: what was hashed, kept to name a gate that differs (never trusted over the sha256). */
    gates_config: { sha256: string; count: number; gates?: unknown[]; defaults?: unknown };
    /** The evaluation config the metrics were computed with; absent in verdicts made before it was bound. */
    evaluation_config?: EvaluationConfigBinding;
  };
  /** True when register found the binding equal to what it registered; absent in records made before. */
  bound?: boolean;
  /** Why it is not bound ("not gated"). */
  problems?: string[];
}

export interface PolicyCheck {
  rule: 'order' | 'allowed' | 'min_soak' | 'require_gates' | 'not_deprecated';
  ok: boolean;
  detail: string;
}

export interface LineageRecord {
  schema: typeof LINEAGE_SCHEMA;
  action: 'register' | 'assign' | 'unassign' | 'deregister' | 'deprecate';
  model: string;
  version: string | null;
  environment: string | null;
  /** The commit the tag points at. */
  commit: string;
  /** ISO 8601 time of the action. */
  time: string;
  actor: Actor;
  /** Pull request number when known (GITHUB_REF refs/pull/N/merge or --pr). */
  pr: number | null;
  /** CI run that performed the action, when run in CI. */
  ci: { provider: 'github-actions'; repository: string | null; run_id: string | null; workflow_ref: string | null; server_url: string } | null;
  /** register only: the model file, the data and dependency files, the run record, the gate verdict. */
  model_file?: FileDigest | null;
  materials?: FileDigest[];
  run?: RunSummary | null;
  verdict?: VerdictSummary | null;
  /** assign only: what held the environment before, the policy checks, and whether this was a rollback. */
  replaces?: { version: string; tag: string } | null;
  rollback_of?: string | null;
  policy?: PolicyCheck[];
  /** deregister/deprecate: why, when given. */
  reason?: string | null;
}

/** The full tag message: the human line, a blank line, the fenced record. */
export function formatTagMessage(subject: string, record: LineageRecord): string {
  const line = subject.replace(/[\r\n]+/g, ' ').trim();
  return `${line}\n\n${FENCE_OPEN}\n${JSON.stringify(record, null, 2)}\n\`\`\`\n`;
}

export function messageSubject(message: string): string {
  const nl = message.indexOf('\n');
  return (nl < 0 ? message : message.slice(0, nl)).trim();
}

/**
 * The record inside a tag message, or null when there is none (GTO tags, hand-made tags).
 * Throws nothing: a record that does not parse is reported as `error`.
 */
export function parseTagMessage(message: string): { record: LineageRecord | null; error?: string } {
  const start = message.indexOf(FENCE_OPEN + '\n');
  if (start < 0) return { record: null };
  const bodyStart = start + FENCE_OPEN.length + 1;
  const end = message.indexOf('\n```', bodyStart - 1);
  if (end < 0) return { record: null, error: 'lineage block is not closed' };
  try {
    const value = JSON.parse(message.slice(bodyStart, end)) as LineageRecord;
    if (!value || typeof value !== 'object' || value.schema !== LINEAGE_SCHEMA) {
      return { record: null, error: `lineage block is not ${LINEAGE_SCHEMA}` };
    }
    return { record: value };
  } catch (e) {
    return { record: null, error: `lineage block is not valid JSON: ${(e as Error).message}` };
  }
}

const RECORD_START = `${FENCE_OPEN}\n{\n  "schema": "${LINEAGE_SCHEMA}",\n`;

/**
 * A top-level string (or null) field of the record in `message`, without parsing the record,
 * when the record is laid out as formatTagMessage writes it: 2-space indented JSON, in which a
 * line that starts with exactly two spaces and a quote is a top-level key (JSON strings cannot
 * hold a raw newline, nested keys are indented further). null when the record lacks the key;
 * undefined when the layout is not ours or the value is not a string or null, so the caller
 * parses the record instead. Only the record's own lines are searched.
 */
export function quickRecordField(message: string, key: string): string | null | undefined {
  const start = message.indexOf(RECORD_START);
  if (start < 0) return undefined;
  const end = message.indexOf('\n}\n```', start);
  if (end < 0) return undefined;
  const at = message.indexOf(`\n  "${key}": `, start + FENCE_OPEN.length);
  if (at < 0 || at > end) return null;
  const valueStart = at + key.length + 7;
  let valueEnd = message.indexOf('\n', valueStart);
  if (message[valueEnd - 1] === ',') valueEnd--;
  try {
    const value: unknown = JSON.parse(message.slice(valueStart, valueEnd));
    return typeof value === 'string' || value === null ? value : undefined;
  } catch {
    return undefined;
  }
}
