/**
 * Every string of the pipeline file, keys included, is well-formed Unicode: a lone surrogate
 * (`"churn\ud800"` in YAML or JSON escapes) cannot be encoded as UTF-8 or percent-encoded (the PR
 * comment's marker), and is shown as U+FFFD, so two different names could read the same. JSON
 * Schema has no pattern for it (`String.prototype.isWellFormed`, ES2024, does).
 */
import { pointer } from '../problems.js';
import type { PendingProblem } from '../problems.js';
import type { SemanticRule } from './rule.js';

const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

function walk(value: unknown, path: (string | number)[], out: PendingProblem[]): void {
  if (typeof value === 'string') {
    if (!isWellFormed(value)) out.push({ pointer: pointer(...path), message: `${path.length ? path.join('.') : 'the document'} has a lone surrogate (not well-formed Unicode)`, fix: 'write the text as real characters; a \\uD800–\\uDFFF escape must be half of a surrogate pair' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, [...path, i], out));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isWellFormed(k)) out.push({ pointer: pointer(...path, k), at: 'key', message: `a key under ${path.length ? path.join('.') : 'the top level'} has a lone surrogate (not well-formed Unicode)`, fix: 'write the key as real characters' });
      walk(v, [...path, k], out);
    }
  }
}

export const wellFormedStrings: SemanticRule = {
  id: 'well-formed-strings',
  check: ({ doc }) => {
    const out: PendingProblem[] = [];
    walk(doc, [], out);
    return out;
  },
};
