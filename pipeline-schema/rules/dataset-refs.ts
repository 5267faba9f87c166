/**
 * `validation.data` and `evaluation.data` name a dataset under `data` (evaluation.data may also
 * be a path); validation without `data` needs a single dataset or one named `train`.
 */
import { closest } from '../did-you-mean.js';
import type { PendingProblem } from '../problems.js';
import { pathProblems, type RuleContext } from './context.js';
import { isObj, own, str } from './read.js';
import type { SemanticRule } from './rule.js';

/** Does a string look like a file path rather than a dataset name? */
export function looksLikePath(s: string): boolean {
  return /[\\/]/.test(s) || /\.(csv|tsv|jsonl|ndjson|json|parquet)(\.gz)?$/i.test(s);
}

function datasetRef(ctx: RuleContext, value: unknown, ptr: string, what: string): PendingProblem[] {
  const { data, datasetNames } = ctx;
  const name = str(value);
  if (name === undefined || own(data, name)) return [];
  const hint = closest(name, datasetNames);
  return [
    {
      pointer: ptr,
      message: `${what} refers to dataset '${name}', which is not defined under 'data'${hint ? `; did you mean '${hint}'?` : ''}`,
      fix: hint ? `write '${hint}'` : datasetNames.length ? `use one of: ${datasetNames.join(', ')}` : `define it under 'data' (data: {${name}: {path: ...}})`,
    },
  ];
}

function validationDataset(ctx: RuleContext): PendingProblem[] {
  const { doc, validation, data, datasetNames } = ctx;
  if (own(validation, 'data')) return datasetRef(ctx, validation.data, '/validation/data', 'validation.data');
  const checksData = isObj(doc.validation) && (own(validation, 'columns') || own(validation, 'table') || own(validation, 'drift'));
  if (!checksData || datasetNames.length === 1 || own(data, 'train')) return [];
  return [
    {
      pointer: '/validation',
      at: 'key',
      message:
        datasetNames.length === 0
          ? "validation has no dataset to check: 'data' defines none"
          : `validation does not say which dataset to check, and there is no single dataset or one named 'train'`,
      fix: datasetNames.length === 0 ? "define the dataset under 'data'" : `add 'data: NAME' under validation (one of: ${datasetNames.join(', ')})`,
    },
  ];
}

function evaluationDataset(ctx: RuleContext): PendingProblem[] {
  const value = ctx.evaluation.data;
  if (typeof value !== 'string') return [];
  return looksLikePath(value) ? pathProblems(ctx, value, '/evaluation/data') : datasetRef(ctx, value, '/evaluation/data', 'evaluation.data');
}

export const datasetRefs: SemanticRule = {
  id: 'dataset-refs',
  check: (ctx) => [...validationDataset(ctx), ...evaluationDataset(ctx)],
};
