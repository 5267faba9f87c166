// Gate semantics per DESIGN.md, one rule at a time, against a hand-made evaluation document.
import { describe, expect, it } from 'vitest';
import { evaluateGates, evaluateGate } from '../runners/gates/gates.js';
import type { EvaluationDocument, BaselineResult } from '../runners/evaluate/document.js';
import type { GateSpec } from '../pipeline-schema/types.js';

function baseline(name: string, metrics: Record<string, number>, slices: BaselineResult['slices'] = []): BaselineResult {
  return {
    name,
    source: { kind: 'model', path: `${name}.onnx` },
    model: { path: `${name}.onnx`, sha256: '0', size_bytes: 1, input_mode: 'tensor', inputs: [], outputs: {} },
    metrics,
    deltas: {},
    slices,
    confusion_matrix: null,
  };
}

function doc(over: Partial<EvaluationDocument> = {}): EvaluationDocument {
  const production = baseline('production', { f1: 0.8, log_loss: 0.4, zero: 0, latency_p95_ms: 2 }, [
    { slice: { contract: 'monthly' }, rows: 10, metrics: { f1: 0.7 } },
  ]);
  return {
    schema: 'mlpipeline/evaluation@1',
    generated_at: '2024-01-01T00:00:00.000Z',
    task: 'binary-classification',
    rows: 100,
    label: 'y',
    features: ['a'],
    classes: [0, 1],
    threshold: 0.5,
    data: { path: 'test.csv' },
    model: production.model,
    metrics: { f1: 0.79, log_loss: 0.38, zero: 0.1, latency_p95_ms: 3, custom: 5 },
    directions: {},
    confusion_matrix: null,
    calibration: null,
    slices: [
      { slice: { contract: 'monthly' }, rows: 10, metrics: { f1: 0.6 } },
      { slice: { contract: 'yearly' }, rows: 20, metrics: { f1: 0.85 } },
      { slice: { contract: 'two-year' }, rows: 5, metrics: { f1: 0.8 } },
      { slice: { tenure: '[0, 12)' }, rows: 5, metrics: { f1: 0.5 } },
    ],
    baseline: production,
    baselines: [production],
    baselines_missing: [{ name: 'base', source: { kind: 'ref', ref: 'main' }, reason: 'models/model.onnx does not exist at main (abc)' }],
    importance: [],
    importance_metric: null,
    warnings: [],
    ...over,
  };
}

const one = (g: GateSpec, d = doc()) => {
  const r = evaluateGate(g, d);
  expect(r).toHaveLength(1);
  return r[0]!;
};

describe('absolute gates', () => {
  it('min is inclusive', () => {
    expect(one({ metric: 'f1', min: 0.79 }).status).toBe('passed');
    const r = one({ metric: 'f1', min: 0.8 });
    expect(r).toMatchObject({ status: 'failed', value: 0.79, threshold: 0.8, kind: 'min', baseline: null, delta: null });
    expect(r.reason).toBe('f1 is 0.79, below the minimum 0.8');
  });
  it('max is inclusive', () => {
    expect(one({ metric: 'latency_p95_ms', max: 3 }).status).toBe('passed');
    expect(one({ metric: 'latency_p95_ms', max: 2.5 }).reason).toBe('latency_p95_ms is 3, above the maximum 2.5');
  });
  it('a missing metric fails', () => {
    const r = one({ metric: 'roc_auc', min: 0.5 });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('metric roc_auc is missing from the evaluation');
  });
  it('min and max on one gate give one result each', () => {
    expect(evaluateGate({ metric: 'f1', min: 0.5, max: 0.7 }, doc()).map((r) => [r.kind, r.status])).toEqual([
      ['min', 'passed'],
      ['max', 'failed'],
    ]);
  });
});

describe('comparison gates', () => {
  it('max_drop uses the direction: f1 0.8 -> 0.79 is a drop of 0.01 (inclusive)', () => {
    const r = one({ metric: 'f1', vs: 'production', max_drop: 0.01 });
    expect(r).toMatchObject({ status: 'passed', baseline: 0.8, vs: 'production' });
    expect(r.delta).toBeCloseTo(-0.01, 12);
    const f = one({ metric: 'f1', vs: 'production', max_drop: 0.005 });
    expect(f.status).toBe('failed');
    expect(f.reason).toBe('f1 regressed by 0.01 (1.25%) vs production (0.8 → 0.79, higher is better), more than the allowed regression 0.005');
  });
  it('lower-is-better metrics: log_loss 0.4 -> 0.38 improved (never "did not drop" for a metric that went down)', () => {
    const r = one({ metric: 'log_loss', vs: 'production', max_drop: 0 });
    expect(r.status).toBe('passed');
    expect(r.delta).toBeCloseTo(-0.02, 12);
    expect(r.reason).toBe('log_loss improved by 0.02 (5%) vs production (0.4 → 0.38, lower is better)');
    expect(r.reason).not.toMatch(/did not drop/);
    expect(one({ metric: 'latency_p95_ms', vs: 'production', max_drop: 0.5 }).status).toBe('failed');
  });
  it('max_drop_pct is relative to the baseline, in percent', () => {
    expect(one({ metric: 'f1', vs: 'production', max_drop_pct: 1.25 }).status).toBe('passed'); // 0.01/0.8 = 1.25 %
    const r = one({ metric: 'f1', vs: 'production', max_drop_pct: 1 });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('f1 regressed by 0.01 (1.25%) vs production (0.8 → 0.79, higher is better), more than the allowed regression 1%');
  });
  it('max_drop_pct against a baseline of 0 fails with that reason', () => {
    const r = one({ metric: 'zero', vs: 'production', max_drop_pct: 5, higher_is_better: true });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/baseline zero is 0, so a relative drop is undefined/);
  });
  it('min_gain demands an improvement in the metric direction', () => {
    expect(one({ metric: 'log_loss', vs: 'production', min_gain: 0.02 }).status).toBe('passed');
    const r = one({ metric: 'f1', vs: 'production', min_gain: 0 });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('f1 regressed by 0.01 (1.25%) vs production (0.8 → 0.79, higher is better), less than the required gain 0');
  });
  it('no baseline yet: skipped, with the reason', () => {
    const r = one({ metric: 'f1', vs: 'base', max_drop: 0.01 });
    expect(r.status).toBe('skipped');
    expect(r.reason).toBe('skipped: no base baseline yet (models/model.onnx does not exist at main (abc))');
    const none = one({ metric: 'f1', vs: 'staging', max_drop: 0.01 });
    expect(none.status).toBe('skipped');
    expect(none.reason).toMatch(/no 'staging' baseline \(it has: production\)/);
  });
  it('a custom metric needs a direction', () => {
    const d = doc({ baselines: [baseline('production', { custom: 4 })] });
    expect(one({ metric: 'custom', vs: 'production', max_drop: 1 }, d).reason).toMatch(/no known direction/);
    expect(one({ metric: 'custom', vs: 'production', min_gain: 1, higher_is_better: true }, d).status).toBe('passed');
    expect(one({ metric: 'custom', vs: 'production', min_gain: 1 }, { ...d, directions: { custom: 'lower' } }).status).toBe('failed');
  });
  it('a missing metric fails even when the baseline is missing too (it is the candidate that lacks it)', () => {
    const r = one({ metric: 'roc_auc', vs: 'base', max_drop: 0.01 });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('metric roc_auc is missing from the evaluation');
  });
  it('max_drop_pct on a lower-is-better metric: log_loss 0.4 -> 0.42 is a 5% drop (inclusive)', () => {
    const d = doc({ metrics: { log_loss: 0.42 } });
    const r = one({ metric: 'log_loss', vs: 'production', max_drop_pct: 5 }, d);
    expect(r).toMatchObject({ status: 'passed', value: 0.42, baseline: 0.4 });
    expect(r.delta).toBeCloseTo(0.02, 12);
    const f = one({ metric: 'log_loss', vs: 'production', max_drop_pct: 4.9 }, d);
    expect(f.status).toBe('failed');
    expect(f.reason).toBe('log_loss regressed by 0.02 (5%) vs production (0.4 → 0.42, lower is better), more than the allowed regression 4.9%');
  });
  it('a gate without a threshold fails and says so', () => {
    const r = one({ metric: 'f1' });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/sets no threshold/);
  });
  it('the baseline lacking the metric fails', () => {
    expect(one({ metric: 'custom', vs: 'production', max_drop: 1, higher_is_better: true }).reason).toBe(
      'the production baseline has no custom to compare with',
    );
  });
});

describe('slice gates', () => {
  it('targets one slice, also against the baseline slice', () => {
    const r = one({ metric: 'f1', slice: { contract: 'monthly' }, min: 0.65 });
    expect(r).toMatchObject({ status: 'failed', value: 0.6, slice: { contract: 'monthly' } });
    expect(r.reason).toBe('f1 in slice contract=monthly is 0.6, below the minimum 0.65');
    const c = one({ metric: 'f1', slice: { contract: 'monthly' }, vs: 'production', max_drop: 0.05 });
    expect(c).toMatchObject({ status: 'failed', baseline: 0.7 });
  });
  it('an unknown slice fails', () => {
    expect(one({ metric: 'f1', slice: { contract: 'weekly' }, min: 0 }).reason).toMatch(/no slice contract=weekly/);
  });
  it('max_gap across a column: max - min over its slices', () => {
    const r = one({ metric: 'f1', across: 'contract', max_gap: 0.25 });
    expect(r.kind).toBe('max_gap');
    expect(r.value).toBeCloseTo(0.25, 12);
    expect(r.status).toBe('passed');
    const f = one({ metric: 'f1', across: 'contract', max_gap: 0.2 });
    expect(f.status).toBe('failed');
    expect(f.reason).toBe('f1 gap across contract is 0.25 (contract=monthly 0.6 vs contract=yearly 0.85), above the maximum 0.2');
  });
  it('max_gap with fewer than two slices fails', () => {
    expect(one({ metric: 'f1', across: 'tenure', max_gap: 1 }).status).toBe('failed');
  });
});

describe('verdict', () => {
  it('fails when an error gate fails; warn gates are reported but do not fail it; skipped do not fail it', () => {
    const v = evaluateGates(
      [
        { metric: 'f1', min: 0.5 },
        { metric: 'f1', min: 0.9, severity: 'warn' },
        { metric: 'f1', vs: 'base', max_drop: 0 },
      ],
      doc(),
    );
    expect(v.passed).toBe(true);
    expect(v.summary).toEqual({ passed: 1, failed: 0, skipped: 1, warnings: 1 });
    expect(v.gates[1]).toMatchObject({ status: 'failed', severity: 'warn' });
    const bad = evaluateGates([{ metric: 'f1', min: 0.95 }], doc());
    expect(bad.passed).toBe(false);
    expect(bad.gates[0]!.name).toBe('f1 >= 0.95');
  });
  it('no gates: passes', () => {
    expect(evaluateGates([], doc()).passed).toBe(true);
  });
});

describe('issue 9: missing baselines and wording', () => {
  it('on_missing_baseline: fail fails a gate whose baseline model cannot be found, with which baseline and why', () => {
    const skip = one({ metric: 'f1', vs: 'base', max_drop: 0.01 });
    expect(skip.status).toBe('skipped');
    const f = one({ metric: 'f1', vs: 'base', max_drop: 0.01, on_missing_baseline: 'fail' });
    expect(f.status).toBe('failed');
    expect(f.reason).toBe('no base baseline to compare with (models/model.onnx does not exist at main (abc)); on_missing_baseline: fail');
  });
  it('gates_defaults.on_missing_baseline applies to every gate; a gate may override it', () => {
    const v = evaluateGates(
      [
        { metric: 'f1', vs: 'base', max_drop: 0.01 },
        { metric: 'f1', vs: 'base', min_gain: 0, on_missing_baseline: 'skip' },
      ],
      doc(),
      { on_missing_baseline: 'fail' },
    );
    expect(v.gates.map((g) => g.status)).toEqual(['failed', 'skipped']);
    expect(v.passed).toBe(false);
  });
  it('an unchanged metric says "unchanged"', () => {
    const d = doc({ metrics: { f1: 0.8 } });
    expect(one({ metric: 'f1', vs: 'production', max_drop: 0 }, d).reason).toBe('f1 unchanged vs production (0.8 → 0.8, higher is better)');
  });
});

describe('gates_defaults is part of the gate-config digest the verdict is bound to', () => {
  it('changes the digest only when set', async () => {
    const { gatesConfigDigest } = await import('../runners/gates/binding.js');
    const g: GateSpec[] = [{ metric: 'f1', vs: 'base', max_drop: 0.01 }];
    expect(gatesConfigDigest(g, {})).toEqual(gatesConfigDigest(g));
    expect(gatesConfigDigest(g, { on_missing_baseline: 'fail' }).sha256).not.toBe(gatesConfigDigest(g).sha256);
  });
});
