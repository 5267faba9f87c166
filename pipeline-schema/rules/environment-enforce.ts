/**
 * `enforce:` needs a policy to enforce: an environment with no `after`, no `allowed`, no
 * `min_soak` and `require_gates: false` accepts every tag, so `enforce: revert` there could never
 * revert anything, which is surely not what its author meant.
 */
import { pointer, type PendingProblem } from '../problems.js';
import { obj, str } from './read.js';
import type { SemanticRule } from './rule.js';

export const environmentEnforce: SemanticRule = {
  id: 'environment-enforce',
  check: ({ environments }) =>
    Object.entries(environments).flatMap(([name, raw]): PendingProblem[] => {
      const e = obj(raw);
      const enforce = str(e.enforce);
      if (enforce === undefined) return [];
      const allowed = Array.isArray(e.allowed) && e.allowed.length > 0;
      const hasRule = str(e.after) !== undefined || allowed || str(e.min_soak) !== undefined || e.require_gates !== false;
      if (hasRule) return [];
      return [
        {
          pointer: pointer('environments', name, 'enforce'),
          message: `environment '${name}' has 'enforce: ${enforce}' but no policy to enforce (no after, allowed or min_soak, and require_gates: false)`,
          fix: "add the rule a pushed tag must follow (e.g. 'after: staging'), or remove 'enforce'",
        },
      ];
    }),
};
