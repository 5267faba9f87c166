/**
 * What the semantic rules share: the raw document, the path checker, and the views several
 * rules need (names of datasets, environments and metrics; each stage with its matrix
 * expanded), computed once per load.
 */
import { matrixCombinations, matrixPlaceholders, matrixSize, MAX_MATRIX_COMBINATIONS, type MatrixCombination } from '../matrix.js';
import { METRIC_DIRECTIONS } from '../metrics.js';
import type { PathChecker } from '../paths.js';
import type { PendingProblem } from '../problems.js';
import type { Scalar, StageSpec } from '../types.js';
import { arr, isObj, num, obj, str, type Obj } from './read.js';

export interface StageView {
  name: string;
  /** The stage as written (any shape). */
  raw: Obj;
  matrixKeys: string[];
  /** The stage's strings as the graph sees them (wrong-typed entries dropped). */
  spec: StageSpec;
  matrixSize: number;
  /** Every matrix instance; undefined when the matrix is over the limit (reported once, not expanded). */
  combos: MatrixCombination[] | undefined;
}

export interface RuleContext {
  /** The document after `run` → `cmd` normalisation. */
  doc: Obj;
  paths: PathChecker;
  /** Name of the pipeline file (e.g. `mlpipeline.yaml`). */
  pipelineFileName: string;
  data: Obj;
  datasetNames: string[];
  environments: Obj;
  envNames: string[];
  evaluation: Obj;
  customMetrics: Obj;
  /** Built-in metric names, then the custom ones. */
  metricNames: string[];
  validation: Obj;
  stages: StageView[];
}

export function ruleContext(doc: Obj, paths: PathChecker, pipelineFileName: string): RuleContext {
  const data = obj(doc.data);
  const environments = obj(doc.environments);
  const evaluation = obj(doc.evaluation);
  const customMetrics = obj(evaluation.custom_metrics);
  return {
    doc,
    paths,
    pipelineFileName,
    data,
    datasetNames: Object.keys(data),
    environments,
    envNames: Object.keys(environments),
    evaluation,
    customMetrics,
    metricNames: [...Object.keys(METRIC_DIRECTIONS), ...Object.keys(customMetrics)],
    validation: obj(doc.validation),
    stages: Object.entries(obj(doc.stages)).map(([name, raw]) => stageView(name, obj(raw))),
  };
}

function stageView(name: string, s: Obj): StageView {
  const matrix = isObj(s.matrix) ? (s.matrix as Record<string, unknown>) : undefined;
  const cleanMatrix = matrix ? Object.fromEntries(Object.entries(matrix).map(([k, v]) => [k, arr(v) as Scalar[]])) : undefined;
  const strings = (v: unknown) => arr(v).filter((x): x is string => typeof x === 'string');
  const size = matrixSize(cleanMatrix);
  return {
    name,
    raw: s,
    matrixKeys: Object.keys(matrix ?? {}),
    spec: {
      cmd: typeof s.cmd === 'string' || Array.isArray(s.cmd) ? (s.cmd as string | string[]) : '',
      deps: strings(s.deps),
      outs: strings(s.outs),
      metrics: strings(s.metrics),
      ...(cleanMatrix ? { matrix: cleanMatrix } : {}),
    },
    matrixSize: size,
    combos: size > MAX_MATRIX_COMBINATIONS ? undefined : matrixCombinations(cleanMatrix),
  };
}

/** A path-escape problem for `p` at `ptr`, unless `p` is not a concrete path (absent, empty, a matrix template). */
export function pathProblems(ctx: RuleContext, p: unknown, ptr: string): PendingProblem[] {
  const s = str(p);
  if (s === undefined || s === '' || matrixPlaceholders(s).length > 0) return [];
  const bad = ctx.paths.check(s);
  return bad ? [{ pointer: ptr, ...bad }] : [];
}

/** `min` above `max` in one bounds object (a column, a gate, ...). */
export function boundsProblems(o: Obj, ptr: string, what: string): PendingProblem[] {
  const lo = num(o.min);
  const hi = num(o.max);
  if (lo !== undefined && hi !== undefined && lo > hi) {
    return [{ pointer: `${ptr}/min`, message: `${what}: min ${lo} is greater than max ${hi}`, fix: 'swap them, or fix the one that is wrong' }];
  }
  return [];
}
