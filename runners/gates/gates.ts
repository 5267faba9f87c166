/**
 * Quality gates, exactly as DESIGN.md's gate semantics define them:
 * - `min` / `max` are inclusive bounds on the candidate's value;
 * - `max_drop`, `max_drop_pct`, `min_gain` compare with a baseline (`vs`) using
 *   delta = candidate − baseline and the metric's direction;
 * - a baseline of 0 makes `max_drop_pct` fail (a relative change is undefined);
 * - a missing metric fails; a comparison with a baseline that does not exist yet is skipped;
 * - `slice:` targets one slice, `max_gap` + `across:` bounds the spread over a column's slices.
 * Severity `warn`: the gate is evaluated and reported with its status, but a failed warn gate
 * does not fail the verdict (it counts under `summary.warnings`).
 * Inclusive comparisons allow 1e-9 (relative) for floating-point rounding, so
 * 0.80 − 0.81 is a drop of exactly 0.01.
 */
import { METRIC_DIRECTIONS, type Direction } from '../../pipeline-schema/metrics.js';
import type { GateSpec, OnMissingBaseline, Scalar } from '../../pipeline-schema/types.js';
import type { BaselineResult, EvaluationDocument, SliceResult, SliceValue } from '../evaluate/document.js';
// The one number formatter, under the short name the reason templates below use.
import { formatNumber as fmt } from '../../core/numbers.js';
import { sliceText } from './format.js';
import { VERDICT_SCHEMA_ID, type GateKind, type GateResult, type Verdict } from './verdict.js';
import { hasOwn, own } from '../../core/own.js';

/** `gates_defaults` of mlpipeline.yaml. */
export interface GateDefaults {
  on_missing_baseline?: OnMissingBaseline;
}

const COMPARISONS: readonly GateKind[] = ['max_drop', 'max_drop_pct', 'min_gain'];

function atMost(a: number, b: number): boolean {
  return a <= b + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function sliceMatches(slice: Record<string, SliceValue>, want: Record<string, Scalar>): boolean {
  const keys = Object.keys(want);
  if (Object.keys(slice).length !== keys.length) return false;
  return keys.every((k) => hasOwn(slice, k) && String(slice[k]) === String(want[k]));
}

function findSlice(slices: SliceResult[], want: Record<string, Scalar>): SliceResult | undefined {
  return slices.find((s) => sliceMatches(s.slice, want));
}

function directionOf(gate: GateSpec, doc: EvaluationDocument): Direction | undefined {
  if (gate.higher_is_better !== undefined) return gate.higher_is_better ? 'higher' : 'lower';
  return own(METRIC_DIRECTIONS, gate.metric) ?? own(doc.directions, gate.metric);
}

function gateName(gate: GateSpec, kind: GateKind, threshold: number): string {
  if (gate.name) return gate.name;
  const where = gate.slice ? ` [${sliceText(gate.slice as Record<string, SliceValue>)}]` : gate.across ? ` across ${gate.across}` : '';
  const vs = gate.vs ?? 'baseline';
  const rule: Record<GateKind, string> = {
    min: `${gate.metric} >= ${fmt(threshold)}`,
    max: `${gate.metric} <= ${fmt(threshold)}`,
    max_drop: `${gate.metric} drop vs ${vs} <= ${fmt(threshold)}`,
    max_drop_pct: `${gate.metric} drop vs ${vs} <= ${fmt(threshold)}%`,
    min_gain: `${gate.metric} gain vs ${vs} >= ${fmt(threshold)}`,
    max_gap: `${gate.metric} gap <= ${fmt(threshold)}`,
  };
  return rule[kind] + where;
}

/**
 * The names of the results `evaluateGate` gives for one gate of mlpipeline.yaml, in order: a
 * report finds the gate's line from a result's name (runners/report/annotations.ts).
 */
export function gateResultNames(gate: GateSpec): string[] {
  const kinds = kindsOf(gate);
  if (kinds.length === 0) return [gate.name ?? gate.metric];
  return kinds.map(({ kind, threshold }) => gateName(gate, kind, threshold));
}

/** Resolve which baseline a comparison gate uses: `vs` by name, else the document's first baseline. */
function findBaseline(doc: EvaluationDocument, vs: string | undefined): { baseline?: BaselineResult; missingReason: string; name: string } {
  const all = doc.baselines ?? (doc.baseline ? [doc.baseline] : []);
  if (vs === undefined) {
    const first = all[0];
    const missing = doc.baselines_missing?.[0];
    return { baseline: first, name: first?.name ?? missing?.name ?? 'baseline', missingReason: missing?.reason ?? 'the evaluation has no baseline' };
  }
  const found = all.find((b) => b.name === vs);
  const missing = doc.baselines_missing?.find((m) => m.name === vs);
  const others = all.map((b) => b.name);
  const missingReason =
    missing?.reason ??
    (others.length
      ? `the evaluation has no '${vs}' baseline (it has: ${others.join(', ')})`
      : `the evaluation has no '${vs}' baseline`);
  return { baseline: found, name: vs, missingReason };
}

/** The kinds of check one gate entry asks for, in a stable order. */
function kindsOf(gate: GateSpec): { kind: GateKind; threshold: number }[] {
  const out: { kind: GateKind; threshold: number }[] = [];
  for (const kind of ['min', 'max', 'max_drop', 'max_drop_pct', 'min_gain', 'max_gap'] as const) {
    const t = gate[kind];
    if (typeof t === 'number') out.push({ kind, threshold: t });
  }
  return out;
}

export function evaluateGate(gate: GateSpec, doc: EvaluationDocument, defaults: GateDefaults = {}): GateResult[] {
  const severity = gate.severity ?? 'error';
  const kinds = kindsOf(gate);
  const sliceWant = gate.slice ?? null;
  const where = sliceWant ? ` in slice ${sliceText(sliceWant as Record<string, SliceValue>)}` : '';
  const base = (kind: GateKind, threshold: number): GateResult => ({
    name: gateName(gate, kind, threshold),
    metric: gate.metric,
    slice: (sliceWant as Record<string, SliceValue> | null) ?? null,
    across: kind === 'max_gap' ? gate.across ?? null : null,
    kind,
    threshold,
    value: null,
    vs: COMPARISONS.includes(kind) ? gate.vs ?? null : null,
    baseline: null,
    delta: null,
    status: 'failed',
    severity,
    reason: '',
  });
  if (kinds.length === 0) {
    return [{ ...base('min', 0), name: gate.name ?? gate.metric, threshold: 0, reason: `gate on ${gate.metric} sets no threshold (min, max, max_drop, max_drop_pct, min_gain or max_gap)` }];
  }

  // The metrics the gate looks at: a slice's, or the overall ones.
  let candidate: Record<string, number> | undefined = doc.metrics;
  let sliceMissing = false;
  if (sliceWant) {
    candidate = findSlice(doc.slices ?? [], sliceWant)?.metrics;
    sliceMissing = candidate === undefined;
  }
  const value = own(candidate, gate.metric);

  return kinds.map(({ kind, threshold }) => {
    const r = base(kind, threshold);
    if (kind === 'max_gap') return maxGap(r, gate, doc, threshold);
    if (sliceMissing) {
      r.reason = `the evaluation has no slice ${sliceText(sliceWant as Record<string, SliceValue>)}; declare the column under evaluation.slices`;
      return r;
    }
    if (value === undefined || value === null || !Number.isFinite(value)) {
      r.reason = `metric ${gate.metric} is missing from the evaluation${where}`;
      return r;
    }
    r.value = value;
    if (kind === 'min') {
      r.status = atMost(threshold, value) ? 'passed' : 'failed';
      r.reason = r.status === 'passed' ? `${gate.metric}${where} is ${fmt(value)}, at least the minimum ${fmt(threshold)}` : `${gate.metric}${where} is ${fmt(value)}, below the minimum ${fmt(threshold)}`;
      return r;
    }
    if (kind === 'max') {
      r.status = atMost(value, threshold) ? 'passed' : 'failed';
      r.reason = r.status === 'passed' ? `${gate.metric}${where} is ${fmt(value)}, within the maximum ${fmt(threshold)}` : `${gate.metric}${where} is ${fmt(value)}, above the maximum ${fmt(threshold)}`;
      return r;
    }
    // Comparison with a baseline.
    const { baseline, name, missingReason } = findBaseline(doc, gate.vs);
    r.vs = name;
    if (!baseline) {
      // Which baseline, and why it is missing, always reach the verdict; `fail` makes it count.
      if ((gate.on_missing_baseline ?? defaults.on_missing_baseline ?? 'skip') === 'fail') {
        r.status = 'failed';
        r.reason = `no ${name} baseline to compare with (${missingReason}); on_missing_baseline: fail`;
      } else {
        r.status = 'skipped';
        r.reason = `skipped: no ${name} baseline yet (${missingReason})`;
      }
      return r;
    }
    const baseMetrics = sliceWant ? findSlice(baseline.slices ?? [], sliceWant)?.metrics : baseline.metrics;
    const b = own(baseMetrics, gate.metric);
    if (b === undefined || b === null || !Number.isFinite(b)) {
      r.reason = `the ${name} baseline has no ${gate.metric}${where} to compare with`;
      return r;
    }
    r.baseline = b;
    r.delta = value - b;
    const direction = directionOf(gate, doc);
    if (!direction) {
      r.reason = `${gate.metric} has no known direction; set higher_is_better on the gate or under evaluation.custom_metrics`;
      return r;
    }
    const gain = direction === 'higher' ? value - b : b - value; // > 0 = better
    const better = direction === 'higher' ? 'higher' : 'lower';
    const change = `${fmt(b)} → ${fmt(value)}, ${better} is better`;
    const unchanged = Math.abs(gain) <= 1e-12 * Math.max(1, Math.abs(b));
    const pct = b !== 0 ? ` (${fmt((Math.abs(gain) / Math.abs(b)) * 100)}%)` : '';
    // Never "did not drop" for a metric that went down: say which way it moved for this metric.
    const moved = unchanged
      ? `${gate.metric}${where} unchanged vs ${name} (${change})`
      : gain > 0
        ? `${gate.metric}${where} improved by ${fmt(gain)}${pct} vs ${name} (${change})`
        : `${gate.metric}${where} regressed by ${fmt(-gain)}${pct} vs ${name} (${change})`;
    if (kind === 'max_drop') {
      r.status = atMost(-gain, threshold) ? 'passed' : 'failed';
      r.reason =
        gain >= 0 || unchanged
          ? moved
          : `${moved}, ${r.status === 'passed' ? 'within' : 'more than'} the allowed regression ${fmt(threshold)}`;
      return r;
    }
    if (kind === 'max_drop_pct') {
      if (b === 0) {
        r.reason = `the ${name} baseline ${gate.metric}${where} is 0, so a relative drop is undefined; use max_drop instead`;
        return r;
      }
      const dropPct = (-gain / Math.abs(b)) * 100;
      r.status = atMost(dropPct, threshold) ? 'passed' : 'failed';
      r.reason =
        gain >= 0 || unchanged
          ? moved
          : `${moved}, ${r.status === 'passed' ? 'within' : 'more than'} the allowed regression ${fmt(threshold)}%`;
      return r;
    }
    // min_gain
    r.status = atMost(threshold, gain) ? 'passed' : 'failed';
    r.reason = `${moved}, ${r.status === 'passed' ? 'at least' : 'less than'} the required gain ${fmt(threshold)}`;
    return r;
  });
}

function maxGap(r: GateResult, gate: GateSpec, doc: EvaluationDocument, threshold: number): GateResult {
  const col = gate.across;
  if (!col) {
    r.reason = `max_gap on ${gate.metric} needs across: COLUMN`;
    return r;
  }
  const values: { label: string; v: number }[] = [];
  for (const s of doc.slices ?? []) {
    const keys = Object.keys(s.slice);
    if (keys.length !== 1 || keys[0] !== col) continue;
    const v = own(s.metrics, gate.metric);
    if (typeof v === 'number' && Number.isFinite(v)) values.push({ label: String(own(s.slice, col)), v });
  }
  if (values.length < 2) {
    r.reason = `${gate.metric} is available for ${values.length} slice(s) of ${col}; a gap needs at least two (declare ${col} under evaluation.slices)`;
    return r;
  }
  let lo = values[0]!;
  let hi = values[0]!;
  for (const x of values) {
    if (x.v < lo.v) lo = x;
    if (x.v > hi.v) hi = x;
  }
  const gap = hi.v - lo.v;
  r.value = gap;
  r.status = atMost(gap, threshold) ? 'passed' : 'failed';
  const detail = `${col}=${lo.label} ${fmt(lo.v)} vs ${col}=${hi.label} ${fmt(hi.v)}`;
  r.reason =
    r.status === 'passed'
      ? `${gate.metric} gap across ${col} is ${fmt(gap)} (${detail}), within the maximum ${fmt(threshold)}`
      : `${gate.metric} gap across ${col} is ${fmt(gap)} (${detail}), above the maximum ${fmt(threshold)}`;
  return r;
}

export function evaluateGates(gates: GateSpec[], doc: EvaluationDocument, defaults: GateDefaults = {}): Verdict {
  return verdictOf(gates.flatMap((g) => evaluateGate(g, doc, defaults)));
}

/** The verdict of gate results: counts by status (a failed warn gate is a warning) and passed unless an error gate failed. */
export function verdictOf(results: GateResult[]): Verdict {
  const summary = { passed: 0, failed: 0, skipped: 0, warnings: 0 };
  for (const g of results) {
    if (g.status === 'passed') summary.passed++;
    else if (g.status === 'skipped') summary.skipped++;
    else if (g.severity === 'warn') summary.warnings++;
    else summary.failed++;
  }
  return { schema: VERDICT_SCHEMA_ID, passed: summary.failed === 0, summary, gates: results };
}
