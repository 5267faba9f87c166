/**
 * What the Release of a registered version carries, read from the registry and checked against
 * it: the model's bytes (from the version's commit when committed there, else the given file or
 * the work tree) only when their sha256 is the one recorded in the version's tag, the
 * registration record, and the provenance statement. Names come from release-assets.ts.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ChecksFailedError, InputError } from '../../core/errors.js';
import { readFileAtRef } from '../../core/git.js';
import { recordOf, recordProblem } from './events.js';
import type { LineageRecord } from './lineage-record.js';
import { requireModel } from './promote.js';
import { buildProvenance, type ProvenanceStatement } from './provenance.js';
import { modelAssetName, releaseTagName } from './release-assets.js';
import type { RegistryState, VersionState } from './state.js';

export interface ReleaseMaterial {
  tag: string;
  model: string;
  version: string;
  commit: string;
  /** The registration record (the tag's lineage). */
  record: LineageRecord;
  modelAsset: { name: string; bytes: Buffer; sha256: string; readFrom: string };
  /** `sha256sum` format: `<hex>  <asset name>\n`, so `sha256sum -c` checks a download. */
  sha256Text: string;
  provenance: ProvenanceStatement;
}

export interface MaterialOptions {
  /** The model file to upload when it is not committed (a path relative to the repository root, or absolute). */
  modelFile?: string;
  /** The repository's URL, named in the provenance statement. */
  repoUrl: string | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function registeredRecord(v: VersionState): LineageRecord {
  const problem = recordProblem(v.event);
  const rec = recordOf(v.event);
  if (problem || !rec?.model_file) {
    throw new ChecksFailedError(`${v.event.tag} ${problem ? `is an unverified/foreign record (${problem})` : 'carries no lineage record with the model digest'}, so no Release is made for it`, {
      fix: 'register the version with mlpipeline register (which records the model sha256); a hand-made tag is never published',
    });
  }
  return rec;
}

export async function releaseMaterial(root: string, state: RegistryState, name: string, version: string, opts: MaterialOptions): Promise<ReleaseMaterial> {
  const model = requireModel(state, name);
  const v = model.versions.get(version);
  if (!v) throw new InputError(`${name} ${version} is not registered`, { fix: `registered: ${[...model.versions.keys()].slice(-10).join(', ')}` });
  const record = registeredRecord(v);
  const file = record.model_file!;
  const tried: string[] = [];
  const candidates: { bytes: () => Promise<Buffer | undefined>; where: string }[] = [
    { bytes: () => readFileAtRef(root, v.commit, file.path), where: `${file.path} at ${v.commit.slice(0, 12)}` },
  ];
  const given = opts.modelFile ? (isAbsolute(opts.modelFile) ? opts.modelFile : join(root, opts.modelFile)) : join(root, file.path);
  candidates.push({ bytes: () => readFile(given).catch(() => undefined), where: opts.modelFile ?? `${file.path} in the work tree` });
  for (const c of candidates) {
    const bytes = await c.bytes();
    if (!bytes) {
      tried.push(`${c.where}: absent`);
      continue;
    }
    const digest = sha256(bytes);
    if (digest === file.sha256) {
      const assetName = modelAssetName(name, version);
      return {
        tag: releaseTagName(name, version),
        model: name,
        version,
        commit: v.commit,
        record,
        modelAsset: { name: assetName, bytes, sha256: digest, readFrom: c.where },
        sha256Text: `${digest}  ${assetName}\n`,
        provenance: buildProvenance(state, name, version, opts.repoUrl),
      };
    }
    tried.push(`${c.where}: sha256 ${digest.slice(0, 12)}…`);
  }
  throw new ChecksFailedError(`no model file with the sha256 recorded in ${v.event.tag} (${file.sha256.slice(0, 12)}…) was found: ${tried.join('; ')}`, {
    fix: 'the Release asset must be the registered model: restore it (the stage cache, `mlpipeline run` at the version commit) or pass its path as `model-file`',
  });
}
