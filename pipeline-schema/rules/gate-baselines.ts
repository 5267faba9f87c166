/** A gate's `vs` is `base`, `production` or a declared environment. */
import { closest } from '../did-you-mean.js';
import type { PendingProblem } from '../problems.js';
import { gateEntries } from './gate-lists.js';
import { obj, own, str } from './read.js';
import type { SemanticRule } from './rule.js';

export const gateBaselines: SemanticRule = {
  id: 'gate-baselines',
  check: ({ doc, environments, envNames }) =>
    gateEntries(doc).flatMap((e): PendingProblem[] => {
      const vs = str(obj(e.gate).vs);
      if (vs === undefined || vs === 'base' || vs === 'production' || own(environments, vs)) return [];
      const hint = closest(vs, ['base', 'production', ...envNames]);
      return [
        {
          pointer: e.at('vs'),
          message: `${e.label}: unknown baseline '${vs}'${hint ? `; did you mean '${hint}'?` : ''}`,
          fix: `use 'production', 'base'${envNames.length ? ` or an environment (${envNames.join(', ')})` : ''}`,
        },
      ];
    }),
};
