/** A gate's `vs` is `base`, `production` or a declared environment. */
import { closest } from '../did-you-mean.js';
import { pointer, type PendingProblem } from '../problems.js';
import { arr, obj, own, str } from './read.js';
import type { SemanticRule } from './rule.js';

export const gateBaselines: SemanticRule = {
  id: 'gate-baselines',
  check: ({ doc, environments, envNames }) =>
    arr(doc.gates).flatMap((g, i): PendingProblem[] => {
      const vs = str(obj(g).vs);
      if (vs === undefined || vs === 'base' || vs === 'production' || own(environments, vs)) return [];
      const hint = closest(vs, ['base', 'production', ...envNames]);
      return [
        {
          pointer: `${pointer('gates', i)}/vs`,
          message: `gates[${i}]: unknown baseline '${vs}'${hint ? `; did you mean '${hint}'?` : ''}`,
          fix: `use 'production', 'base'${envNames.length ? ` or an environment (${envNames.join(', ')})` : ''}`,
        },
      ];
    }),
};
