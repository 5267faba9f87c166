// Metric definitions against hand-computed values and scikit-learn's documented examples.
import { describe, expect, it } from 'vitest';
import { rankingMetrics } from '../runners/evaluate/metrics/ranking.js';
import { binaryMetrics, calibrationBins, confusionMatrix, multiclassMetrics } from '../runners/evaluate/metrics/classification.js';
import { regressionMetrics } from '../runners/evaluate/metrics/regression.js';
import { percentileSorted } from '../runners/evaluate/metrics/summary.js';
import { present } from './present.js';

const I = (a: number[]) => Int32Array.from(a);
const F = (a: number[]) => Float64Array.from(a);
const bin = (y: number[], score: number[], threshold = 0.5) =>
  binaryMetrics({ y: I(y), pred: I(score.map((s) => (s >= threshold ? 1 : 0))), score: F(score), scoreIsProbability: true });

describe('ranking metrics', () => {
  it('roc_auc_score doc example: y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] -> 0.75', () => {
    expect(rankingMetrics(I([0, 0, 1, 1]), F([0.1, 0.4, 0.35, 0.8])).rocAuc).toBeCloseTo(0.75, 12);
  });
  it('average_precision_score doc example on the same data -> 0.8333', () => {
    expect(rankingMetrics(I([0, 0, 1, 1]), F([0.1, 0.4, 0.35, 0.8])).averagePrecision).toBeCloseTo(0.8333333333333333, 12);
  });
  it('ties: all scores equal -> AUC 0.5, AP = prevalence', () => {
    const r = rankingMetrics(I([0, 1, 0, 1]), F([0.5, 0.5, 0.5, 0.5]));
    expect(r.rocAuc).toBeCloseTo(0.5, 12);
    expect(r.averagePrecision).toBeCloseTo(0.5, 12);
  });
  it('ties across classes count half (trapezoid) and AP steps over distinct thresholds', () => {
    // pos {0.9, 0.4}, neg {0.9, 0.1}: pairs 0.5 + 1 + 0 + 1 = 2.5 of 4.
    // AP: t=0.9 R=.5 P=.5; t=0.4 R=1 P=2/3 -> .25 + .5*2/3 = 0.58333.
    const r = rankingMetrics(I([1, 0, 1, 0]), F([0.9, 0.9, 0.4, 0.1]));
    expect(r.rocAuc).toBeCloseTo(0.625, 12);
    expect(r.averagePrecision).toBeCloseTo(0.5833333333333333, 12);
  });
  it('perfect and reversed rankings', () => {
    expect(rankingMetrics(I([0, 0, 1, 1]), F([0.1, 0.2, 0.8, 0.9])).rocAuc).toBe(1);
    expect(rankingMetrics(I([0, 0, 1, 1]), F([0.9, 0.8, 0.2, 0.1])).rocAuc).toBe(0);
  });
  it('single class: ROC AUC undefined -> reported as 0; AP is 1 with only positives, 0 with none', () => {
    const pos = rankingMetrics(I([1, 1, 1]), F([0.2, 0.5, 0.9]));
    expect(pos.rocDefined).toBe(false);
    expect(pos.rocAuc).toBe(0);
    expect(pos.averagePrecision).toBe(1);
    expect(rankingMetrics(I([0, 0]), F([0.2, 0.9])).averagePrecision).toBe(0);
  });
});

describe('binary metrics', () => {
  it('log_loss doc example (spam/ham) -> 0.21616', () => {
    // log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]]); classes sorted: ham, spam.
    const m = bin([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65]).metrics;
    expect(m.log_loss).toBeCloseTo(0.21616187468057912, 12);
  });
  it('brier_score_loss doc example -> 0.0375', () => {
    expect(bin([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]).metrics.brier_score).toBeCloseTo(0.0375, 12);
  });
  it('hand-computed confusion counts: tp=2 fp=1 fn=1 tn=1', () => {
    const m = bin([1, 1, 1, 0, 0], [0.9, 0.6, 0.3, 0.7, 0.2]).metrics;
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
  });
  it('threshold is inclusive (p >= threshold is positive)', () => {
    expect(bin([1, 0], [0.5, 0.49]).metrics.accuracy).toBe(1);
  });
  it('all correct and all wrong', () => {
    const ok = bin([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]).metrics;
    expect([ok.accuracy, ok.precision, ok.recall, ok.f1, ok.roc_auc, ok.pr_auc]).toEqual([1, 1, 1, 1, 1, 1]);
    const bad = bin([0, 1, 0, 1], [0.9, 0.1, 0.8, 0.2]).metrics;
    expect([bad.accuracy, bad.precision, bad.recall, bad.f1, bad.roc_auc]).toEqual([0, 0, 0, 0, 0]);
  });
  it('zero division gives 0: no predicted positives, no actual positives', () => {
    const none = bin([1, 0, 1], [0.1, 0.2, 0.3]).metrics;
    expect(none.precision).toBe(0);
    expect(none.recall).toBe(0);
    expect(none.f1).toBe(0);
    const noPos = bin([0, 0], [0.1, 0.2]).metrics;
    expect(noPos.recall).toBe(0);
    expect(noPos.accuracy).toBe(1);
  });
  it('single-class set: roc_auc 0 with a warning', () => {
    const r = bin([1, 1, 1], [0.2, 0.7, 0.9]);
    expect(r.metrics.roc_auc).toBe(0);
    expect(r.warnings.join()).toMatch(/only one class/);
  });
  it('log_loss clips probabilities to [1e-15, 1 - 1e-15]', () => {
    // Row 1 (y=1, p=0) clips to 1e-15; row 2 (y=0, p=1) clips to 1 - 1e-15, whose complement is computed in floats as numpy does.
    expect(bin([1, 0], [0, 1]).metrics.log_loss).toBeCloseTo((-Math.log(1e-15) - Math.log(1 - (1 - 1e-15))) / 2, 9);
  });
  it('label-only models get no ranking metrics', () => {
    const m = binaryMetrics({ y: I([0, 1]), pred: I([0, 1]), score: null, scoreIsProbability: false }).metrics;
    expect(m.roc_auc).toBeUndefined();
    expect(m.accuracy).toBe(1);
  });
});

describe('multiclass metrics', () => {
  it('f1_score doc example: macro 0.2667, weighted 0.2667; precision/recall macro', () => {
    const m = multiclassMetrics({ y: I([0, 1, 2, 0, 1, 2]), pred: I([0, 2, 1, 0, 0, 1]), probs: null, classes: 3 }).metrics;
    expect(m.f1_macro).toBeCloseTo(0.26666666666666666, 12);
    expect(m.f1_weighted).toBeCloseTo(0.26666666666666666, 12);
    expect(m.precision_macro).toBeCloseTo(0.2222222222222222, 12);
    expect(m.recall_macro).toBeCloseTo(0.3333333333333333, 12);
    expect(m.accuracy).toBeCloseTo(1 / 3, 12);
  });
  it('balanced_accuracy_score doc example -> 0.625', () => {
    const m = multiclassMetrics({ y: I([0, 1, 0, 0, 1, 0]), pred: I([0, 1, 0, 0, 0, 1]), probs: null, classes: 2 }).metrics;
    expect(m.balanced_accuracy).toBeCloseTo(0.625, 12);
  });
  it('roc_auc_ovr (macro) and log_loss, hand-computed', () => {
    const probs = F([0.6, 0.2, 0.2, 0.3, 0.4, 0.3, 0.5, 0.3, 0.2, 0.2, 0.1, 0.7]);
    const m = multiclassMetrics({ y: I([0, 0, 1, 2]), pred: I([0, 1, 0, 2]), probs, classes: 3 }).metrics;
    // class 0: 3/4, class 1: 2/3, class 2: 1.
    expect(m.roc_auc_ovr).toBeCloseTo((0.75 + 2 / 3 + 1) / 3, 12);
    expect(m.log_loss).toBeCloseTo(-(Math.log(0.6) + Math.log(0.3) + Math.log(0.3) + Math.log(0.7)) / 4, 12);
  });
  it('a class never predicted nor present is left out of macro averages (as scikit-learn)', () => {
    const m = multiclassMetrics({ y: I([0, 1]), pred: I([0, 1]), probs: null, classes: 3 }).metrics;
    expect(m.f1_macro).toBe(1);
  });
  it('confusion matrix rows are true classes, columns predicted', () => {
    expect(confusionMatrix(I([0, 1, 2, 0, 1, 2]), I([0, 2, 1, 0, 0, 1]), 3)).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0],
    ]);
  });
});

describe('regression metrics', () => {
  const m = regressionMetrics(F([3, -0.5, 2, 7]), F([2.5, 0.0, 2, 8]));
  it('matches the scikit-learn doc examples', () => {
    expect(m.mae).toBeCloseTo(0.5, 12);
    expect(m.mse).toBeCloseTo(0.375, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 12);
    expect(m.median_ae).toBeCloseTo(0.5, 12);
    expect(m.mape).toBeCloseTo(0.3273809523809524, 12);
    expect(m.max_error).toBe(1);
  });
  it('max_error doc example -> 1; mape with y=0 uses eps', () => {
    expect(regressionMetrics(F([3, 2, 7, 1]), F([4, 2, 7, 1])).max_error).toBe(1);
    expect(regressionMetrics(F([0]), F([1])).mape).toBeCloseTo(1 / 2.220446049250313e-16, 0);
  });
  it('constant y: r2 is 1 for a perfect fit and 0 otherwise', () => {
    expect(regressionMetrics(F([1, 1]), F([1, 1])).r2).toBe(1);
    expect(regressionMetrics(F([1, 1]), F([1, 2])).r2).toBe(0);
  });
});

describe('calibration and percentiles', () => {
  it('10 equal-width bins, 1.0 falls in the last', () => {
    const b = calibrationBins(I([0, 1, 1, 1]), F([0.05, 0.95, 1.0, 0.55]));
    expect(b).toHaveLength(10);
    expect(b[0]).toMatchObject({ lower: 0, count: 1, fraction_positive: 0 });
    expect(b[9]!.count).toBe(2);
    expect(b[9]!.mean_predicted).toBeCloseTo(0.975, 12);
    expect(b[5]).toMatchObject({ count: 1, fraction_positive: 1 });
    expect(b[3]!.mean_predicted).toBeNull();
  });
  it('percentiles interpolate linearly (NumPy default)', () => {
    expect(percentileSorted(F([1, 2, 3, 4]), 50)).toBe(2.5);
    expect(percentileSorted(F([1, 2, 3, 4]), 95)).toBeCloseTo(3.85, 12);
  });
});

describe('decimal parsing of CSV cells', async () => {
  const { parseDecimal } = await import('../runners/evaluate/cells.js');
  it('equals Number(s) for plain decimals, and falls back for the rest', () => {
    for (const s of ['0', '-0.5', '1.25', '+3', '123456789012345', '0.1', '-2.000', '.5', '5.', '1e3', '1234567890123456789', 'Infinity', ' 7 '])
      expect(Object.is(parseDecimal(s), Number(s))).toBe(true);
    expect(parseDecimal('abc')).toBeNaN();
    expect(parseDecimal('-')).toBeNaN();
    expect(parseDecimal('1.2.3')).toBeNaN();
  });
});

// Reference values from scikit-learn 1.2.1 (Debian python3-sklearn, numpy 1.24.2), computed with
//   roc_auc_score, average_precision_score, log_loss, brier_score_loss, accuracy_score,
//   precision_score / recall_score / f1_score (average='macro' | 'weighted', zero_division=0),
//   balanced_accuracy_score, roc_auc_score(multi_class='ovr', average='macro'),
//   mean_absolute_error, mean_squared_error, r2_score, mean_absolute_percentage_error,
//   median_absolute_error, max_error
// on the literal inputs below, and pasted here as literals (repr of the float64 result).
describe('scikit-learn reference values', () => {
  it('binary with tied scores (ties inside and across classes)', () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0];
    const s = [0.9, 0.9, 0.7, 0.5, 0.5, 0.5, 0.3, 0.3, 0.1, 0.05];
    const m = bin(y, s).metrics;
    expect(m.roc_auc).toBeCloseTo(0.5599999999999999, 12);
    expect(m.pr_auc).toBeCloseTo(0.5444444444444444, 12);
    expect(m.log_loss).toBeCloseTo(0.8758588229916704, 12);
    expect(m.brier_score).toBeCloseTo(0.30525, 12);
    expect(m.accuracy).toBeCloseTo(0.5, 12);
    expect(m.precision).toBeCloseTo(0.5, 12);
    expect(m.recall).toBeCloseTo(0.6, 12);
    expect(m.f1).toBeCloseTo(0.5454545454545454, 12);
  });
  it('multiclass probabilities with argmax ties (first maximum wins)', () => {
    const y = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2, 1];
    const P = [
      [0.7, 0.2, 0.1],
      [0.2, 0.5, 0.3],
      [0.1, 0.3, 0.6],
      [0.3, 0.3, 0.4],
      [0.4, 0.4, 0.2],
      [0.5, 0.25, 0.25],
      [0.2, 0.5, 0.3],
      [0.1, 0.8, 0.1],
      [0.3, 0.4, 0.3],
      [0.25, 0.25, 0.5],
      [0.6, 0.3, 0.1],
    ];
    // numpy argmax of each row: [0, 1, 2, 2, 0, 0, 1, 1, 1, 2, 0]
    const pred = [0, 1, 2, 2, 0, 0, 1, 1, 1, 2, 0];
    const m = multiclassMetrics({ y: I(y), pred: I(pred), probs: F(P.flat()), classes: 3 }).metrics;
    expect(m.accuracy).toBeCloseTo(0.6363636363636364, 12);
    expect(m.balanced_accuracy).toBeCloseTo(0.6388888888888888, 12);
    expect(m.precision_macro).toBeCloseTo(0.6666666666666666, 12);
    expect(m.recall_macro).toBeCloseTo(0.6388888888888888, 12);
    expect(m.f1_macro).toBeCloseTo(0.6428571428571429, 12);
    expect(m.f1_weighted).toBeCloseTo(0.6493506493506493, 12);
    expect(m.log_loss).toBeCloseTo(0.7831441397658988, 12);
    expect(m.roc_auc_ovr).toBeCloseTo(0.8799603174603176, 12);
  });
  it('a predicted class absent from y_true: zero division 0 in macro averages; balanced accuracy over true classes', () => {
    // f1_score([0,0,1,1], [0,2,1,1], average='macro', zero_division=0) etc.
    const m = multiclassMetrics({ y: I([0, 0, 1, 1]), pred: I([0, 2, 1, 1]), probs: null, classes: 3 }).metrics;
    expect(m.f1_macro).toBeCloseTo(0.5555555555555555, 12);
    expect(m.precision_macro).toBeCloseTo(0.6666666666666666, 12);
    expect(m.balanced_accuracy).toBeCloseTo(0.75, 12);
  });
  it('regression, including y = 0 in MAPE (|y| floored at float64 eps)', () => {
    const m = regressionMetrics(F([3.0, -0.5, 2.0, 7.0, 0.0, 1.5]), F([2.5, 0.0, 2.1, 8.0, 0.25, 1.0]));
    expect(m.mae).toBeCloseTo(0.47500000000000003, 12);
    expect(m.mse).toBeCloseTo(0.30375, 12);
    expect(m.rmse).toBeCloseTo(0.5511351921262151, 12);
    expect(m.r2).toBeCloseTo(0.9498394495412844, 12);
    expect(m.median_ae).toBeCloseTo(0.5, 12);
    expect(m.max_error).toBe(1);
    expect(present(m.mape, 'mape') / 187649984473770.9).toBeCloseTo(1, 12);
  });
});

describe('roc_auc_ovr with a class absent from the rows', () => {
  it('averages over the classes whose one-vs-rest AUC is defined, with a warning', () => {
    // Class 2 has no rows. Class 0 (rows 0, 2 vs 1, 3): scores .7,.4 vs .2,.1 -> 1.
    // Class 1 (rows 1, 3 vs 0, 2): scores .5,.6 vs .2,.4 -> 1. Mean over the two defined classes: 1.
    const probs = F([0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.6, 0.3]);
    const r = multiclassMetrics({ y: I([0, 1, 0, 1]), pred: I([0, 1, 0, 1]), probs, classes: 3 });
    expect(r.metrics.roc_auc_ovr).toBe(1);
    expect(r.warnings.join()).toMatch(/1 class\(es\) are absent from .* the mean is over the other 2/);
  });
  it('a single-class set gives 0 with a warning', () => {
    const r = multiclassMetrics({ y: I([1, 1]), pred: I([1, 0]), probs: F([0.2, 0.5, 0.3, 0.4, 0.4, 0.2]), classes: 3 });
    expect(r.metrics.roc_auc_ovr).toBe(0);
    expect(r.warnings.join()).toMatch(/single class/);
  });
});

describe('radix sort of scores', async () => {
  const { sortFloat64 } = await import('../runners/evaluate/metrics/sort.js');
  const { mulberry32 } = await import('../runners/evaluate/random.js');
  it('orders exactly as Float64Array.prototype.sort (negatives, −0, ±Infinity, ties, subnormals, float32 values)', () => {
    const rand = mulberry32(42);
    const special = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.5, 0.5, -1];
    for (const n of [0, 1, 7, 1500, 20000]) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = rand();
        a[i] = i < special.length ? special[i]! : r < 0.3 ? Math.fround(r) : r < 0.6 ? (r - 0.45) * 1e6 : Math.round(r * 10) / 10;
      }
      const expected = Float64Array.from(a).sort();
      const got = sortFloat64(Float64Array.from(a));
      expect(got.length).toBe(n);
      for (let i = 0; i < n; i++) if (!Object.is(got[i], expected[i])) expect([i, got[i]]).toEqual([i, expected[i]]);
    }
  });
  it('sorts a view in place without touching the rest of its buffer', () => {
    const buf = new Float64Array(3000).map((_, i) => 3000 - i);
    const view = buf.subarray(1000, 2500);
    sortFloat64(view);
    expect(view[0]).toBe(501);
    expect(view[1499]).toBe(2000);
    expect(buf[999]).toBe(2001);
    expect(buf[2500]).toBe(500);
  });
});
