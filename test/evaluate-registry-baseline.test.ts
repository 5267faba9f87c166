/**
 * `baseline: {stage: production}` end to end: the production model is found through the Git-tag
 * registry, evaluated on the same rows, and `vs: production` gates compare against it; before
 * anything is in production those gates are skipped with the reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';
import { logisticRegressionOnnx } from '../core/onnx-builder.js';

const PIPELINE = `version: 1
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
  latency: { samples: 5 }
  importance: { enabled: false }
gates:
  - { metric: roc_auc, vs: production, max_drop: 0.01 }
environments:
  production: { require_gates: false }
`;

// Rows where x1 ranks the positives perfectly and x2 is noise: a model weighting x1 has AUC 1,
// the same model with the sign flipped has AUC 0.
const TEST_CSV = 'x1,x2,y\n0.1,0.5,0\n0.2,0.1,0\n0.3,0.9,0\n0.7,0.2,1\n0.8,0.8,1\n0.9,0.4,1\n';

let dir: string;
const env = { ...process.env, GIT_COMMITTER_NAME: 'Rel Manager', GIT_COMMITTER_EMAIL: 'rm@example.com', GITHUB_ACTOR: '' };

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: dir, stdio: 'ignore', env });
}

async function cli(args: string[]) {
  const io = bufferIo();
  const code = await runCli(args, { io, cwd: dir, env });
  return { code, out: io.stdout, err: io.stderr };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-stage-baseline-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Rel Manager');
  git('config', 'user.email', 'rm@example.com');
  writeFileSync(join(dir, 'mlpipeline.yaml'), PIPELINE);
  writeFileSync(join(dir, 'test.csv'), TEST_CSV);
  writeFileSync(join(dir, '.gitignore'), '.mlpipeline/\n');
  writeFileSync(join(dir, 'model.onnx'), logisticRegressionOnnx({ weights: [4, 0], bias: -2 }));
  git('add', '-A');
  git('commit', '-q', '-m', 'good model');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluation baseline from a registry stage', () => {
  it('skips vs-production gates, with the reason, while nothing is in production', async () => {
    const ev = await cli(['evaluate', '--json']);
    expect(ev.code).toBe(0);
    const doc = JSON.parse(ev.out);
    expect(doc.baseline).toBeNull();
    expect(doc.baselines_missing[0].reason).toBe('no version of scorer is in production yet');

    const gate = await cli(['gate', '--json']);
    expect(gate.code).toBe(0);
    const verdict = JSON.parse(gate.out);
    expect(verdict.gates[0].status).toBe('skipped');
    expect(verdict.gates[0].reason).toContain('no version of scorer is in production yet');
  });

  it('evaluates the production model on the same rows and fails a regression against it', async () => {
    expect((await cli(['register', 'scorer', '--version', 'v1.0.0'])).code).toBe(0);
    expect((await cli(['promote', 'scorer@v1.0.0', '--to', 'production'])).code).toBe(0);

    // The candidate flips the sign of the useful feature: AUC 1 → 0 on these rows.
    writeFileSync(join(dir, 'model.onnx'), logisticRegressionOnnx({ weights: [-4, 0], bias: 2 }));
    const ev = await cli(['evaluate', '--json']);
    expect(ev.code).toBe(0);
    const doc = JSON.parse(ev.out);
    expect(doc.metrics.roc_auc).toBe(0);
    expect(doc.baseline.source).toMatchObject({ kind: 'stage', stage: 'production', version: 'v1.0.0' });
    expect(doc.baseline.metrics.roc_auc).toBe(1);

    const gate = await cli(['gate', '--json']);
    expect(gate.code).toBe(1);
    const verdict = JSON.parse(gate.out);
    expect(verdict.gates[0]).toMatchObject({ status: 'failed', value: 0, baseline: 1, delta: -1 });
    expect(JSON.parse(readFileSync(join(dir, '.mlpipeline', 'verdict.json'), 'utf8')).passed).toBe(false);
  });
});
