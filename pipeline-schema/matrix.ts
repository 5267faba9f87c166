/**
 * Stage matrices: `matrix: {lr: [0.1, 0.01], depth: [3, 5]}` makes one stage instance per
 * combination, with `${matrix.KEY}` substituted in cmd, deps, outs, metrics, wdir and env.
 * Shared by the loader (to check instances) and the engine and workflow compiler (to run them).
 */
import { defined } from '../core/internal-error.js';
import type { Scalar, StageSpec } from './types.js';

/** GitHub Actions allows at most 256 jobs per matrix; a larger sweep is almost surely a mistake. */
export const MAX_MATRIX_COMBINATIONS = 256;

export const MATRIX_PLACEHOLDER = /\$\{\s*matrix\.([^}\s]*)\s*\}/g;

export type MatrixCombination = Record<string, Scalar>;

/** Number of combinations, without building them. */
export function matrixSize(matrix: Record<string, Scalar[]> | undefined): number {
  if (!matrix) return 1;
  return Object.values(matrix).reduce((n, vs) => n * (Array.isArray(vs) ? vs.length : 1), 1);
}

/** Every combination, first key varying slowest (the order GitHub Actions uses). */
export function matrixCombinations(matrix: Record<string, Scalar[]> | undefined): MatrixCombination[] {
  if (!matrix || Object.keys(matrix).length === 0) return [{}];
  let combos: MatrixCombination[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    const next: MatrixCombination[] = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [key]: v });
    combos = next;
  }
  return combos;
}

/** Keys named by `${matrix.KEY}` placeholders in a string. */
export function matrixPlaceholders(s: string): string[] {
  return [...s.matchAll(MATRIX_PLACEHOLDER)].map((m) => defined(m[1], "the placeholder pattern's one group takes part in every match"));
}

export function substituteMatrix(s: string, combo: MatrixCombination): string {
  return s.replace(MATRIX_PLACEHOLDER, (whole, key: string) => (Object.prototype.hasOwnProperty.call(combo, key) ? String(combo[key]) : whole));
}

/** `train[lr=0.1,depth=3]` for a matrix instance, the stage name otherwise. */
export function instanceName(stage: string, combo: MatrixCombination): string {
  const parts = Object.entries(combo).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length === 0 ? stage : `${stage}[${parts.join(',')}]`;
}

/** The stage with one combination substituted (matrix removed). */
export function expandStage(stage: StageSpec, combo: MatrixCombination): StageSpec {
  const sub = (s: string) => substituteMatrix(s, combo);
  const { matrix: _matrix, ...rest } = stage;
  return {
    ...rest,
    cmd: Array.isArray(stage.cmd) ? stage.cmd.map(sub) : sub(stage.cmd),
    ...(stage.deps ? { deps: stage.deps.map(sub) } : {}),
    ...(stage.outs ? { outs: stage.outs.map(sub) } : {}),
    ...(stage.metrics ? { metrics: stage.metrics.map(sub) } : {}),
    ...(stage.wdir !== undefined ? { wdir: sub(stage.wdir) } : {}),
    ...(stage.env ? { env: Object.fromEntries(Object.entries(stage.env).map(([k, v]) => [k, sub(String(v))])) } : {}),
  };
}
