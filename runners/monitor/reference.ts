/**
 * The reference the live data is compared with. By default: the training data of the version now
 * in the environment. The version comes from the registry tags (the environment's current holder),
 * the data file from the lineage record of its `register` tag (path + sha256 of the dataset), and
 * the bytes from, in order: the Git objects of the version's commit (a committed dataset), the
 * stage cache (an out restored by `mlpipeline run` or the CI cache, content-addressed), the work
 * tree. Whatever the source, the bytes must hash to the recorded sha256: the record is what was
 * trained on, and a file that merely has the same name is not.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { streamFileAtRef } from '../../core/git.js';
import { isInside, posixRelative } from '../../core/paths.js';
import { pipelineStatePaths } from '../../core/state-paths.js';
import type { DataFormat, LoadedPipeline, MonitoringSpec } from '../../pipeline-schema/types.js';
import { readRegistryEvents, recordOf, recordProblem } from '../registry/events.js';
import type { FileDigest } from '../registry/lineage-record.js';
import { modelNameOf } from '../registry/register.js';
import { buildRegistryState } from '../registry/state.js';
import { lastEnvironment } from './environment.js';

export interface ReferenceInfo {
  kind: 'registry' | 'file';
  /** Repository-relative POSIX path of the reference data. */
  path: string;
  sha256: string;
  /** Where the verified bytes were read: `git` (the version's commit), `cache`, `workspace`, or `file` (monitoring.reference.path). */
  read_from: 'git' | 'cache' | 'workspace' | 'file';
  dataset: string | null;
  model: string;
  environment: string | null;
  version: string | null;
  /** The register tag whose lineage record named the data. */
  tag: string | null;
  commit: string | null;
}

/** How validate-data's baseline loader reads the reference (see runners/data/validate.ts). */
export interface ReferenceRead {
  info: ReferenceInfo;
  /** Path relative to `cwd` (or to the repository root when `ref` is set). */
  path: string;
  cwd: string;
  ref?: string;
  format?: DataFormat;
  delimiter?: string;
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

async function hashFile(abs: string): Promise<string | undefined> {
  try {
    return await sha256Of(createReadStream(abs));
  } catch {
    return undefined;
  }
}

export function trainingDatasetName(loaded: LoadedPipeline, spec: MonitoringSpec): string | undefined {
  const names = Object.keys(loaded.pipeline.data ?? {});
  return spec.reference?.dataset ?? (names.includes('train') ? 'train' : names.length === 1 ? names[0] : undefined);
}

export function monitoredEnvironment(loaded: LoadedPipeline, spec: MonitoringSpec, override?: string): string | undefined {
  return override ?? spec.reference?.environment ?? lastEnvironment(loaded.pipeline.environments);
}

function configWhere(loaded: LoadedPipeline, pointer: string) {
  return { file: loaded.displayFile ?? loaded.file, ...(loaded.locate(pointer) ?? loaded.locate('/monitoring') ?? {}) };
}

export async function resolveReference(loaded: LoadedPipeline, spec: MonitoringSpec, root: string, opts: { environment?: string } = {}): Promise<ReferenceRead> {
  const model = modelNameOf(loaded);
  const dataset = trainingDatasetName(loaded, spec);
  const ds = dataset !== undefined ? loaded.pipeline.data?.[dataset] : undefined;
  const fixed = spec.reference?.path;
  if (fixed !== undefined) {
    const abs = resolve(loaded.dir, fixed);
    if (!isInside(root, abs)) throw new InputError(`monitoring.reference.path ${fixed} is outside the repository`, { location: configWhere(loaded, '/monitoring/reference/path'), fix: 'keep the reference data inside the repository' });
    const sha256 = await hashFile(abs);
    if (sha256 === undefined) throw new InputError(`reference data not found: ${fixed}`, { location: configWhere(loaded, '/monitoring/reference/path'), fix: 'commit the reference file, or remove monitoring.reference.path to use the training data of the deployed version' });
    const info: ReferenceInfo = { kind: 'file', path: posixRelative(root, abs), sha256, read_from: 'file', dataset: null, model, environment: opts.environment ?? spec.reference?.environment ?? null, version: null, tag: null, commit: null };
    return { info, path: abs, cwd: loaded.dir, ...(ds?.format ? { format: ds.format } : {}), ...(ds?.delimiter ? { delimiter: ds.delimiter } : {}) };
  }
  const environment = monitoredEnvironment(loaded, spec, opts.environment);
  if (environment === undefined) {
    throw new InputError('no environment to monitor: mlpipeline.yaml declares no environments', { location: configWhere(loaded, '/monitoring'), fix: 'declare environments: and promote a version, or set monitoring.reference.path' });
  }
  if (dataset === undefined || !ds) {
    throw new InputError('monitoring cannot tell which dataset is the training data', { location: configWhere(loaded, '/monitoring/reference'), fix: 'set monitoring.reference.dataset to the dataset the model is trained on' });
  }
  const { events } = await readRegistryEvents(root, { model });
  const state = buildRegistryState(events).models.get(model);
  const current = state?.environments.get(environment)?.current ?? null;
  if (current === null) {
    // Where a version IS deployed, say so: locally production is often out of reach (soak, allowed).
    const elsewhere = [...(state?.environments.entries() ?? [])].filter(([, e]) => e.current).map(([name, e]) => `${name} (${e.current})`);
    throw new InputError(`no version of ${model} is in ${environment}, so there is no training data to compare the live data with`, {
      location: configWhere(loaded, opts.environment !== undefined ? '/monitoring' : '/monitoring/reference/environment'),
      fix: `${elsewhere.length ? `monitor an environment that has one (${elsewhere.join(', ')}): mlpipeline monitor --environment ${elsewhere[0]!.split(' ')[0]}; or ` : ''}promote a version first (mlpipeline promote ${model}@vX.Y.Z --to ${environment}); in CI, fetch the registry's tags (actions/checkout with fetch-depth: 0); or set monitoring.reference.path`,
    });
  }
  const version = state!.versions.get(current);
  if (!version) throw new InputError(`${model} ${current} in ${environment} has no register tag`, { fix: `check the registry with mlpipeline registry ${model}` });
  const record = recordOf(version.event);
  if (!record) {
    throw new InputError(`${version.event.tag} carries no usable lineage record${recordProblem(version.event) ? `: ${recordProblem(version.event)}` : ''}`, {
      fix: 'register versions with mlpipeline register, which records the training data; or set monitoring.reference.path',
    });
  }
  const wantedPath = posixRelative(root, resolve(loaded.dir, ds.path));
  const materials = record.materials ?? [];
  const material: FileDigest | undefined = materials.find((m) => m.role === 'data' && m.dataset === dataset) ?? materials.find((m) => m.role === undefined && m.path === wantedPath);
  if (!material) {
    throw new InputError(`the lineage record of ${version.event.tag} names no file of dataset '${dataset}'`, {
      fix: `register a version that was trained on data.${dataset}, or set monitoring.reference.dataset / monitoring.reference.path`,
    });
  }
  if (material.kind === 'directory') {
    throw new InputError(`dataset '${dataset}' of ${version.event.tag} is a directory (${material.path}); drift compares one file`, { fix: 'set monitoring.reference.path to one reference file' });
  }
  const info: ReferenceInfo = { kind: 'registry', path: material.path, sha256: material.sha256, read_from: 'git', dataset, model, environment, version: current, tag: version.event.tag, commit: version.commit };
  const fmt = { ...(ds.format ? { format: ds.format } : {}), ...(ds.delimiter ? { delimiter: ds.delimiter } : {}) };
  const found: string[] = [];
  if (material.source === 'git') {
    const got = await sha256Of(streamFileAtRef(root, version.commit, material.path)).catch(() => undefined);
    if (got === material.sha256) return { info, path: material.path, cwd: root, ref: version.commit, ...fmt };
    found.push(got === undefined ? `not at ${version.commit.slice(0, 12)}` : `at ${version.commit.slice(0, 12)} it hashes to ${got.slice(0, 12)}`);
  }
  // The stage cache is named by content, so its object for this sha256 is the file, if present.
  const cached = join(pipelineStatePaths(loaded.dir, loaded.file).cacheDir, 'objects', material.sha256.slice(0, 2), material.sha256.slice(2));
  const cachedHash = await hashFile(cached);
  if (cachedHash === material.sha256 && !material.path.toLowerCase().endsWith('.gz')) {
    // The object has no extension: its format comes from the dataset or the recorded name.
    const format = ds.format ?? formatFromName(material.path);
    const tsv = /\.(tsv|tab)$/i.test(material.path) && !ds.delimiter ? { delimiter: '\t' } : {};
    return { info: { ...info, read_from: 'cache' }, path: cached, cwd: loaded.dir, ...fmt, ...tsv, ...(format ? { format } : {}) };
  }
  const abs = resolve(root, material.path);
  const workspaceHash = await hashFile(abs);
  if (workspaceHash === material.sha256) return { info: { ...info, read_from: 'workspace' }, path: abs, cwd: loaded.dir, ...fmt };
  found.push(workspaceHash === undefined ? 'not in the work tree' : `the work tree copy hashes to ${workspaceHash.slice(0, 12)}`);
  throw new InputError(`the training data of ${model} ${current} (${material.path}, sha256 ${material.sha256.slice(0, 12)}) is not available: ${found.join('; ')}`, {
    location: { file: material.path },
    fix: `restore it (git checkout ${version.event.tag} && mlpipeline run, or restore the stage cache), or set monitoring.reference.path`,
  });
}

function formatFromName(path: string): DataFormat | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.csv') || p.endsWith('.tsv') || p.endsWith('.txt') || p.endsWith('.tab')) return 'csv';
  if (p.endsWith('.jsonl') || p.endsWith('.ndjson')) return 'jsonl';
  if (p.endsWith('.parquet') || p.endsWith('.pq')) return 'parquet';
  return undefined;
}
