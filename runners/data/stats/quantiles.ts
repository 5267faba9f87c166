/**
 * Numeric samples for quantiles, histograms and drift. Exact up to EXACT_LIMIT values per column
 * (every value kept); beyond that a KLL-style compactor sketch. The sketch keeps K items per
 * level and halves a full level by keeping the odd or even items of its sorted run (chosen by a
 * seeded coin); each compaction at level h moves ranks by at most 2^h with zero mean. With
 * K = 4096 the normalized rank error is about 1e-3 (tested at 0.005 with margin on 10^6 values),
 * and the sketch stays below ~25 levels × 4096 numbers for 10^12 rows.
 */

export const EXACT_LIMIT = 100_000;
const K = 4096;

/** A sorted weighted sample: `values` ascending, `weights[i]` how many rows values[i] stands for. */
export interface WeightedSample {
  values: Float64Array;
  /** Absent when every weight is 1 (an exact sample). */
  weights?: Float64Array;
  /** Number of rows the sample stands for (Σ weights). */
  n: number;
  exact: boolean;
}

/** Linear interpolation between order statistics (numpy's default, pandas' `quantile`): h = (n−1)p. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Quantile of a weighted sample: exact samples use quantileSorted; sketches interpolate on cumulative weight. */
export function sampleQuantile(s: WeightedSample, p: number): number {
  if (!s.weights) return quantileSorted(s.values, p);
  const target = p * (s.n - 1);
  let cum = 0;
  const v = s.values;
  const w = s.weights;
  for (let i = 0; i < v.length; i++) {
    // Item i covers ranks [cum, cum + w[i] − 1].
    const next = cum + w[i]!;
    if (target < next) {
      if (target <= next - 1 || i + 1 >= v.length) return v[i]!;
      return v[i]! + (target - (next - 1)) * (v[i + 1]! - v[i]!);
    }
    cum = next;
  }
  return v[v.length - 1]!;
}

/** Collects numbers: exact until EXACT_LIMIT, then a compactor sketch (typed arrays, native sort). */
export class NumericSampler {
  private exact: Float64Array = new Float64Array(1024);
  private len = 0;
  private levels: Float64Array[] | undefined;
  private fill: number[] = [];
  private seed = 0x9e3779b9;
  count = 0;

  add(x: number): void {
    this.count++;
    if (this.levels) {
      this.push(0, x);
      return;
    }
    if (this.len === this.exact.length) {
      if (this.len >= EXACT_LIMIT) {
        this.startSketch();
        this.push(0, x);
        return;
      }
      const bigger = new Float64Array(Math.min(this.exact.length * 2, EXACT_LIMIT));
      bigger.set(this.exact);
      this.exact = bigger;
    }
    this.exact[this.len++] = x;
  }

  private startSketch(): void {
    this.levels = [new Float64Array(K)];
    this.fill = [0];
    for (let i = 0; i < this.len; i++) this.push(0, this.exact[i]!);
    this.exact = new Float64Array(0);
    this.len = 0;
  }

  private push(h: number, x: number): void {
    const levels = this.levels!;
    if (h === levels.length) {
      levels.push(new Float64Array(K));
      this.fill.push(0);
    }
    levels[h]![this.fill[h]!++] = x;
    if (this.fill[h] === K) this.compact(h);
  }

  private compact(h: number): void {
    const items = this.levels![h]!;
    items.sort();
    // Deterministic xorshift coin, so a profile of the same data is the same document.
    this.seed ^= this.seed << 13;
    this.seed ^= this.seed >>> 17;
    this.seed ^= this.seed << 5;
    const offset = this.seed & 1;
    this.fill[h] = 0;
    for (let i = offset; i < K; i += 2) this.push(h + 1, items[i]!);
  }

  /** The sample, sorted. Exact (weights absent) when at most EXACT_LIMIT values were added. */
  sample(): WeightedSample {
    if (!this.levels) {
      const values = this.exact.slice(0, this.len).sort();
      return { values, n: this.len, exact: true };
    }
    const pairs: [number, number][] = [];
    this.levels.forEach((items, h) => {
      for (let i = 0; i < this.fill[h]!; i++) pairs.push([items[i]!, 2 ** h]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    return {
      values: Float64Array.from(pairs, (p) => p[0]),
      weights: Float64Array.from(pairs, (p) => p[1]),
      n: this.count,
      exact: false,
    };
  }
}

/** Rebuild a WeightedSample from stored arrays (a profile used as a baseline). */
export function sampleFrom(values: number[], weights?: number[]): WeightedSample {
  if (!weights) {
    const v = Float64Array.from(values).sort();
    return { values: v, n: v.length, exact: true };
  }
  const idx = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const v = Float64Array.from(idx, (i) => values[i]!);
  const w = Float64Array.from(idx, (i) => weights[i]!);
  return { values: v, weights: w, n: w.reduce((a, b) => a + b, 0), exact: false };
}
