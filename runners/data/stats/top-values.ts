/**
 * Ranking a column's values for its profile: the top values (count descending, then the value's
 * text by UTF-16 code units) and the order of the stored counts. Wide tables rank thousands of
 * columns, so each step does only what the output needs: typed arrays instead of a pair per
 * value, text for a number only where the text decides an order, and no full sort where the
 * order cannot be seen.
 */
import { sortFloat64 } from '../../../core/sort-float64.js';
import type { NumberCounter } from './distinct.js';

/** Top values per column in a profile. */
export const TOP_N = 20;

/**
 * Key indices in rank order (count descending, then key text by UTF-16 code units), at least
 * the first `need` of them, and all of them when `need` is the number of keys. Ranking the
 * whole set matters only for the key order of the stored counts object; when every key is an
 * array index ("0", "17", …) an object lists those keys in ascending numeric order whatever
 * the insertion order, so then only the top is ranked and the rest follow unsorted.
 */
export function rankKeys(keys: string[], counts: number[], need: number): number[] {
  const n = keys.length;
  const before = (i: number, j: number): boolean => counts[i]! > counts[j]! || (counts[i] === counts[j] && keys[i]! < keys[j]!);
  const topN = need >= n && !keys.every(isArrayIndex) ? n : Math.min(TOP_N, n);
  if (topN === n && n > TOP_N) {
    return Array.from({ length: n }, (_, i) => i).sort((i, j) => counts[j]! - counts[i]! || (keys[i]! < keys[j]! ? -1 : 1));
  }
  // Partial selection: a sorted window of the best topN; most keys fail the one compare with its last.
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    if (best.length === topN && !before(i, best[topN - 1]!)) continue;
    let p = best.length === topN ? topN - 1 : best.length;
    while (p > 0 && before(i, best[p - 1]!)) {
      best[p] = best[p - 1]!;
      p--;
    }
    best[p] = i;
  }
  if (need <= topN) return best;
  // The rest, in any order (all keys are array indices here; see above).
  const picked = new Uint8Array(n);
  for (const i of best) picked[i] = 1;
  for (let i = 0; i < n; i++) if (!picked[i]) best.push(i);
  return best;
}

/** A canonical array index ("0", "42"; not "007", "-1", "1.5" or 2^32 − 1): such object keys are listed in numeric order. */
function isArrayIndex(k: string): boolean {
  const len = k.length;
  if (len === 0 || len > 10) return false;
  const c0 = k.charCodeAt(0);
  if (c0 === 48) return len === 1;
  for (let i = 0; i < len; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return len < 10 || Number(k) < 4294967295;
}

/**
 * The `limit` numbers counted most often (ties: smaller numbers first), without sorting every
 * counted number: the limit-th largest count comes from a typed-array sort of the counts, and
 * only the numbers tied at that count are sorted.
 */
export function mostFrequentNumbers(counter: NumberCounter, limit: number): [number, number][] {
  const { keys, counts } = topNumbers(counter, limit);
  return Array.from(keys, (k, i) => [k, counts[i]!]);
}

/**
 * mostFrequentNumbers as two typed arrays, in the same order: the counted numbers in slot order
 * when there are at most `limit`, else those above the cut count in slot order and then the
 * smallest tied at it. Typed arrays because a wide table asks this of every numeric column, and
 * a [number, count] pair per number was a large share of that profile's garbage.
 */
export function topNumbers(counter: NumberCounter, limit: number): { keys: Float64Array; counts: Float64Array } {
  const all = counter.entries();
  const n = all.keys.length;
  if (n <= limit) return all;
  const cut = Uint32Array.from(all.counts).sort()[n - limit]!;
  const keys = new Float64Array(limit);
  const counts = new Float64Array(limit);
  const tied = new Float64Array(n);
  let m = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const c = all.counts[i]!;
    if (c > cut) {
      keys[m] = all.keys[i]!;
      counts[m++] = c;
    } else if (c === cut) tied[t++] = all.keys[i]!;
  }
  // The radix sort: same order as Float64Array's sort, which was slow here (1,000+ ties per column).
  const ties = sortFloat64(tied.slice(0, t));
  for (let j = 0; m < limit && j < t; j++) {
    keys[m] = ties[j]!;
    counts[m++] = cut;
  }
  return m === limit ? { keys, counts } : { keys: keys.subarray(0, m), counts: counts.subarray(0, m) };
}

/**
 * The first `topN` of numbers ranked by (count descending, String(number) ascending), from
 * distinct numbers and their counts, making text of only a few of them: numbers tied at the
 * cut count are grouped by sign and integer-digit count, and within such a group the texts
 * compare as the numbers do (same-length integer digits first, then fraction digits, which
 * the shortest round-trip text never ends in zeros), so each group's first candidates in
 * numeric order are its first in text order. A plain-notation number's text cannot cross a
 * power of ten or an integer (those are exact doubles, their own shortest texts), so the
 * group of a number is the group of its text. Texts in exponent notation (|x| < 1e-6,
 * ≥ 1e21) are always made. Returns the ranked numbers with their texts and counts.
 */
export function topNumbersByText(keys: Float64Array, counts: Float64Array, topN: number): { value: number; text: string; count: number }[] {
  const n = keys.length;
  const rank = (a: { text: string; count: number }, b: { text: string; count: number }) => b.count - a.count || (a.text < b.text ? -1 : 1);
  if (n <= topN) return Array.from(keys, (value, i) => ({ value, text: String(value), count: counts[i]! })).sort(rank);
  const cut = sortFloat64(Float64Array.from(counts))[n - topN]!;
  const out: { value: number; text: string; count: number }[] = [];
  const tied = new Float64Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    if (c > cut) out.push({ value: keys[i]!, text: String(keys[i]!), count: c });
    else if (c === cut) tied[t++] = keys[i]!;
  }
  const need = topN - out.length;
  const ties = sortFloat64(tied.slice(0, t));
  // Per group, the first `need` in text order: ascending for x ≥ 0, descending for x < 0 ("-" then |x|'s digits).
  const taken = new Uint16Array(2 * GROUPS);
  const candidates: { value: number; text: string; count: number }[] = [];
  const take = (x: number) => {
    const g = textGroup(x);
    if (g < 0 || taken[g]! < need) {
      if (g >= 0) taken[g]!++;
      candidates.push({ value: x, text: String(x), count: cut });
    }
  };
  let firstNonNeg = 0;
  while (firstNonNeg < t && ties[firstNonNeg]! < 0) firstNonNeg++;
  for (let j = firstNonNeg - 1; j >= 0; j--) take(ties[j]!);
  for (let j = firstNonNeg; j < t; j++) take(ties[j]!);
  candidates.sort(rank);
  for (let j = 0; j < need; j++) out.push(candidates[j]!);
  return out.sort(rank);
}

/**
 * rankKeys(texts, counts, all) for keys that are the texts of the numbers `values`: when every
 * number is ≥ 0 and in one text group (see topNumbersByText; e.g. all in [0, 1) or all with two
 * integer digits), text order is numeric order, so the sort compares numbers instead of strings.
 */
export function rankNumbers(values: Float64Array, texts: string[], counts: number[]): number[] {
  // Array-index keys (small non-negative integers) need no full sort at all: rankKeys knows.
  if (values.every((x) => Number.isInteger(x) && x >= 0 && x < 4294967295)) return rankKeys(texts, counts, texts.length);
  const g = values.length ? textGroup(values[0]!) : -1;
  for (let i = 0; i < values.length; i++) if (g < 0 || g >= GROUPS || textGroup(values[i]!) !== g) return rankKeys(texts, counts, texts.length);
  return Array.from({ length: values.length }, (_, i) => i).sort((i, j) => counts[j]! - counts[i]! || values[i]! - values[j]!);
}

/** Integer-digit counts 0 (|x| < 1) to 21 per sign. */
const GROUPS = 22;
/** Exact doubles: 10^0 … 10^21. */
const POW10 = Array.from({ length: 22 }, (_, i) => Number(`1e${i}`));

/**
 * The text group of x (sign × digits before the point), or −1 when its text is in exponent
 * notation or is "0" (always made into text then).
 */
function textGroup(x: number): number {
  const a = Math.abs(x);
  if (a === 0 || a < 1e-6 || a >= 1e21) return -1;
  let k = 0;
  while (k < 21 && a >= POW10[k]!) k++;
  return (x < 0 ? GROUPS : 0) + k;
}

