/**
 * Issue 9: models exported with a fixed batch size ([1, 8], [32, 8]) are fed batches of exactly
 * that size and give the metrics of the dynamic-batch model on the same rows; a slice that lacks
 * a class says so in the document (roc_auc_ovr).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';
import { logisticRegressionOnnx } from '../core/onnx-builder.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import { multiclassModel } from './fixtures/models/models.js';

let dir: string;
const WEIGHTS = [0.9, -0.4, 0.3, 0.1, -0.8, 0.5, 0.2, -0.6];
const FEATURES = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-fixed-batch-'));
  // 70 rows: not a multiple of 32, so the last batch is padded.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const rows: string[] = [];
  for (let i = 0; i < 70; i++) {
    const x = FEATURES.map(() => Number(rnd().toFixed(3)));
    const z = x.reduce((s, v, k) => s + v * WEIGHTS[k]!, 0) + 0.3 * rnd();
    rows.push([...x, z > 0 ? 1 : 0].join(','));
  }
  writeFileSync(join(dir, 'rows.csv'), [...FEATURES, 'y'].join(',') + '\n' + rows.join('\n') + '\n');
  writeFileSync(join(dir, 'dynamic.onnx'), logisticRegressionOnnx({ weights: WEIGHTS, bias: 0.1 }));
  writeFileSync(join(dir, 'b1.onnx'), logisticRegressionOnnx({ weights: WEIGHTS, bias: 0.1, batch: 1 }));
  writeFileSync(join(dir, 'b32.onnx'), logisticRegressionOnnx({ weights: WEIGHTS, bias: 0.1, batch: 32 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evaluate(model: string): Promise<{ code: number; doc: EvaluationDocument; err: string }> {
  const io = bufferIo();
  const code = await runCli(['evaluate', '--model', model, '--data', 'rows.csv', '--label', 'y', '--task', 'binary-classification', '--output', `${model}.json`, '--json'], {
    io,
    cwd: dir,
    env: {},
  });
  return { code, doc: code === 0 ? (JSON.parse(io.stdout) as EvaluationDocument) : (undefined as never), err: io.stderr };
}

const QUALITY = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'log_loss', 'brier_score', 'rows'];
const pick = (m: Record<string, number>) => Object.fromEntries(QUALITY.map((k) => [k, m[k]]));

describe('fixed-batch ONNX models', () => {
  it.each(['b1.onnx', 'b32.onnx'])('%s: same metrics as the dynamic-batch model on the same rows', { timeout: 30_000 }, async (model) => {
    const dyn = await evaluate('dynamic.onnx');
    expect(dyn.code).toBe(0);
    const fixed = await evaluate(model);
    expect(fixed.err).toBe('');
    expect(fixed.code).toBe(0);
    expect(fixed.doc.rows).toBe(70);
    expect(pick(fixed.doc.metrics)).toEqual(pick(dyn.doc.metrics));
    expect(fixed.doc.model.inputs[0]!.shape[0]).toBe(model === 'b1.onnx' ? 1 : 32);
  });
});

describe('roc_auc_ovr in a slice that lacks a class', () => {
  it('the warning reaches the evaluation document', async () => {
    // g=x has only classes 0 and 1, so class 2's one-vs-rest AUC is undefined there.
    const csv = 'a,b,g,y\n1,0,x,0\n0.5,1,x,1\n0,1,x,1\n1,1,x,0\n-1,-1,z,2\n-1,-2,z,2\n0.2,0,z,0\n-0.5,0.5,z,1\n';
    writeFileSync(join(dir, 'multi.csv'), csv);
    writeFileSync(join(dir, 'multi.onnx'), multiclassModel());
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      'version: 1\nname: m\nmodel: {path: multi.onnx, task: multiclass-classification, label: y, features: [a, b]}\ndata: {t: {path: multi.csv}}\nevaluation:\n  data: t\n  slices: [{column: g}]\n  latency: {samples: 1}\n',
    );
    const io = bufferIo();
    const code = await runCli(['evaluate', '--json'], { io, cwd: dir, env: {} });
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout) as EvaluationDocument;
    expect(doc.warnings).toContainEqual(expect.stringMatching(/^slice g=x: roc_auc_ovr: 1 class\(es\) are absent from \(or the only class in\) the evaluation rows/));
  });
});
