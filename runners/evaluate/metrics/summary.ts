/** Order statistics shared by metrics, latency and importance. */
import { sortFloat64 } from './sort.js';

/** Percentile with linear interpolation between closest ranks (NumPy's default `linear` method). */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(values: Float64Array): number {
  const s = sortFloat64(Float64Array.from(values));
  return percentileSorted(s, 50);
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length ? s / values.length : 0;
}

/** Population standard deviation (NumPy's `std` with ddof=0). */
export function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i]! - m) ** 2;
  return values.length ? Math.sqrt(s / values.length) : 0;
}

/** a / b, or 0 when b is 0 (the metrics contract: zero division gives 0). */
export function safeDiv(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
