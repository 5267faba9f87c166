/** Paths declared outside stages (model, params files, datasets, drift baseline, evaluation files) stay inside the repository. */
import { pointer } from '../problems.js';
import { pathProblems, type RuleContext } from './context.js';
import { arr, obj } from './read.js';
import type { SemanticRule } from './rule.js';

export const topLevelPaths: SemanticRule = {
  id: 'top-level-paths',
  check(ctx: RuleContext) {
    const { doc, data, evaluation, customMetrics } = ctx;
    const baseline = obj(obj(ctx.validation.drift).baseline);
    return [
      ...pathProblems(ctx, obj(doc.model).path, '/model/path'),
      ...arr(doc.params).flatMap((p, i) => pathProblems(ctx, p, pointer('params', i))),
      ...Object.entries(data).flatMap(([name, ds]) => pathProblems(ctx, obj(ds).path, pointer('data', name, 'path'))),
      ...pathProblems(ctx, baseline.path, '/validation/drift/baseline/path'),
      ...pathProblems(ctx, baseline.profile, '/validation/drift/baseline/profile'),
      ...pathProblems(ctx, obj(evaluation.baseline).model, '/evaluation/baseline/model'),
      ...pathProblems(ctx, evaluation.output, '/evaluation/output'),
      ...Object.entries(customMetrics).flatMap(([name, m]) => pathProblems(ctx, obj(m).file, pointer('evaluation', 'custom_metrics', name, 'file'))),
    ];
  },
};
