/** `validation.columns.*.pattern` must compile as RE2 (data values are checked by re2js, in linear time). */
import { re2Fix, re2Problem } from '../core/re2-pattern.js';
import { pointer, type PendingProblem } from './problems.js';

export function patternProblems(doc: Record<string, unknown>): PendingProblem[] {
  const out: PendingProblem[] = [];
  const validation = doc.validation;
  if (!validation || typeof validation !== 'object') return out;
  const columns = (validation as Record<string, unknown>).columns;
  if (!columns || typeof columns !== 'object' || Array.isArray(columns)) return out;
  for (const [name, spec] of Object.entries(columns as Record<string, unknown>)) {
    if (!spec || typeof spec !== 'object') continue;
    const pattern = (spec as Record<string, unknown>).pattern;
    if (typeof pattern !== 'string') continue;
    const why = re2Problem(pattern);
    if (why === undefined) continue;
    out.push({
      pointer: pointer('validation', 'columns', name, 'pattern'),
      message: `validation.columns.${name}.pattern is not a valid RE2 pattern (patterns use RE2 syntax, matched in linear time): ${why}`,
      fix: re2Fix(pattern),
    });
  }
  return out;
}
