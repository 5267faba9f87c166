/**
 * The stage graph as GitHub Actions jobs: one job per stage of `stages:` (a matrix stage is one
 * job with a job matrix of its instances), `needs:` from the DAG. Job ids are the stage names
 * (the schema's identifiers are valid job ids); GitHub compares job ids without regard to case,
 * and the final job's id is reserved, so a clash gets a `-2` suffix.
 */
import { ConfigError, type ConfigProblem } from '../../../core/errors.js';
import { MAX_MATRIX_COMBINATIONS } from '../../../pipeline-schema/matrix.js';
import type { LoadedPipeline } from '../../../pipeline-schema/types.js';
import type { StageGraph } from '../../stages/dag.js';
import type { StageInstance } from '../../stages/expand.js';

export const RESULTS_JOB_ID = 'mlpipeline-results';

export interface StageJob {
  id: string;
  /** The key under `stages:`. */
  base: string;
  /** Its instances in matrix order (one for a stage without a matrix). */
  instances: StageInstance[];
  matrix: boolean;
  /** Job ids this job needs, in job order. */
  needs: string[];
}

function problem(loaded: LoadedPipeline, base: string, sub: string, message: string, fix: string): ConfigProblem {
  const pos = loaded.locate(`/stages/${base}${sub}`) ?? loaded.locate(`/stages/${base}`);
  return { message, location: { file: loaded.displayFile ?? loaded.file, line: pos?.line, column: pos?.column }, fix };
}

export function stageJobs(loaded: LoadedPipeline, graph: StageGraph): StageJob[] {
  const byBase = new Map<string, StageInstance[]>();
  for (const s of graph.order) {
    const list = byBase.get(s.base) ?? [];
    list.push(s);
    byBase.set(s.base, list);
  }
  const problems: ConfigProblem[] = [];
  // Declaration order keeps the instances in the order GitHub expands a matrix.
  const declared = Object.keys(loaded.pipeline.stages ?? {});
  const baseOf = new Map(graph.order.map((s) => [s.name, s.base]));
  const ids = new Map<string, string>();
  const taken = new Set([RESULTS_JOB_ID.toLowerCase()]);
  for (const base of declared) {
    let id = base;
    for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base}-${n}`;
    taken.add(id.toLowerCase());
    ids.set(base, id);
  }
  const upstreamBases = new Map<string, Set<string>>();
  for (const base of declared) {
    const ups = new Set<string>();
    for (const s of byBase.get(base) ?? []) for (const u of graph.upstream.get(s.name) ?? []) ups.add(baseOf.get(u)!);
    if (ups.has(base)) {
      problems.push(problem(loaded, base, '/matrix', `instances of matrix stage '${base}' depend on each other's outs; one job matrix cannot run them in order`, 'split the sweep into two stages'));
      ups.delete(base);
    }
    upstreamBases.set(base, ups);
    const n = byBase.get(base)?.length ?? 0;
    if (n > MAX_MATRIX_COMBINATIONS) {
      problems.push(problem(loaded, base, '/matrix', `stage '${base}'s matrix has ${n} combinations; a GitHub Actions job matrix runs at most ${MAX_MATRIX_COMBINATIONS}`, 'sweep fewer values, or split the sweep into several stages'));
    }
  }
  // Jobs in a topological order of the stage-level graph (instances may interleave bases).
  const order: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (base: string, path: string[]): void => {
    if (done.has(base)) return;
    if (visiting.has(base)) {
      const cycle = [...path.slice(path.indexOf(base)), base];
      problems.push(problem(loaded, base, '', `as jobs, stages ${cycle.join(' → ')} form a cycle (matrix instances of one stage sit on both sides)`, 'split the matrix stage so that each job only feeds later ones'));
      return;
    }
    visiting.add(base);
    for (const up of declared.filter((d) => upstreamBases.get(base)!.has(d))) visit(up, [...path, base]);
    visiting.delete(base);
    done.add(base);
    order.push(base);
  };
  for (const base of declared) visit(base, []);
  if (problems.length > 0) throw new ConfigError(problems);
  return order.map((base) => ({
    id: ids.get(base)!,
    base,
    instances: byBase.get(base) ?? [],
    matrix: loaded.pipeline.stages?.[base]?.matrix !== undefined && Object.keys(loaded.pipeline.stages[base]!.matrix!).length > 0,
    needs: order.filter((b) => upstreamBases.get(base)!.has(b)).map((b) => ids.get(b)!),
  }));
}

/** The artifact a job's instance uploads; matrix instances are `<id>.<n>`, which no job id can be. */
export function artifactName(job: StageJob, index: number): string {
  return job.matrix ? `mlpipeline-outs-${job.id}.${index + 1}` : `mlpipeline-outs-${job.id}`;
}

/** The download-artifact pattern that matches every artifact of a job. */
export function artifactPattern(job: StageJob): string {
  return job.matrix ? `mlpipeline-outs-${job.id}.*` : `mlpipeline-outs-${job.id}`;
}
