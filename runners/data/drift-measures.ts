/**
 * The drift measures of the statistics contract (DESIGN.md), on weighted sorted samples (exact
 * samples have unit weights) and on category counts.
 */
import { chiSquareSf, ksTwoSamplePValue } from './stats/special.js';
import { sampleMass, sampleQuantile, type WeightedSample } from './stats/quantiles.js';

const PSI_FLOOR = 1e-4;

function weightAt(s: WeightedSample, i: number): number {
  return s.weights ? s.weights[i]! : 1;
}

/** Walk both samples in order; call `step(x, nextX, Fr, Fc)` on every interval between distinct points. */
function walkCdfs(r: WeightedSample, c: WeightedSample, step: (x: number, next: number, fr: number, fc: number) => void): void {
  let i = 0;
  let j = 0;
  let cr = 0;
  let cc = 0;
  const rv = r.values;
  const cv = c.values;
  const mr = sampleMass(r);
  const mc = sampleMass(c);
  while (i < rv.length || j < cv.length) {
    const x = Math.min(i < rv.length ? rv[i]! : Infinity, j < cv.length ? cv[j]! : Infinity);
    while (i < rv.length && rv[i] === x) cr += weightAt(r, i++);
    while (j < cv.length && cv[j] === x) cc += weightAt(c, j++);
    const next = Math.min(i < rv.length ? rv[i]! : Infinity, j < cv.length ? cv[j]! : Infinity);
    step(x, next, cr / mr, cc / mc);
  }
}

/** D = sup |F_R − F_C| and its two-sided p-value (scipy ks_2samp, method auto; see special.ts). */
export function ksTest(r: WeightedSample, c: WeightedSample): { statistic: number; pValue: number; pMethod: 'exact' | 'asymptotic' } {
  let d = 0;
  walkCdfs(r, c, (_x, _n, fr, fc) => {
    const g = Math.abs(fr - fc);
    if (g > d) d = g;
  });
  const { p, method } = ksTwoSamplePValue(d, r.n, c.n);
  return { statistic: d, pValue: p, pMethod: method };
}

/** W1 = ∫ |F_R − F_C| dx (scipy.stats.wasserstein_distance on the raw samples). */
export function wasserstein(r: WeightedSample, c: WeightedSample): number {
  let w = 0;
  walkCdfs(r, c, (x, next, fr, fc) => {
    if (next !== Infinity) w += Math.abs(fr - fc) * (next - x);
  });
  return w;
}

/** W1 divided by the population std of R, floored at 0.001. */
export function wassersteinNormed(r: WeightedSample, c: WeightedSample, stdR: number): number {
  return wasserstein(r, c) / Math.max(stdR, 0.001);
}

/** PSI edges: the 10 %…90 % quantiles of R with linear interpolation. */
export function psiEdges(r: WeightedSample): number[] {
  return [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((p) => sampleQuantile(r, p));
}

/**
 * Proportions in the 10 PSI bins. Bin k holds e_{k−1} < x ≤ e_k (numpy.searchsorted(edges, x,
 * side='left')), the first and last bins are open.
 */
export function psiProportions(s: WeightedSample, edges: number[]): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  const v = s.values;
  let k = 0;
  // Samples are sorted: advance the bin pointer monotonically.
  for (let i = 0; i < v.length; i++) {
    while (k < edges.length && v[i]! > edges[k]!) k++;
    counts[k] += weightAt(s, i);
  }
  const mass = sampleMass(s);
  return counts.map((x) => x / mass);
}

/** Σ (c − r)·ln(c/r) with both proportions floored at 1e-4. */
export function psiFromProportions(r: number[], c: number[]): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const a = Math.max(r[i]!, PSI_FLOOR);
    const b = Math.max(c[i]!, PSI_FLOOR);
    s += (b - a) * Math.log(b / a);
  }
  return s;
}

export function psiNumeric(r: WeightedSample, c: WeightedSample): number {
  const edges = psiEdges(r);
  return psiFromProportions(psiProportions(r, edges), psiProportions(c, edges));
}

/** Category counts aligned over the union of categories (R's first, then C's new ones). */
export function alignCounts(r: Map<string, number>, c: Map<string, number>): { keys: string[]; r: number[]; c: number[] } {
  const keys = [...r.keys()];
  for (const k of c.keys()) if (!r.has(k)) keys.push(k);
  return { keys, r: keys.map((k) => r.get(k) ?? 0), c: keys.map((k) => c.get(k) ?? 0) };
}

/** Pearson χ² test of homogeneity on the 2×k table, no continuity correction; returns stat, dof, p. */
export function chiSquareHomogeneity(r: number[], c: number[]): { statistic: number; dof: number; pValue: number } {
  const nr = r.reduce((a, b) => a + b, 0);
  const nc = c.reduce((a, b) => a + b, 0);
  const n = nr + nc;
  let stat = 0;
  let k = 0;
  for (let i = 0; i < r.length; i++) {
    const col = r[i]! + c[i]!;
    if (col === 0) continue;
    k++;
    const er = (nr * col) / n;
    const ec = (nc * col) / n;
    stat += (r[i]! - er) ** 2 / er + (c[i]! - ec) ** 2 / ec;
  }
  const dof = Math.max(k - 1, 0);
  return { statistic: stat, dof, pValue: dof === 0 ? 1 : chiSquareSf(stat, dof) };
}

function proportions(x: number[]): number[] {
  const n = x.reduce((a, b) => a + b, 0);
  return x.map((v) => (n ? v / n : 0));
}

/** Jensen–Shannon divergence, log base 2, in [0, 1] (the square of scipy's jensenshannon(p, q, base=2)). */
export function jsd(r: number[], c: number[]): number {
  const p = proportions(r);
  const q = proportions(c);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) s += 0.5 * p[i]! * Math.log2(p[i]! / m);
    if (q[i]! > 0) s += 0.5 * q[i]! * Math.log2(q[i]! / m);
  }
  return Math.max(0, s);
}

/** max over categories of |p_R − p_C|. */
export function linf(r: number[], c: number[]): number {
  const p = proportions(r);
  const q = proportions(c);
  let m = 0;
  for (let i = 0; i < p.length; i++) m = Math.max(m, Math.abs(p[i]! - q[i]!));
  return m;
}

export function psiCategorical(r: number[], c: number[]): number {
  return psiFromProportions(proportions(r), proportions(c));
}
