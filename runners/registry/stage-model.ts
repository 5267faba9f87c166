/**
 * The model file that holds a registry environment (e.g. `production`), for evaluation
 * baselines and `vs: production` gates. The bytes come from the registered commit's git objects
 * when the model is committed, otherwise from the local content-addressed stage cache by the
 * sha256 recorded in the version's lineage; when neither has it, the baseline is reported
 * missing with the reason, so gates against it are skipped rather than silently passed.
 * A face that can reach the version's GitHub Release passes a `ReleaseAssetFetcher`
 * (actions/run does): the model asset is then downloaded and used only when its sha256 is the
 * one the lineage recorded.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { posixRelative } from '../../core/paths.js';
import { createHash } from 'node:crypto';
import { readFileAtRef, repoRoot } from '../../core/git.js';
import type { StageModelAnswer, StageModelRequest } from '../evaluate/baseline.js';
import { ObjectStore } from '../stages/object-store.js';
import { statePaths } from '../stages/state.js';
import { readRegistryEvents, recordOf } from './events.js';
import { modelAssetName, releaseTagName } from './release-assets.js';
import { buildRegistryState } from './state.js';

/** The bytes of one asset of the Release whose tag is `tag`, or why there are none. */
/**
 * `size` is the byte count the lineage records: a fetcher refuses an asset of another size
 * before downloading it (a replaced asset could be any size; its sha256 is only known after).
 */
export type ReleaseAssetFetcher = (asset: { tag: string; name: string; size: number }) => Promise<{ bytes: Uint8Array } | { missing: string }>;

export interface StageModelSources {
  releaseAsset?: ReleaseAssetFetcher;
}

/** A resolver that also looks in the version's Release (see runners/registry/release-assets.ts). */
export function stageModelResolverWith(sources: StageModelSources): (req: StageModelRequest) => Promise<StageModelAnswer> {
  return (req) => resolveStageModel(req, sources);
}

export async function resolveStageModel(req: StageModelRequest, sources: StageModelSources = {}): Promise<StageModelAnswer> {
  const root = await repoRoot(req.cwd);
  if (!root) return { missing: `${req.cwd} is not a Git repository, so there is no registry to hold a ${req.stage} model` };
  const name = req.modelName ?? req.pipeline?.pipeline.model?.name ?? req.pipeline?.pipeline.name;
  if (!name) return { missing: 'model.name is not set, so the registry cannot be searched' };
  const { events } = await readRegistryEvents(root, { model: name });
  const model = buildRegistryState(events).models.get(name);
  const env = model?.environments.get(req.stage);
  if (!model || !env?.current) return { missing: `no version of ${name} is in ${req.stage} yet` };
  const version = model.versions.get(env.current);
  if (!version) return { missing: `${name}#${req.stage} points at ${env.current}, which is not registered` };

  const modelPath = req.pipeline?.pipeline.model?.path;
  const recorded = recordOf(version.event)?.model_file ?? null;
  const rel = recorded?.path ?? (modelPath && req.pipeline ? posixRelative(root, resolve(req.pipeline.dir, modelPath)) : undefined);
  if (!rel) return { missing: `the lineage of ${name}@${env.current} records no model file` };
  const display = `${name}@${env.current} (${req.stage})`;
  const base = { display, version: env.current, ref: version.event.tag, commit: version.commit };

  const fromGit = await readFileAtRef(root, version.commit, rel);
  if (fromGit) return { bytes: fromGit, ...base };

  if (recorded?.sha256 && req.pipeline) {
    const store = new ObjectStore(statePaths(req.pipeline.dir).cacheDir);
    try {
      const bytes = await readFile(store.objectPath(recorded.sha256));
      // The cache is local state: only trust it when the content is what the lineage recorded.
      if (createHash('sha256').update(bytes).digest('hex') === recorded.sha256) return { bytes, ...base };
    } catch {
      /* not cached here */
    }
  }
  const notHere = `${rel} of ${name}@${env.current} is not committed at ${version.commit.slice(0, 12)} and not in the local cache (sha256 ${recorded?.sha256.slice(0, 12) ?? 'unknown'})`;
  if (!sources.releaseAsset) return { missing: notHere };
  if (!recorded?.sha256) return { missing: `${notHere}, and its lineage records no sha256 to check a Release asset against` };
  const asset = { tag: releaseTagName(name, env.current), name: modelAssetName(name, env.current), size: recorded.size };
  const fetched = await sources.releaseAsset(asset);
  if ('missing' in fetched) return { missing: `${notHere}; Release asset ${asset.name} of ${asset.tag}: ${fetched.missing}` };
  const got = createHash('sha256').update(fetched.bytes).digest('hex');
  // The asset is only as good as the hash in the tag: anything else is refused, never used.
  if (got !== recorded.sha256) {
    return { missing: `Release asset ${asset.name} of ${asset.tag} has sha256 ${got}, but the lineage of ${name}@${env.current} records ${recorded.sha256}; refusing to use it` };
  }
  return { bytes: fetched.bytes, ...base, display: `${display} (Release asset ${asset.name})` };
}
