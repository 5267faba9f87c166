/** The versioned profile document (schema: pipeline-schema/profile.schema.json). */
import type { ColumnType } from '../../pipeline-schema/types.js';

export const PROFILE_SCHEMA_ID = 'mlpipeline/profile@1';
export const QUANTILE_KEYS = ['p1', 'p5', 'p25', 'p50', 'p75', 'p95', 'p99'] as const;
export const QUANTILE_PROBS: Record<(typeof QUANTILE_KEYS)[number], number> = {
  p1: 0.01,
  p5: 0.05,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p95: 0.95,
  p99: 0.99,
};

export interface Histogram {
  /** bins+1 edges; bin i holds edges[i] ≤ x < edges[i+1], the last bin also holds its right edge. */
  edges: number[];
  counts: number[];
}

export interface ColumnProfile {
  /** The type used (declared, else inferred). */
  type: ColumnType;
  inferred_type: ColumnType;
  /** Non-missing values. */
  count: number;
  missing: number;
  missing_fraction: number;
  distinct: number;
  /** False when distinct is a HyperLogLog estimate (more than 100,000 distinct values; standard error 0.81 %). */
  distinct_exact: boolean;
  /** Numbers for numeric columns, ISO strings for datetime, null otherwise. */
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  /** Population standard deviation (ddof = 0), the one the drift contract divides by. */
  std: number | null;
  /** Sample standard deviation (ddof = 1), what pandas' describe() prints as `std`. */
  std_sample: number | null;
  quantiles: Record<string, number> | null;
  /** False when quantiles come from the sketch (more than 200,000 numbers and more than 100,000 distinct ones). */
  quantiles_exact: boolean;
  /** Deterministic bound on the quantiles' rank error as a fraction of count (0 when exact; < 0.0026 always). */
  quantiles_rank_error?: number;
  histogram: { equal_width: Histogram; quantile: Histogram } | null;
  /** Up to 20 most frequent values with their counts. */
  top: { value: string | number; count: number }[];
  /**
   * Drift material for numeric columns: every value (up to 200,000 values), or the distinct values
   * with their counts as weights (up to 100,000 distinct values), or the sketch's items with their
   * weights (rank error ≤ rank_error). n = numbers in the data.
   */
  sample?: { values: number[]; weights?: number[]; n: number; exact?: boolean; rank_error?: number };
  /** Drift material for categories: counts per value text (up to 100,000 distinct values). */
  counts?: Record<string, number>;
  /** Values first seen after the 100,000-distinct cap, counted together. */
  other_count?: number;
}

export interface ProfileDocument {
  schema: typeof PROFILE_SCHEMA_ID;
  source: { path: string; ref?: string; commit?: string; format: string };
  rows: number;
  columns: Record<string, ColumnProfile>;
}
