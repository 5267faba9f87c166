/**
 * A stage out (or metrics file) must not be, contain or lie inside what mlpipeline and Git keep
 * for themselves: `.git/`, the `.mlpipeline/` state folder (cache, run records, the workspace
 * lock), the pipeline file or its lock file. Outs are removed before their stage runs and
 * replaced on restore, so such an out would wipe the cache, the repository or the pipeline.
 */
import { lockFileName, STATE_DIR_NAME } from '../../core/state-paths.js';
import { normalizeRelPath, pathsOverlap } from '../graph.js';
import { matrixPlaceholders, substituteMatrix } from '../matrix.js';
import { pointer, type PendingProblem } from '../problems.js';
import type { RuleContext, StageView } from './context.js';
import { arr } from './read.js';
import type { SemanticRule } from './rule.js';

/** What `out` (normalised, relative to the pipeline folder) would clobber, if anything. */
export function reservedTarget(out: string, pipelineFileName: string): string | undefined {
  const norm = normalizeRelPath(out);
  if (norm.split('/').includes('.git')) return 'the Git repository (.git)';
  const reserved: [string, string][] = [
    [STATE_DIR_NAME, `mlpipeline's state folder (${STATE_DIR_NAME}/: cache, run records, workspace lock)`],
    [pipelineFileName, `the pipeline file ${pipelineFileName}`],
    [lockFileName(pipelineFileName), `the lock file ${lockFileName(pipelineFileName)}`],
  ];
  for (const [path, what] of reserved) if (pathsOverlap(norm, path)) return what;
  return undefined;
}

/** Problems for every out and metrics path of the stage (first offending matrix instance) that is reserved. */
function reservedOuts({ pipelineFileName }: RuleContext, { name, raw, combos }: StageView): PendingProblem[] {
  if (combos === undefined) return []; // reported by the matrix-size rule
  const problems: PendingProblem[] = [];
  for (const key of ['outs', 'metrics'] as const) {
    arr(raw[key]).forEach((p, i) => {
      if (typeof p !== 'string' || p === '') return;
      for (const c of combos) {
        const sub = substituteMatrix(p, c);
        if (matrixPlaceholders(sub).length) continue;
        const what = reservedTarget(sub, pipelineFileName);
        if (!what) continue;
        problems.push({
          pointer: pointer('stages', name, key, i),
          message: `stage '${name}' declares '${p}' as ${key === 'outs' ? 'an out' : 'a metrics file'}, which would overwrite ${what}`,
          fix: `write the stage's results somewhere else (outs are deleted before the stage runs and replaced on restore), e.g. under out/ or model/`,
        });
        break;
      }
    });
  }
  return problems;
}

export const reservedOutsRule: SemanticRule = {
  id: 'reserved-outs',
  check: (ctx) => ctx.stages.flatMap((s) => reservedOuts(ctx, s)),
};
