/**
 * The churn example runs end to end on plain Node (no Python, no build step of its own): its
 * stage scripts are run directly in a temp copy, and the ONNX model they export is checked with
 * onnxruntime-node and an AUC computed here, independently of the scripts.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { loadPipelineFile } from '../pipeline-schema/load.js';
import { present } from './present.js';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const example = join(repo, 'examples', 'churn');
let work: string;

function readCsv(path: string): Record<string, string>[] {
  // The example writes no quoted cells in test.csv; a plain split is an independent reader.
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = present(header, `a header line in ${path}`).split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

/** AUC as the share of (positive, negative) pairs ranked correctly, ties counted half. */
function pairAuc(labels: number[], scores: number[]): number {
  let good = 0;
  let pairs = 0;
  const positives = scores.filter((_, i) => labels[i] === 1);
  const negatives = scores.filter((_, i) => labels[i] === 0);
  for (const pos of positives) {
    for (const neg of negatives) {
      pairs++;
      if (pos > neg) good += 1;
      else if (pos === neg) good += 0.5;
    }
  }
  return good / pairs;
}

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist', 'core', 'onnx-builder.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it for you)');
  }
  work = mkdtempSync(join(tmpdir(), 'mlp-churn-'));
  for (const entry of ['mlpipeline.yaml', 'params.yaml', 'src']) cpSync(join(example, entry), join(work, entry), { recursive: true });
  // A temp copy lives outside the repo, so give it the packages the scripts import, as `npm ci` would.
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(repo, join(work, 'node_modules', 'mlpipeline'), 'dir');
  for (const dep of ['yaml', 'onnxruntime-node']) symlinkSync(join(repo, 'node_modules', dep), join(work, 'node_modules', dep), 'dir');
  // The declared outs, matrix instances substituted here independently of the engine.
  const pipeline = parse(readFileSync(join(example, 'mlpipeline.yaml'), 'utf8'));
  for (const stage of Object.values(pipeline.stages) as { matrix?: Record<string, unknown[]>; outs?: string[]; metrics?: string[] }[]) {
    for (const combo of instances(stage.matrix)) {
      const sub = (s: string) => s.replace(/\$\{matrix\.(\w+)\}/g, (_, k: string) => String(combo[k]));
      for (const out of [...(stage.outs ?? []), ...(stage.metrics ?? [])]) declared.push(sub(out));
    }
  }
  firstRun = await runJson();
});

const declared: string[] = [];

interface RunJson {
  ok: boolean;
  stages: { name: string; status: string; fingerprint: string; duration_ms: number }[];
}
let firstRun: RunJson;

/** `mlpipeline run --json` in the temp copy; the stage commands need PATH to find node. */
async function runJson(): Promise<RunJson> {
  const io = bufferIo();
  const code = await runCli(['run', '--json'], { io, cwd: work, env: process.env });
  if (code !== 0) throw new Error(`mlpipeline run exited ${code}: ${io.stderr}`);
  return JSON.parse(io.stdout) as RunJson;
}

const statuses = (r: RunJson) => Object.fromEntries(r.stages.map((s) => [s.name, s.status]));

function instances(matrix: Record<string, unknown[]> | undefined): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(matrix ?? {})) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  return combos;
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('examples/churn', () => {
  it('uses every section of the mlpipeline.yaml language and every column check', () => {
    const text = readFileSync(join(example, 'mlpipeline.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../pipeline-schema/mlpipeline.schema.json');
    const p = parse(text);
    expect(Object.keys(p).sort()).toEqual(
      ['version', 'name', 'model', 'params', 'data', 'validation', 'stages', 'evaluation', 'gates', 'report', 'environments', 'monitoring'].sort(),
    );
    const checks = new Set(Object.values(p.validation.columns).flatMap((c) => Object.keys(c as object)));
    for (const k of ['type', 'nullable', 'max_missing', 'min', 'max', 'in', 'pattern', 'unique', 'length', 'mean', 'std', 'quantiles', 'mostly', 'severity']) {
      expect(checks, k).toContain(k);
    }
    // Every environment bumps a GitOps manifest that ships with the example.
    for (const [env, e] of Object.entries(p.environments as Record<string, { deploy?: { manifest: string; kind: string } }>)) {
      expect(e.deploy?.kind, env).toBe('kserve');
      expect(existsSync(join(example, present(e.deploy, `${env}.deploy`).manifest)), env).toBe(true);
    }
    const stageKeys = new Set(Object.values(p.stages).flatMap((s) => Object.keys(s as object)));
    for (const k of ['cmd', 'deps', 'params', 'outs', 'metrics', 'env', 'wdir', 'runs-on', 'matrix']) expect(stageKeys, k).toContain(k);
    expect(p.gates.map((g: Record<string, unknown>) => Object.keys(g).filter((k) => k !== 'metric' && k !== 'name').sort().join('+'))).toEqual([
      'min', 'max', 'max_drop+vs', 'min+slice', 'across+max_gap+severity',
    ]);
  });

  it('runs end to end with mlpipeline run, then skips every stage when nothing changed', async () => {
    expect(firstRun.ok).toBe(true);
    expect(firstRun.stages.map((s) => s.name)).toEqual(['generate', 'split', 'train', 'sweep[l2=0.001]', 'sweep[l2=0.1]', 'evaluate']);
    expect(new Set(firstRun.stages.map((s) => s.status))).toEqual(new Set(['ran']));
    const again = await runJson();
    expect(new Set(again.stages.map((s) => s.status))).toEqual(new Set(['skipped']));
    expect(again.stages.map((s) => s.fingerprint)).toEqual(firstRun.stages.map((s) => s.fingerprint));
  });

  it('writes every out and metrics file its stages declare', () => {
    expect(declared).toContain('model/model.onnx');
    expect(declared).toContain('metrics/sweep/l2-0.001.json');
    for (const path of declared) expect(existsSync(join(work, path)), path).toBe(true);
  });

  it('generates the same data from the same seed as the committed data/raw.csv', () => {
    const rows = readCsv(join(work, 'data', 'raw.csv'));
    expect(rows).toHaveLength(5000);
    expect(Object.keys(present(rows[0], 'a first row'))).toEqual([
      'customer_id', 'tenure', 'monthly_charges', 'total_charges', 'contract',
      'payment_method', 'support_calls', 'has_internet', 'signup_date', 'churned',
    ]);
    expect(new Set(rows.map((r) => r.contract))).toEqual(new Set(['month-to-month', 'one-year', 'two-year']));
    expect(rows.some((r) => r.total_charges === '')).toBe(true);
    const churnRate = rows.filter((r) => r.churned === '1').length / rows.length;
    expect(churnRate).toBeGreaterThan(0.15);
    expect(churnRate).toBeLessThan(0.4);
    const committed = join(example, 'data', 'raw.csv');
    if (existsSync(committed)) expect(readFileSync(join(work, 'data', 'raw.csv'), 'utf8')).toBe(readFileSync(committed, 'utf8'));
  });

  it('splits 80/20 and writes the model features, the label and the contract column', () => {
    const pipeline = parse(readFileSync(join(example, 'mlpipeline.yaml'), 'utf8'));
    const test = readCsv(join(work, 'data', 'test.csv'));
    const train = readCsv(join(work, 'data', 'train.csv'));
    expect(test).toHaveLength(1000);
    expect(train).toHaveLength(4000);
    for (const col of [...pipeline.model.features, 'churned', 'contract']) expect(Object.keys(present(test[0], 'a first test row'))).toContain(col);
    for (const f of pipeline.model.features) expect(test.every((r) => Number.isFinite(Number(r[f])) && r[f] !== '')).toBe(true);
  });

  it('exports an ONNX model that onnxruntime-node runs on an [N, F] float32 tensor and that ranks churners (AUC > 0.7)', async () => {
    const pipeline = parse(readFileSync(join(example, 'mlpipeline.yaml'), 'utf8'));
    const features: string[] = pipeline.model.features;
    const session = await ort.InferenceSession.create(join(work, 'model', 'model.onnx'));
    expect(session.inputNames).toEqual(['input']);
    const meta = present(session.inputMetadata[0], 'metadata of the first input');
    expect(meta.isTensor && meta.type).toBe('float32');
    expect(meta.isTensor && meta.shape).toEqual(['N', features.length]);
    expect(session.outputNames).toEqual(['label', 'probabilities']);

    const rows = readCsv(join(work, 'data', 'test.csv'));
    const x = new Float32Array(rows.length * features.length);
    rows.forEach((r, i) => features.forEach((f, j) => (x[i * features.length + j] = Number(r[f]))));
    const out = await session.run({ input: new ort.Tensor('float32', x, [rows.length, features.length]) });
    const label = present(out.label, 'the label output');
    const probabilities = present(out.probabilities, 'the probabilities output');
    expect(label.type).toBe('int64');
    expect(label.dims).toEqual([rows.length]);
    expect(probabilities.dims).toEqual([rows.length, 2]);
    const p = Array.from(probabilities.data as Float32Array);
    const labels = Array.from(label.data as BigInt64Array);
    const p0 = p.filter((_, k) => k % 2 === 0);
    const p1 = p.filter((_, k) => k % 2 === 1);
    p0.forEach((q, i) => expect(q + present(p1[i], `p1 of row ${i}`)).toBeCloseTo(1, 5));
    expect(labels).toEqual(p1.map((q) => (q >= 0.5 ? 1n : 0n)));
    const y = rows.map((r) => Number(r.churned));
    const auc = pairAuc(y, p1);
    expect(auc).toBeGreaterThan(0.7);
    // The evaluate stage's own figure agrees with the pair count.
    const reported = JSON.parse(readFileSync(join(work, 'metrics', 'test.json'), 'utf8'));
    expect(reported.rows).toBe(1000);
    expect(reported.roc_auc).toBeCloseTo(auc, 5);
  });

  it('writes training metrics as JSON', () => {
    const m = JSON.parse(readFileSync(join(work, 'metrics', 'train.json'), 'utf8'));
    expect(m.rows).toBe(4000);
    expect(m.roc_auc).toBeGreaterThan(0.7);
    expect(m.log_loss).toBeGreaterThan(0);
    expect(m.l2).toBe(0.01);
  });

  it('loads through the pipeline loader', async () => {
    const loaded = await loadPipelineFile(join(example, 'mlpipeline.yaml'));
    expect(loaded.pipeline.name).toBe('churn');
    expect(loaded.pipeline.model?.features).toEqual([
      'tenure',
      'monthly_charges',
      'total_charges',
      'support_calls',
      'has_internet',
      'contract_one_year',
      'contract_two_year',
      'pay_electronic_check',
    ]);
  });

  it('shows a params change and its effect on the metrics with params diff / metrics diff', async () => {
    const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: work, stdio: 'pipe' });
    sh('git init -q -b main && git config user.name T && git config user.email t@example.com && git config commit.gpgsign false');
    sh('printf "node_modules\\n" > .gitignore && git add -A && git commit -q -m baseline');
    const original = readFileSync(join(work, 'params.yaml'), 'utf8');
    const modelBefore = readFileSync(join(work, 'model', 'model.onnx'));
    writeFileSync(join(work, 'params.yaml'), original.replace('epochs: 400', 'epochs: 20'));
    // Only the stages that name train.epochs, and what reads their outs, run again.
    expect(statuses(await runJson())).toEqual({
      generate: 'skipped', split: 'skipped', train: 'ran', 'sweep[l2=0.001]': 'ran', 'sweep[l2=0.1]': 'ran', evaluate: 'ran',
    });
    expect(readFileSync(join(work, 'model', 'model.onnx')).equals(modelBefore)).toBe(false);
    const run = async (...argv: string[]) => {
      const io = bufferIo();
      const code = await runCli(argv, { io, cwd: work, env: {} });
      expect(io.stderr).toBe('');
      expect(code).toBe(0);
      return JSON.parse(io.stdout);
    };
    expect((await run('params', 'diff', '--json')).rows).toEqual([
      { file: 'params.yaml', key: 'train.epochs', a: 400, b: 20, change: -380, pct: -95, status: 'changed' },
    ]);
    const metrics = (await run('metrics', 'diff', '--json')).rows as { file: string; key: string; a: number; b: number }[];
    const auc = metrics.find((r) => r.file === 'metrics/test.json' && r.key === 'roc_auc');
    expect(auc).toBeDefined();
    expect(auc!.a).not.toBe(auc!.b);

    // Putting the param back restores the earlier model from the cache, byte for byte, without training.
    writeFileSync(join(work, 'params.yaml'), original);
    expect(statuses(await runJson())).toEqual({
      generate: 'skipped', split: 'skipped', train: 'restored', 'sweep[l2=0.001]': 'restored', 'sweep[l2=0.1]': 'restored', evaluate: 'restored',
    });
    expect(readFileSync(join(work, 'model', 'model.onnx')).equals(modelBefore)).toBe(true);
    expect((await run('metrics', 'diff', '--json')).rows).toEqual([]);
  });
});
