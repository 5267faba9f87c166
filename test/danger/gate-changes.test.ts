/**
 * The gate comparison on its own (danger/rules/gate-changes.ts is a pure function of the two
 * versions' gates and the owners): every way a gate gets easier to pass, and the changes that do
 * not loosen anything.
 */
import { describe, expect, it } from 'vitest';
import { gateChanges, type GateChangesInput } from '../../danger/rules/gate-changes.js';
import type { GateSpec, Pipeline } from '../../pipeline-schema/types.js';

const owners = { owners: ['@org/ml-leads'], source: 'CODEOWNERS', line: 1 };
const input = (base: GateSpec[], head: GateSpec[] | null, defaults: { base?: Pipeline['gates_defaults']; head?: Pipeline['gates_defaults'] } = {}): GateChangesInput => ({
  pipelineFile: 'mlpipeline.yaml',
  baseRef: 'main',
  base: { gates: base, defaults: defaults.base },
  head: head ? { gates: head, defaults: defaults.head } : null,
  owners,
});
const texts = (i: GateChangesInput) => gateChanges(i).map((f) => f.text);

describe('gate changes that loosen', () => {
  it.each([
    ['min lowered', { metric: 'f1', min: 0.8 }, { metric: 'f1', min: 0.79 }, '`min` `0.8` → `0.79`'],
    ['max raised (a loss)', { metric: 'log_loss', max: 0.3 }, { metric: 'log_loss', max: 0.35 }, '`max` `0.3` → `0.35`'],
    ['max_drop_pct raised', { metric: 'f1', vs: 'base', max_drop_pct: 1 }, { metric: 'f1', vs: 'base', max_drop_pct: 2 }, '`max_drop_pct` `1` → `2`'],
    ['min_gain lowered', { metric: 'f1', vs: 'production', min_gain: 0.01 }, { metric: 'f1', vs: 'production', min_gain: 0 }, '`min_gain` `0.01` → `0`'],
    ['max_gap raised', { metric: 'recall', across: 'gender', max_gap: 0.05 }, { metric: 'recall', across: 'gender', max_gap: 0.1 }, '`max_gap` `0.05` → `0.1`'],
    ['a bound dropped', { metric: 'f1', min: 0.8, max: 0.99 }, { metric: 'f1', min: 0.8 }, '`max` `0.99` removed'],
    ['on_missing_baseline fail → skip', { metric: 'f1', vs: 'production', max_drop: 0.01, on_missing_baseline: 'fail' }, { metric: 'f1', vs: 'production', max_drop: 0.01 }, '`on_missing_baseline` `fail` → `skip`'],
  ] as [string, GateSpec, GateSpec, string][])('%s', (_what, was, now, phrase) => {
    const said = texts(input([was], [now]));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(phrase);
    expect(said[0]).toContain('Ask `@org/ml-leads`');
  });

  it('follows a named gate across a metric rename, and sees the pipeline-wide gates_defaults change', () => {
    expect(texts(input([{ name: 'quality', metric: 'f1', min: 0.8 }], [{ name: 'quality', metric: 'f1_macro', min: 0.5 }]))[0]).toBe(
      'Gate `quality` (higher is better) is loosened in `mlpipeline.yaml`: now watches `f1_macro` instead of `f1`; `min` `0.8` → `0.5`. Ask `@org/ml-leads` (owner of `mlpipeline.yaml` in `CODEOWNERS:1` on `main`) to approve this change.',
    );
    const comparison: GateSpec = { metric: 'f1', vs: 'production', max_drop: 0.01 };
    expect(texts(input([comparison], [comparison], { base: { on_missing_baseline: 'fail' }, head: {} }))[0]).toContain('`on_missing_baseline` `fail` → `skip`');
  });

  it('lists every gate as removed when the PR deletes the pipeline file', () => {
    const said = texts(input([{ metric: 'f1', min: 0.8 }, { metric: 'roc_auc', min: 0.7 }], null));
    expect(said).toEqual([expect.stringContaining('Gate `f1` (higher is better) is removed from `mlpipeline.yaml` (the PR deletes the file)'), expect.stringContaining('Gate `roc_auc`')]);
  });
});

describe('gate changes that do not loosen', () => {
  it('a new pipeline, tightened bounds, an added bound, warn → error, skip → fail', () => {
    expect(gateChanges({ ...input([], [{ metric: 'f1', min: 0.1 }]), base: null })).toEqual([]);
    expect(texts(input([{ metric: 'f1', min: 0.8, severity: 'warn' }], [{ metric: 'f1', min: 0.85, max: 1 }]))).toEqual([]);
    expect(texts(input([{ metric: 'f1', vs: 'base', max_drop: 0.02 }], [{ metric: 'f1', vs: 'base', max_drop: 0.01, on_missing_baseline: 'fail' }]))).toEqual([]);
  });

  it('two gates on one metric are told apart by order, so swapping identical gates is no change', () => {
    const gates: GateSpec[] = [{ metric: 'f1', min: 0.8 }, { metric: 'f1', min: 0.8 }];
    expect(texts(input(gates, [...gates].reverse()))).toEqual([]);
    expect(texts(input(gates, [gates[0]!]))).toHaveLength(1);
  });
});
