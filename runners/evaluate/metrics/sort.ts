/**
 * Ascending in-place sort of a Float64Array (no NaN), as Float64Array.prototype.sort orders it
 * (−0 before +0), but in linear time: an LSD radix sort over the IEEE-754 bits made order-
 * preserving as unsigned integers (negative: all bits flipped; positive: sign bit set), 16 bits
 * per pass. Passes on which every key has the same digit are skipped; scores that came from
 * float32 outputs have zero low mantissa bits, so they usually take 3 passes.
 *
 * Why: the exact ROC AUC, average precision and median sort every score; for millions of rows the
 * comparison sort was the largest cost of evaluation after inference itself.
 */
const SMALL = 1024;
const DIGIT = 65536;

export function sortFloat64(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < SMALL) return a.sort();
  // [lo, hi] words of each value (little-endian, as every platform Node runs on).
  const u = new Uint32Array(a.buffer, a.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const hi = u[2 * i + 1]!;
    if (hi & 0x80000000) {
      u[2 * i] = ~u[2 * i]!;
      u[2 * i + 1] = ~hi;
    } else u[2 * i + 1] = hi | 0x80000000;
  }
  let src: Uint32Array = u;
  let dst: Uint32Array = new Uint32Array(n * 2);
  const count = new Uint32Array(DIGIT);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1; // 0: lo, 1: hi
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[2 * i + word]! >>> shift) & 0xffff]!++;
    if (count[(src[word]! >>> shift) & 0xffff] === n) continue; // one digit for all: order unchanged
    let sum = 0;
    for (let d = 0; d < DIGIT; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i]!;
      const hi = src[2 * i + 1]!;
      const k = count[((word ? hi : lo) >>> shift) & 0xffff]!++;
      dst[2 * k] = lo;
      dst[2 * k + 1] = hi;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== u) u.set(src);
  for (let i = 0; i < n; i++) {
    const hi = u[2 * i + 1]!;
    if (hi & 0x80000000) u[2 * i + 1] = hi & 0x7fffffff;
    else {
      u[2 * i] = ~u[2 * i]!;
      u[2 * i + 1] = ~hi;
    }
  }
  return a;
}
