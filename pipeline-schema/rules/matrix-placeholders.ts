/** Every `${matrix.KEY}` in a stage's cmd, deps, outs, metrics, wdir and env names a key of that stage's matrix. */
import { didYouMean } from '../did-you-mean.js';
import { matrixPlaceholders } from '../matrix.js';
import { pointer, type PendingProblem } from '../problems.js';
import type { StageView } from './context.js';
import { arr, obj } from './read.js';
import type { SemanticRule } from './rule.js';

/** The stage's strings that may hold placeholders, with where each is. */
function templatedStrings({ name, raw: s }: StageView): [string, string][] {
  const strings: [string, string][] = [];
  if (typeof s.cmd === 'string') strings.push([s.cmd, pointer('stages', name, 'cmd')]);
  arr(s.cmd).forEach((c, i) => typeof c === 'string' && strings.push([c, pointer('stages', name, 'cmd', i)]));
  for (const k of ['deps', 'outs', 'metrics'] as const) arr(s[k]).forEach((c, i) => typeof c === 'string' && strings.push([c, pointer('stages', name, k, i)]));
  if (typeof s.wdir === 'string') strings.push([s.wdir, pointer('stages', name, 'wdir')]);
  for (const [k, v] of Object.entries(obj(s.env))) if (typeof v === 'string') strings.push([v, pointer('stages', name, 'env', k)]);
  return strings;
}

function unknownPlaceholders(stage: StageView): PendingProblem[] {
  const { name, matrixKeys } = stage;
  const out: PendingProblem[] = [];
  for (const [text, ptr] of templatedStrings(stage)) {
    for (const key of matrixPlaceholders(text)) {
      if (matrixKeys.includes(key)) continue;
      out.push({
        pointer: ptr,
        within: `\${matrix.${key}}`,
        message: matrixKeys.length
          ? `'\${matrix.${key}}' names no key of stage '${name}'s matrix${didYouMean(key, matrixKeys)}`
          : `'\${matrix.${key}}' is used but stage '${name}' has no matrix`,
        fix: matrixKeys.length ? `use one of: ${matrixKeys.map((k) => `\${matrix.${k}}`).join(', ')}` : `add 'matrix: {${key}: [...]}' to the stage, or remove the placeholder`,
      });
    }
  }
  return out;
}

export const matrixPlaceholderKeys: SemanticRule = {
  id: 'matrix-placeholders',
  check: ({ stages }) => stages.flatMap(unknownPlaceholders),
};
