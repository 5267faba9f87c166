/** Throw-away Git repositories for the registry tests (not a test file itself). */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';
import { loadPipelineFile } from '../pipeline-schema/load.js';
import { bindEvaluationConfig } from '../runners/evaluate/evaluation-config.js';

/** Published SHA-256 test vectors (FIPS 180-2 examples and the classic "message digest"). */
export const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
export const SHA256_MESSAGE_DIGEST = 'f7846f55cf23e14eebeab5b4e1550cad5b509e3348fbc4efa3a1413d393cb650';

export const ENVIRONMENTS_YAML = `environments:
  staging: {}
  production:
    after: staging
    allowed: [alice, "@acme/ml-leads"]
    min_soak: 1h
`;

export function pipelineYaml(environments = ENVIRONMENTS_YAML, model = 'churn'): string {
  return `version: 1
name: churn-pipeline
model:
  name: ${model}
  path: model.onnx
  task: binary-classification
  label: churned
data:
  train:
    path: data/train.csv
evaluation:
  data: train
gates:
  - metric: f1
    min: 0.7
${environments}`;
}

export const PASSED_VERDICT = { passed: true, gates: [{ metric: 'f1', slice: null, kind: 'min', threshold: 0.7, value: 0.81, baseline: null, delta: null, status: 'passed', reason: 'f1 0.81 >= 0.7' }] };
export const FAILED_VERDICT = { passed: false, gates: [{ metric: 'roc_auc', slice: null, kind: 'min', threshold: 0.9, value: 0.62, baseline: null, delta: null, status: 'failed', reason: 'roc_auc 0.62 < 0.9' }] };

/** A run record of `pipelineFile` (its sha256 is that of the file's text), as `mlpipeline run` writes it. */
export function runRecord(commit: string | null, pipelineText: string = pipelineYaml(), pipelineFile = 'mlpipeline.yaml') {
  return {
    schema: 'mlpipeline/run@1',
    pipeline: { path: pipelineFile, sha256: createHash('sha256').update(pipelineText).digest('hex') },
    status: 'success',
    started_at: '2024-05-01T10:00:00.000Z',
    finished_at: '2024-05-01T10:01:00.000Z',
    git: { commit, dirty: false },
    ok: true,
    stages: [
      {
        name: 'train',
        status: 'ran',
        fingerprint: 'fp-train-1',
        duration_ms: 1000,
        cmd: 'node train.js',
        deps: { 'data/train.csv': 'md5:whatever', 'train.js': 'md5:other' },
        params: { 'train.lr': 0.1, 'train.epochs': 5 },
        outs: { 'model.onnx': 'md5:model' },
        metrics: { 'metrics.json': { f1: 0.81 } },
      },
    ],
    metrics: { 'metrics.json': { f1: 0.81, roc_auc: 0.9 } },
  };
}

export interface Repo {
  dir: string;
  git(...args: string[]): string;
  write(path: string, text: string): void;
  commit(message: string): string;
  cli(args: string[], env?: NodeJS.ProcessEnv, clock?: { now?: () => number; sleep?: (ms: number) => Promise<unknown> }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Evaluate (a stand-in document for the current model.onnx, f1 0.81) and run the real `mlpipeline gate`. */
  gate(f1?: number): Promise<void>;
  /** Write a run record of the committed pipeline at HEAD. */
  ran(): void;
}

export const BASE_ENV: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GITHUB_') || k.startsWith('GIT_') || k === 'MLPIPELINE_ACTOR_TEAMS') delete env[k];
  return { ...env, GIT_COMMITTER_NAME: 'Alice Example', GIT_COMMITTER_EMAIL: 'alice@example.com' };
})();

export function tempDir(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), 'mlp-registry-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function openRepo(dir: string): Repo {
  const repo: Repo = {
    dir,
    git: (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'] }),
    write(path, text) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
    commit(message) {
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', message);
      return repo.git('rev-parse', 'HEAD').trim();
    },
    async cli(args, env = {}, clock = {}) {
      const io = bufferIo();
      const code = await runCli(args, { io, cwd: dir, env: { ...BASE_ENV, ...env }, ...clock });
      return { code, stdout: io.stdout, stderr: io.stderr };
    },
    async gate(f1 = 0.81) {
      repo.write('.mlpipeline/evaluation.json', JSON.stringify(await evaluationDocAt(dir, f1)));
      const r = await repo.cli(['gate']);
      if (r.code > 1) throw new Error(`gate failed: ${r.stderr}`);
    },
    ran() {
      const head = repo.git('rev-parse', 'HEAD').trim();
      repo.write('.mlpipeline/run.json', JSON.stringify(runRecord(head, readFileSync(join(dir, 'mlpipeline.yaml'), 'utf8'))));
    },
  };
  return repo;
}

/**
 * A repository with the churn pipeline committed: model.onnx = "abc", data/train.csv =
 * "message digest", a passed verdict and a run record in the (ignored) .mlpipeline folder.
 */
export function makeRepo(dir: string, opts: { environments?: string; modelCommitted?: boolean } = {}): Repo {
  mkdirSync(dir, { recursive: true });
  const repo = openRepo(dir);
  repo.git('init', '-q', '-b', 'main');
  repo.git('config', 'user.name', 'Alice Example');
  repo.git('config', 'user.email', 'alice@example.com');
  repo.write('mlpipeline.yaml', pipelineYaml(opts.environments));
  repo.write('.gitignore', `.mlpipeline/\n${opts.modelCommitted === false ? 'model.onnx\n' : ''}`);
  repo.write('model.onnx', 'abc');
  repo.write('data/train.csv', 'message digest');
  repo.write('train.js', '// trains\n');
  repo.commit('initial pipeline');
  repo.ran();
  return repo;
}

/**
 * The evaluation document `mlpipeline evaluate` would write for `model` (only what `gate` reads):
 * the sha256 of the model and data bytes and the evaluation config of the pipeline in `dir`, as
 * they are now.
 */
export async function evaluationDocAt(dir: string, f1: number, file = 'mlpipeline.yaml') {
  const model = readFileSync(join(dir, 'model.onnx'));
  const data = readFileSync(join(dir, 'data/train.csv'));
  const loaded = await loadPipelineFile(join(dir, file));
  const config = await bindEvaluationConfig(loaded.pipeline, loaded.dir, (abs) => Promise.resolve(existsSync(abs) ? createHash('sha256').update(readFileSync(abs)).digest('hex') : undefined));
  return {
    schema: 'mlpipeline/evaluation@1',
    task: 'binary-classification',
    rows: 3,
    label: 'churned',
    data: { path: 'data/train.csv', sha256: createHash('sha256').update(data).digest('hex'), size_bytes: data.length },
    config,
    model: { path: 'model.onnx', sha256: createHash('sha256').update(model).digest('hex'), size_bytes: model.length },
    metrics: { f1, roc_auc: 0.9 },
  };
}

/** makeRepo, then gate the committed model so the verdict is bound to it. */
export async function makeGatedRepo(dir: string, opts: { environments?: string; modelCommitted?: boolean } = {}): Promise<Repo> {
  const repo = makeRepo(dir, opts);
  await repo.gate();
  return repo;
}

/** Tag message of `tag` (git's own reading, independent of our parser). */
export function tagMessage(repo: Repo, tag: string): string {
  return repo.git('for-each-ref', '--format=%(contents)', `refs/tags/${tag}`);
}

export function lineageOf(repo: Repo, tag: string): Record<string, any> {
  const msg = tagMessage(repo, tag);
  const m = /```mlpipeline-lineage\n([\s\S]*?)\n```/.exec(msg);
  if (!m) throw new Error(`no lineage block in ${tag}:\n${msg}`);
  return JSON.parse(m[1]!);
}

/** A clock `ms` ahead of the real one (what a promotion `ms` later would see). */
export const later = (ms: number) => ({ now: () => Date.now() + ms });

export function unixAgo(ms: number): string {
  return `@${Math.floor((Date.now() - ms) / 1000)} +0000`;
}

/**
 * A bare repository as the remote, seeded from a repository with the churn pipeline in which
 * each of `versions` is committed, pushed and registered with --push.
 */
export async function seedRemote(root: string, environments: string, versions: string[]): Promise<{ bare: string; seed: Repo }> {
  const bare = join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: BASE_ENV });
  const seed = await makeGatedRepo(join(root, 'seed'), { environments });
  seed.git('remote', 'add', 'origin', bare);
  seed.git('push', '-q', 'origin', 'main');
  for (const v of versions) {
    seed.write('model.onnx', v);
    seed.commit(v);
    seed.ran();
    await seed.gate();
    seed.git('push', '-q', 'origin', 'main');
    const r = await seed.cli(['register', 'churn', '--version', v, '--push']);
    if (r.code !== 0) throw new Error(`seeding ${v} failed: ${r.stderr}`);
  }
  return { bare, seed };
}

/** A clone of `bare` at `dir`. */
export function cloneRepo(bare: string, dir: string): Repo {
  execFileSync('git', ['clone', '-q', bare, dir], { env: BASE_ENV });
  return openRepo(dir);
}
