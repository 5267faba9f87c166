/**
 * Every semantic rule, in the order they run. Problems are sorted by position afterwards, so the
 * order only decides which of several problems at one spot is listed first. A new rule is a
 * module in this folder plus one entry here.
 */
import { datasetRefs } from './dataset-refs.js';
import { deployBlocks } from './deploy-blocks.js';
import { duplicateOutsRule } from './duplicate-outs.js';
import { environmentEnforce } from './environment-enforce.js';
import { environmentAfter, environmentCycles } from './environment-order.js';
import { evaluationBaselineEnvironment } from './evaluation-baseline-environment.js';
import { gateBaselines } from './gate-baselines.js';
import { gateSliceColumns } from './gate-slice-columns.js';
import { comparisonGateDirection, gateDirectionConflict, unknownGateMetric } from './gate-metrics.js';
import { matrixPlaceholderKeys } from './matrix-placeholders.js';
import { matrixSizeLimit } from './matrix-size.js';
import { metricRefs } from './metric-refs.js';
import { minNotAboveMax } from './min-not-above-max.js';
import { monitoringRefs } from './monitoring-refs.js';
import { paramsRefPathsInside } from './params-ref-paths.js';
import { re2Patterns } from './re2-patterns.js';
import { reservedOutsRule } from './reserved-outs.js';
import type { SemanticRule } from './rule.js';
import { selfDependency } from './self-dependency.js';
import { sliceBinsIncreasing } from './slice-bins.js';
import { stageCycles } from './stage-cycles.js';
import { stagePathsInside } from './stage-paths.js';
import { topLevelPaths } from './top-level-paths.js';
import { wellFormedStrings } from './well-formed-strings.js';

export const SEMANTIC_RULES: readonly SemanticRule[] = [
  wellFormedStrings,
  topLevelPaths,
  datasetRefs,
  metricRefs,
  evaluationBaselineEnvironment,
  sliceBinsIncreasing,
  minNotAboveMax,
  matrixPlaceholderKeys,
  matrixSizeLimit,
  stagePathsInside,
  paramsRefPathsInside,
  duplicateOutsRule,
  selfDependency,
  stageCycles,
  gateDirectionConflict,
  unknownGateMetric,
  comparisonGateDirection,
  gateBaselines,
  gateSliceColumns,
  environmentAfter,
  environmentCycles,
  environmentEnforce,
  deployBlocks,
  re2Patterns,
  reservedOutsRule,
  monitoringRefs,
];

export type { SemanticRule } from './rule.js';
export type { RuleContext, StageView } from './context.js';
