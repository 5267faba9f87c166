/**
 * Drift measures and profile statistics against independent values. Reference numbers marked
 * "scipy" were computed once with scipy 1.10.1 / numpy / pandas 1.5.3 (Debian python3-scipy) by
 * the calls named in each comment and pasted here as literals; the others are worked by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  chiSquareHomogeneity,
  jsd,
  ksTest,
  linf,
  psiCategorical,
  psiNumeric,
  wasserstein,
  wassersteinNormed,
} from '../runners/data/drift-measures.js';
import { chiSquareSf, gammaQ, ksTwoSamplePValue } from '../runners/data/stats/special.js';
import { NumericSampler, quantileSorted, sampleFrom, sampleQuantile } from '../runners/data/stats/quantiles.js';
import { HyperLogLog, NumberCounter } from '../runners/data/stats/distinct.js';
import { ColumnAccumulator, mostFrequentNumbers, textHash } from '../runners/data/column-accumulator.js';
import { rankKeys, rankNumbers, topNumbersByText } from '../runners/data/stats/top-values.js';

const A = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09, -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47];
const B = [2.2, 1.66, 1.38, 0.2, 0.36, 0.0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27, 1.04, 1.69, 0.66, 2.81, 1.42, 2.91, -0.21, 0.55, 1.77, 0.85, 1.12, 0.72, 1.36];
const s = (xs: number[]) => sampleFrom(xs);

describe('Kolmogorov–Smirnov', () => {
  it('matches scipy.stats.ks_2samp (exact method, unequal sizes)', () => {
    // scipy: ks_2samp(A, B) → statistic 0.4342857142857143, pvalue 0.008928137154538269
    const r = ksTest(s(A), s(B));
    expect(r.statistic).toBeCloseTo(0.4342857142857143, 12);
    expect(r.pValue).toBeCloseTo(0.008928137154538269, 10);
    expect(r.pMethod).toBe('exact');
  });

  it('hand-computed D and scipy p for small samples', () => {
    // F_R(10) = 1, F_C(10) = 8/12: D = 1/3 by hand. scipy ks_2samp p = 0.4769564800524554
    const r = ksTest(s([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), s([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]));
    expect(r.statistic).toBeCloseTo(1 / 3, 12);
    expect(r.pValue).toBeCloseTo(0.4769564800524554, 10);
  });

  it('equal sizes use the closed form (scipy p = 0.571336004933722 for 1..20 vs 6..25)', () => {
    const e = Array.from({ length: 20 }, (_, i) => i + 1);
    const r = ksTest(s(e), s(e.map((x) => x + 5)));
    expect(r.statistic).toBeCloseTo(0.25, 12);
    expect(r.pValue).toBeCloseTo(0.571336004933722, 10);
  });

  it('exact p for 3000 vs 2000 values (scipy 3.62300781711536e-05)', () => {
    const x = Array.from({ length: 3000 }, (_, i) => i / 3000);
    const y = Array.from({ length: 2000 }, (_, i) => (i / 2000) ** 1.2);
    const r = ksTest(s(x), s(y));
    expect(r.statistic).toBeCloseTo(0.06733333333333333, 12);
    expect(r.pValue / 3.62300781711536e-5).toBeCloseTo(1, 6);
  });

  it('asymptotic p above 10,000 values is close to scipy (kstwo) — documented approximation', () => {
    // scipy: ks_2samp(i/12000 for 12000, (i/15000)**1.1 for 15000) → D 0.0351, p 1.4279788715353123e-07
    const x = Array.from({ length: 12000 }, (_, i) => i / 12000);
    const y = Array.from({ length: 15000 }, (_, i) => (i / 15000) ** 1.1);
    const r = ksTest(s(x), s(y));
    expect(r.statistic).toBeCloseTo(0.0351, 10);
    expect(r.pMethod).toBe('asymptotic');
    expect(Math.abs(Math.log10(r.pValue) - Math.log10(1.4279788715353123e-7))).toBeLessThan(0.1);
  });

  it('D = 0 gives p = 1', () => {
    expect(ksTwoSamplePValue(0, 10, 12).p).toBe(1);
  });
});

describe('Wasserstein and PSI', () => {
  it('W1 matches scipy.stats.wasserstein_distance', () => {
    // scipy docs example: wasserstein_distance([0, 1, 3], [5, 6, 8]) = 5.0
    expect(wasserstein(s([0, 1, 3]), s([5, 6, 8]))).toBeCloseTo(5, 12);
    // scipy: wasserstein_distance(A, B) = 0.9493142857142858
    expect(wasserstein(s(A), s(B))).toBeCloseTo(0.9493142857142858, 12);
  });

  it('normed by the population std of R (numpy std ddof=0 of A = 1.0890835780600128)', () => {
    expect(wassersteinNormed(s(A), s(B), 1.0890835780600128)).toBeCloseTo(0.9493142857142858 / 1.0890835780600128, 12);
    // std below 0.001 is floored: W1([0,1,3],[5,6,8]) = 5 → 5 / 0.001
    expect(wassersteinNormed(s([0, 1, 3]), s([5, 6, 8]), 0)).toBeCloseTo(5000, 9);
  });

  it('PSI with decile edges of R, open outer bins, floor 1e-4 (numpy reference 1.8392818949667462)', () => {
    // numpy: edges = np.quantile(A, [.1..,.9]); props = bincount(searchsorted(edges, x, 'left'))/n;
    // floor 1e-4; Σ (c−r)·ln(c/r) = 1.8392818949667462
    expect(psiNumeric(s(A), s(B))).toBeCloseTo(1.8392818949667462, 10);
  });

  it('PSI of a sample with itself is 0', () => {
    expect(psiNumeric(s(A), s(A))).toBe(0);
  });
});

describe('categorical measures', () => {
  it('chi-squared homogeneity without continuity correction (scipy chi2_contingency: 4.0, dof 2, p 0.1353352832366127)', () => {
    const r = chiSquareHomogeneity([30, 20, 50], [20, 30, 50]);
    expect(r.statistic).toBeCloseTo(4, 12);
    expect(r.dof).toBe(2);
    // By hand: dof 2 → p = e^{-x/2} = e^{-2}.
    expect(r.pValue).toBeCloseTo(Math.exp(-2), 12);
    expect(r.pValue).toBeCloseTo(0.1353352832366127, 12);
  });

  it('chi-squared survival function (scipy chi2.sf)', () => {
    expect(chiSquareSf(3.84, 1)).toBeCloseTo(0.05004352124870519, 12);
    expect(chiSquareSf(10, 4)).toBeCloseTo(0.04042768199451279, 12);
    expect(chiSquareSf(0.5, 3)).toBeCloseTo(0.9188914116546758, 12);
    expect(chiSquareSf(150, 100) / 0.0009039320423540184).toBeCloseTo(1, 8);
    // Q(1, x) = e^{-x}
    expect(gammaQ(1, 2.5)).toBeCloseTo(Math.exp(-2.5), 14);
  });

  it('JSD base 2: hand value and scipy jensenshannon(p, q, base=2)**2 = 0.09581560200335833', () => {
    expect(jsd([50, 30, 20], [20, 30, 50])).toBeCloseTo(0.09581560200335833, 12);
    expect(jsd([1, 0], [0, 1])).toBeCloseTo(1, 12); // disjoint supports → 1 bit
    expect(jsd([3, 7], [3, 7])).toBe(0);
  });

  it('L∞ and categorical PSI by hand', () => {
    expect(linf([50, 30, 20], [20, 30, 50])).toBeCloseTo(0.3, 12);
    // (0.2−0.5)ln(0.2/0.5) + 0 + (0.5−0.2)ln(0.5/0.2) = 0.6·ln 2.5
    expect(psiCategorical([50, 30, 20], [20, 30, 50])).toBeCloseTo(0.6 * Math.log(2.5), 12);
    // A vanished category is floored at 1e-4: (1e-4 − 0.5)·ln(1e-4/0.5) + (1 − 0.5)·ln(1/0.5)
    expect(psiCategorical([1, 1], [2, 0])).toBeCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2), 12);
  });
});

describe('profile statistics', () => {
  it('count, missing, mean, population and sample std, quantiles match numpy/pandas describe', () => {
    const acc = new ColumnAccumulator();
    for (const x of A) acc.add(String(x));
    acc.add(null);
    acc.add('');
    const p = acc.finish(A.length + 2);
    expect(p.type).toBe('number');
    expect(p.count).toBe(25);
    expect(p.missing).toBe(2);
    expect(p.min).toBe(-2.47);
    expect(p.max).toBe(2.36);
    // pandas describe(): mean 0.216400, std 1.111541 (ddof=1); numpy std (ddof=0) 1.0890835780600128
    expect(p.mean!).toBeCloseTo(0.2164, 12);
    expect(p.std!).toBeCloseTo(1.0890835780600128, 12);
    expect(p.std_sample!).toBeCloseTo(1.1115412722881683, 12);
    // numpy.quantile(A, [.01,.05,.25,.5,.75,.95,.99]) (linear)
    expect(p.quantiles!.p1).toBeCloseTo(-2.2924, 12);
    expect(p.quantiles!.p5).toBeCloseTo(-1.64, 12);
    expect(p.quantiles!.p25).toBeCloseTo(-0.4, 12);
    expect(p.quantiles!.p50).toBeCloseTo(0.37, 12);
    expect(p.quantiles!.p75).toBeCloseTo(1.05, 12);
    expect(p.quantiles!.p95).toBeCloseTo(1.744, 12);
    expect(p.quantiles!.p99).toBeCloseTo(2.2184, 12);
    expect(p.distinct).toBe(25);
    expect(p.quantiles_exact).toBe(true);
  });

  it('histograms and top values by hand', () => {
    const acc = new ColumnAccumulator();
    for (const x of [0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) acc.add(String(x));
    const p = acc.finish(12);
    expect(p.type).toBe('integer');
    // Equal width over [0, 10]: edges 0,1,…,10; the last bin [9, 10] is closed.
    expect(p.histogram!.equal_width.edges).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(p.histogram!.equal_width.counts).toEqual([1, 2, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(p.top[0]).toEqual({ value: 1, count: 2 });
    expect(p.histogram!.quantile.counts.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('strings: top values with counts, distinct, type inference order', () => {
    const acc = new ColumnAccumulator();
    for (const v of ['b', 'a', 'b', 'c', 'b', 'a']) acc.add(v);
    const p = acc.finish(6);
    expect(p.type).toBe('string');
    expect(p.top).toEqual([
      { value: 'b', count: 3 },
      { value: 'a', count: 2 },
      { value: 'c', count: 1 },
    ]);
    expect(p.distinct).toBe(3);
    const infer = (vals: unknown[]) => {
      const a = new ColumnAccumulator();
      vals.forEach((v) => a.add(v));
      return a.finish(vals.length).type;
    };
    expect(infer(['1', '2', '-3'])).toBe('integer');
    expect(infer(['1', '2.5', '1e3'])).toBe('number');
    expect(infer(['true', 'False'])).toBe('boolean');
    expect(infer(['2024-01-31', '2024-02-01T10:00:00Z'])).toBe('datetime');
    expect(infer(['2024-02-30'])).toBe('string');
    expect(infer(['12', '2024-01-01'])).toBe('string');
    expect(infer([null, null])).toBe('string');
  });

  it('quantileSorted is numpy linear interpolation', () => {
    // numpy.quantile([1,2,3,4], 0.5) = 2.5; 0.1 → 1.3
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.1)).toBeCloseTo(1.3, 12);
  });
});

describe('sketches beyond 100,000 values', () => {
  /** Rank error of q as the p-quantile of the exact sorted data, as a fraction of n (0 when q sits at rank p·(n−1)). */
  function rankError(sorted: Float64Array, q: number, p: number): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < q) lo = mid + 1;
      else hi = mid;
    }
    const below = lo; // values < q
    let upTo = below;
    while (upTo < sorted.length && sorted[upTo] === q) upTo++;
    // q may sit anywhere in ranks [below − 1, upTo] (interpolation lies between neighbours).
    const target = p * (sorted.length - 1);
    return Math.max(0, below - 1 - target, target - upTo) / sorted.length;
  }

  it('deterministic sketch: rank error within its reported bound ≤ 0.005, for shuffled, sorted and reversed input', () => {
    const n = 600_000;
    const exact = Float64Array.from({ length: n }, (_, i) => i);
    const orders: [string, (i: number) => number][] = [
      ['permutation', (i) => (i * 7919) % n],
      ['ascending', (i) => i],
      ['descending', (i) => n - 1 - i],
    ];
    for (const [, at] of orders) {
      const sampler = new NumericSampler();
      for (let i = 0; i < n; i++) sampler.add(at(i));
      const sample = sampler.sample();
      expect(sample.exact).toBe(false);
      expect(sample.n).toBe(n);
      expect(sample.weights!.reduce((a, b) => a + b, 0)).toBe(n);
      expect(sample.rankError).toBeGreaterThan(0);
      expect(sample.rankError).toBeLessThanOrEqual(0.005);
      for (const p of [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]) {
        expect(rankError(exact, sampleQuantile(sample, p), p)).toBeLessThanOrEqual(sample.rankError);
      }
    }
  });

  it('more than 200,000 values but few distinct ones: still exact (hand-computed quantiles)', () => {
    // 300,000 values i % 10: each of 0..9 appears 30,000 times.
    const acc = new ColumnAccumulator();
    for (let i = 0; i < 300_000; i++) acc.add(String(i % 10));
    const p = acc.finish(300_000);
    expect(p.quantiles_exact).toBe(true);
    expect(p.quantiles_rank_error).toBe(0);
    // sorted[k] = floor(k / 30000); numpy linear: h = 299999·p
    // p50: h = 149999.5 → between sorted[149999] = 4 and sorted[150000] = 5 → 4.5
    expect(p.quantiles).toEqual({ p1: 0, p5: 0, p25: 2, p50: 4.5, p75: 7, p95: 9, p99: 9 });
    expect(p.mean).toBeCloseTo(4.5, 12);
    // population variance of a uniform 0..9: (10² − 1)/12 = 8.25
    expect(p.std).toBeCloseTo(Math.sqrt(8.25), 12);
    expect(p.histogram!.equal_width.counts.reduce((a, b) => a + b, 0)).toBe(300_000);
  });

  it('the counts overflow after 200,000 values: the sketch is rebuilt from them and stays within its bound', () => {
    // 250,000 values over 1,000 distinct ones, then 150,000 new distinct values (overflow at 100,001 distinct).
    const n = 400_000;
    const at = (i: number) => (i < 250_000 ? (i * 37) % 1000 : 1000 + i);
    const acc = new ColumnAccumulator();
    const all = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      all[i] = at(i);
      acc.add(String(at(i)));
    }
    all.sort();
    const p = acc.finish(n);
    expect(p.quantiles_exact).toBe(false);
    expect(p.distinct_exact).toBe(false);
    expect(p.sample!.weights!.reduce((a, b) => a + b, 0)).toBe(n);
    expect(p.quantiles_rank_error!).toBeGreaterThan(0);
    expect(p.quantiles_rank_error!).toBeLessThanOrEqual(0.005);
    for (const [k, prob] of [['p1', 0.01], ['p25', 0.25], ['p50', 0.5], ['p75', 0.75], ['p99', 0.99]] as const) {
      expect(rankError(all, p.quantiles![k]!, prob)).toBeLessThanOrEqual(p.quantiles_rank_error!);
    }
    expect(p.mean).toBeCloseTo(all.reduce((a, b) => a + b, 0) / n, 6);
  });

  it('the 1,000 most frequent numbers: higher counts first, ties by smaller number', () => {
    const c = new NumberCounter();
    // 0..2999; multiples of 7 counted 3 times (429 of them: 0, 7, …, 2996), the rest once.
    for (let v = 2999; v >= 0; v--) for (let k = 0; k < (v % 7 === 0 ? 3 : 1); k++) c.add(v);
    const top = mostFrequentNumbers(c, 1000);
    expect(top.length).toBe(1000);
    const triple = top.filter(([, n]) => n === 3).map(([v]) => v).sort((a, b) => a - b);
    expect(triple).toEqual(Array.from({ length: 429 }, (_, i) => 7 * i));
    // The other 571 are the smallest numbers that are not multiples of 7: 1..6, 8..13, … up to 666.
    const once = top.filter(([, n]) => n === 1).map(([v]) => v).sort((a, b) => a - b);
    expect(once.length).toBe(571);
    expect(once[0]).toBe(1);
    expect(once[570]).toBe(666);
    expect(once.every((v) => v % 7 !== 0)).toBe(true);
  });

  it('top numbers by text make text of few numbers yet rank exactly as sorting every String(x)', () => {
    let seed = 9;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // Integers, negative decimals, magnitudes from 1e-10 to 1e20 (both notations), and edge values.
    const edges = [0, 1e-7, 5e-7, 1e21, 2e22, -1e-7, 9.999999999999999e20, 0.1, 0.30000000000000004, 1e-6, -0.5, 10, 9.999999999999998];
    const gens = [() => Math.floor(rnd() * 3000), () => -Math.floor(rnd() * 3000) / 10, () => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10), () => edges[Math.floor(rnd() * edges.length)]!];
    for (let trial = 0; trial < 500; trial++) {
      const counts = new Map<number, number>();
      const use = gens.filter((_, j) => trial & (1 << j % 4) || j === trial % 4);
      for (let i = 0, n = 1 + Math.floor(rnd() * 200); i < n; i++) {
        const x = use[Math.floor(rnd() * use.length)]!() || 0;
        counts.set(x, (counts.get(x) ?? 0) + 1 + (rnd() < 0.3 ? Math.floor(rnd() * 3) : 0));
      }
      const topN = 1 + Math.floor(rnd() * 25);
      const got = topNumbersByText(Float64Array.from(counts.keys()), Float64Array.from(counts.values()), topN).map((e) => [e.value, e.count]);
      const want = [...counts]
        .sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1))
        .slice(0, topN);
      expect(got).toEqual(want);
    }
  });

  it('ranking numbers by value where their texts sort alike gives the text ranking', () => {
    for (const values of [[0.5, 0.25, 0.125, 0.1, 0.75, 0.3], [12.5, 10, 99.25, 11], [3, 0.5, 10, 1e-7, -2]]) {
      const texts = values.map(String);
      const counts = values.map((_, i) => (i % 2) + 1);
      expect(rankNumbers(Float64Array.from(values), texts, counts)).toEqual(rankKeys(texts, counts, texts.length));
    }
  });

  it('rank order: full when the stored key order shows, top only when every key is an array index', () => {
    const keys = ['b', 'a', '10', '9', 'c'];
    expect(rankKeys(keys, [2, 2, 5, 1, 2], keys.length).map((i) => keys[i])).toEqual(['10', 'a', 'b', 'c', '9']);
    const idx = Array.from({ length: 50 }, (_, i) => String(49 - i));
    const order = rankKeys(idx, idx.map((k) => (Number(k) % 3 === 0 ? 2 : 1)), idx.length);
    expect(order.length).toBe(50);
    expect(order.slice(0, 3).map((i) => idx[i])).toEqual(['0', '12', '15']);
    expect(new Set(order).size).toBe(50);
  });

  it('text cache hash is 32-bit FNV-1a (published test vectors), over any range of a string', () => {
    // FNV-1a 32: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968 (Fowler/Noll/Vo reference values).
    expect(textHash('', 0, 0) >>> 0).toBe(0x811c9dc5);
    expect(textHash('a', 0, 1) >>> 0).toBe(0xe40c292c);
    expect(textHash('x,foobar,y', 2, 8) >>> 0).toBe(0xbf9cf968);
  });

  it('counts every number exactly as a plain Map does (duplicates, −0 folded into 0, ±Infinity, growth)', () => {
    const c = new NumberCounter();
    const ref = new Map<number, number>();
    let seed = 17;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pool = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 0.1, 0.30000000000000004];
    for (let i = 0; i < 60_000; i++) {
      const u = rnd();
      // Mostly repeats from a few thousand values (several table growths), some edge values.
      const x = u < 0.05 ? pool[Math.floor(rnd() * pool.length)]! : Math.floor(rnd() * 5000) / (u < 0.5 ? 1 : 8) - 300;
      c.add(x);
      const key = x === 0 ? 0 : x; // one value for −0 and 0, as Set/Map (SameValueZero)
      ref.set(key, (ref.get(key) ?? 0) + 1);
    }
    const got = new Map<number, number>();
    c.forEach((k, n) => {
      expect(got.has(k)).toBe(false);
      got.set(k, n);
    });
    expect(c.exact).toBe(true);
    expect(c.tracked).toBe(ref.size);
    expect(c.distinct()).toBe(ref.size);
    expect([...got.entries()].sort((a, b) => a[0] - b[0])).toEqual([...ref.entries()].sort((a, b) => a[0] - b[0]));
    expect(Object.is(got.has(0) && [...got.keys()].find((k) => k === 0), 0)).toBe(true); // stored as +0
  });

  it('distinct: exact up to 100,000, HyperLogLog within 3 % above', () => {
    const c = new NumberCounter();
    for (let i = 0; i < 100_000; i++) c.add(i % 50_000);
    expect(c.exact).toBe(true);
    expect(c.distinct()).toBe(50_000);
    const h = new HyperLogLog();
    for (let i = 0; i < 300_000; i++) h.add(`k${i}`);
    expect(Math.abs(h.estimate() / 300_000 - 1)).toBeLessThan(0.03);
    const big = new NumberCounter();
    for (let i = 0; i < 250_000; i++) big.add(i * 1.5);
    expect(big.exact).toBe(false);
    expect(Math.abs(big.distinct() / 250_000 - 1)).toBeLessThan(0.03);
  });
});


describe('number parsing', () => {
  it('toNumber equals Number() on decimal text, including the fast path edge cases', async () => {
    const { toNumber } = await import('../runners/data/values.js');
    const texts = ['0', '-0', '007', '1.', '.5', '-.5', '0.1', '123456789012345', '1234567890123456', '0.30000000000000004', '99999.99', '-42.4200', '1e3', '+5', '9007199254740993'];
    for (const t of texts) expect(Object.is(toNumber(t), Number(t))).toBe(true);
    for (const t of ['-', '.', '1.2.3', '12a', 'Infinity', '0x1F', ' 1']) expect(toNumber(t)).toBeNaN();
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 16807) % 2147483647;
      const t = ((seed / 2147483647 - 0.5) * 10 ** ((seed % 12) - 4)).toFixed(seed % 9);
      expect(toNumber(t)).toBe(Number(t));
    }
  });
});

describe('declared types', () => {
  it('a column declared string keeps number-looking text as text', () => {
    const acc = new ColumnAccumulator('string');
    for (const v of ['00123', '00123', '7']) acc.add(v);
    const p = acc.finish(3);
    expect(p.type).toBe('string');
    expect(p.inferred_type).toBe('integer');
    expect(p.top).toEqual([
      { value: '00123', count: 2 },
      { value: '7', count: 1 },
    ]);
    expect(p.mean).toBeNull();
  });
});
