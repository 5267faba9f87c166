/**
 * One column's one-pass statistics: missing count, type inference, moments (Welford), min/max,
 * the numeric distribution, value counts and date range. Memory per column is bounded (≤ 200,000
 * buffered numbers, ≤ 100,000 counted keys, a sketch of ≤ 40 levels × 16,384 numbers, and a
 * 2,048-number block that batches the per-number updates; see addNumberStats).
 *
 * The numeric distribution (quantiles, histograms, drift) is exact while the column has at most
 * 200,000 numbers (all kept) or at most 100,000 distinct numbers (rebuilt from the exact counts);
 * only a column past both limits uses the deterministic sketch of stats/quantiles.ts. So the
 * sampler stops taking values at 200,000 while the counts are exact, and is rebuilt from the
 * counts at the moment they overflow.
 */
import { dict } from '../../core/own.js';
import type { ColumnType } from '../../pipeline-schema/types.js';
import { NumberCounter, ValueCounter } from './stats/distinct.js';
import { rankKeys, rankNumbers, TOP_N, topNumbers, topNumbersByText } from './stats/top-values.js';
import { EXACT_LIMIT, NumericSampler, sampleFromCounts, sampleMass, sampleQuantile, type WeightedSample } from './stats/quantiles.js';
import { QUANTILE_KEYS, QUANTILE_PROBS, type ColumnProfile, type Histogram } from './profile-types.js';
import { isNumericType, toDateMs, toNumber, toText, TypeTracker } from './values.js';

export { mostFrequentNumbers } from './stats/top-values.js';

/** Texts remembered per column by the CSV fast path (low-cardinality categories, dates, flags). */
const CACHE_ENTRIES = 1024;
const CACHE_SLOTS = 2048;
/** Category counts are stored in profiles (for drift) when a column has at most this many distinct values. */
const STORE_COUNTS_LIMIT = 100_000;
/** Numbers buffered per column before they are folded into the statistics (see addNumberStats). */
const PENDING = 2048;
const NO_PENDING = new Float64Array(0);

export class ColumnAccumulator {
  missing = 0;
  readonly tracker = new TypeTracker();
  sampler = new NumericSampler();
  readonly numCounts = new NumberCounter();
  /** Numbers seen (the sampler may have stopped taking them; see the file comment). */
  private numbers = 0;
  readonly strCounts = new ValueCounter<string>();
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private dateMin = Infinity;
  private dateMax = -Infinity;

  /** Declared string/boolean/datetime: numbers-looking text stays text ("00123" keeps its zeros). */
  readonly textOnly: boolean;

  constructor(private readonly declared?: ColumnType) {
    this.textOnly = declared !== undefined && !isNumericType(declared);
    this.numCounts.onOverflow = () => {
      // The counts hold every number so far (including the one being added): if the sampler
      // stopped at EXACT_LIMIT, rebuild it from them and keep feeding it from now on.
      if (this.sampler.count === this.numbers) return;
      const s = new NumericSampler();
      this.numCounts.forEach((x, c) => s.addCount(x, c));
      this.sampler = s;
    };
  }

  /** Add one raw value; returns its number (NaN when not numeric) so checks can reuse it. */
  add(v: unknown): number {
    if (v === null || v === undefined || v === '') {
      this.missing++;
      return NaN;
    }
    const x = toNumber(v);
    if (x === x && !this.textOnly) {
      this.tracker.observe(v, x);
      this.addNumberStats(x);
    } else {
      const wantDate = this.declared === 'datetime' || (this.declared === undefined && this.tracker.date);
      const t = wantDate ? toDateMs(v) : NaN;
      this.tracker.observe(v, x, t);
      this.strCounts.add(toText(v));
      if (t === t) {
        if (t < this.dateMin) this.dateMin = t;
        if (t > this.dateMax) this.dateMax = t;
      }
    }
    return x;
  }

  // Cache of distinct texts seen by addTextRange: a repeat costs a hash and a compare, no string.
  private slots: Int32Array | undefined;
  private readonly cTexts: string[] = [];
  private readonly cCounts: number[] = [];
  private readonly cX: number[] = [];
  private cacheFull = false;
  /** The text and number of the last addTextRange (fields instead of an object: no allocation). */
  lastText = '';
  lastX = NaN;
  /** Cache slot of the last addTextRange's text, or −1 when it was not cached. */
  lastKey = -1;

  /**
   * A non-empty cell given as s[from, to) that is not a plain decimal. Repeats of a text already
   * seen reuse its analysis (type, date, number) and only count; the first occurrence goes
   * through add(). Same results as add(s.slice(from, to)).
   */
  addTextRange(s: string, from: number, to: number): void {
    this.addTextRangeHashed(s, from, to, this.cacheFull ? 0 : textHash(s, from, to));
  }

  /** addTextRange with the text's textHash() already computed (the CSV scan hashes while it cuts the field). */
  addTextRangeHashed(s: string, from: number, to: number, h: number): void {
    // Only the cache hit stays in this method: it is inlined into the scan's per-cell loop, and
    // the rare paths (a new text, a full cache) would use up V8's inlining budget there.
    if (this.cacheFull) return this.addUncached(s.slice(from, to));
    const slots = (this.slots ??= new Int32Array(CACHE_SLOTS).fill(-1));
    const mask = CACHE_SLOTS - 1;
    const len = to - from;
    let i = h & mask;
    for (let idx = slots[i]!; idx >= 0; idx = slots[i]!) {
      const t = this.cTexts[idx]!;
      if (t.length === len && sameText(s, from, t)) {
        this.cCounts[idx]!++;
        const x = this.cX[idx]!;
        if (x === x && !this.textOnly) this.addNumberStats(x);
        this.lastText = t;
        this.lastX = x;
        this.lastKey = idx;
        return;
      }
      i = (i + 1) & mask;
    }
    this.addToCache(s.slice(from, to), slots, i);
  }

  private addUncached(v: string): void {
    this.lastText = v;
    this.lastX = this.add(v);
    this.lastKey = -1;
  }

  /** A text not in the cache yet: count it, and remember it in the free slot `slot`. */
  private addToCache(v: string, slots: Int32Array, slot: number): void {
    const x = this.add(v);
    this.lastText = v;
    this.lastX = x;
    this.lastKey = this.cTexts.length;
    slots[slot] = this.cTexts.length;
    this.cTexts.push(v);
    this.cCounts.push(1);
    this.cX.push(x);
    if (this.cTexts.length >= CACHE_ENTRIES) this.cacheFull = true;
  }

  /** Fold the cache's repeat counts into the text counts (numbers were counted as they came). */
  private flushCache(): void {
    for (let idx = 0; idx < this.cTexts.length; idx++) {
      const x = this.cX[idx]!;
      const extra = this.cCounts[idx]! - 1;
      if (extra > 0 && !(x === x && !this.textOnly)) this.strCounts.addCount(this.cTexts[idx]!, extra);
      this.cCounts[idx] = 1;
    }
  }

  /** A number parsed by the CSV fast path (no string was made for it). */
  addParsedNumber(x: number, integerText: boolean): void {
    this.tracker.observeNumber(x, integerText);
    this.addNumberStats(x);
  }

  // Numbers wait in a small buffer and are folded into the statistics a block at a time, in
  // arrival order (so every result is the same as one at a time): the loop over one column's
  // block keeps that column's count table and sketch in cache, where per-cell updates of ten
  // columns in turn evict each other's.
  // The block is allocated at the first number: text columns of a wide table never need one.
  private pending: Float64Array = NO_PENDING;
  private pendingLen = 0;

  private addNumberStats(x: number): void {
    if (this.pendingLen === this.pending.length) this.makeRoom();
    this.pending[this.pendingLen++] = x;
  }

  /** Room for one more number: the first block, or fold the full one. */
  private makeRoom(): void {
    if (this.pending.length === 0) this.pending = new Float64Array(PENDING);
    else this.flushNumbers();
  }

  /**
   * Fold the buffered numbers into the statistics, in order: Welford's mean and M2, min, max,
   * the sampler and the value counts, exactly as one at a time (the moments live in locals for
   * the block; `numbers` is kept current because a count overflow reads it).
   */
  private flushNumbers(): void {
    const p = this.pending;
    const len = this.pendingLen;
    this.pendingLen = 0;
    const counts = this.numCounts;
    let n = this.numbers;
    let mean = this.mean;
    let m2 = this.m2;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < len; i++) {
      const x = p[i]!;
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
      if (x < min) min = x;
      if (x > max) max = x;
      this.numbers = n;
      // Past EXACT_LIMIT the sampler only takes values once the counts stopped being exact.
      if (this.sampler.count < EXACT_LIMIT || !counts.exact) this.sampler.add(x);
      // An overflow here rebuilds a stopped sampler from the counts, x included (onOverflow).
      counts.add(x);
    }
    this.mean = mean;
    this.m2 = m2;
    this.min = min;
    this.max = max;
  }

  /** The numeric distribution: all values, or exact counts, or the sketch (see the file comment). */
  numericSample(): WeightedSample {
    this.flushNumbers();
    if (this.sampler.count === this.numbers) return this.sampler.sample();
    return sampleFromCounts((fn) => this.numCounts.forEach(fn));
  }

  finish(rows: number): ColumnProfile {
    this.flushNumbers();
    this.flushCache();
    const inferred = this.tracker.result();
    const type = this.declared ?? inferred;
    const count = rows - this.missing;
    const distinctExact = this.numCounts.exact && this.strCounts.exact;
    const base: ColumnProfile = {
      type,
      inferred_type: inferred,
      count,
      missing: this.missing,
      missing_fraction: rows ? this.missing / rows : 0,
      distinct: this.numCounts.distinct() + this.strCounts.distinct(),
      distinct_exact: distinctExact,
      min: null,
      max: null,
      mean: null,
      std: null,
      std_sample: null,
      quantiles: null,
      quantiles_exact: true,
      histogram: null,
      top: [],
    };
    const counts = this.categoryCounts(type);
    base.top = counts.top;
    if (isNumericType(type)) {
      const n = this.numbers;
      if (n > 0) {
        const sample = this.numericSample();
        base.min = this.min;
        base.max = this.max;
        base.mean = this.mean;
        base.std = Math.sqrt(this.m2 / n);
        base.std_sample = n > 1 ? Math.sqrt(this.m2 / (n - 1)) : null;
        base.quantiles = Object.fromEntries(QUANTILE_KEYS.map((k) => [k, sampleQuantile(sample, QUANTILE_PROBS[k])]));
        base.quantiles_exact = sample.exact;
        base.quantiles_rank_error = sample.rankError;
        base.histogram = { equal_width: equalWidthHistogram(sample, this.min, this.max), quantile: quantileHistogram(sample) };
        base.sample = {
          values: toArray(sample.values),
          ...(sample.weights ? { weights: toArray(sample.weights) } : {}),
          n: sample.n,
          exact: sample.exact,
          ...(sample.exact ? {} : { rank_error: sample.rankError }),
        };
      }
    } else if (type === 'datetime' && this.dateMin <= this.dateMax) {
      base.min = new Date(this.dateMin).toISOString();
      base.max = new Date(this.dateMax).toISOString();
    }
    if (counts.all) {
      base.counts = counts.all;
      if (counts.other) base.other_count = counts.other;
    }
    return base;
  }

  /**
   * Counts by value text, merged over numeric and text values, ordered by count (descending)
   * then text. On wide tables this ran once per column over up to 1,000 keys and was most of the
   * profile's time, so it does no more than the output needs: each number becomes text once,
   * sources are merged only when both have keys, and the full sort runs only when the stored
   * counts' key order is observable (see rankKeys).
   */
  private categoryCounts(type: ColumnType): {
    top: { value: string | number; count: number }[];
    all?: Record<string, number>;
    other: number;
  } {
    const numeric = isNumericType(type);
    // Many distinct numbers: only the top needs text keys, so keep the 1,000 most frequent.
    // Past 100,000 distinct numbers the counts stopped being kept: no top values then.
    const nums = this.numCounts.exact ? topNumbers(this.numCounts, 1000) : { keys: new Float64Array(0), counts: new Float64Array(0) };
    const keys: string[] = [];
    const counts: number[] = [];
    /** Top values as numbers (numeric columns), by key index; undefined: derive from the text. */
    let numValues: Float64Array | undefined;
    if (nums.keys.length > 0 && this.strCounts.size > 0) {
      const merged = new Map<string, number>();
      for (let i = 0; i < nums.keys.length; i++) {
        const k = String(nums.keys[i]!);
        merged.set(k, (merged.get(k) ?? 0) + nums.counts[i]!);
      }
      this.strCounts.forEach((k, c) => merged.set(k, (merged.get(k) ?? 0) + c));
      for (const [k, c] of merged) {
        keys.push(k);
        counts.push(c);
      }
    } else if (nums.keys.length > 0 && numeric && !(this.numCounts.tracked <= 1000)) {
      // Many distinct numbers, counts not stored: only the top is needed, and few of its
      // candidates need their text (see topNumbersByText).
      const top = topNumbersByText(nums.keys, nums.counts, TOP_N).map(({ value, count }) => ({ value, count }));
      return { top, other: this.numCounts.otherCount + this.strCounts.otherCount };
    } else if (nums.keys.length > 0) {
      // Distinct numbers have distinct texts (String round-trips), so nothing merges; and
      // Number(String(x)) === x, so a numeric column's top values are the numbers themselves.
      if (numeric) numValues = nums.keys;
      for (let i = 0; i < nums.keys.length; i++) {
        keys.push(String(nums.keys[i]!));
        counts.push(nums.counts[i]!);
      }
    } else {
      this.strCounts.forEach((k, c) => {
        keys.push(k);
        counts.push(c);
      });
    }
    const other = this.numCounts.otherCount + this.strCounts.otherCount;
    // Numeric columns with many values drift on their sample; store counts only when they may be categorical.
    const store = numeric ? this.numCounts.tracked <= 1000 && this.numCounts.exact : keys.length <= STORE_COUNTS_LIMIT;
    const order = numValues && store ? rankNumbers(numValues, keys, counts) : rankKeys(keys, counts, store ? keys.length : TOP_N);
    const top: { value: string | number; count: number }[] = [];
    for (let r = 0; r < order.length && r < TOP_N; r++) {
      const i = order[r]!;
      const k = keys[i]!;
      const value = numValues ? numValues[i]! : numeric && !Number.isNaN(Number(k)) ? Number(k) : k;
      top.push({ value, count: counts[i]! });
    }
    if (!store) return { top, other };
    // A prototype-free object (a key such as `__proto__` is an ordinary key) is also created in
    // dictionary mode: Object.fromEntries on a plain object made one hidden class per new key,
    // hundreds per float column, and that was half of a wide table's profile time.
    const all = dict<number>();
    for (const i of order) all[keys[i]!] = counts[i]!;
    return { top, all, other };
  }
}

/** A typed array's numbers as an array: a sized loop is several times faster than Array.from's iteration, per column of a wide table. */
function toArray(v: Float64Array): number[] {
  const a = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) a[i] = v[i]!;
  return a;
}

/** s[from, from + t.length) === t, for short cached texts (a loop beats startsWith's call there). */
function sameText(s: string, from: number, t: string): boolean {
  for (let k = 0; k < t.length; k++) if (s.charCodeAt(from + k) !== t.charCodeAt(k)) return false;
  return true;
}

/** FNV-1a over the UTF-16 code units of s[from, to): the slot hash of the text cache. */
export function textHash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
  return h;
}

function binIndex(x: number, edges: number[]): number {
  const last = edges.length - 2;
  if (x >= edges[last + 1]!) return last;
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function countInto(sample: WeightedSample, edges: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const v = sample.values;
  const w = sample.weights;
  // Values come sorted, so the bin only moves right: walk the edges along with them (the same bin
  // as binIndex's search, the largest with edges[bin] <= x) instead of a search per value; a
  // value smaller than the last one (not sorted, or NaN) takes the search.
  const last = edges.length - 2;
  let bin = 0;
  let prev = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(x >= prev)) bin = binIndex(x, edges);
    else while (bin < last && edges[bin + 1]! <= x) bin++;
    prev = x;
    // bin is in [0, edges.length - 1), the length of counts.
    counts[bin]! += w ? w[i]! : 1;
  }
  // Weights always sum to n (exact counts or sketch weights); keep the scaling for old unweighted partial samples.
  const scale = sample.n / sampleMass(sample);
  return scale === 1 ? counts : counts.map((c) => Math.round(c * scale));
}

/** 10 bins of equal width over [min, max] (numpy.histogram's rule: the last bin is closed). */
export function equalWidthHistogram(sample: WeightedSample, min: number, max: number, bins = 10): Histogram {
  if (min === max) return { edges: [min, max], counts: [sample.n] };
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + ((max - min) * i) / bins));
  return { edges, counts: countInto(sample, edges) };
}

/** Edges at the 0, 10 %, …, 100 % quantiles (duplicates merged), with the count in each bin. */
export function quantileHistogram(sample: WeightedSample, bins = 10): Histogram {
  const raw = Array.from({ length: bins + 1 }, (_, i) => sampleQuantile(sample, i / bins));
  const edges = raw.filter((e, i) => i === 0 || e > raw[i - 1]!);
  if (edges.length === 1) return { edges: [edges[0]!, edges[0]!], counts: [sample.n] };
  return { edges, counts: countInto(sample, edges) };
}
