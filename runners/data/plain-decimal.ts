/**
 * The one plain-decimal parser every reader shares: an optional '-', then 1–15 digits with at
 * most one '.'. Such text is read as an integer mantissa divided by an exact power of ten, which
 * is a single correctly rounded operation (Clinger's fast path), so the value equals
 * Number(text) without making a string. Anything else (exponents, '+', more digits, spaces) is
 * left to the caller's general path.
 *
 * There are two entry points only because a string and a byte buffer are indexed differently
 * (charCodeAt vs a typed-array read); they are the same algorithm, line for line, and the tests
 * hold both to Number(). Both are small enough for V8 to inline into the per-cell loops.
 */

/** 10^k for k ≤ 15, each exact. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Side results of the last scanDecimal / scanDecimalBytes (a shared record rather than a
 * returned object, so the per-cell loops allocate nothing): where the scan stopped, and whether
 * the text had no '.'.
 */
export const decimalScan = { end: 0, integer: false };

/** ±m / 10^frac; frac ≤ digits ≤ 15, so the power is in the table. */
function decimalValue(m: number, frac: number, neg: boolean): number {
  const x = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -x : x;
}

/**
 * The plain decimal at `s[from, …)`, read up to the first `stop` character code (a field
 * delimiter, or -1 for none) or `to`; NaN when that text is not a plain decimal. Sets
 * `decimalScan.end` to where the scan stopped: the `stop` character or `to`, or else the first
 * character that cannot continue a decimal (the value is then NaN; the caller finishes the field).
 */
export function scanDecimal(s: string, from: number, to: number, stop: number): number {
  let i = from;
  const neg = i < to && s.charCodeAt(i) === 45;
  if (neg) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < to; i++) {
    const ch = s.charCodeAt(i);
    const d = ch - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (frac >= 0) frac++;
    } else if (ch === 46 && frac < 0) frac = 0;
    else break;
  }
  decimalScan.end = i;
  decimalScan.integer = frac < 0;
  if ((i < to && s.charCodeAt(i) !== stop) || digits === 0 || digits > 15) return NaN;
  return decimalValue(m, frac, neg);
}

/** scanDecimal over bytes (ASCII): the same algorithm on `b[from, …)`. */
export function scanDecimalBytes(b: Uint8Array, from: number, to: number, stop: number): number {
  let i = from;
  const neg = i < to && b[i] === 45;
  if (neg) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < to; i++) {
    const ch = b[i]!; // i < to ≤ b.length
    const d = ch - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (frac >= 0) frac++;
    } else if (ch === 46 && frac < 0) frac = 0;
    else break;
  }
  decimalScan.end = i;
  decimalScan.integer = frac < 0;
  if ((i < to && b[i] !== stop) || digits === 0 || digits > 15) return NaN;
  return decimalValue(m, frac, neg);
}

/** `s[from, to)` as a number when all of it is a plain decimal, else NaN. Equal to Number(text) when not NaN. */
export function plainDecimal(s: string, from: number, to: number): number {
  return scanDecimal(s, from, to, -1);
}
