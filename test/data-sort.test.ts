/**
 * The radix sort of Float64 values (core/sort-float64.ts) used by the quantile sketch and the
 * exact value buffer: it must give exactly Float64Array.prototype.sort's order, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../core/sort-float64.js';

/** Deterministic pseudo-random numbers (Park–Miller), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

function bits(a: Float64Array): string[] {
  return Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), (b) => b.toString(16));
}

function expectSameAsNative(values: ArrayLike<number>): void {
  const expected = Float64Array.from(values).sort();
  const got = sortFloat64(Float64Array.from(values));
  // Compare the bit patterns, so −0 vs +0 counts.
  expect(bits(got)).toEqual(bits(expected));
}

const EDGES = [0, -0, 1, -1, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 2.2250738585072014e-308, -2.2250738585072014e-308, 0.1, -0.1, 1e-300, 2 ** 53, -(2 ** 53), 0.5, 1.5];

describe('sortFloat64 (radix) against Float64Array.prototype.sort', () => {
  it('edge values, repeated past the small-array cutoff: ±0, ±Infinity, subnormals, extremes, ties', () => {
    const r = rng(7);
    const a: number[] = [];
    for (let i = 0; i < 5000; i++) a.push(EDGES[Math.floor(r() * EDGES.length)]!);
    expectSameAsNative(a);
  });

  it('random doubles of both signs and many magnitudes', () => {
    const r = rng(11);
    const a = Array.from({ length: 40_000 }, () => (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
    expectSameAsNative(a);
  });

  it('shapes that skip passes: small integers, 2-decimal prices, float32 scores, sorted and reversed input', () => {
    const r = rng(3);
    expectSameAsNative(Array.from({ length: 20_000 }, () => Math.floor(r() * 70) - 10));
    expectSameAsNative(Array.from({ length: 20_000 }, () => Math.round(r() * 1e7) / 100));
    expectSameAsNative(Float32Array.from({ length: 20_000 }, () => r()));
    expectSameAsNative(Array.from({ length: 20_000 }, (_, i) => i));
    expectSameAsNative(Array.from({ length: 20_000 }, (_, i) => -i * 0.25));
    expectSameAsNative(new Array(1000).fill(42));
  });

  it('large arrays (own scratch buffer) and small ones (native sort)', () => {
    const r = rng(5);
    expectSameAsNative(Array.from({ length: 100_000 }, () => r() * 2 - 1));
    expectSameAsNative([3, -0, 0, -1, 2]);
    expectSameAsNative([]);
  });

  it('NaN (never in data) still sorts last, as the native sort does', () => {
    const r = rng(9);
    const a = Array.from({ length: 2000 }, (_, i) => (i % 97 === 0 ? NaN : r() - 0.5));
    const got = sortFloat64(Float64Array.from(a));
    expect(Array.from(got)).toEqual(Array.from(Float64Array.from(a).sort()));
  });

  it('already ascending input is left as it is, except where zeros or NaN need the full sort', () => {
    expectSameAsNative(Array.from({ length: 5000 }, (_, i) => i + 1));
    expectSameAsNative(Array.from({ length: 5000 }, (_, i) => i - 2500)); // one +0 in the middle
    expectSameAsNative([...Array.from({ length: 3000 }, (_, i) => -3000 + i), 0, -0, 0, -0, ...Array.from({ length: 3000 }, (_, i) => i + 1)]);
    expectSameAsNative([-Infinity, -Infinity, ...Array.from({ length: 3000 }, (_, i) => i + 1), Infinity]);
    const withNaN = Array.from({ length: 3000 }, (_, i) => (i === 2999 ? NaN : i + 1));
    expect(Array.from(sortFloat64(Float64Array.from(withNaN)))).toEqual(Array.from(Float64Array.from(withNaN).sort()));
  });

  it('sorts a view in place and leaves the rest of its buffer alone', () => {
    const buf = new Float64Array(3000).fill(7);
    const r = rng(13);
    for (let i = 500; i < 2500; i++) buf[i] = r();
    const view = buf.subarray(500, 2500);
    const expected = Float64Array.from(view).sort();
    sortFloat64(view);
    expect(Array.from(view)).toEqual(Array.from(expected));
    expect(buf[499]).toBe(7);
    expect(buf[2500]).toBe(7);
  });
});
