/**
 * Drift decisions (DESIGN.md statistics contract): the `auto` choice, per-column and dataset
 * methods and thresholds, the dataset share rule, skipped columns, severity. Expected values are
 * worked by hand (or are the scipy references of data-stats.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { ColumnAccumulator } from '../runners/data/column-accumulator.js';
import { computeDrift } from '../runners/data/drift.js';
import { PROFILE_SCHEMA_ID, type ProfileDocument } from '../runners/data/profile-types.js';
import type { DriftSpec } from '../pipeline-schema/types.js';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';

function profile(cols: Record<string, unknown[]>): ProfileDocument {
  const rows = Object.values(cols)[0]!.length;
  const doc: ProfileDocument = { schema: PROFILE_SCHEMA_ID, source: { path: 'mem', format: 'csv' }, rows, columns: {} };
  for (const [name, values] of Object.entries(cols)) {
    const acc = new ColumnAccumulator();
    for (const v of values) acc.add(v);
    doc.columns[name] = acc.finish(rows);
  }
  return doc;
}

const range = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));

// Small data (≤ 1000 rows): x = 1..20 vs 6..25 → KS D = 0.25, scipy p = 0.571336004933722 (no drift).
// c: a×10, b×10 vs a×15, b×5 → χ² = 0.5 + 0.5 + 5/6 + 5/6 = 8/3 (dof 1), p = erfc(√(4/3)) = 0.10247043485974947.
// k: a numeric column with 3 distinct values → compared as categories (auto rule: > 5 distinct for numeric tests).
// d: dates → skipped by auto.
const R = profile({
  x: range(20, (i) => String(i + 1)),
  c: range(20, (i) => (i < 10 ? 'a' : 'b')),
  k: range(20, (i) => String(i % 3)),
  d: range(20, (i) => `2024-01-${String(i + 1).padStart(2, '0')}`),
});
const C = profile({
  x: range(20, (i) => String(i + 6)),
  c: range(20, (i) => (i < 15 ? 'a' : 'b')),
  k: range(20, (i) => String(i % 3)),
  d: range(20, (i) => `2024-02-${String(i + 1).padStart(2, '0')}`),
});

describe('auto method choice and defaults', () => {
  it('small baseline: KS for numeric with > 5 distinct values, χ² otherwise; dates skipped', () => {
    const d = computeDrift(R, C);
    expect(d.columns.x).toMatchObject({ kind: 'numeric', method: 'ks', threshold: 0.05, drifted: false, ks_p_method: 'exact' });
    expect(d.columns.x!.kind === 'numeric' && d.columns.x!.ks_statistic).toBeCloseTo(0.25, 12);
    expect(d.columns.x!.kind === 'numeric' && d.columns.x!.ks_p_value).toBeCloseTo(0.571336004933722, 10);
    expect(d.columns.c).toMatchObject({ kind: 'categorical', method: 'chi2', drifted: false });
    expect(d.columns.c!.kind === 'categorical' && d.columns.c!.chi2_statistic).toBeCloseTo(8 / 3, 12);
    expect(d.columns.c!.kind === 'categorical' && d.columns.c!.chi2_p_value).toBeCloseTo(0.10247043485974947, 12);
    expect(d.columns.k).toMatchObject({ kind: 'categorical', method: 'chi2', drifted: false, linf: 0 });
    expect(d.columns.d).toBeUndefined();
    expect(d.skipped_columns).toEqual({ d: 'datetime column (set a method to compare it)' });
    expect(d).toMatchObject({ drifted: false, share: 0, share_threshold: 0.5, drifted_columns: [] });
  });

  it('large baseline (> 1000 rows): Wasserstein normed (≥ 0.1) for numeric, the Jensen–Shannon distance (≥ 0.1) for categories', () => {
    // x = 0..1999 vs 200..2199: W1 = 200 (a shift), population std of R = √((2000² − 1)/12) → 0.34641020481505375.
    // c: all 'a' vs all 'b': disjoint → JSD = 1 bit.
    const big = profile({ x: range(2000, (i) => String(i)), c: range(2000, () => 'a') });
    const now = profile({ x: range(2000, (i) => String(i + 200)), c: range(2000, () => 'b') });
    const d = computeDrift(big, now);
    expect(d.columns.x).toMatchObject({ kind: 'numeric', method: 'wasserstein', threshold: 0.1, drifted: true });
    expect(d.columns.x!.value).toBeCloseTo(0.34641020481505375, 12);
    expect(d.columns.c).toMatchObject({ kind: 'categorical', method: 'js_distance', statistic: 'js_distance', threshold: 0.1, drifted: true, jsd: 1, js_distance: 1, new_categories: ['b'], vanished_categories: ['a'] });
    expect(d.columns.c!.value).toBeCloseTo(1, 12);
    expect(d).toMatchObject({ drifted: true, share: 1, drifted_columns: ['x', 'c'] });
  });
});

describe('configured methods, thresholds and the share rule', () => {
  it('per-column method and threshold; the share of drifted columns decides the dataset', () => {
    const spec: DriftSpec = {
      columns: {
        x: { method: 'ks', threshold: 0.6 }, // p 0.5713 < 0.6 → drifted
        c: { method: 'linf', threshold: 0.25 }, // |0.5 − 0.75| = 0.25 ≥ 0.25 → drifted (inclusive)
      },
    };
    const d = computeDrift(R, C, spec);
    expect(d.columns.x).toMatchObject({ method: 'ks', threshold: 0.6, drifted: true });
    expect(d.columns.c).toMatchObject({ method: 'linf', threshold: 0.25, drifted: true, value: 0.25 });
    expect(d.columns.k).toMatchObject({ method: 'chi2', drifted: false });
    // 2 of 3 compared columns (d is skipped) → 2/3 ≥ 0.5
    expect(d.share).toBeCloseTo(2 / 3, 12);
    expect(d.drifted).toBe(true);
    expect(computeDrift(R, C, { ...spec, share: 0.7 }).drifted).toBe(false);
  });

  it('a dataset method and threshold apply to every column without its own', () => {
    // PSI on c: proportions (0.5, 0.5) vs (0.75, 0.25): 0.25·ln 1.5 + (−0.25)·ln 0.5 = 0.25·ln 3 = 0.27465307216702745
    const d = computeDrift(R, C, { method: 'psi', threshold: 0.27 });
    expect(d.columns.c).toMatchObject({ kind: 'categorical', method: 'psi', threshold: 0.27, drifted: true });
    expect(d.columns.c!.value).toBeCloseTo(0.25 * Math.log(3), 12);
    expect(d.columns.x).toMatchObject({ kind: 'numeric', method: 'psi', threshold: 0.27 });
    expect(d.columns.k).toMatchObject({ method: 'psi', value: 0, drifted: false });
  });

  it('skip: true leaves a column out of the share', () => {
    const d = computeDrift(R, C, { columns: { x: { method: 'ks', threshold: 0.6 }, c: { skip: true } } });
    expect(d.skipped_columns.c).toBe('skip: true in validation.drift.columns');
    expect(d.columns.c).toBeUndefined();
    // x drifted, k did not: 1 of 2
    expect(d.share).toBe(0.5);
    expect(d.drifted).toBe(true);
  });

  it('a threshold read against auto is a config error that names the key', () => {
    expect(() => computeDrift(R, C, { threshold: 0.2 })).toThrow(ConfigError);
    expect(() => computeDrift(R, C, { threshold: 0.2 })).toThrow(/validation\.drift\.threshold is set but validation\.drift\.method is auto/);
    expect(() => computeDrift(R, C, { columns: { x: { threshold: 0.2 } } })).toThrow(/validation\.drift\.columns\.x\.threshold is set but/);
    // With a dataset method the column threshold is that method's; a dataset-wide KS leaves
    // text columns to auto's categorical test (and its default threshold).
    const d = computeDrift(R, C, { method: 'ks', threshold: 0.01, columns: { x: { threshold: 0.6 } } });
    expect(d.columns.x).toMatchObject({ method: 'ks', threshold: 0.6, drifted: true });
    expect(d.columns.c).toMatchObject({ method: 'chi2', threshold: 0.05 });
  });

  it('ks or wasserstein on a text column is a config error', () => {
    expect(() => computeDrift(R, C, { columns: { c: { method: 'ks' } } })).toThrow(/drift method 'ks' needs a numeric column, but 'c' is string/);
  });
});

describe('validate-data: drift severity and config errors through the CLI', () => {
  const root = mkdtempSync(join(tmpdir(), 'mlp-data-drift-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const base = 'c\n' + 'a\n'.repeat(10) + 'b\n'.repeat(10);
  const cur = 'c\n' + 'b\n'.repeat(20);

  async function run(yaml: string) {
    const dir = mkdtempSync(join(root, 'w'));
    writeFileSync(join(dir, 'mlpipeline.yaml'), yaml);
    writeFileSync(join(dir, 'base.csv'), base);
    writeFileSync(join(dir, 'cur.csv'), cur);
    const io = bufferIo();
    const code = await runCli(['validate-data', '--json'], { io, cwd: dir, env: {} });
    return { code, out: io.stdout, err: io.stderr };
  }

  const head = 'version: 1\nname: t\ndata:\n  train: {path: cur.csv}\nvalidation:\n  drift:\n    baseline: {path: base.csv}\n';

  it('severity error: drift fails the run (exit 1); severity warn: reported, exit 0', async () => {
    // (0.5, 0.5) vs (0, 1): χ² = 40/3, p ≈ 2.6e-4 → drifted
    const failed = await run(head);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.out)).toMatchObject({ ok: false, summary: { drift_failed: true }, drift: { drifted: true, severity: 'error' } });
    const warned = await run(head + '    severity: warn\n');
    expect(warned.code).toBe(0);
    expect(JSON.parse(warned.out)).toMatchObject({ ok: true, summary: { drift_failed: false }, drift: { drifted: true, severity: 'warn' } });
  });

  it('a per-column threshold from mlpipeline.yaml is used', async () => {
    // L∞ = 0.5 < 0.6 → no drift
    const r = await run(head + '    columns:\n      c: {method: linf, threshold: 0.6}\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).drift.columns.c).toMatchObject({ method: 'linf', threshold: 0.6, value: 0.5, drifted: false });
  });

  it('a threshold with method auto: exit 2 with the key and a fix', async () => {
    const r = await run(head + '    threshold: 0.2\n');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: .*mlpipeline\.yaml: validation\.drift\.threshold is set but validation\.drift\.method is auto/);
    expect(r.err).toMatch(/\n  fix: set validation\.drift\.method/);
  });
});
