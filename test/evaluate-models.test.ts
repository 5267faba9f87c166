// Every input/output convention end to end through `mlpipeline evaluate`, on models built in the
// test, against metrics computed here from first principles (sigmoid, pairwise AUC).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import { validateDocument } from '../pipeline-schema/documents.js';
import {
  columnsModel,
  lrModel,
  multiclassModel,
  probabilitiesOnlyModel,
  regressionModel,
  scoreModel,
  sigmoid,
  stringLabelOnlyModel,
  twoProbabilityOutputsModel,
  zipmapModel,
} from './fixtures/models/models.js';

// a, b, n, contract, y — p = sigmoid(2a − b); rows 4 and 6 tie (z = 1).
const ROWS: [number, number, number, string, number][] = [
  [1, 0, 1, 'monthly', 1],
  [0.5, 1, 2, 'yearly', 0],
  [0, 1, 3, 'monthly', 0],
  [1, 1, 4, 'yearly', 1],
  [-1, 0, 5, 'monthly', 0],
  [0, -1, 6, 'yearly', 1],
  [0.2, 0, 7, 'monthly', 0],
  [-0.5, 0.5, 8, 'yearly', 1],
];
const P = ROWS.map(([a, b]) => sigmoid(2 * a - b));
const Y = ROWS.map((r) => r[4]);

/** Pairwise ROC AUC: P(score_pos > score_neg) + ½ P(tie). */
function pairwiseAuc(y: number[], p: number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++)
    for (let j = 0; j < y.length; j++)
      if (y[i] === 1 && y[j] === 0) {
        n++;
        s += p[i]! > p[j]! + 1e-7 ? 1 : Math.abs(p[i]! - p[j]!) <= 1e-7 ? 0.5 : 0;
      }
  return s / n;
}
const EXPECTED = {
  accuracy: Y.filter((y, i) => (P[i]! >= 0.5 ? 1 : 0) === y).length / Y.length, // rows 2, 7, 8 wrong -> 5/8
  roc_auc: pairwiseAuc(Y, P),
  log_loss: -Y.reduce((s, y, i) => s + (y ? Math.log(P[i]!) : Math.log(1 - P[i]!)), 0) / Y.length,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-eval-models-'));
  writeFileSync(join(dir, 'data.csv'), 'a,b,n,contract,y\n' + ROWS.map((r) => r.join(',')).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evaluate(model: Uint8Array, args: string[], file = 'model.onnx'): Promise<{ code: number; doc?: EvaluationDocument; stderr: string }> {
  writeFileSync(join(dir, file), model);
  const io = bufferIo();
  const code = await runCli(['evaluate', '--model', file, '--data', 'data.csv', '--label', 'y', '--json', ...args], { io, cwd: dir });
  const doc = code === 0 ? (JSON.parse(io.stdout) as EvaluationDocument) : undefined;
  // Every document this suite produces must be valid against pipeline-schema/evaluation.schema.json.
  if (doc) expect(validateDocument('evaluation', doc)).toEqual([]);
  return { code, doc, stderr: io.stderr };
}

/** `mlpipeline ARGS` in the test folder. */
async function cli(args: string[]): Promise<{ code: number; io: ReturnType<typeof bufferIo> }> {
  const io = bufferIo();
  return { code: await runCli(args, { io, cwd: dir }), io };
}

/** Run `mlpipeline evaluate` with a pipeline file written for the test (-f), so the CWD's file is never touched. */
async function evaluateWith(pipelineYaml: string, name: string): Promise<{ code: number; doc?: EvaluationDocument; stderr: string }> {
  writeFileSync(join(dir, name), pipelineYaml);
  const io = bufferIo();
  const code = await runCli(['evaluate', '-f', name, '--json'], { io, cwd: dir });
  const doc = code === 0 ? (JSON.parse(io.stdout) as EvaluationDocument) : undefined;
  if (doc) expect(validateDocument('evaluation', doc)).toEqual([]);
  return { code, doc, stderr: io.stderr };
}

const BINARY = ['--task', 'binary-classification'];

describe('input and output conventions', () => {
  it('[N, F] float32 tensor input; label beside probabilities', async () => {
    const { code, doc } = await evaluate(lrModel(), [...BINARY, '--features', 'a,b']);
    expect(code).toBe(0);
    expect(doc!.model.input_mode).toBe('tensor');
    expect(doc!.model.outputs).toEqual({ probabilities: 'probabilities', label: 'label' });
    expect(doc!.rows).toBe(8);
    expect(doc!.classes).toEqual([0, 1]);
    expect(doc!.metrics.accuracy).toBe(0.625);
    expect(doc!.metrics.accuracy).toBe(EXPECTED.accuracy);
    expect(doc!.metrics.roc_auc).toBeCloseTo(EXPECTED.roc_auc, 10);
    expect(doc!.metrics.log_loss).toBeCloseTo(EXPECTED.log_loss, 5);
    expect(doc!.confusion_matrix).toEqual({ labels: [0, 1], matrix: [[2, 2], [1, 3]] });
    expect(doc!.calibration).toHaveLength(10);
    for (const k of ['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'throughput_rows_per_s']) expect(doc!.metrics[k]).toBeGreaterThan(0);
    expect(doc!.metrics.model_size_bytes).toBe(lrModel().length);
    expect(doc!.metrics.rows).toBe(8);
  });
  it('probabilities only', async () => {
    const { doc } = await evaluate(probabilitiesOnlyModel(), [...BINARY, '--features', 'a,b']);
    expect(doc!.model.outputs).toEqual({ probabilities: 'probabilities' });
    expect(doc!.metrics.roc_auc).toBeCloseTo(EXPECTED.roc_auc, 10);
    expect(doc!.metrics.accuracy).toBe(EXPECTED.accuracy);
  });
  for (const [input, flat] of [
    ['float64', true],
    ['float32', false],
  ] as const) {
    it(`${input} tensor input, single score ${flat ? '[N]' : '[N, 1]'}`, async () => {
      const { doc } = await evaluate(scoreModel({ input, flat }), [...BINARY, '--features', 'a,b']);
      expect(doc!.model.inputs[0]!.type).toBe(input);
      expect(doc!.model.outputs).toEqual({ score: 'score' });
      expect(doc!.metrics.roc_auc).toBeCloseTo(EXPECTED.roc_auc, 10);
      expect(doc!.metrics.log_loss).toBeCloseTo(EXPECTED.log_loss, 5);
    });
  }
  it('int64 tensor input gets integers', async () => {
    const { doc } = await evaluate(scoreModel({ input: 'int64', flat: true }), [...BINARY, '--features', 'n,n']);
    // n = 1..8 -> z = 2n − n = n > 0, so every row is predicted positive.
    expect(doc!.metrics.recall).toBe(1);
    expect(doc!.metrics.accuracy).toBe(0.5);
  });
  it('one input per column, matched by name (float32, float64, int64, string)', async () => {
    const { code, doc, stderr } = await evaluate(columnsModel(), BINARY);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(doc!.model.input_mode).toBe('columns');
    expect(doc!.features).toEqual(['a', 'b', 'n', 'contract']);
    // p = sigmoid(2a − b + 0.1n + [contract = monthly]): every column reaches the model converted right.
    const p = ROWS.map(([a, b, n, contract]) => sigmoid(2 * a - b + 0.1 * n + (contract === 'monthly' ? 1 : 0)));
    expect(doc!.metrics.roc_auc).toBeCloseTo(pairwiseAuc(Y, p), 10);
    expect(doc!.metrics.log_loss).toBeCloseTo(-Y.reduce((s, y, i) => s + (y ? Math.log(p[i]!) : Math.log(1 - p[i]!)), 0) / Y.length, 5);
    expect(doc!.metrics.accuracy).toBe(Y.filter((y, i) => (p[i]! >= 0.5 ? 1 : 0) === y).length / Y.length);
    expect(doc!.importance.map((i) => i.feature).sort()).toEqual(['a', 'b', 'contract', 'n']);
  });
  it('rows stream in batches: batch_size 3 over 8 rows gives the same metrics', async () => {
    writeFileSync(join(dir, 'model.onnx'), lrModel());
    const yaml =
      'version: 1\nname: t\nmodel:\n  path: model.onnx\n  task: binary-classification\n  label: y\n  features: [a, b]\n' +
      'evaluation:\n  data: data.csv\n  batch_size: 3\n  slices:\n    - column: contract\n';
    const { code, doc } = await evaluateWith(yaml, 'batched.yaml');
    expect(code).toBe(0);
    expect(doc!.rows).toBe(8);
    expect(doc!.metrics.accuracy).toBe(EXPECTED.accuracy);
    expect(doc!.metrics.roc_auc).toBeCloseTo(EXPECTED.roc_auc, 10);
    expect(doc!.metrics.log_loss).toBeCloseTo(EXPECTED.log_loss, 5);
    // Throughput is measured on the batches after the first (with one batch, on a second, warm run).
    expect(doc!.metrics.throughput_rows_per_s).toBeGreaterThan(0);
    // monthly rows 1, 3, 5, 7: p >= 0.5 for rows 1, 7 -> predicted 1, 0, 0, 1 vs y 1, 0, 0, 0 -> 3/4.
    expect(doc!.slices.map((s) => [s.slice.contract, s.rows, s.metrics.accuracy])).toEqual([
      ['monthly', 4, 0.75],
      ['yearly', 4, 0.5],
    ]);
  });
  it('multiclass: probabilities [N, C] with a label tensor', async () => {
    // class = argmax(3a, 3b, 0): rows -> 0, 1, 1, 0 (tie a=b -> first, as numpy), 2, 2, 0, 1
    const csv = 'a,b,y\n1,0,0\n0.5,1,1\n0,1,1\n1,1,1\n-1,-1,2\n-1,-2,2\n0.2,0,0\n-0.5,0.5,1\n';
    writeFileSync(join(dir, 'multi.csv'), csv);
    writeFileSync(join(dir, 'multi.onnx'), multiclassModel());
    const { code, io } = await cli(['evaluate', '--model', 'multi.onnx', '--data', 'multi.csv', '--label', 'y', '--task', 'multiclass-classification', '--json']);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout) as EvaluationDocument;
    expect(doc.classes).toEqual([0, 1, 2]);
    // predicted 0,1,1,0,2,2,0,1 vs true 0,1,1,1,2,2,0,1 -> 7/8.
    expect(doc.metrics.accuracy).toBe(7 / 8);
    expect(doc.confusion_matrix!.matrix).toEqual([
      [2, 0, 0],
      [1, 3, 0],
      [0, 0, 2],
    ]);
    // recalls 1, 3/4, 1 -> balanced 11/12; precisions 2/3, 1, 1.
    expect(doc.metrics.balanced_accuracy).toBeCloseTo(11 / 12, 12);
    expect(doc.metrics.precision_macro).toBeCloseTo((2 / 3 + 1 + 1) / 3, 12);
    // One-vs-rest AUC per class from softmax(3a, 3b, 0) computed here in float64, pairwise.
    expect(validateDocument('evaluation', doc)).toEqual([]);
    const xs = [[1, 0], [0.5, 1], [0, 1], [1, 1], [-1, -1], [-1, -2], [0.2, 0], [-0.5, 0.5]] as const;
    const ys = [0, 1, 1, 1, 2, 2, 0, 1];
    const probs = xs.map(([a, b]) => {
      const e = [Math.exp(3 * a), Math.exp(3 * b), 1];
      const s = e[0]! + e[1]! + e[2]!;
      return e.map((v) => v / s);
    });
    const ovr = [0, 1, 2].map((k) => pairwiseAuc(ys.map((y) => (y === k ? 1 : 0)), probs.map((p) => p[k]!)));
    expect(doc.metrics.roc_auc_ovr).toBeCloseTo((ovr[0]! + ovr[1]! + ovr[2]!) / 3, 6);
    // log_loss from the same float64 probabilities (the model computes them in float32).
    expect(doc.metrics.log_loss).toBeCloseTo(-ys.reduce((acc, y, i) => acc + Math.log(probs[i]![y]!), 0) / ys.length, 5);
  });
  for (const flat of [false, true]) {
    it(`regression output ${flat ? '[N]' : '[N, 1]'}`, async () => {
      // y = 2a − b + 1 exactly, except row 1 which is off by 2.
      writeFileSync(join(dir, 'reg.csv'), 'a,b,y\n1,0,5\n0,1,0\n2,1,4\n-1,0,-1\n');
      writeFileSync(join(dir, 'reg.onnx'), regressionModel(flat));
      const io = bufferIo();
      const code = await runCli(['evaluate', '--model', 'reg.onnx', '--data', 'reg.csv', '--label', 'y', '--task', 'regression', '--json'], { io, cwd: dir });
      expect(io.stderr).toBe('');
      expect(code).toBe(0);
      const doc = JSON.parse(io.stdout) as EvaluationDocument;
      expect(doc.model.outputs).toEqual({ prediction: 'variable' });
      expect(doc.metrics.mae).toBeCloseTo(0.5, 12);
      expect(doc.metrics.mse).toBeCloseTo(1, 12);
      expect(doc.metrics.max_error).toBe(2);
      expect(doc.metrics.median_ae).toBe(0);
      expect(doc.metrics.mape).toBeCloseTo(2 / 5 / 4, 12);
      expect(doc.confusion_matrix).toBeNull();
      expect(doc.importance_metric).toBe('r2');
    });
  }
  it('string class labels with the default sorted order', async () => {
    writeFileSync(join(dir, 'str.csv'), 'a,b,y\n' + ROWS.map((r) => `${r[0]},${r[1]},${r[4] ? 'yes' : 'no'}`).join('\n') + '\n');
    writeFileSync(join(dir, 'p.onnx'), probabilitiesOnlyModel());
    const { code, io } = await cli(['evaluate', '--model', 'p.onnx', '--data', 'str.csv', '--label', 'y', '--task', 'binary-classification', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout) as EvaluationDocument;
    expect(doc.classes).toEqual(['no', 'yes']);
    expect(doc.metrics.roc_auc).toBeCloseTo(EXPECTED.roc_auc, 10);
  });

  it('model.outputs names which output holds the probabilities (inference alone picks the first)', async () => {
    writeFileSync(join(dir, 'two.onnx'), twoProbabilityOutputsModel());
    const base = 'version: 1\nname: t\nmodel:\n  path: two.onnx\n  task: binary-classification\n  label: y\n  features: [a, b]\n';
    const inferred = await evaluateWith(base + 'evaluation:\n  data: data.csv\n', 'inferred.yaml');
    expect(inferred.code).toBe(0);
    expect(inferred.doc!.model.outputs).toEqual({ probabilities: 'swapped' });
    expect(inferred.doc!.metrics.roc_auc).toBeCloseTo(1 - EXPECTED.roc_auc, 10);
    const named = await evaluateWith(base + '  outputs: {probabilities: calibrated}\nevaluation:\n  data: data.csv\n', 'named.yaml');
    expect(named.code).toBe(0);
    expect(named.doc!.model.outputs).toEqual({ probabilities: 'calibrated' });
    expect(named.doc!.metrics.roc_auc).toBeCloseTo(EXPECTED.roc_auc, 10);
    expect(named.doc!.metrics.log_loss).toBeCloseTo(EXPECTED.log_loss, 5);
  });
  it('classes sets the order: the second class is the positive one', async () => {
    // y = 1 -> "churn", 0 -> "stay". Sorted order would make "stay" positive; the model scores churn.
    writeFileSync(join(dir, 'churn.csv'), 'a,b,y\n' + ROWS.map((r) => `${r[0]},${r[1]},${r[4] ? 'churn' : 'stay'}`).join('\n') + '\n');
    writeFileSync(join(dir, 'p.onnx'), probabilitiesOnlyModel());
    const base = 'version: 1\nname: t\nmodel:\n  path: p.onnx\n  task: binary-classification\n  label: y\n';
    const sorted = await evaluateWith(base + 'evaluation:\n  data: churn.csv\n', 'sorted.yaml');
    expect(sorted.doc!.classes).toEqual(['churn', 'stay']);
    expect(sorted.doc!.metrics.roc_auc).toBeCloseTo(1 - EXPECTED.roc_auc, 10);
    const ordered = await evaluateWith(base + '  classes: [stay, churn]\nevaluation:\n  data: churn.csv\n', 'ordered.yaml');
    expect(ordered.code).toBe(0);
    expect(ordered.doc!.classes).toEqual(['stay', 'churn']);
    expect(ordered.doc!.metrics.roc_auc).toBeCloseTo(EXPECTED.roc_auc, 10);
    expect(ordered.doc!.metrics.accuracy).toBe(EXPECTED.accuracy);
    expect(ordered.doc!.confusion_matrix!.labels).toEqual(['stay', 'churn']);
  });
  it('a string label output alone: predictions come from it, no ranking metrics', async () => {
    writeFileSync(join(dir, 'yesno.csv'), 'a,b,y\n' + ROWS.map((r) => `${r[0]},${r[1]},${r[4] ? 'yes' : 'no'}`).join('\n') + '\n');
    writeFileSync(join(dir, 'labels.onnx'), stringLabelOnlyModel());
    const { code, io } = await cli(['evaluate', '--model', 'labels.onnx', '--data', 'yesno.csv', '--label', 'y', '--json', ...BINARY]);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout) as EvaluationDocument;
    expect(validateDocument('evaluation', doc)).toEqual([]);
    expect(doc.model.outputs).toEqual({ label: 'label' });
    expect(doc.classes).toEqual(['no', 'yes']);
    // z = 2a − b per row: 2, 0, −1, 1, −2, 1, 0.4, −1.5; argmax([1−p, p]) sends z = 0 to "no".
    // Predicted yes,no,no,yes,no,yes,yes,no vs true yes,no,no,yes,no,yes,no,yes -> 6/8.
    expect(doc.metrics.accuracy).toBe(0.75);
    expect(doc.metrics.precision).toBe(0.75);
    expect(doc.metrics.recall).toBe(0.75);
    expect(doc.metrics.roc_auc).toBeUndefined();
    expect(doc.metrics.log_loss).toBeUndefined();
    expect(doc.calibration).toBeNull();
  });
  it('permutation importance is seeded: the same seed gives the same drops', async () => {
    const first = await evaluate(lrModel(), [...BINARY, '--features', 'a,b']);
    const second = await evaluate(lrModel(), [...BINARY, '--features', 'a,b']);
    expect(first.doc!.importance_metric).toBe('roc_auc');
    expect(first.doc!.importance.map((i) => i.feature).sort()).toEqual(['a', 'b']);
    expect(second.doc!.importance).toEqual(first.doc!.importance);
  });
});

describe('bad input: one clear message, exit 2', () => {
  it('a model file that is not ONNX', async () => {
    const { code, stderr } = await evaluate(new TextEncoder().encode('definitely not a model'), BINARY, 'junk.onnx');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^mlpipeline: junk\.onnx: junk\.onnx is not an ONNX model/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
  it('a ZipMap (sequence of maps) output says how to export without it', async () => {
    const { code, stderr } = await evaluate(zipmapModel(), [...BINARY, '--features', 'a,b']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/model output 'output_probability' is a sequence of maps/);
    expect(stderr).toMatch(/fix: .*'zipmap': False/);
  });
  it('feature count does not match the model', async () => {
    const { code, stderr } = await evaluate(lrModel(), BINARY);
    expect(code).toBe(2);
    expect(stderr).toMatch(/model input 'input' expects 2 features but 4 feature columns were given \(a, b, n, contract\)/);
  });
  it('feature names that are not in the data', async () => {
    const { code, stderr } = await evaluate(lrModel(), [...BINARY, '--features', 'a,zz']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^mlpipeline: data\.csv: feature 'zz' not found in data\.csv/);
  });
  it('per-column model inputs without matching columns', async () => {
    writeFileSync(join(dir, 'nocol.csv'), 'a,b,contract,y\n1,0,monthly,1\n');
    writeFileSync(join(dir, 'cols.onnx'), columnsModel());
    const { code, io } = await cli(['evaluate', '--model', 'cols.onnx', '--data', 'nocol.csv', '--label', 'y', ...BINARY]);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/model input 'n' has no column of that name in nocol\.csv/);
  });
  it('a label column that is missing', async () => {
    const io = bufferIo();
    writeFileSync(join(dir, 'model.onnx'), lrModel());
    const code = await runCli(['evaluate', '--model', 'model.onnx', '--data', 'data.csv', '--label', 'churned', ...BINARY], { io, cwd: dir });
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/^mlpipeline: data\.csv:1: label column 'churned' is not in data\.csv \(columns: a, b, n, contract, y\)/);
  });
  it('labels not in classes (row, line and column)', async () => {
    writeFileSync(join(dir, 'three.csv'), 'a,b,y\n1,0,1\n0,1,0\n0,0,2\n');
    writeFileSync(join(dir, 'model.onnx'), lrModel());
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      'version: 1\nname: t\nmodel:\n  path: model.onnx\n  task: binary-classification\n  label: y\n  classes: [0, 1]\nevaluation:\n  data: three.csv\n',
    );
    const { code, io } = await cli(['evaluate']);
    rmSync(join(dir, 'mlpipeline.yaml'));
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/^mlpipeline: three\.csv:4:3: label '2' in column 'y' \(row 3\) is not one of model\.classes \[0, 1\]/);
  });
  it('NaN and empty cells in features', async () => {
    writeFileSync(join(dir, 'nan.csv'), 'a,b,y\n1,0,1\n0,NaN,0\n');
    writeFileSync(join(dir, 'model.onnx'), lrModel());
    let io = bufferIo();
    let code = await runCli(['evaluate', '--model', 'model.onnx', '--data', 'nan.csv', '--label', 'y', ...BINARY], { io, cwd: dir });
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/^mlpipeline: nan\.csv:3:2: column 'b' in row 2 is not a number \(NaN\)/);
    writeFileSync(join(dir, 'empty.csv'), 'a,b,y\n1,0,1\n,1,0\n');
    io = bufferIo();
    code = await runCli(['evaluate', '--model', 'model.onnx', '--data', 'empty.csv', '--label', 'y', ...BINARY], { io, cwd: dir });
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/^mlpipeline: empty\.csv:3:1: column 'a' in row 2 is empty/);
  });
  it('more than two labels for a binary task', async () => {
    writeFileSync(join(dir, 'three.csv'), 'a,b,y\n1,0,1\n0,1,0\n0,0,2\n');
    writeFileSync(join(dir, 'model.onnx'), lrModel());
    const { code, io } = await cli(['evaluate', '--model', 'model.onnx', '--data', 'three.csv', '--label', 'y', ...BINARY]);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/binary-classification needs exactly 2 classes, but column 'y' .* has 3: 0, 1, 2\n\s+fix: use task: multiclass-classification, or set model\.classes/);
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });
  it('a non-integer value for an int64 input', async () => {
    writeFileSync(join(dir, 'frac.csv'), 'n,m,y\n1,2,1\n3,4.5,0\n');
    writeFileSync(join(dir, 'int.onnx'), scoreModel({ input: 'int64', flat: true }));
    const { code, io } = await cli(['evaluate', '--model', 'int.onnx', '--data', 'frac.csv', '--label', 'y', ...BINARY]);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/^mlpipeline: frac\.csv:3:2: column 'm' in row 2 is not an integer \(4\.5\)\n\s+fix: the model takes int64 here/);
  });
  it('an unknown --task', async () => {
    writeFileSync(join(dir, 'model.onnx'), lrModel());
    const { code, io } = await cli(['evaluate', '--model', 'model.onnx', '--data', 'data.csv', '--label', 'y', '--task', 'ranking']);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/^mlpipeline: unknown task 'ranking'\n\s+fix: use one of binary-classification, multiclass-classification, regression/);
  });
  it('missing flags without a pipeline file', async () => {
    const { code, io } = await cli(['evaluate', '--model', 'model.onnx']);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/nothing to evaluate: missing a task .*, a label column .*, evaluation data/);
  });
});
