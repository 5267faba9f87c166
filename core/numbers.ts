/**
 * The one number formatter for metric values, deltas, thresholds and statistics in messages and
 * reports: integers whole, fractions to `significant` digits without trailing zeros or float
 * noise (0.30000000000000004 → 0.3), numbers with more integer digits than that rounded whole
 * (12345.67 → 12346, never 1.235e+4), and NaN / ±Infinity by name.
 */

/** Significant digits shown by default (metrics, gate reasons, drift statistics). */
export const DEFAULT_SIGNIFICANT = 4;

export function formatNumber(x: number, significant: number = DEFAULT_SIGNIFICANT): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  if (Math.abs(x) >= 10 ** significant) return String(Math.round(x));
  return String(Number(x.toPrecision(significant)));
}

/** A change: `+0.01`, `-3`, `0`. */
export function formatSigned(x: number, significant: number = DEFAULT_SIGNIFICANT): string {
  const shown = formatNumber(x, significant);
  return x > 0 ? `+${shown}` : shown;
}

/** A fraction in [0, 1] as a percentage with a fixed number of decimals: 0.5 → `50.00%`. */
export function formatPercent(fraction: number, decimals = 2): string {
  return `${(fraction * 100).toFixed(decimals)}%`;
}
