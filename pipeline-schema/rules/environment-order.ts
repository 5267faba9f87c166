/**
 * Environments' `after` chains: each `after` names another declared environment, and the
 * chains have no cycle (each cycle reported once, at the environment it is first reached from).
 */
import { closest, didYouMean } from '../did-you-mean.js';
import { pointer, type PendingProblem } from '../problems.js';
import type { RuleContext } from './context.js';
import { obj, own, str } from './read.js';
import type { SemanticRule } from './rule.js';

/** `after` of each environment, when it is a string. */
function afterEntries({ environments }: RuleContext): [string, string][] {
  return Object.entries(environments).flatMap(([name, e]): [string, string][] => {
    const a = str(obj(e).after);
    return a === undefined ? [] : [[name, a]];
  });
}

export const environmentAfter: SemanticRule = {
  id: 'environment-after',
  check: (ctx) =>
    afterEntries(ctx).flatMap(([name, a]): PendingProblem[] => {
      const { environments, envNames } = ctx;
      if (a === name) {
        return [{ pointer: pointer('environments', name, 'after'), message: `environment '${name}' comes after itself`, fix: "name the environment a version must be in first, or remove 'after'" }];
      }
      if (own(environments, a)) return [];
      const hint = closest(a, envNames);
      return [
        {
          pointer: pointer('environments', name, 'after'),
          message: `environment '${name}' comes after '${a}', which is not defined under 'environments'${didYouMean(a, envNames)}`,
          fix: hint ? `write 'after: ${hint}'` : `define '${a}' under 'environments', or use one of: ${envNames.join(', ')}`,
        },
      ];
    }),
};

export const environmentCycles: SemanticRule = {
  id: 'environment-cycles',
  check(ctx) {
    const after = new Map(afterEntries(ctx).filter(([name, a]) => a !== name && own(ctx.environments, a)));
    const out: PendingProblem[] = [];
    const reported = new Set<string>();
    for (const start of after.keys()) {
      const path = [start];
      let cur = after.get(start);
      while (cur !== undefined && !path.includes(cur)) {
        path.push(cur);
        cur = after.get(cur);
      }
      if (cur === undefined) continue;
      const cycle = [...path.slice(path.indexOf(cur)), cur];
      const key = [...new Set(cycle)].sort().join('\0');
      if (reported.has(key)) continue;
      reported.add(key);
      out.push({
        pointer: pointer('environments', cur, 'after'),
        message: `environments come after each other in a cycle: ${cycle.join(' → ')}`,
        fix: "one environment must come first: remove its 'after'",
      });
    }
    return out;
  },
};
