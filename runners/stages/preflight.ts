/**
 * What `run`, `status` and `evaluate` would find missing on disk, found up front by `validate`
 * so it reports every problem at once: params a stage names that are not in the params files,
 * deps that do not exist and no stage produces, and dataset paths that do not exist. The
 * messages and positions are the ones `run` (prepare.ts) and `evaluate` would give.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type ConfigProblem, isMlpipelineError, type SourceLocation } from '../../core/errors.js';
import { matrixPlaceholders } from '../../pipeline-schema/matrix.js';
import { escapePointerToken } from '../../pipeline-schema/problems.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { buildGraph, type StageGraph } from './dag.js';
import { expandStages, type StageInstance } from './expand.js';
import { kindOf } from './hashed-copy.js';
import { ParamsReader } from './params.js';
import { overlaps, relPosix } from './paths.js';

export interface Preflight {
  /** Problems `run`/`evaluate` would stop at (exit 2). */
  errors: ConfigProblem[];
  /** Paths missing now that a stage writes: fine once the stages have run. */
  warnings: ConfigProblem[];
}

/** `mlpipeline.yaml:line:col` of a pointer into the loaded pipeline. */
export function locator(loaded: LoadedPipeline): (pointer: string) => SourceLocation {
  const file = loaded.displayFile ?? loaded.file;
  return (pointer) => {
    const pos = loaded.locate(pointer);
    return { file, line: pos?.line, column: pos?.column };
  };
}

/** The params reader `run` uses: files named as the user reaches them from where mlpipeline started. */
export function paramsReader(loaded: LoadedPipeline): ParamsReader {
  const shownDir = dirname(loaded.displayFile ?? loaded.file);
  return new ParamsReader(loaded.dir, {
    defaults: loaded.pipeline.params ?? ['params.yaml'],
    label: (abs) => join(shownDir, relPosix(loaded.dir, abs)),
  });
}

/** Where stage `s` names param `ref` in mlpipeline.yaml. */
export function paramLocator(loaded: LoadedPipeline, s: StageInstance): (ref: string) => SourceLocation {
  const at = locator(loaded);
  const written = (loaded.pipeline.stages?.[s.base]?.params ?? []).map(String);
  return (ref) => {
    const i = written.indexOf(ref);
    return at(`/stages/${escapePointerToken(s.base)}/params${i >= 0 ? `/${i}` : ''}`);
  };
}

/** Deps of `stages` that are missing (and produced by no stage) or not regular files or folders. */
export function depProblems(loaded: LoadedPipeline, graph: StageGraph, stages: StageInstance[]): ConfigProblem[] {
  const at = locator(loaded);
  const out: ConfigProblem[] = [];
  for (const s of stages) {
    const produced = graph.producers.get(s.name) ?? new Map<string, string>();
    const base = escapePointerToken(s.base);
    s.deps.forEach((d, i) => {
      if (produced.has(d.rel)) return;
      if (existsSync(d.abs)) {
        // Following a link is fine (the stage reads what it points at); reading a device is not.
        const st = statSync(d.abs);
        if (st.isFile() || st.isDirectory()) return;
        out.push({
          message: `stage '${s.name}' depends on ${d.rel}, which is ${kindOf(st)}, not a regular file or directory`,
          location: at(`/stages/${base}/deps/${i}`),
          fix: `point stages.${s.base}.deps at a regular file or directory (mlpipeline hashes every dep and would read this one forever)`,
        });
        return;
      }
      out.push({
        message: `stage '${s.name}' depends on ${d.rel}, which does not exist and no stage produces it`,
        location: at(`/stages/${base}/deps/${i}`),
        fix: `create ${d.rel}, correct the path under stages.${s.base}.deps, or add the stage that writes it as an out`,
      });
    });
  }
  return out;
}

/** Every problem `run` and `evaluate` would meet on disk, for all stages and datasets. */
export async function preflight(loaded: LoadedPipeline): Promise<Preflight> {
  const instances = expandStages(loaded);
  const graph = buildGraph(loaded, instances);
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (list: ConfigProblem[], p: ConfigProblem) => {
    const key = `${p.location.file}:${p.location.line}:${p.location.column}:${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    list.push(p);
  };

  const reader = paramsReader(loaded);
  for (const s of graph.order) {
    const locate = paramLocator(loaded, s);
    for (const ref of s.params) {
      try {
        await reader.values(s.name, [ref], locate);
      } catch (e) {
        if (!isMlpipelineError(e)) throw e;
        add(errors, { message: e.message, location: e.location ?? locate(ref), ...(e.fix ? { fix: e.fix } : {}) });
      }
    }
  }
  for (const p of depProblems(loaded, graph, graph.order)) add(errors, p);

  const at = locator(loaded);
  for (const [name, ds] of Object.entries(loaded.pipeline.data ?? {})) {
    const path = ds?.path;
    if (typeof path !== 'string' || path === '' || matrixPlaceholders(path).length > 0) continue;
    const abs = resolve(loaded.dir, path);
    if (existsSync(abs)) continue;
    const location = at(`/data/${escapePointerToken(name)}/path`);
    const producer = instances.find((s) => s.outs.some((o) => overlaps(o.abs, abs)));
    if (producer) {
      add(warnings, {
        message: `dataset '${name}': ${path} does not exist yet; stage '${producer.name}' produces it`,
        location,
        fix: 'run `mlpipeline run` before the commands that read it (validate-data, evaluate)',
      });
    } else {
      add(errors, {
        message: `dataset '${name}': ${path} does not exist and no stage produces it`,
        location,
        fix: `create ${path}, correct data.${name}.path, or add the stage that writes it as an out`,
      });
    }
  }
  const byPosition = (a: ConfigProblem, b: ConfigProblem) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0);
  return { errors: errors.sort(byPosition), warnings: warnings.sort(byPosition) };
}
