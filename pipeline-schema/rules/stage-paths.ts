/**
 * A stage's deps, outs, metrics and wdir stay inside the repository in every matrix instance
 * (one problem per entry, for its first bad instance; templates left unresolved are skipped).
 */
import { matrixPlaceholders, substituteMatrix, type MatrixCombination } from '../matrix.js';
import { pointer, type PendingProblem } from '../problems.js';
import type { RuleContext, StageView } from './context.js';
import { arr } from './read.js';
import type { SemanticRule } from './rule.js';

function firstBadInstance(ctx: RuleContext, p: string, combos: MatrixCombination[], ptr: string): PendingProblem[] {
  for (const c of combos) {
    const sub = substituteMatrix(p, c);
    if (matrixPlaceholders(sub).length) continue;
    const bad = ctx.paths.check(sub);
    if (bad) return [{ pointer: ptr, ...bad }];
  }
  return [];
}

function stagePaths(ctx: RuleContext, { name, raw: s, combos }: StageView): PendingProblem[] {
  if (combos === undefined) return [];
  const out: PendingProblem[] = [];
  for (const key of ['deps', 'outs', 'metrics'] as const) {
    arr(s[key]).forEach((p, i) => {
      if (typeof p === 'string') out.push(...firstBadInstance(ctx, p, combos, pointer('stages', name, key, i)));
    });
  }
  // The working directory is checked as the first instance has it.
  if (typeof s.wdir === 'string') {
    const sub = substituteMatrix(s.wdir, combos[0] ?? {});
    const bad = matrixPlaceholders(sub).length ? undefined : ctx.paths.check(sub);
    if (bad) out.push({ pointer: pointer('stages', name, 'wdir'), ...bad });
  }
  return out;
}

export const stagePathsInside: SemanticRule = {
  id: 'stage-paths',
  check: (ctx) => ctx.stages.flatMap((s) => stagePaths(ctx, s)),
};
