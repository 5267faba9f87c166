/** A column's `pattern` compiles as a JavaScript regular expression (with the `u` flag, as the checks use it). */
import { pointer, type PendingProblem } from '../problems.js';
import { obj, str } from './read.js';
import type { SemanticRule } from './rule.js';

function patternProblems(col: string, c: unknown): PendingProblem[] {
  const pat = str(obj(c).pattern);
  if (pat === undefined) return [];
  try {
    new RegExp(pat, 'u');
    return [];
  } catch (e) {
    return [
      {
        pointer: `${pointer('validation', 'columns', col)}/pattern`,
        message: `validation.columns.${col}.pattern is not a valid regular expression: ${(e as Error).message}`,
        fix: 'fix the regular expression (JavaScript syntax)',
      },
    ];
  }
}

export const columnPatterns: SemanticRule = {
  id: 'column-patterns',
  check: ({ validation }) => Object.entries(obj(validation.columns)).flatMap(([col, c]) => patternProblems(col, c)),
};
