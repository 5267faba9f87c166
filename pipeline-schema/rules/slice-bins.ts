/** Slice bin edges are strictly increasing (one problem per slice, at the first edge out of order). */
import { pointer, type PendingProblem } from '../problems.js';
import { arr, num, obj } from './read.js';
import type { SemanticRule } from './rule.js';

function firstUnsortedEdge(bins: (number | undefined)[], slice: number): PendingProblem[] {
  for (let j = 1; j < bins.length; j++) {
    const a = bins[j - 1];
    const b = bins[j];
    if (a !== undefined && b !== undefined && b <= a) {
      return [{ pointer: pointer('evaluation', 'slices', slice, 'bins', j), message: `evaluation.slices[${slice}].bins must be strictly increasing (${b} after ${a})`, fix: 'sort the bin edges and remove duplicates' }];
    }
  }
  return [];
}

export const sliceBinsIncreasing: SemanticRule = {
  id: 'slice-bins-increasing',
  check: ({ evaluation }) => arr(evaluation.slices).flatMap((s, i) => firstUnsortedEdge(arr(obj(s).bins).map(num), i)),
};
