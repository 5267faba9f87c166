/**
 * A gate's `slice: {COLUMN: value}` and `across: COLUMN` name columns declared under
 * `evaluation.slices`: the evaluation only computes metrics for those, so any other column would
 * make the gate fail at `gate` time with "the evaluation has no slice".
 */
import { closest } from '../did-you-mean.js';
import type { PendingProblem } from '../problems.js';
import { gateEntries } from './gate-lists.js';
import { arr, isObj, obj, str } from './read.js';
import type { SemanticRule } from './rule.js';

function undeclared(column: string, declared: string[], ptr: string, where: string): PendingProblem {
  const hint = closest(column, declared);
  return {
    pointer: ptr,
    at: 'key',
    message: `${where} names column '${column}', which is not declared under evaluation.slices${hint ? `; did you mean '${hint}'?` : ''}`,
    fix: hint ? `write '${hint}', or declare the column under evaluation.slices` : `declare the column under evaluation.slices (slices: [{column: ${column}}])`,
  };
}

export const gateSliceColumns: SemanticRule = {
  id: 'gate-slice-columns',
  check: ({ doc, evaluation }) => {
    const declared = arr(evaluation.slices).map((s) => str(obj(s).column)).filter((c): c is string => c !== undefined);
    const out: PendingProblem[] = [];
    gateEntries(doc).forEach(({ gate: g, label, at }) => {
      if (!isObj(g)) return;
      if (isObj(g.slice)) {
        for (const column of Object.keys(g.slice)) {
          if (!declared.includes(column)) out.push(undeclared(column, declared, at('slice', column), `${label}.slice`));
        }
      }
      const across = str(g.across);
      if (across !== undefined && !declared.includes(across)) out.push({ ...undeclared(across, declared, at('across'), `${label}.across`), at: 'value' });
    });
    return out;
  },
};
