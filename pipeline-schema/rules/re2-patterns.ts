/** `validation.columns.*.pattern` must compile as RE2 (data values are checked by re2js, in linear time). */
import { re2Fix, re2Problem } from '../../core/re2-pattern.js';
import { pointer, type PendingProblem } from '../problems.js';
import { obj, str } from './read.js';
import type { SemanticRule } from './rule.js';

function re2PatternProblems(name: string, spec: unknown): PendingProblem[] {
  const pattern = str(obj(spec).pattern);
  if (pattern === undefined) return [];
  const why = re2Problem(pattern);
  if (why === undefined) return [];
  return [
    {
      pointer: pointer('validation', 'columns', name, 'pattern'),
      message: `validation.columns.${name}.pattern is not a valid RE2 pattern (patterns use RE2 syntax, matched in linear time): ${why}`,
      fix: re2Fix(pattern),
    },
  ];
}

export const re2Patterns: SemanticRule = {
  id: 're2-patterns',
  check: ({ validation }) => Object.entries(obj(validation.columns)).flatMap(([name, spec]) => re2PatternProblems(name, spec)),
};
