/**
 * Value counts per column: exact while at most EXACT_DISTINCT distinct values were seen, then a
 * HyperLogLog (2^14 registers, standard error 1.04/√16384 ≈ 0.81 %) for the distinct count. Counts
 * of values first seen after the overflow go to `otherCount` (they still count in the HLL).
 */

export const EXACT_DISTINCT = 100_000;
const P = 14;
const M = 1 << P;

/** 53-bit string hash (cyrb53); good enough spread for HyperLogLog. */
function hash53(str: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** 53-bit hash of a double's bits (murmur3 finalizers over both halves). */
export function hashNumber(x: number): number {
  f64[0] = x === 0 ? 0 : x; // -0 and 0 are one value
  let h1 = u32[0]! ^ 0x9e3779b9;
  let h2 = u32[1]! ^ 0x85ebca6b;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35) ^ h2;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ h1;
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x2246822b) ^ h2;
  return 4294967296 * (2097151 & (h2 ^ (h2 >>> 16))) + (h1 >>> 0);
}

export class HyperLogLog {
  private readonly reg = new Uint8Array(M);

  add(key: string | number): void {
    this.addHash(typeof key === 'number' ? hashNumber(key) : hash53(key));
  }

  /** Register index from the low 14 bits; rank = leading zeros of the next 32 bits + 1. */
  addHash(h: number): void {
    const lo = h >>> 0;
    const idx = lo & (M - 1);
    const w = ((lo >>> P) | ((Math.floor(h / 4294967296) & 0x3fff) << (32 - P))) >>> 0;
    const rank = Math.clz32(w) + 1;
    if (rank > this.reg[idx]!) this.reg[idx] = rank;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -this.reg[i]!;
      if (this.reg[i] === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const e = (alpha * M * M) / sum;
    if (e <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(e);
  }
}

/** Counts of values keyed by their text. One Map lookup per add: counts live in small boxes. */
export class ValueCounter<K extends string | number> {
  private readonly boxes = new Map<K, { n: number }>();
  private hll: HyperLogLog | undefined;
  otherCount = 0;

  add(key: K): void {
    const box = this.boxes.get(key);
    if (box !== undefined) {
      box.n++;
      return;
    }
    if (this.hll) {
      this.hll.add(key);
      this.otherCount++;
      return;
    }
    this.boxes.set(key, { n: 1 });
    if (this.boxes.size > EXACT_DISTINCT) {
      this.hll = new HyperLogLog();
      for (const k of this.boxes.keys()) this.hll.add(k);
    }
  }

  /** Add `n` occurrences of a key at once (counts kept elsewhere during the pass). */
  addCount(key: K, n: number): void {
    const box = this.boxes.get(key);
    if (box !== undefined) box.n += n;
    else if (this.hll) this.otherCount += n;
    else {
      this.add(key);
      this.boxes.get(key)!.n += n - 1;
    }
  }

  /** Every value counted exactly with its count, in first-seen order (no copy of the table). */
  forEach(fn: (key: K, count: number) => void): void {
    for (const [k, b] of this.boxes) fn(k, b.n);
  }

  /** Values counted exactly. */
  get size(): number {
    return this.boxes.size;
  }

  /** Value → count, for the values counted exactly. */
  get counts(): Map<K, number> {
    return new Map([...this.boxes].map(([k, b]) => [k, b.n]));
  }

  get exact(): boolean {
    return this.hll === undefined;
  }

  distinct(): number {
    return this.hll ? Math.max(this.hll.estimate(), this.boxes.size) : this.boxes.size;
  }

  /** Most frequent values, ties broken by value text so the order is stable. */
  top(n: number): { value: K; count: number }[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0))
      .slice(0, n)
      .map(([value, count]) => ({ value, count }));
  }
}

/**
 * Counts of numbers in an open-addressing table over one typed array (no boxing, one probe
 * sequence per add; NaN marks an empty slot, data values are never NaN), exact up to
 * EXACT_DISTINCT distinct values. Slot i holds its key at [2i] and its count at [2i + 1], so a
 * probe touches one cache line, not two (the table of a column near the limit is 4 MB; separate
 * key and count arrays cost two cache misses per value). Past the limit the column is
 * high-cardinality: values only feed the HyperLogLog and the counts are no longer kept (`exact`
 * false; the profile then reports no top values for the column).
 */
export class NumberCounter {
  /**
   * [key, count] per slot; slots = table.length / 2, a power of two. Empty until the first
   * number: a wide table's text columns never count numbers, and its numeric columns' first
   * 16 KB need not exist before the pass reaches them.
   */
  private table: Float64Array = NO_TABLE;
  private size = 0;
  private hll: HyperLogLog | undefined;
  otherCount = 0;
  /** Called once, when the exact table overflows, while its counts can still be read with forEach. */
  onOverflow: (() => void) | undefined;

  add(x: number): void {
    if (x === 0) x = 0; // fold -0
    const h = hashNumber(x);
    if (this.hll) {
      this.hll.addHash(h);
      this.otherCount++;
      return;
    }
    let t = this.table;
    // The first slot count stays 1,024: slot order (forEach's order) depends on the table size.
    if (t.length === 0) t = this.table = emptyTable(1024);
    const mask = (t.length >> 1) - 1;
    let i = h & mask;
    for (let k = t[2 * i]!; k === k; k = t[2 * i]!) {
      if (k === x) {
        t[2 * i + 1]!++; // the count beside the key just read
        return;
      }
      i = (i + 1) & mask;
    }
    t[2 * i] = x;
    t[2 * i + 1] = 1;
    this.size++;
    if (this.size > EXACT_DISTINCT) {
      this.onOverflow?.();
      this.hll = new HyperLogLog();
      this.forEach((k) => this.hll!.add(k));
      this.table = NO_TABLE;
    } else if (this.size * 4 > t.length) this.grow();
  }

  /** Double the slots; keys land where the same probing puts them, so slot order is a function of the keys' hashes. */
  private grow(): void {
    const old = this.table;
    const slots = old.length; // twice the old slot count
    const t = emptyTable(slots);
    const mask = slots - 1;
    for (let j = 0; j < old.length; j += 2) {
      const key = old[j]!;
      if (key !== key) continue;
      let i = hashNumber(key) & mask;
      while (t[2 * i] === t[2 * i]) i = (i + 1) & mask;
      t[2 * i] = key;
      t[2 * i + 1] = old[j + 1]!;
    }
    this.table = t;
  }

  /** Every counted number and its count in slot order (forEach's order), as two arrays: no call per number. */
  entries(): { keys: Float64Array; counts: Float64Array } {
    const t = this.table;
    const keys = new Float64Array(this.size);
    const counts = new Float64Array(this.size);
    let n = 0;
    for (let j = 0; j < t.length; j += 2) {
      if (t[j] === t[j]) {
        keys[n] = t[j]!;
        counts[n++] = t[j + 1]!;
      }
    }
    return { keys, counts };
  }

  /** Every counted number with its count, in slot order. */
  forEach(fn: (key: number, count: number) => void): void {
    const t = this.table;
    for (let j = 0; j < t.length; j += 2) if (t[j] === t[j]) fn(t[j]!, t[j + 1]!);
  }

  get exact(): boolean {
    return this.hll === undefined;
  }

  get tracked(): number {
    return this.size;
  }

  distinct(): number {
    return this.hll ? Math.max(this.hll.estimate(), this.size) : this.size;
  }
}

/** The table before the first number (and after an overflow: the HyperLogLog takes over then). */
const NO_TABLE = new Float64Array(0);

/** A table of `slots` empty [key, count] slots (keys NaN). */
function emptyTable(slots: number): Float64Array {
  const t = new Float64Array(slots * 2);
  for (let j = 0; j < t.length; j += 2) t[j] = NaN;
  return t;
}
