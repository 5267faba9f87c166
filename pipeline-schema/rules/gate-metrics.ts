/**
 * What a gate's metric must be for the gate to mean something: built-in metrics carry their own
 * direction (a contradicting `higher_is_better` is an error); any other metric must be declared
 * custom or say `higher_is_better`, else it is unknown, or (when it looks deliberate: no close
 * built-in name, and the gate compares with a baseline) it lacks the direction that comparison needs.
 */
import { closest } from '../did-you-mean.js';
import { METRIC_DIRECTIONS } from '../metrics.js';
import type { PendingProblem } from '../problems.js';
import type { RuleContext } from './context.js';
import { gateEntries } from './gate-lists.js';
import { obj, own, str, type Obj } from './read.js';
import type { SemanticRule } from './rule.js';

const COMPARISONS = ['max_drop', 'max_drop_pct', 'min_gain'];

interface GateView {
  gate: Obj;
  label: string;
  base: string;
  metric: string;
}

/** Gates (of `gates:` and `monitoring.performance.gates`) that name a metric (as a string). */
function gatesWithMetric(ctx: RuleContext): GateView[] {
  return gateEntries(ctx.doc).flatMap((e) => {
    const gate = obj(e.gate);
    const metric = str(gate.metric);
    return metric === undefined ? [] : [{ gate, label: e.label, base: e.base, metric }];
  });
}

/** A metric neither built in, nor declared custom, nor given a direction by the gate itself. */
function undeclared(ctx: RuleContext, { gate, metric }: GateView): boolean {
  return METRIC_DIRECTIONS[metric] === undefined && !own(ctx.customMetrics, metric) && typeof gate.higher_is_better !== 'boolean';
}

const comparisonsOf = (gate: Obj): string[] => COMPARISONS.filter((k) => own(gate, k));

export const gateDirectionConflict: SemanticRule = {
  id: 'gate-direction-conflict',
  check: (ctx) =>
    gatesWithMetric(ctx).flatMap(({ gate, label, base, metric }): PendingProblem[] => {
      const builtIn = METRIC_DIRECTIONS[metric];
      if (builtIn === undefined || typeof gate.higher_is_better !== 'boolean' || gate.higher_is_better === (builtIn === 'higher')) return [];
      return [
        {
          pointer: `${base}/higher_is_better`,
          at: 'key',
          message: `${label}: '${metric}' is ${builtIn === 'higher' ? 'higher' : 'lower'}-is-better, but the gate says higher_is_better: ${String(gate.higher_is_better)}`,
          fix: 'remove higher_is_better; built-in metrics know their direction',
        },
      ];
    }),
};

export const unknownGateMetric: SemanticRule = {
  id: 'unknown-gate-metric',
  check: (ctx) =>
    gatesWithMetric(ctx).flatMap((g): PendingProblem[] => {
      if (!undeclared(ctx, g)) return [];
      const hint = closest(g.metric, ctx.metricNames);
      if (!hint && comparisonsOf(g.gate).length > 0) return []; // comparison-gate-direction says what is missing
      return [
        {
          pointer: `${g.base}/metric`,
          message: `${g.label}: unknown metric '${g.metric}'${hint ? `; did you mean '${hint}'?` : ''}`,
          fix: hint ? `write 'metric: ${hint}'` : 'use a built-in metric, or declare a custom one under evaluation.custom_metrics (with higher_is_better)',
        },
      ];
    }),
};

export const comparisonGateDirection: SemanticRule = {
  id: 'comparison-gate-direction',
  check: (ctx) =>
    gatesWithMetric(ctx).flatMap((g): PendingProblem[] => {
      const comparison = comparisonsOf(g.gate)[0];
      if (comparison === undefined || !undeclared(ctx, g) || closest(g.metric, ctx.metricNames)) return [];
      return [
        {
          pointer: `${g.base}/${comparison}`,
          at: 'key',
          message: `${g.label}: '${comparison}' needs a direction, but custom metric '${g.metric}' has none`,
          fix: `add 'higher_is_better: true' (or false) to the gate, or declare '${g.metric}' under evaluation.custom_metrics`,
        },
      ];
    }),
};
