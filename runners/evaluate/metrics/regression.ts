/** Regression metrics per the contract, as scikit-learn defines them. */
import { median } from './summary.js';

/** np.finfo(np.float64).eps: scikit-learn's floor for |y| in mean_absolute_percentage_error. */
export const MAPE_EPS = 2.220446049250313e-16;

export function regressionMetrics(y: Float64Array, pred: Float64Array): Record<string, number> {
  const n = y.length;
  if (n === 0) return { mae: 0, mse: 0, rmse: 0, r2: 0, mape: 0, median_ae: 0, max_error: 0 };
  let abs = 0;
  let sq = 0;
  let pct = 0;
  let maxErr = 0;
  let yMean = 0;
  const absErr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = Math.abs(y[i]! - pred[i]!);
    absErr[i] = e;
    abs += e;
    sq += e * e;
    pct += e / Math.max(Math.abs(y[i]!), MAPE_EPS);
    if (e > maxErr) maxErr = e;
    yMean += y[i]!;
  }
  yMean /= n;
  let ssTot = 0;
  for (let i = 0; i < n; i++) ssTot += (y[i]! - yMean) ** 2;
  // scikit-learn (force_finite): a constant y gives r2 = 1 for a perfect fit, else 0.
  const r2 = ssTot === 0 ? (sq === 0 ? 1 : 0) : 1 - sq / ssTot;
  return {
    mae: abs / n,
    mse: sq / n,
    rmse: Math.sqrt(sq / n),
    r2,
    mape: pct / n,
    median_ae: median(absErr),
    max_error: maxErr,
  };
}
