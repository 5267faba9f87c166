/**
 * Checks JSON Schema cannot express: the stage graph (cycles, two stages writing one out),
 * paths that escape the repository, gates on unknown metrics or without a direction, names that
 * refer to nothing (datasets, environments, matrix keys). Each concern is one rule in `rules/`.
 * They run even when the schema found problems, so every rule tolerates values of the wrong
 * type (the schema reports those).
 */
import type { PathChecker } from './paths.js';
import type { PendingProblem } from './problems.js';
import { ruleContext } from './rules/context.js';
import { SEMANTIC_RULES } from './rules/index.js';

export { looksLikePath } from './rules/dataset-refs.js';

export interface SemanticInput {
  /** The document after `run` → `cmd` normalisation. */
  doc: Record<string, unknown>;
  paths: PathChecker;
  /** The pipeline file's name, which no out may overwrite (nor its lock file). */
  pipelineFileName: string;
}

export function semanticProblems({ doc, paths, pipelineFileName }: SemanticInput, rules = SEMANTIC_RULES): PendingProblem[] {
  const ctx = ruleContext(doc, paths, pipelineFileName);
  return rules.flatMap((rule) => rule.check(ctx));
}
