/**
 * Ascending in-place sort of a Float64Array, in exactly the order Float64Array.prototype.sort
 * gives (−0 before +0, NaN last), in linear time: an LSD radix sort over the IEEE-754 bits made
 * order-preserving as unsigned integers (negative: all bits flipped; positive: sign bit set).
 *
 * Digits are 11 bits (each 32-bit half is cut 11 + 11 + 10), six passes at most; all six digit
 * histograms come from one read of the keys, and a pass whose digit is the same for every key is
 * skipped (float32-derived scores have a zero low half; integers and short decimals share their
 * exponent bits). 2,048 buckets stay in L1 cache, so the same code serves the 16,384-item sketch
 * levels of data profiling and the million-score sorts of evaluation metrics.
 *
 * Arrays holding NaN fall back to the native sort (data values and scores are never NaN; this
 * only keeps the contract for any caller).
 */
const SMALL = 256;
const BITS = 11;
const BUCKETS = 1 << BITS;

/** Reused for small sorts (the sketch sorts many 16,384-item levels); big sorts allocate their own. */
const SCRATCH_ITEMS = 1 << 15;
let scratch: Uint32Array | undefined;
/** Six digit histograms (passes: low half bits 0–10, 11–21, 22–31, then the high half alike). */
const counts = new Uint32Array(BUCKETS * 6);

export function sortFloat64(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < SMALL) return a.sort();
  // Already in order (row ids, timestamps): one pass that usually stops within a few items otherwise.
  if (isAscendingNoZeroOrNaN(a, n)) return a;
  // [lo, hi] words of each value (little-endian, as every platform Node runs on).
  const u = new Uint32Array(a.buffer, a.byteOffset, n * 2);
  if (toKeysAndCount(a, u, n) !== 0) {
    restore(u, n);
    return a.sort();
  }
  let src: Uint32Array = u;
  let dst: Uint32Array = n <= SCRATCH_ITEMS ? (scratch ??= new Uint32Array(SCRATCH_ITEMS * 2)) : new Uint32Array(n * 2);
  let moved = false; // the sorted keys are in the other buffer
  for (let p = 0; p < 6; p++) {
    const word = p < 3 ? 0 : 1;
    const shift = (p % 3) * BITS;
    const mask = p % 3 === 2 ? 0x3ff : 0x7ff;
    const base = p * BUCKETS;
    if (counts[base + ((src[word]! >>> shift) & mask)] === n) continue; // one digit for all: order unchanged
    prefixSums(base);
    scatter(src, dst, n, word, shift, mask, base);
    const t = src;
    src = dst;
    dst = t;
    moved = !moved;
  }
  if (moved) u.set(src.subarray(0, n * 2));
  restore(u, n);
  return a;
}

/**
 * True when a is non-decreasing and holds no zero and no NaN, so the sort would leave it as it
 * is (zeros are excluded because the sort orders −0 before +0, which `<` cannot see).
 */
function isAscendingNoZeroOrNaN(a: Float64Array, n: number): boolean {
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if (!(x > prev || (x === prev && x !== 0))) return false;
    prev = x;
  }
  return true;
}

/**
 * Make each value's bits an order-preserving unsigned key (in place) and fill the six digit
 * histograms in the same pass. Returns the number of NaN values (the caller falls back then).
 */
function toKeysAndCount(a: Float64Array, u: Uint32Array, n: number): number {
  counts.fill(0);
  let nan = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    nan += x !== x ? 1 : 0;
    let lo = u[2 * i]!;
    let hi = u[2 * i + 1]!;
    if (hi >= 0x80000000) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    u[2 * i] = lo;
    u[2 * i + 1] = hi;
    counts[lo & 0x7ff]!++;
    counts[BUCKETS + ((lo >>> 11) & 0x7ff)]!++;
    counts[2 * BUCKETS + (lo >>> 22)]!++;
    counts[3 * BUCKETS + (hi & 0x7ff)]!++;
    counts[4 * BUCKETS + ((hi >>> 11) & 0x7ff)]!++;
    counts[5 * BUCKETS + (hi >>> 22)]!++;
  }
  return nan;
}

/** Histogram of one pass → the first output index of each digit. */
function prefixSums(base: number): void {
  let sum = 0;
  for (let d = base; d < base + BUCKETS; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
}

/** One stable counting-sort pass on the digit (word, shift, mask), src → dst. */
function scatter(src: Uint32Array, dst: Uint32Array, n: number, word: number, shift: number, mask: number, base: number): void {
  for (let i = 0; i < n; i++) {
    const lo = src[2 * i]!;
    const hi = src[2 * i + 1]!;
    const k = counts[base + (((word === 0 ? lo : hi) >>> shift) & mask)]!++;
    dst[2 * k] = lo;
    dst[2 * k + 1] = hi;
  }
}

/** Undo the order-preserving transform. */
function restore(u: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const hi = u[2 * i + 1]!;
    if (hi >= 0x80000000) u[2 * i + 1] = hi & 0x7fffffff;
    else {
      u[2 * i] = ~u[2 * i]!;
      u[2 * i + 1] = ~hi;
    }
  }
}
