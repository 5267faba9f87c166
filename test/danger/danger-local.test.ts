/**
 * The plugin under the real danger CLI: `danger local --dangerfile dangerfile.ts --base main` in
 * a throw-away repository with real commits, the dangerfile importing `mlpipeline/danger` through
 * the package's `exports` (a node_modules link to this checkout's built dist/, as an install
 * would resolve it). danger local needs no PR metadata; a preloaded guard makes any network
 * connection fail loudly, so the test also proves the run never reaches GitHub.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_ENV, makePr, PIPELINE, type Pr } from './fixture.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DANGER = join(ROOT, 'node_modules', 'danger', 'distribution', 'commands', 'danger.js');

const DANGERFILE = `import { mlpipeline } from 'mlpipeline/danger';

schedule(
  mlpipeline({
    freshResults: true,
    gateChanges: true,
    largeFiles: true,
    modelCard: true,
  }),
);
`;

/** Preloaded into danger: any outgoing connection is recorded on stderr and refused. */
const NO_NETWORK = `const net = require('node:net');
const refuse = (what) => function () { process.stderr.write('NETWORK ATTEMPT: ' + what + '\\n'); throw new Error('network disabled in this test'); };
net.Socket.prototype.connect = refuse('net.Socket.connect');
net.connect = net.createConnection = refuse('net.connect');
`;

interface DangerJson {
  fails: { message: string; file?: string; line?: number }[];
  warnings: { message: string; file?: string; line?: number }[];
  messages: { message: string }[];
  markdowns: { message: string }[];
}

describe('danger local with the plugin on a real repository', () => {
  let tmp: string;
  let pr: Pr;
  let result: ReturnType<typeof spawnSync>;
  let out: DangerJson;

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'danger', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    tmp = mkdtempSync(join(tmpdir(), 'mlp-danger-local-'));
    // The dangerfile and node_modules beside the repository, as `import 'mlpipeline/danger'` resolves in a user's project.
    mkdirSync(join(tmp, 'node_modules'));
    symlinkSync(ROOT, join(tmp, 'node_modules', 'mlpipeline'), 'dir');
    writeFileSync(join(tmp, 'dangerfile.ts'), DANGERFILE);
    writeFileSync(join(tmp, 'no-network.cjs'), NO_NETWORK);
    pr = makePr({
      'mlpipeline.yaml': PIPELINE.replace('min: 0.8', 'min: 0.6'),
      'data/train.csv': 'tenure,churned\n1,0\n2,1\n3,1\n',
      'model/model.onnx': Buffer.alloc(2048),
    });
    const env: NodeJS.ProcessEnv = { ...GIT_ENV, NODE_OPTIONS: `--require ${join(tmp, 'no-network.cjs')}`, NO_UPDATE_NOTIFIER: '1' };
    for (const k of Object.keys(env)) if (/^(CI|GITHUB_|DANGER_|BUILDKITE|TRAVIS|CIRCLE|GITLAB)/.test(k)) delete env[k];
    result = spawnSync(process.execPath, [DANGER, 'local', '--dangerfile', join(tmp, 'dangerfile.ts'), '--base', 'main', '--outputJSON'], { cwd: pr.dir, env, encoding: 'utf8', timeout: 50_000 });
    const stdout = String(result.stdout);
    const start = stdout.indexOf('{');
    out = JSON.parse(start >= 0 ? stdout.slice(start) : 'null') as DangerJson;
  });
  afterAll(() => {
    pr?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the dangerfile without touching the network', () => {
    expect(String(result.stderr)).not.toContain('NETWORK ATTEMPT');
    expect(out, `stdout:\n${String(result.stdout)}\nstderr:\n${String(result.stderr)}`).not.toBeNull();
  });

  it('fails the PR that changes training data without fresh results', () => {
    expect(out.fails.map((f) => f.message)).toEqual([expect.stringContaining('This PR changes data, pipeline (`data/train.csv`, `mlpipeline.yaml`) but carries no fresh mlpipeline results: there is no `run.json` in `.mlpipeline`')]);
  });

  it('warns on the loosened gate at its line, asking the base branch owners, and on the committed model with its size', () => {
    expect(out.warnings).toEqual([
      {
        message: 'Gate `roc_auc` (higher is better) is loosened in `mlpipeline.yaml`: `min` `0.8` → `0.6`. Ask `@org/ml-leads` or `@alice` (owners of `mlpipeline.yaml` in `CODEOWNERS:2` on `main`) to approve this change.',
        file: 'mlpipeline.yaml',
        line: 18,
      },
      { message: expect.stringMatching(/^`model\/model\.onnx` is a model binary committed to Git: 2\.0 KiB\./) },
    ]);
    // The model card is filled in: that rule is on and silent.
    expect(out.messages).toEqual([]);
  });
});
