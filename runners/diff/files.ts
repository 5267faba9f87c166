/**
 * Which files a diff compares: params files (the pipeline's `params` list, plus every file a
 * stage names in a `file#key` param) and metrics files (every stage's `metrics`, with matrix
 * sweeps expanded). Paths are as written, relative to the pipeline's folder.
 */
import type { Pipeline, StageSpec } from '../../pipeline-schema/types.js';

export const DEFAULT_PARAMS_FILE = 'params.yaml';

// The pipeline may be an unvalidated copy read at an old ref, so every field is checked for shape.

export function paramsFiles(pipeline: Pipeline): string[] {
  const files = pipeline.params === undefined ? [DEFAULT_PARAMS_FILE] : strings(pipeline.params);
  for (const stage of stagesOf(pipeline)) {
    for (const ref of strings(stage.params)) {
      const hash = ref.indexOf('#');
      if (hash > 0) files.push(ref.slice(0, hash));
    }
  }
  return unique(files);
}

export function metricsFiles(pipeline: Pipeline): string[] {
  const files: string[] = [];
  for (const stage of stagesOf(pipeline)) {
    for (const path of strings(stage.metrics)) files.push(...expandMatrix(path, stage));
  }
  return unique(files);
}

function stagesOf(pipeline: Pipeline): StageSpec[] {
  const stages: unknown = pipeline.stages;
  if (!stages || typeof stages !== 'object') return [];
  return Object.values(stages).filter((s): s is StageSpec => !!s && typeof s === 'object');
}

function strings(xs: unknown): string[] {
  return Array.isArray(xs) ? xs.filter((x): x is string => typeof x === 'string') : [];
}

/** Every instance of a path in a matrix sweep: `${matrix.KEY}` replaced by each combination. */
export function expandMatrix(path: string, stage: Pick<StageSpec, 'matrix'>): string[] {
  const matrix: unknown = stage.matrix;
  const axes = Object.entries(matrix && typeof matrix === 'object' ? (matrix as Record<string, unknown[]>) : {}).filter(([, values]) => Array.isArray(values) && values.length > 0);
  let combos: Record<string, string>[] = [{}];
  for (const [key, values] of axes) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: String(v) })));
  }
  return unique(combos.map((c) => path.replace(/\$\{matrix\.([^}]+)\}/g, (whole, key: string) => c[key] ?? whole)));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
