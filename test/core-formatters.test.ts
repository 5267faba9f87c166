/** The one path formatter, number formatter and dotted-key lookup (core/), at their edges. */
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { flattenDotted, lookupDotted } from '../core/dotted-keys.js';
import { formatNumber, formatPercent, formatSigned } from '../core/numbers.js';
import { displayPath, isInside, posixRelative } from '../core/paths.js';

describe('displayPath', () => {
  const cwd = resolve('/work/repo');
  it('shows files inside the folder relative to it, the folder itself as .', () => {
    expect(displayPath(join(cwd, 'data', 'train.csv'), cwd)).toBe('data/train.csv');
    expect(displayPath(cwd, cwd)).toBe('.');
  });
  it('shows files outside relative too, the same on every machine', () => {
    expect(displayPath(resolve('/work/other/params.yaml'), cwd)).toBe('../other/params.yaml');
    expect(displayPath(resolve('/tmp/outside.yaml'), cwd)).toBe('../../tmp/outside.yaml');
  });
  it('leaves a path that is already relative as it is', () => {
    expect(displayPath('data/x.csv', cwd)).toBe('data/x.csv');
  });
});

describe('posixRelative and isInside', () => {
  const root = resolve('/r');
  it('are relative with / and tell inside from outside', () => {
    expect(posixRelative(root, join(root, 'a', 'b.txt'))).toBe('a/b.txt');
    expect(posixRelative(root, root)).toBe('.');
    expect(isInside(root, join(root, 'a'))).toBe(true);
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, resolve('/r2/a'))).toBe(false);
    expect(isInside(root, resolve('/other'))).toBe(false);
  });
  it('counts a folder whose name starts with two dots as inside', () => {
    expect(isInside(root, join(root, '..hidden', 'x'))).toBe(true);
  });
});

describe('formatNumber', () => {
  it('shows integers whole and fractions to 4 significant digits without noise', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.05)).toBe('0.05');
    expect(formatNumber(-2.5)).toBe('-2.5');
  });
  it('rounds numbers with more integer digits than that to a whole number, never an exponent', () => {
    expect(formatNumber(1234.567)).toBe('1235');
    expect(formatNumber(12345.67)).toBe('12346');
    expect(formatNumber(1234567.8, 6)).toBe('1234568');
  });
  it('keeps very small numbers readable and names the non-finite', () => {
    expect(formatNumber(0.000012345)).toBe('0.00001234');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('-Infinity');
  });
  it('takes the significant digits as an option', () => {
    expect(formatNumber(1 / 3, 6)).toBe('0.333333');
  });
});

describe('formatSigned and formatPercent', () => {
  it('signs positive changes only', () => {
    expect(formatSigned(0.01)).toBe('+0.01');
    expect(formatSigned(-3)).toBe('-3');
    expect(formatSigned(0)).toBe('0');
    expect(formatSigned(33.3333, 3)).toBe('+33.3');
  });
  it('shows a fraction as a percentage with fixed decimals', () => {
    expect(formatPercent(0.5)).toBe('50.00%');
    expect(formatPercent(1 / 3, 1)).toBe('33.3%');
  });
});

describe('lookupDotted', () => {
  it('descends objects and lists by index', () => {
    const doc = { train: { lr: 0.1, layers: [{ units: 64 }, { units: 32 }] } };
    expect(lookupDotted(doc, 'train.lr')).toEqual({ ok: true, value: 0.1 });
    expect(lookupDotted(doc, 'train.layers.1.units')).toEqual({ ok: true, value: 32 });
    expect(lookupDotted(doc, 'train.layers.2.units')).toEqual({ ok: false });
    expect(lookupDotted(doc, 'train.layers.01.units')).toEqual({ ok: false });
    expect(lookupDotted(doc, 'train.layers.length')).toEqual({ ok: false });
  });
  it('lets a literal key containing dots win, and backtracks to shorter ones', () => {
    expect(lookupDotted({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toEqual({ ok: true, value: 1 });
    expect(lookupDotted({ a: { 'b.c': 3 } }, 'a.b.c')).toEqual({ ok: true, value: 3 });
    expect(lookupDotted({ 'a.b': { x: 1 }, a: { b: { c: 2 } } }, 'a.b.c')).toEqual({ ok: true, value: 2 });
  });
  it('finds only own keys: nothing from a prototype, __proto__ only when the file has it', () => {
    expect(lookupDotted({}, 'constructor')).toEqual({ ok: false });
    expect(lookupDotted({ a: {} }, 'a.toString')).toEqual({ ok: false });
    expect(lookupDotted({}, '__proto__')).toEqual({ ok: false });
    const parsed = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(lookupDotted(parsed, '__proto__.x')).toEqual({ ok: true, value: 1 });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('finds null values and misses past a leaf', () => {
    expect(lookupDotted({ a: null }, 'a')).toEqual({ ok: true, value: null });
    expect(lookupDotted({ a: 1 }, 'a.b')).toEqual({ ok: false });
    expect(lookupDotted(null, 'a')).toEqual({ ok: false });
  });
});

describe('flattenDotted and lookupDotted agree', () => {
  it('every flattened key is found again with its value', () => {
    const doc = parseYaml('train:\n  lr: 0.1\n  layers: [{units: 64}, {units: 32}]\n"a.b": 1\nempty: []\nnone: {}\n') as unknown;
    const flat = flattenDotted(doc);
    expect([...flat.keys()]).toEqual(['train.lr', 'train.layers.0.units', 'train.layers.1.units', 'a.b', 'empty', 'none']);
    for (const [key, value] of flat) {
      const found = lookupDotted(doc, key);
      expect(found.ok, key).toBe(true);
      if (found.ok && typeof value !== 'string') expect(found.value, key).toEqual(value);
    }
  });
  it('keeps a __proto__ key as data, without touching any prototype', () => {
    const flat = flattenDotted(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect([...flat]).toEqual([['__proto__.polluted', true]]);
    const back = Object.fromEntries(flat) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['__proto__.polluted']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
