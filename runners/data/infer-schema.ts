/**
 * A starting `validation:` block from a profile: types, nullability (or max_missing at twice the
 * observed fraction, rounded up to 0.01), observed numeric ranges, `in` for string columns with
 * at most 10 repeated categories and for two-valued integers, `unique` for all-distinct strings.
 * People paste it into mlpipeline.yaml and tighten it.
 */
import { dict } from '../../core/own.js';
import type { ColumnCheckSpec, ValidationSpec } from '../../pipeline-schema/types.js';
import type { ProfileDocument } from './profile-types.js';

export interface InferOptions {
  /** Largest category set written as `in:`; default 10. */
  maxCategories?: number;
}

export function inferValidation(profile: ProfileDocument, opts: InferOptions = {}): ValidationSpec {
  const maxCats = opts.maxCategories ?? 10;
  const columns = dict<ColumnCheckSpec>();
  for (const [name, p] of Object.entries(profile.columns)) {
    const spec: ColumnCheckSpec = { type: p.type };
    if (p.missing === 0) spec.nullable = false;
    else spec.max_missing = Math.min(1, Math.ceil(p.missing_fraction * 2 * 100) / 100);
    if ((p.type === 'integer' || p.type === 'number') && typeof p.min === 'number' && typeof p.max === 'number') {
      spec.min = p.min;
      spec.max = p.max;
    }
    if (p.type === 'string' && p.distinct_exact && p.distinct <= maxCats && p.distinct < p.count) {
      spec.in = p.top.map((t) => t.value).sort((a, b) => String(a).localeCompare(String(b)));
    }
    // Two-valued integers are flags or binary labels: pin the values.
    if (p.type === 'integer' && p.distinct_exact && p.distinct <= 2 && p.distinct < p.count) {
      spec.in = p.top.map((t) => t.value).sort((a, b) => Number(a) - Number(b));
    }
    if (p.type === 'string' && p.distinct_exact && p.distinct === p.count && p.count > maxCats) spec.unique = true;
    columns[name] = spec;
  }
  return {
    columns,
    table: { rows: { min: 1 }, required: Object.keys(profile.columns), allow_extra_columns: true },
  };
}

