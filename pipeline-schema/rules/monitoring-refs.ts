/**
 * `monitoring:` refers to things declared elsewhere: the reference dataset and environment exist,
 * a registry reference has environments to look in, the retrain pull request is only configured
 * with `open: pull-request`, and its paths (live batches, reference file, params file) stay
 * inside the repository.
 */
import { didYouMean } from '../did-you-mean.js';
import { pathProblems, type RuleContext } from './context.js';
import { isObj, obj, own, str } from './read.js';
import type { PendingProblem } from '../problems.js';
import type { SemanticRule } from './rule.js';

export const monitoringRefs: SemanticRule = {
  id: 'monitoring-refs',
  check(ctx: RuleContext) {
    const { doc, data, datasetNames, environments, envNames } = ctx;
    if (!isObj(doc.monitoring)) return [];
    const m = doc.monitoring;
    const reference = obj(m.reference);
    const problems: PendingProblem[] = [
      ...pathProblems(ctx, obj(m.live).path, '/monitoring/live/path'),
      ...pathProblems(ctx, reference.path, '/monitoring/reference/path'),
      ...pathProblems(ctx, obj(m.pull_request).params, '/monitoring/pull_request/params'),
    ];
    const dataset = str(reference.dataset);
    if (dataset !== undefined && !own(data, dataset)) {
      problems.push({
        pointer: '/monitoring/reference/dataset',
        message: `monitoring.reference.dataset names '${dataset}', which is not under 'data'${didYouMean(dataset, datasetNames)}`,
        fix: datasetNames.length ? `use one of: ${datasetNames.join(', ')}` : 'declare the training data under data: (e.g. data: {train: {path: data/train.csv}})',
      });
    }
    const environment = str(reference.environment);
    if (environment !== undefined && !own(environments, environment)) {
      problems.push({
        pointer: '/monitoring/reference/environment',
        message: `monitoring.reference.environment names '${environment}', which is not under 'environments'${didYouMean(environment, envNames)}`,
        fix: envNames.length ? `use one of: ${envNames.join(', ')}` : 'declare the environment under environments:, or set monitoring.reference.path',
      });
    }
    if (reference.path === undefined) {
      if (envNames.length === 0) {
        problems.push({
          pointer: isObj(m.reference) ? '/monitoring/reference' : '/monitoring',
          message: 'monitoring compares with the training data of the deployed version, but no environments: are declared to find it in',
          fix: 'declare environments: (and promote a version), or set monitoring.reference.path to a reference data file',
        });
      }
      if (dataset === undefined && !own(data, 'train') && datasetNames.length !== 1) {
        problems.push({
          pointer: isObj(m.reference) ? '/monitoring/reference' : '/monitoring',
          message: `monitoring cannot tell which dataset is the training data (no dataset 'train'${datasetNames.length ? `; datasets: ${datasetNames.join(', ')}` : ''})`,
          fix: 'set monitoring.reference.dataset to the dataset the model is trained on',
        });
      }
    }
    if (m.pull_request !== undefined && m.open !== 'pull-request') {
      problems.push({
        pointer: '/monitoring/pull_request',
        message: "monitoring.pull_request is set, but monitoring.open is not 'pull-request', so no pull request is ever opened",
        fix: 'add open: pull-request to monitoring:, or remove pull_request:',
      });
    }
    return problems;
  },
};
