/** Number and slice formatting for one-line gate reasons. */
import type { SliceValue } from '../evaluate/document.js';

/** Up to 4 significant digits, without trailing zeros or exponent noise for common values. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

export function fmtSigned(x: number): string {
  return x > 0 ? `+${fmt(x)}` : fmt(x);
}

export function sliceText(slice: Record<string, SliceValue> | null | undefined): string {
  if (!slice) return '';
  return Object.entries(slice)
    .map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`)
    .join(',');
}
