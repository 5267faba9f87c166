/** `evaluation.baseline.stage` names a declared environment (when any are declared). */
import { didYouMean } from '../did-you-mean.js';
import { obj, own, str } from './read.js';
import type { SemanticRule } from './rule.js';

export const evaluationBaselineEnvironment: SemanticRule = {
  id: 'evaluation-baseline-environment',
  check({ evaluation, environments, envNames }) {
    const stage = str(obj(evaluation.baseline).stage);
    if (stage === undefined || envNames.length === 0 || own(environments, stage)) return [];
    return [
      {
        pointer: '/evaluation/baseline/stage',
        message: `evaluation.baseline.stage names environment '${stage}', which is not under 'environments'${didYouMean(stage, envNames)}`,
        fix: `use one of: ${envNames.join(', ')}`,
      },
    ];
  },
};
