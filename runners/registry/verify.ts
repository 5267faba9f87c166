/**
 * `mlpipeline verify NAME@vX.Y.Z`: recompute the sha256 of the model file and of every recorded
 * data/dependency file or directory at the version's commit — from git objects when the file is committed
 * there, else from the work tree (and say so) — and compare them with the lineage record.
 */
import { ChecksFailedError, InputError } from '../../core/errors.js';
import { recordOf, recordProblem } from './events.js';
import { digestFile } from './inputs.js';
import { requireModel } from './promote.js';
import type { RegistryState } from './state.js';

export const VERIFY_SCHEMA = 'mlpipeline/verify@1';

export interface VerifiedFile {
  path: string;
  /** `material` for records made before data and other dependencies were told apart. */
  role: 'model' | 'data' | 'dependency' | 'material';
  recorded_sha256: string;
  actual_sha256: string | null;
  /** Where the bytes were read now: the commit's objects, the work tree, or nowhere. */
  source: 'git' | 'workspace' | 'missing';
  /** Where they were read at registration. */
  recorded_source: 'git' | 'workspace';
  ok: boolean;
}

export interface VerifyReport {
  schema: typeof VERIFY_SCHEMA;
  model: string;
  version: string;
  commit: string;
  ok: boolean;
  files: VerifiedFile[];
}

export async function verifyVersion(root: string, state: RegistryState, name: string, version: string): Promise<VerifyReport> {
  const model = requireModel(state, name);
  const v = model.versions.get(version);
  if (!v) {
    throw new InputError(`${name} ${version} is not registered`, { fix: `registered: ${[...model.versions.keys()].slice(-10).join(', ')}` });
  }
  const rec = recordOf(v.event);
  const problem = recordProblem(v.event);
  if (problem) {
    throw new ChecksFailedError(`cannot verify ${name} ${version}: ${v.event.tag} is an unverified/foreign record: ${problem}`, {
      fix: 'do not deploy this version; the tag was not written by mlpipeline register (or was altered): find out who made it (git show), and register a new version',
    });
  }
  if (!rec?.model_file) {
    throw new InputError(`${v.event.tag} carries no lineage record with file digests, so there is nothing to verify against`, {
      fix: 'versions registered with mlpipeline register record their digests; re-register this model with it',
    });
  }
  const wanted = [
    { role: 'model' as const, d: rec.model_file },
    ...(rec.materials ?? []).map((d) => ({ role: d.role ?? ('material' as const), d })),
  ];
  const files: VerifiedFile[] = [];
  for (const { role, d } of wanted) {
    const now = await digestFile(root, v.commit, d.path);
    files.push({
      path: d.path,
      role,
      recorded_sha256: d.sha256,
      actual_sha256: now?.sha256 ?? null,
      source: now?.source ?? 'missing',
      recorded_source: d.source,
      ok: now?.sha256 === d.sha256,
    });
  }
  return { schema: VERIFY_SCHEMA, model: name, version, commit: v.commit, ok: files.every((f) => f.ok), files };
}
