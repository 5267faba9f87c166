/** `min` is not above `max`: column bounds (and their length, mean, std, quantiles), table rows, gates. */
import { pointer, type PendingProblem } from '../problems.js';
import { boundsProblems, type RuleContext } from './context.js';
import { arr, isObj, obj, type Obj } from './read.js';
import type { SemanticRule } from './rule.js';

function columnBounds(col: string, c: unknown): PendingProblem[] {
  const co = obj(c);
  const base = pointer('validation', 'columns', col);
  const out = boundsProblems(co, base, `validation.columns.${col}`);
  for (const k of ['length', 'mean', 'std']) if (isObj(co[k])) out.push(...boundsProblems(co[k] as Obj, `${base}/${k}`, `validation.columns.${col}.${k}`));
  for (const [q, b] of Object.entries(obj(co.quantiles))) out.push(...boundsProblems(obj(b), `${base}/quantiles/${q}`, `validation.columns.${col}.quantiles.${q}`));
  return out;
}

export const minNotAboveMax: SemanticRule = {
  id: 'min-not-above-max',
  check({ doc, validation }: RuleContext) {
    const rows = obj(validation.table).rows;
    return [
      ...Object.entries(obj(validation.columns)).flatMap(([col, c]) => columnBounds(col, c)),
      ...(isObj(rows) ? boundsProblems(rows, '/validation/table/rows', 'validation.table.rows') : []),
      ...arr(doc.gates).flatMap((g, i) => boundsProblems(obj(g), pointer('gates', i), `gates[${i}]`)),
    ];
  },
};
