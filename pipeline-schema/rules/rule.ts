/**
 * One semantic rule: a check JSON Schema cannot express, about one concern. Rules only read the
 * context and return problems; `semanticProblems` runs them in the order of SEMANTIC_RULES.
 */
import type { PendingProblem } from '../problems.js';
import type { RuleContext } from './context.js';

export interface SemanticRule {
  /** Stable kebab-case name of the concern, e.g. `stage-cycles`. */
  id: string;
  check(ctx: RuleContext): PendingProblem[];
}
