/**
 * Everything a run, a dry run and `status` share: expand and order the stages, select the
 * requested ones, resolve params, check that deps exist, and open the local state.
 */
import { dirname, join } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { buildGraph, selectStages, type StageGraph } from './dag.js';
import { expandStages, type StageInstance } from './expand.js';
import { HashCache } from './hash-cache.js';
import { lockFileName } from '../../core/state-paths.js';
import { type LockDoc, readLock } from './lock-file.js';
import { ObjectStore } from './object-store.js';
import { depProblems, paramLocator, paramsReader } from './preflight.js';
import { statePaths, type StatePaths } from './state.js';
import { checkUpstreamOuts } from './upstream-check.js';

export interface Prepared {
  loaded: LoadedPipeline;
  graph: StageGraph;
  /** Selected stages in run order. */
  stages: StageInstance[];
  params: Map<string, Record<string, unknown>>;
  paths: StatePaths;
  hashes: HashCache;
  store: ObjectStore;
  lock: LockDoc;
}

export interface PrepareOptions {
  stages?: string[];
  /** Only the named stages, not their upstream; the upstream's outs must already be in place. */
  noDeps?: boolean;
}

export async function prepare(loaded: LoadedPipeline, opts: PrepareOptions): Promise<Prepared> {
  if (opts.noDeps && !opts.stages?.length) throw new UsageError('--no-deps needs --stage NAME', { fix: 'name the stage to run alone: mlpipeline run --stage NAME --no-deps' });
  const instances = expandStages(loaded);
  const graph = buildGraph(loaded, instances);
  const selected = selectStages(graph, opts.stages, { noDeps: opts.noDeps });
  const stages = graph.order.filter((s) => selected.has(s.name));
  const paths = statePaths(loaded.dir, loaded.file);

  const shownDir = dirname(loaded.displayFile ?? loaded.file);
  const reader = paramsReader(loaded);
  const params = new Map<string, Record<string, unknown>>();
  for (const s of stages) params.set(s.name, await reader.values(s.name, s.params, paramLocator(loaded, s)));

  // A dep nobody produces must exist before anything runs; otherwise say which stage and path.
  const missing = depProblems(loaded, graph, stages)[0];
  if (missing) throw new InputError(missing.message, { location: missing.location, ...(missing.fix ? { fix: missing.fix } : {}) });

  const [hashes, lock] = await Promise.all([
    HashCache.open(paths.hashesFile, loaded.dir),
    readLock(paths.lockFile, join(shownDir, lockFileName(loaded.file))),
  ]);
  if (opts.noDeps) await checkUpstreamOuts(graph, stages, lock, hashes);
  return { loaded, graph, stages, params, paths, hashes, store: new ObjectStore(paths.cacheDir), lock };
}
