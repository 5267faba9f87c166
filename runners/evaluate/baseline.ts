/**
 * Where baseline models come from: a model file, the model file at a git ref (read from git
 * objects, no checkout), or a registry stage such as `production`. The stage lookup is
 * pluggable: the registry registers a resolver; until one is registered (or when the stage has
 * no model yet) the baseline is "missing" and gates against it are skipped.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isInside, posixRelative } from '../../core/paths.js';
import { InputError, UsageError } from '../../core/errors.js';
import { readFileAtRef, repoRoot, resolveCommit } from '../../core/git.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import type { BaselineInput } from './evaluate.js';
import { modelFromBaseCache } from './base-cache.js';

export interface StageModelRequest {
  stage: string;
  /** model.name from mlpipeline.yaml, when set. */
  modelName?: string;
  cwd: string;
  pipeline?: LoadedPipeline;
}

export type StageModelAnswer =
  | { bytes: Uint8Array; display: string; version?: string; ref?: string; commit?: string }
  | { missing: string };

export type StageModelResolver = (req: StageModelRequest) => Promise<StageModelAnswer>;

let registered: StageModelResolver | undefined;

/** The registry calls this once at start-up to make `baseline: {stage: ...}` work. */
export function registerStageModelResolver(resolver: StageModelResolver | undefined): void {
  registered = resolver;
}

export function stageModelResolver(): StageModelResolver | undefined {
  return registered;
}

export async function readModelFile(abs: string, display: string): Promise<Uint8Array> {
  try {
    return await readFile(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `model file ${display} does not exist` : `cannot read model file ${display}: ${(e as Error).message}`, {
      location: { file: display },
      fix: code === 'ENOENT' ? 'train the model first (mlpipeline run), or fix model.path / --model' : undefined,
    });
  }
}

export async function baselineFromFile(abs: string, display: string): Promise<BaselineInput> {
  return { name: 'base', source: { kind: 'model', path: display }, model: { bytes: await readModelFile(abs, display), display } };
}

/**
 * The candidate's model file as it is at `ref`; missing (not an error) when the file is not
 * there yet. When it is not committed at the ref but the ref's mlpipeline.lock records its
 * sha256 and the local stage cache holds that content, the cached model is used.
 * `implicit`: the ref was not named by the user (the default base branch), so a ref that does not
 * exist is a missing baseline with the reason rather than an error.
 */
export async function baselineFromRef(
  cwd: string,
  ref: string,
  modelAbs: string,
  opts: { pipelineDir?: string; implicit?: boolean } = {},
): Promise<BaselineInput> {
  const root = await repoRoot(cwd);
  if (!root) {
    if (opts.implicit) return { name: 'base', source: { kind: 'ref', ref }, missingReason: `${cwd} is not a Git repository, so there is no base branch ${ref}` };
    throw new UsageError(`--baseline-ref ${ref} needs a git repository, but ${cwd} is not inside one`, {
      fix: 'run inside the repository, or pass the baseline model file with --baseline-model',
    });
  }
  const rel = posixRelative(root, modelAbs);
  if (!isInside(root, modelAbs)) throw new UsageError(`model ${modelAbs} is outside the repository ${root}`, { fix: 'keep the model file inside the repository' });
  let commit: string;
  try {
    commit = await resolveCommit(root, ref);
  } catch (e) {
    if (!opts.implicit) throw e;
    return {
      name: 'base',
      source: { kind: 'ref', ref, path: rel },
      missingReason: `base branch ${ref} does not exist here (set evaluation.baseline.ref, or fetch it: git fetch origin ${ref.replace(/^origin\//, '')})`,
    };
  }
  const bytes = await readFileAtRef(root, commit, rel);
  const source = { kind: 'ref' as const, ref, commit, path: rel };
  if (bytes) return { name: 'base', source, model: { bytes, display: `${rel}@${ref}` } };
  const notCommitted = `${rel} does not exist at ${ref} (${commit.slice(0, 12)})`;
  if (!opts.pipelineDir) return { name: 'base', source, missingReason: notCommitted };
  const cached = await modelFromBaseCache(root, commit, opts.pipelineDir, modelAbs);
  if ('missing' in cached) return { name: 'base', source, missingReason: `${notCommitted}: the base branch has no committed ${rel}, and ${cached.missing}` };
  return { name: 'base', source, model: { bytes: cached.bytes, display: `${rel}@${ref} (stage cache, sha256 ${cached.sha256.slice(0, 12)})` } };
}

export async function baselineFromStage(req: StageModelRequest, resolver = registered): Promise<BaselineInput> {
  const source = { kind: 'stage' as const, stage: req.stage };
  if (!resolver) return { name: req.stage, source, missingReason: `no registry is available to look up the ${req.stage} model` };
  const a = await resolver(req);
  if ('missing' in a) return { name: req.stage, source, missingReason: a.missing };
  return {
    name: req.stage,
    source: { ...source, ...(a.version ? { version: a.version } : {}), ...(a.ref ? { ref: a.ref } : {}), ...(a.commit ? { commit: a.commit } : {}) },
    model: { bytes: a.bytes, display: a.display },
  };
}

export function absPath(base: string, p: string): string {
  return resolve(base, p);
}
