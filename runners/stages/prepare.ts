/**
 * Everything a run, a dry run and `status` share: expand and order the stages, select the
 * requested ones, resolve params, check that deps exist, and open the local state.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, type SourceLocation } from '../../core/errors.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { buildGraph, selectStages, type StageGraph } from './dag.js';
import { expandStages, type StageInstance } from './expand.js';
import { HashCache } from './hash-cache.js';
import { lockFileName } from '../../core/state-paths.js';
import { kindOf } from './hashed-copy.js';
import { type LockDoc, readLock } from './lock-file.js';
import { ObjectStore } from './object-store.js';
import { ParamsReader } from './params.js';
import { relPosix } from './paths.js';
import { statePaths, type StatePaths } from './state.js';

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
  const paths = statePaths(loaded.dir, loaded.file);

  const shownFile = loaded.displayFile ?? loaded.file;
  const at = (pointer: string): SourceLocation => {
    const pos = loaded.locate(pointer);
    return { file: shownFile, line: pos?.line, column: pos?.column };
  };
  // Params files are named as the user would reach them from where mlpipeline was started.
  const shownDir = dirname(shownFile);
  const reader = new ParamsReader(loaded.dir, {
    defaults: loaded.pipeline.params ?? ['params.yaml'],
    label: (abs) => join(shownDir, relPosix(loaded.dir, abs)),
  });
  const params = new Map<string, Record<string, unknown>>();
  for (const s of stages) {
    const written = (loaded.pipeline.stages?.[s.base]?.params ?? []).map(String);
    const locate = (ref: string): SourceLocation => {
      const i = written.indexOf(ref);
      return at(`/stages/${s.base}/params${i >= 0 ? `/${i}` : ''}`);
    };
    params.set(s.name, await reader.values(s.name, s.params, locate));
  }

  // A dep nobody produces must exist before anything runs; otherwise say which stage and path.
  for (const s of stages) {
    const produced = graph.producers.get(s.name)!;
    s.deps.forEach((d, i) => {
      if (produced.has(d.rel)) return;
      if (existsSync(d.abs)) {
        // Following a link is fine (the stage reads what it points at); reading a device is not.
        const st = statSync(d.abs);
        if (st.isFile() || st.isDirectory()) return;
        throw new InputError(`stage '${s.name}' depends on ${d.rel}, which is ${kindOf(st)}, not a regular file or directory`, {
          location: at(`/stages/${s.base}/deps/${i}`),
          fix: `point stages.${s.base}.deps at a regular file or directory (mlpipeline hashes every dep and would read this one forever)`,
        });
      }
      throw new InputError(`stage '${s.name}' depends on ${d.rel}, which does not exist and no stage produces it`, {
        location: at(`/stages/${s.base}/deps/${i}`),
        fix: `create ${d.rel}, correct the path under stages.${s.base}.deps, or add the stage that writes it as an out`,
      });
    });
  }

  const [hashes, lock] = await Promise.all([
    HashCache.open(paths.hashesFile, loaded.dir),
    readLock(paths.lockFile, join(shownDir, lockFileName(loaded.file))),
  ]);
  return { loaded, graph, stages, params, paths, hashes, store: new ObjectStore(paths.cacheDir), lock };
}
