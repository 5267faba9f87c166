/**
 * Everything a run, a dry run and `status` share: expand and order the stages, select the
 * requested ones, resolve params, check that deps exist, and open the local state.
 */
import { InputError } from '../../core/errors.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { buildGraph, selectStages, type StageGraph } from './dag.js';
import { expandStages, type StageInstance } from './expand.js';
import { HashCache } from './hash-cache.js';
import { type LockDoc, readLock, LOCK_FILE_NAME } from './lock-file.js';
import { ObjectStore } from './object-store.js';
import { ParamsReader } from './params.js';
import { statePaths, type StatePaths } from './state.js';
import { existsSync } from 'node:fs';

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

export async function prepare(loaded: LoadedPipeline, opts: { stages?: string[] }): Promise<Prepared> {
  const instances = expandStages(loaded);
  const graph = buildGraph(loaded, instances);
  const selected = selectStages(graph, opts.stages);
  const stages = graph.order.filter((s) => selected.has(s.name));
  const paths = statePaths(loaded.dir);

  const reader = new ParamsReader(loaded.dir, loaded.pipeline.params ?? ['params.yaml']);
  const params = new Map<string, Record<string, unknown>>();
  for (const s of stages) params.set(s.name, await reader.values(s.name, s.params));

  // A dep nobody produces must exist before anything runs; otherwise say which stage and path.
  for (const s of stages) {
    const produced = graph.producers.get(s.name)!;
    s.deps.forEach((d, i) => {
      if (produced.has(d.rel) || existsSync(d.abs)) return;
      const pos = loaded.locate(`/stages/${s.base}/deps/${i}`);
      throw new InputError(`stage '${s.name}' depends on ${d.rel}, which does not exist and no stage produces it`, {
        location: { file: loaded.file, line: pos?.line, column: pos?.column },
        fix: `create ${d.rel}, correct the path under stages.${s.base}.deps, or add the stage that writes it as an out`,
      });
    });
  }

  const [hashes, lock] = await Promise.all([
    HashCache.open(paths.hashesFile, loaded.dir),
    readLock(paths.lockFile, LOCK_FILE_NAME),
  ]);
  return { loaded, graph, stages, params, paths, hashes, store: new ObjectStore(paths.cacheDir), lock };
}
