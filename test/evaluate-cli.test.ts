// `mlpipeline evaluate` from mlpipeline.yaml (slices, baselines from a file and from a git ref)
// and `mlpipeline gate` (verdict JSON, exit 1 on a failed gate, skipped without a baseline).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';
import { logisticRegressionOnnx } from '../core/onnx-builder.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import type { Verdict } from '../runners/gates/verdict.js';
import { validateDocument } from '../pipeline-schema/documents.js';

// Row i: a, tenure, contract, y. The good model scores sigmoid(4a), the weak one sigmoid(−a) (inverted).
const CSV =
  'a,tenure,contract,y\n' +
  [
    [1, 3, 'monthly', 1],
    [0.5, 30, 'yearly', 1],
    [-1, 5, 'monthly', 0],
    [-0.5, 40, 'yearly', 0],
    [0.2, 10, 'monthly', 0],
    [-0.2, 20, 'yearly', 1],
  ]
    .map((r) => r.join(','))
    .join('\n') +
  '\n';
const good = () => logisticRegressionOnnx({ weights: [4], bias: 0 });
const weak = () => logisticRegressionOnnx({ weights: [-1], bias: 0 });

const PIPELINE = `version: 1
name: t
model:
  path: model.onnx
  task: binary-classification
  label: y
  features: [a]
data:
  test:
    path: test.csv
evaluation:
  data: test
  slices:
    - column: contract
    - column: tenure
      bins: [12, 24]
  latency: {samples: 5, warmup: 1}
  importance: {repeats: 2, seed: 1}
gates:
  - {metric: accuracy, min: 0.6}
  - {metric: accuracy, slice: {contract: monthly}, min: 0.9}
  - {metric: accuracy, across: contract, max_gap: 0.5}
  - {metric: roc_auc, vs: base, max_drop: 0.01}
`;

let dir: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' }).toString();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-eval-cli-'));
  writeFileSync(join(dir, 'test.csv'), CSV);
  writeFileSync(join(dir, 'mlpipeline.yaml'), PIPELINE);
  writeFileSync(join(dir, 'model.onnx'), weak());
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'T');
  git('config', 'user.email', 't@example.com');
  git('add', '.');
  git('commit', '-qm', 'weak model');
  writeFileSync(join(dir, 'model.onnx'), good()); // the PR's candidate, uncommitted
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = bufferIo();
  const code = await runCli(args, { io, cwd: dir });
  return { code, out: io.stdout, err: io.stderr };
}

describe('evaluate from mlpipeline.yaml', () => {
  it('slices by value and by bins, baseline at a git ref, document written', async () => {
    const r = await cli(['evaluate', '--baseline-ref', 'main', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as EvaluationDocument;
    expect(JSON.parse(readFileSync(join(dir, '.mlpipeline/evaluation.json'), 'utf8'))).toEqual(doc);
    // good: predictions 1,1,0,0,1,0 vs y 1,1,0,0,0,1 -> 4/6; monthly rows 1,3,5 -> 2/3; yearly 2,4,6 -> 2/3.
    expect(doc.metrics.accuracy).toBeCloseTo(4 / 6, 12);
    expect(doc.slices.map((s) => [s.slice, s.rows])).toEqual([
      [{ contract: 'monthly' }, 3],
      [{ contract: 'yearly' }, 3],
      [{ tenure: '< 12' }, 3],
      [{ tenure: '[12, 24)' }, 1],
      [{ tenure: '>= 24' }, 2],
    ]);
    expect(doc.slices[0]!.metrics.accuracy).toBeCloseTo(2 / 3, 12);
    // weak (inverted) model at main: predictions 0,0,1,1,0,1 (p(0)=0.5 is positive) -> 1/6 correct... row 6 a=-0.2 -> p>0.5 -> 1 = y.
    expect(doc.baseline!.name).toBe('base');
    expect(doc.baseline!.source).toMatchObject({ kind: 'ref', ref: 'main', path: 'model.onnx' });
    expect(doc.baseline!.metrics.accuracy).toBeCloseTo(2 / 6, 12);
    expect(doc.baseline!.deltas.accuracy).toBeCloseTo(4 / 6 - 2 / 6, 12);
    expect(doc.importance.map((i) => i.feature)).toEqual(['a']);
    expect(validateDocument('evaluation', doc)).toEqual([]);
    expect(validateDocument('evaluation', { ...doc, rows: 'six' })).toEqual(['/rows: must be integer']);
  });

  it('gate: verdict JSON, one failed gate -> exit 1, verdict file written', async () => {
    await cli(['evaluate', '--baseline-ref', 'main']);
    const r = await cli(['gate', '--json']);
    expect(r.code).toBe(1);
    const v = JSON.parse(r.out) as Verdict;
    expect(v.passed).toBe(false);
    expect(v.gates.map((g) => [g.kind, g.status])).toEqual([
      ['min', 'passed'],
      ['min', 'failed'],
      ['max_gap', 'passed'],
      ['max_drop', 'passed'],
    ]);
    expect(v.gates[1]).toMatchObject({ metric: 'accuracy', slice: { contract: 'monthly' }, threshold: 0.9, baseline: null, delta: null });
    expect(v.gates[1]!.reason).toMatch(/^accuracy in slice contract=monthly is 0.6667, below the minimum 0.9$/);
    expect(v.gates[3]!.vs).toBe('base');
    expect(v.gates[3]!.delta).toBeGreaterThan(0);
    expect(existsSync(join(dir, '.mlpipeline/verdict.json'))).toBe(true);
    expect(validateDocument('verdict', v)).toEqual([]);
    const text = await cli(['gate']);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^gates FAILED: 3 passed, 1 failed, 0 skipped/);
    expect(text.out).toMatch(/FAIL {2}accuracy >= 0.9 \[contract=monthly\]: accuracy in slice contract=monthly/);
  });

  it('no baseline yet: the model is not at the ref -> comparison gate skipped', async () => {
    // A commit whose tree is empty, tagged `empty`.
    const emptyTree = execFileSync('git', ['hash-object', '-t', 'tree', '-w', '--stdin'], { cwd: dir, input: '' }).toString().trim();
    git('tag', 'empty', git('commit-tree', emptyTree, '-m', 'empty').trim());
    const e = await cli(['evaluate', '--baseline-ref', 'empty', '--json']);
    expect(e.code).toBe(0);
    const doc = JSON.parse(e.out) as EvaluationDocument;
    expect(doc.baseline).toBeNull();
    expect(doc.baselines_missing[0]!.reason).toMatch(/^model\.onnx does not exist at empty/);
    writeFileSync(join(dir, 'gates.yaml'), PIPELINE.replace('  - {metric: accuracy, slice: {contract: monthly}, min: 0.9}\n', ''));
    const r = await cli(['gate', '-f', 'gates.yaml', '--evaluation', '.mlpipeline/evaluation.json', '--json']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out) as Verdict;
    expect(v.gates[2]).toMatchObject({ status: 'skipped', vs: 'base' });
    expect(v.gates[2]!.reason).toMatch(/^skipped: no base baseline yet \(model\.onnx does not exist at empty/);
  });

  it('--baseline-model FILE evaluates a second model on the same rows', async () => {
    writeFileSync(join(dir, 'old.onnx'), weak());
    const r = await cli(['evaluate', '--baseline-model', 'old.onnx', '--json']);
    const doc = JSON.parse(r.out) as EvaluationDocument;
    expect(doc.baseline!.source).toEqual({ kind: 'model', path: 'old.onnx' });
    expect(doc.baseline!.metrics.rows).toBe(6);
    // The baseline is judged on the very same slices as the candidate.
    expect(doc.baseline!.slices.map((s) => [s.slice, s.rows])).toEqual(doc.slices.map((s) => [s.slice, s.rows]));
  });

  it('--json shapes are the ones the issue documents (extra fields allowed)', async () => {
    const e = await cli(['evaluate', '--baseline-model', 'old.onnx', '--json']);
    expect(e.code).toBe(0);
    const doc = JSON.parse(e.out) as Record<string, unknown>;
    // {"task", "rows", "metrics": {NAME: value}, "slices": [{"slice": {COL: value}, "rows", "metrics"}],
    //  "baseline": {"metrics": {...}} | null, "importance": [{"feature", "drop"}]}
    expect(doc).toMatchObject({ task: 'binary-classification', rows: 6 });
    const isNumberMap = (m: unknown) => typeof m === 'object' && m !== null && Object.values(m).every((v) => typeof v === 'number');
    expect(isNumberMap(doc.metrics)).toBe(true);
    const slices = doc.slices as Record<string, unknown>[];
    expect(slices.length).toBeGreaterThan(0);
    for (const s of slices) {
      expect(Object.keys(s.slice as object)).toHaveLength(1);
      expect(typeof s.rows).toBe('number');
      expect(isNumberMap(s.metrics)).toBe(true);
    }
    expect(isNumberMap((doc.baseline as { metrics: unknown }).metrics)).toBe(true);
    for (const i of doc.importance as Record<string, unknown>[]) {
      expect(typeof i.feature).toBe('string');
      expect(typeof i.drop).toBe('number');
    }
    const g = await cli(['gate', '--json']);
    const v = JSON.parse(g.out) as { passed: unknown; gates: Record<string, unknown>[] };
    expect(typeof v.passed).toBe('boolean');
    expect(g.code).toBe(v.passed ? 0 : 1);
    // One result per gate of the pipeline, in its order.
    expect(v.gates.map((x) => [x.metric, x.kind])).toEqual([
      ['accuracy', 'min'],
      ['accuracy', 'min'],
      ['accuracy', 'max_gap'],
      ['roc_auc', 'max_drop'],
    ]);
    for (const gate of v.gates) {
      for (const k of ['metric', 'slice', 'kind', 'threshold', 'value', 'baseline', 'delta', 'status', 'reason']) expect(gate).toHaveProperty(k);
      expect(['passed', 'failed', 'skipped']).toContain(gate.status);
      expect(typeof gate.reason).toBe('string');
      expect((gate.reason as string).includes('\n')).toBe(false);
    }
    // The baseline comparison carries the baseline value and candidate − baseline.
    const cmp = v.gates.find((x) => x.kind === 'max_drop')!;
    expect(cmp.delta).toBeCloseTo((cmp.value as number) - (cmp.baseline as number), 12);
  });

  it('gate without an evaluation document: exit 2 with the fix', async () => {
    const r = await cli(['gate', '--evaluation', 'nope.json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no evaluation document at nope\.json\n\s+fix: run mlpipeline evaluate first/);
  });
});
