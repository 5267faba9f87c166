/** The file part of a stage's `file#key.path` params ref stays inside the repository. */
import { pointer, type PendingProblem } from '../problems.js';
import type { RuleContext, StageView } from './context.js';
import { arr } from './read.js';
import type { SemanticRule } from './rule.js';

function paramsRefPaths(ctx: RuleContext, { name, raw, combos }: StageView): PendingProblem[] {
  if (combos === undefined) return [];
  return arr(raw.params).flatMap((ref, i) => {
    if (typeof ref !== 'string' || !ref.includes('#')) return [];
    const file = ref.slice(0, ref.indexOf('#'));
    const bad = file ? ctx.paths.check(file) : undefined;
    return bad ? [{ pointer: pointer('stages', name, 'params', i), ...bad }] : [];
  });
}

export const paramsRefPathsInside: SemanticRule = {
  id: 'params-ref-paths',
  check: (ctx) => ctx.stages.flatMap((s) => paramsRefPaths(ctx, s)),
};
