/**
 * Drift between a baseline profile R and a current profile C, column by column, with the `auto`
 * choice of DESIGN.md, per-column methods and thresholds, and the dataset share rule.
 *
 * auto: numeric (integer/number) with > 5 distinct values in R → KS (p < 0.05 drifts) when R has
 * ≤ 1000 rows, else Wasserstein normed (≥ 0.1 drifts); every other column → χ² (p < 0.05) when R
 * has ≤ 1000 rows, else the Jensen–Shannon distance (≥ 0.1, as Evidently; the divergence `jsd`
 * with 0.1 is far too lenient). Explicit methods: ks and chi2 drift when p < threshold (default
 * 0.05); wasserstein, psi, jsd, js_distance, linf when the value ≥ threshold (default 0.1).
 * A statistic that is not a finite number (a corrupt baseline) is an input error, never "no drift".
 * Datetime columns are left out (dates move forward by nature) unless a method is set for them;
 * left-out columns are listed in `skipped_columns` with the reason, so `columns` holds only
 * numeric and categorical results. A column whose type is numeric in one side and not the other
 * is compared as categories.
 *
 * Thresholds: a column's `threshold` applies to its method; `drift.threshold` to `drift.method`.
 * A threshold whose method is `auto` is a config error: auto picks a p-value test (ks, chi2) or
 * a distance (wasserstein, jsd) per column, and one number cannot mean both.
 */
import { dict, hasOwn, own as ownValue } from '../../core/own.js';
import { ConfigError, InputError } from '../../core/errors.js';
import type { DriftColumnSpec, DriftMethod, DriftSpec, Severity } from '../../pipeline-schema/types.js';
import {
  alignCounts,
  chiSquareHomogeneity,
  jsd,
  ksTest,
  linf,
  psiCategorical,
  psiNumeric,
  wassersteinNormed,
} from './drift-measures.js';
import type { ColumnProfile, ProfileDocument } from './profile-types.js';
import { sampleFrom, type WeightedSample } from './stats/quantiles.js';
import { isNumericType } from './values.js';

export interface NumericDrift {
  kind: 'numeric';
  method: Exclude<DriftMethod, 'auto'>;
  threshold: number;
  drifted: boolean;
  /** The measure the decision used, and its key in this object. */
  value: number;
  statistic: 'ks_p_value' | 'wasserstein_normed' | 'psi';
  ks_statistic: number;
  ks_p_value: number;
  /** `exact` or `asymptotic` (see special.ts). */
  ks_p_method: 'exact' | 'asymptotic';
  wasserstein_normed: number;
  psi: number;
  exact: boolean;
}

export interface CategoricalDrift {
  kind: 'categorical';
  method: Exclude<DriftMethod, 'auto'>;
  threshold: number;
  drifted: boolean;
  value: number;
  statistic: 'chi2_p_value' | 'jsd' | 'js_distance' | 'linf' | 'psi';
  chi2_p_value: number;
  chi2_statistic: number;
  /** Jensen–Shannon divergence, base 2. */
  jsd: number;
  /** Jensen–Shannon distance: sqrt(jsd), scipy's jensenshannon(p, q, base=2); what `auto` thresholds. */
  js_distance: number;
  linf: number;
  psi: number;
  new_categories: string[];
  vanished_categories: string[];
}

export type ColumnDrift = NumericDrift | CategoricalDrift;

export interface DriftResult {
  drifted: boolean;
  share: number;
  share_threshold: number;
  severity: Severity;
  drifted_columns: string[];
  new_columns: string[];
  vanished_columns: string[];
  /** Columns left out of drift, with the reason. */
  skipped_columns: Record<string, string>;
  baseline: { path: string; ref?: string; profile?: string; rows: number };
  columns: Record<string, ColumnDrift>;
}

/** Methods whose value is a p-value: they drift below the threshold, the others at or above it. */
export const P_VALUE_METHODS: ReadonlySet<string> = new Set(['ks', 'chi2']);
const MAX_LISTED = 20;

export function defaultThreshold(method: string): number {
  return P_VALUE_METHODS.has(method) ? 0.05 : 0.1;
}

/** The column's threshold, else the dataset's when the column uses the dataset's explicit method, else the default. */
function thresholdFor(method: string, requested: DriftMethod, colSpec: DriftColumnSpec, spec: DriftSpec): number {
  return colSpec.threshold ?? (requested !== 'auto' && requested === spec.method ? spec.threshold : undefined) ?? defaultThreshold(method);
}

function decide(method: string, value: number, threshold: number): boolean {
  return P_VALUE_METHODS.has(method) ? value < threshold : value >= threshold;
}

function numericSample(p: ColumnProfile): WeightedSample | undefined {
  if (!p.sample) return undefined;
  return sampleFrom(p.sample.values, p.sample.weights, p.sample.n, p.sample.exact, p.sample.rank_error);
}

function countsOf(p: ColumnProfile): Map<string, number> {
  const m = new Map<string, number>(Object.entries(p.counts ?? dict<number>()));
  if (!p.counts) for (const t of p.top) m.set(String(t.value), t.count);
  if (p.other_count) m.set('(other)', (m.get('(other)') ?? 0) + p.other_count);
  return m;
}

/** A NaN or infinite statistic cannot say "no drift": refuse it with the column and baseline. */
function notComputable(column: string, method: string, value: number, baseline: string): void {
  if (Number.isFinite(value)) return;
  throw new InputError(`drift of column '${column}' is not computable: ${method} is ${String(value)} (the baseline ${baseline} or the current data holds counts or values that are not finite numbers)`, {
    location: { file: baseline },
    fix: 'regenerate the baseline profile with `mlpipeline profile --data FILE --out PROFILE.json`',
  });
}

/** Refuse thresholds that would be read against `auto` (see the file comment). */
export function checkDriftSpec(spec: DriftSpec, configFile = 'mlpipeline.yaml'): void {
  const problem = (key: string) =>
    new ConfigError([
      {
        message: `${key}.threshold is set but ${key}.method is auto: auto uses a p-value (ks, chi2) or a distance (wasserstein, js_distance) depending on the column, so the threshold would mean different things`,
        location: { file: configFile },
        fix: `set ${key}.method (ks, wasserstein, psi, chi2, jsd, js_distance or linf), or remove the threshold to use the defaults (p < 0.05, distance ≥ 0.1)`,
      },
    ]);
  if (spec.threshold !== undefined && (spec.method ?? 'auto') === 'auto') throw problem('validation.drift');
  for (const [name, col] of Object.entries(spec.columns ?? {})) {
    if (col.threshold !== undefined && (col.method ?? spec.method ?? 'auto') === 'auto') throw problem(`validation.drift.columns.${name}`);
  }
}

export function computeDrift(
  baseline: ProfileDocument,
  current: ProfileDocument,
  spec: DriftSpec = {},
  baselineInfo: { path: string; ref?: string; profile?: string } = { path: baseline.source.path },
  configFile = 'mlpipeline.yaml',
): DriftResult {
  checkDriftSpec(spec, configFile);
  const rCols = Object.keys(baseline.columns);
  const cCols = Object.keys(current.columns);
  const result: DriftResult = {
    drifted: false,
    share: 0,
    share_threshold: spec.share ?? 0.5,
    severity: spec.severity ?? 'error',
    drifted_columns: [],
    new_columns: cCols.filter((c) => !hasOwn(baseline.columns, c)),
    vanished_columns: rCols.filter((c) => !hasOwn(current.columns, c)),
    skipped_columns: dict(),
    baseline: { ...baselineInfo, rows: baseline.rows },
    columns: dict(),
  };
  let considered = 0;
  for (const name of rCols) {
    const r = baseline.columns[name]!;
    const c = ownValue(current.columns, name);
    if (!c) continue;
    const colSpec: DriftColumnSpec = ownValue(spec.columns, name) ?? {};
    if (colSpec.skip) {
      result.skipped_columns[name] = 'skip: true in validation.drift.columns';
      continue;
    }
    const own = colSpec.method;
    let requested = own ?? spec.method ?? 'auto';
    if (r.count === 0 || c.count === 0) {
      result.skipped_columns[name] = r.count === 0 ? 'no values in the baseline' : 'no values in the current data';
      continue;
    }
    // Dates move forward by nature: compared only when the column itself names a method.
    if ((r.type === 'datetime' || c.type === 'datetime') && own === undefined) {
      result.skipped_columns[name] = 'datetime column (set a method to compare it)';
      continue;
    }
    const bothNumeric = isNumericType(r.type) && isNumericType(c.type) && r.sample && c.sample;
    if (!bothNumeric && (requested === 'ks' || requested === 'wasserstein')) {
      // A dataset-wide numeric test leaves the other columns to auto's categorical choice; a
      // column that names one (or sets a threshold for it) must be numeric.
      if (own !== undefined || colSpec.threshold !== undefined) {
        throw new ConfigError([
          {
            message: `drift method '${requested}' needs a numeric column, but '${name}' is ${r.type === c.type ? r.type : `${r.type} in the baseline and ${c.type} now`}`,
            location: { file: configFile },
            fix: `use chi2, js_distance, jsd, linf or psi for validation.drift.columns.${name}.method`,
          },
        ]);
      }
      requested = 'auto';
    }
    const useNumeric = requested === 'auto' ? bothNumeric && r.distinct > 5 : bothNumeric && ['ks', 'wasserstein', 'psi'].includes(requested);
    considered++;
    const small = baseline.rows <= 1000;
    if (useNumeric) {
      const method = (requested === 'auto' ? (small ? 'ks' : 'wasserstein') : requested) as NumericDrift['method'];
      const threshold = thresholdFor(method, requested, colSpec, spec);
      const rs = numericSample(r)!;
      const cs = numericSample(c)!;
      const ks = ksTest(rs, cs);
      const wn = wassersteinNormed(rs, cs, r.std ?? 0);
      const psi = psiNumeric(rs, cs);
      const statistic = method === 'ks' ? 'ks_p_value' : method === 'wasserstein' ? 'wasserstein_normed' : 'psi';
      const value = method === 'ks' ? ks.pValue : method === 'wasserstein' ? wn : psi;
      notComputable(name, method, value, baselineInfo.path);
      const drifted = decide(method, value, threshold);
      result.columns[name] = {
        kind: 'numeric',
        method,
        threshold,
        drifted,
        value,
        statistic,
        ks_statistic: ks.statistic,
        ks_p_value: ks.pValue,
        ks_p_method: ks.pMethod,
        wasserstein_normed: wn,
        psi,
        exact: rs.exact && cs.exact,
      };
    } else {
      const method = (requested === 'auto' ? (small ? 'chi2' : 'js_distance') : requested) as CategoricalDrift['method'];
      const threshold = thresholdFor(method, requested, colSpec, spec);
      const rc = countsOf(r);
      const cc = countsOf(c);
      const t = alignCounts(rc, cc);
      const chi = chiSquareHomogeneity(t.r, t.c);
      const j = jsd(t.r, t.c);
      const l = linf(t.r, t.c);
      const psi = psiCategorical(t.r, t.c);
      const jd = Math.sqrt(j);
      const statistic = (method === 'chi2' ? 'chi2_p_value' : method) as CategoricalDrift['statistic'];
      const value = method === 'chi2' ? chi.pValue : method === 'jsd' ? j : method === 'js_distance' ? jd : method === 'linf' ? l : psi;
      notComputable(name, method, value, baselineInfo.path);
      const drifted = decide(method, value, threshold);
      result.columns[name] = {
        kind: 'categorical',
        method,
        threshold,
        drifted,
        value,
        chi2_p_value: chi.pValue,
        chi2_statistic: chi.statistic,
        statistic,
        jsd: j,
        js_distance: jd,
        linf: l,
        psi,
        new_categories: [...cc.keys()].filter((k) => !rc.has(k)).slice(0, MAX_LISTED),
        vanished_categories: [...rc.keys()].filter((k) => !cc.has(k)).slice(0, MAX_LISTED),
      };
    }
    if (result.columns[name]!.drifted) result.drifted_columns.push(name);
  }
  result.share = considered ? result.drifted_columns.length / considered : 0;
  result.drifted = considered > 0 && result.share >= result.share_threshold;
  return result;
}
