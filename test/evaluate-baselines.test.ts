/**
 * Issue 9, baselines: every baseline a gate names is evaluated (not only evaluation.baseline),
 * the base branch's model comes from git or, when not committed, from the stage cache via the
 * base's mlpipeline.lock, and a gate whose baseline cannot be found is skipped with the reason or
 * failed with `on_missing_baseline: fail`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';
import { logisticRegressionOnnx } from '../core/onnx-builder.js';

const pipeline = (gates: string, extra = '') => `version: 1
name: scorer
model:
  name: scorer
  path: model.onnx
  task: binary-classification
  label: y
  features: [x1, x2]
data:
  test: { path: test.csv }
evaluation:
  data: test
  baseline: { stage: production }
  latency: { samples: 2 }
  importance: { enabled: false }
gates:
${gates}
${extra}environments:
  staging: { require_gates: false }
  production: { after: staging, require_gates: false }
`;

const TEST_CSV = 'x1,x2,y\n0.1,0.5,0\n0.2,0.1,0\n0.3,0.9,0\n0.7,0.2,1\n0.8,0.8,1\n0.9,0.4,1\n';
const GOOD = logisticRegressionOnnx({ weights: [4, 0], bias: -2 });
const BAD = logisticRegressionOnnx({ weights: [-4, 0], bias: 2 });

let dir: string;
const env = { ...process.env, GIT_COMMITTER_NAME: 'Rel Manager', GIT_COMMITTER_EMAIL: 'rm@example.com', GITHUB_ACTOR: '', GITHUB_BASE_REF: '' };

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: dir, stdio: 'ignore', env });
}

async function cli(args: string[]) {
  const io = bufferIo();
  const code = await runCli(args, { io, cwd: dir, env });
  return { code, out: io.stdout, err: io.stderr };
}

function setup(yaml: string, opts: { commitModel: boolean }): void {
  dir = mkdtempSync(join(tmpdir(), 'mlp-baselines-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Rel Manager');
  git('config', 'user.email', 'rm@example.com');
  writeFileSync(join(dir, 'mlpipeline.yaml'), yaml);
  writeFileSync(join(dir, 'test.csv'), TEST_CSV);
  writeFileSync(join(dir, '.gitignore'), `.mlpipeline/\n${opts.commitModel ? '' : 'model.onnx\n'}`);
  writeFileSync(join(dir, 'model.onnx'), GOOD);
  git('add', '-A');
  git('commit', '-q', '-m', 'good model');
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('every baseline a gate names is evaluated', () => {
  beforeEach(() =>
    setup(
      pipeline(`  - { metric: roc_auc, vs: production, max_drop: 0.01 }
  - { metric: roc_auc, vs: staging, max_drop: 0.01 }
  - { metric: roc_auc, vs: base, max_drop: 0.01 }`),
      { commitModel: true },
    ),
  );

  it('vs: staging and vs: base are evaluated although evaluation.baseline names production', async () => {
    expect((await cli(['register', 'scorer', '--version', 'v1.0.0'])).code).toBe(0);
    expect((await cli(['promote', 'scorer@v1.0.0', '--to', 'staging'])).code).toBe(0);
    git('checkout', '-q', '-b', 'feature');
    writeFileSync(join(dir, 'model.onnx'), BAD);

    const ev = await cli(['evaluate', '--json']);
    expect(ev.code).toBe(0);
    const doc = JSON.parse(ev.out);
    expect(doc.baselines.map((b: { name: string }) => b.name)).toEqual(['staging', 'base']);
    expect(doc.baselines[0]).toMatchObject({ source: { kind: 'stage', stage: 'staging', version: 'v1.0.0' }, metrics: { roc_auc: 1 } });
    expect(doc.baselines[1]).toMatchObject({ source: { kind: 'ref', ref: 'main', path: 'model.onnx' }, metrics: { roc_auc: 1 } });
    expect(doc.baselines_missing).toEqual([expect.objectContaining({ name: 'production', reason: 'no version of scorer is in production yet' })]);

    const gate = await cli(['gate', '--json']);
    expect(gate.code).toBe(1);
    const v = JSON.parse(gate.out);
    expect(v.gates.map((g: { vs: string; status: string }) => [g.vs, g.status])).toEqual([
      ['production', 'skipped'],
      ['staging', 'failed'],
      ['base', 'failed'],
    ]);
    expect(v.gates[1].reason).toBe('roc_auc regressed by 1 (100%) vs staging (1 → 0, higher is better), more than the allowed regression 0.01');
  });
});

describe('a baseline whose model cannot be found', () => {
  it('is skipped with which baseline and why (the base branch has no committed model and no cache entry)', async () => {
    setup(pipeline('  - { metric: roc_auc, vs: base, max_drop: 0.01 }'), { commitModel: false });
    const ev = await cli(['evaluate', '--json']);
    expect(ev.code).toBe(0);
    const doc = JSON.parse(ev.out);
    const missing = doc.baselines_missing.find((m: { name: string }) => m.name === 'base');
    expect(missing.reason).toMatch(/^model\.onnx does not exist at main \([0-9a-f]{12}\): the base branch has no committed model\.onnx, and no committed mlpipeline\.lock records its hash/);
    const gate = await cli(['gate', '--json']);
    expect(gate.code).toBe(0);
    const v = JSON.parse(gate.out);
    expect(v.gates[0]).toMatchObject({ vs: 'base', status: 'skipped' });
    expect(v.gates[0].reason).toContain('skipped: no base baseline yet (model.onnx does not exist at main');
  });

  it('fails with on_missing_baseline: fail (gates_defaults), exit 1, the reason in the verdict', async () => {
    setup(pipeline('  - { metric: roc_auc, vs: base, max_drop: 0.01 }', 'gates_defaults: { on_missing_baseline: fail }\n'), { commitModel: false });
    expect((await cli(['evaluate'])).code).toBe(0);
    const gate = await cli(['gate', '--json']);
    expect(gate.code).toBe(1);
    const v = JSON.parse(gate.out);
    expect(v.gates[0]).toMatchObject({ vs: 'base', status: 'failed' });
    expect(v.gates[0].reason).toMatch(/^no base baseline to compare with \(model\.onnx does not exist at main .*\); on_missing_baseline: fail$/);
  });

  it('the base model is found in the stage cache by the hash the base branch committed in mlpipeline.lock', async () => {
    setup(pipeline('  - { metric: roc_auc, vs: base, max_drop: 0.01 }'), { commitModel: false });
    const sha = createHash('sha256').update(GOOD).digest('hex');
    writeFileSync(
      join(dir, 'mlpipeline.lock'),
      `schema: mlpipeline/lock@1\nstages:\n  train:\n    cmd: node train.mjs\n    fingerprint: "0"\n    deps: {}\n    params: {}\n    outs:\n      model.onnx: ${sha}\n`,
    );
    git('add', 'mlpipeline.lock');
    git('commit', '-q', '-m', 'lock');
    mkdirSync(join(dir, '.mlpipeline', 'cache', 'objects', sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, '.mlpipeline', 'cache', 'objects', sha.slice(0, 2), sha.slice(2)), GOOD);
    git('checkout', '-q', '-b', 'feature');
    writeFileSync(join(dir, 'model.onnx'), BAD);
    const doc = JSON.parse((await cli(['evaluate', '--json'])).out);
    expect(doc.baselines_missing).toEqual([expect.objectContaining({ name: 'production' })]);
    expect(doc.baselines[0]).toMatchObject({ name: 'base', metrics: { roc_auc: 1 } });
    expect(doc.baselines[0].model.path).toMatch(/^model\.onnx@main \(stage cache, sha256 [0-9a-f]{12}\)$/);
    expect((await cli(['gate'])).code).toBe(1);
  });

  it('on_missing_baseline is validated by the schema', async () => {
    setup(pipeline('  - { metric: roc_auc, vs: base, max_drop: 0.01, on_missing_baseline: maybe }'), { commitModel: true });
    const r = await cli(['validate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/mlpipeline\.yaml:\d+:\d+: .*on_missing_baseline/);
  });
});
