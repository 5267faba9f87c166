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
 * Results of the last scanDecimal / scanDecimalBytes (a shared record rather than a returned
 * object, so the per-cell loops allocate nothing): the decimal's value, NaN when it has no digits
 * or more than 15, and whether it had no '.'.
 */
// `value` starts as a fraction so V8 keeps the field a double from the start (no map change
// later). The field order is measured, not cosmetic: value first cost the byte reader ~15 %.
export const decimalScan = { integer: false, value: 0.5 };

/**
 * Reads the plain decimal that starts at `s[from]` and returns where it ends: the first position
 * in `[from, to)` that cannot continue it, or `to`. The field is a plain decimal when that is the
 * field's end (its delimiter, or `to`) and `decimalScan.value` is not NaN; the callers check, so
 * the scan stays small enough to inline into their per-cell loops. Returning the position (not
 * the value) keeps the callers' cursor a plain integer, which measurably helps those loops.
 */
export function scanDecimal(s: string, from: number, to: number): number {
  const neg = from < to && s.charCodeAt(from) === 45;
  const d0 = neg ? from + 1 : from;
  let i = d0;
  let m = 0;
  let dot = -1;
  for (; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) m = m * 10 + d;
    else if (d === -2 && dot < 0) dot = i; // '.'
    else break;
  }
  const scan = decimalScan;
  scan.integer = dot < 0;
  const digits = dot < 0 ? i - d0 : i - d0 - 1;
  if (digits === 0 || digits > 15) scan.value = NaN;
  else {
    // The fraction has at most 15 digits, so its power of ten is in the table.
    const x = dot < 0 ? m : m / POW10[i - dot - 1]!;
    scan.value = neg ? -x : x;
  }
  return i;
}

/** scanDecimal over bytes (ASCII): the same algorithm on `b[from, to)`. */
export function scanDecimalBytes(b: Uint8Array, from: number, to: number): number {
  const neg = from < to && b[from] === 45;
  const d0 = neg ? from + 1 : from;
  let i = d0;
  let m = 0;
  let dot = -1;
  for (; i < to; i++) {
    const d = b[i]! - 48; // i < to ≤ b.length
    if (d >= 0 && d <= 9) m = m * 10 + d;
    else if (d === -2 && dot < 0) dot = i; // '.'
    else break;
  }
  const scan = decimalScan;
  scan.integer = dot < 0;
  const digits = dot < 0 ? i - d0 : i - d0 - 1;
  if (digits === 0 || digits > 15) scan.value = NaN;
  else {
    // The fraction has at most 15 digits, so its power of ten is in the table.
    const x = dot < 0 ? m : m / POW10[i - dot - 1]!;
    scan.value = neg ? -x : x;
  }
  return i;
}

/** `s[from, to)` as a number when all of it is a plain decimal, else NaN. Equal to Number(text) when not NaN. */
export function plainDecimal(s: string, from: number, to: number): number {
  return scanDecimal(s, from, to) === to ? decimalScan.value : NaN;
}
