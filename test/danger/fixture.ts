/**
 * Throw-away pull requests for the danger plugin's tests (not a test file itself): a real Git
 * repository with a `main` commit and a feature-branch commit on top, danger's changed-file lists
 * as danger computes them (`git diff --name-status main...HEAD`), and danger's globals stubbed the
 * way danger plugins are tested (`globalThis.danger`, `warn`, `fail`, `message`, `markdown`).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const GIT_ENV: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GITHUB_') || k.startsWith('GIT_') || k.startsWith('DANGER_')) delete env[k];
  return { ...env, GIT_AUTHOR_NAME: 'Alice Example', GIT_AUTHOR_EMAIL: 'alice@example.com', GIT_COMMITTER_NAME: 'Alice Example', GIT_COMMITTER_EMAIL: 'alice@example.com' };
})();

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export const PIPELINE = `version: 1
name: churn
model:
  path: model/model.onnx
  task: binary-classification
  label: churned
data:
  train:
    path: data/train.csv
params: [params.yaml]
stages:
  train:
    cmd: python train.py
    deps: [data/train.csv, train.py]
    params: [train.lr]
    outs: [model/model.onnx]
gates:
  - metric: roc_auc
    min: 0.8
  - metric: f1
    vs: production
    max_drop: 0.02
report:
  model_card:
    intended_use: Rank customers by churn risk for retention offers.
    limitations:
      - Trained on 2024 EU customers only.
`;

export const BASE_FILES: Record<string, string> = {
  'mlpipeline.yaml': PIPELINE,
  'params.yaml': 'train:\n  lr: 0.1\n',
  'data/train.csv': 'tenure,churned\n1,0\n2,1\n',
  'train.py': 'print("train")\n',
  'README.md': '# churn\n',
  '.gitignore': '.mlpipeline/\n',
  CODEOWNERS: '* @org/everyone\n/mlpipeline.yaml @org/ml-leads @alice\n',
};

export interface Pr {
  dir: string;
  git(...args: string[]): string;
  write(path: string, content: string | Buffer): void;
  read(path: string): string;
  /** danger's `danger.git` for the branch against `main`. */
  dangerGit(): { created_files: string[]; modified_files: string[]; deleted_files: string[]; base: string; head: string };
  cleanup(): void;
}

/** A repository whose `main` holds `base`, checked out on branch `feature` with `head` committed on top (null deletes). */
export function makePr(head: Record<string, string | Buffer | null>, base: Record<string, string> = BASE_FILES): Pr {
  const dir = mkdtempSync(join(tmpdir(), 'mlp-danger-'));
  const pr: Pr = {
    dir,
    git: (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] }),
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    dangerGit() {
      const out = { created_files: [] as string[], modified_files: [] as string[], deleted_files: [] as string[], base: 'main', head: 'HEAD' };
      for (const line of pr.git('diff', '--name-status', '--no-renames', 'main...HEAD').split('\n').filter(Boolean)) {
        const [status, path] = line.split('\t') as [string, string];
        (status === 'A' ? out.created_files : status === 'D' ? out.deleted_files : out.modified_files).push(path);
      }
      return out;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  pr.git('init', '-q', '-b', 'main');
  for (const [p, c] of Object.entries(base)) pr.write(p, c);
  pr.git('add', '-A');
  pr.git('commit', '-q', '-m', 'base');
  pr.git('checkout', '-q', '-b', 'feature');
  for (const [p, c] of Object.entries(head)) {
    if (c === null) pr.git('rm', '-q', p);
    else pr.write(p, c);
  }
  pr.git('add', '-A');
  pr.git('commit', '-q', '--allow-empty', '-m', 'change');
  return pr;
}

/** A run record (`mlpipeline/run@2`) of the pipeline as it is in the PR's work tree, with real content hashes. */
export function runRecordOf(pr: Pr, overrides: { lr?: number; commit?: string | null; deps?: Record<string, string> } = {}) {
  return {
    schema: 'mlpipeline/run@2',
    pipeline: { name: 'churn', path: 'mlpipeline.yaml', sha256: sha256(readFileSync(join(pr.dir, 'mlpipeline.yaml'))) },
    status: 'succeeded',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:03.000Z',
    git: { commit: overrides.commit === undefined ? pr.git('rev-parse', 'HEAD').trim() : overrides.commit, dirty: false },
    ok: true,
    stages: [
      {
        name: 'train',
        status: 'ran',
        fingerprint: 'f'.repeat(64),
        duration_ms: 1200,
        cmd: 'python train.py',
        deps: overrides.deps ?? { 'data/train.csv': sha256(readFileSync(join(pr.dir, 'data/train.csv'))), 'train.py': sha256(readFileSync(join(pr.dir, 'train.py'))) },
        params: { 'train.lr': overrides.lr ?? 0.1 },
        outs: {},
        metrics: {},
      },
    ],
    metrics: {},
  };
}

export interface Said {
  fails: string[];
  warnings: string[];
  messages: string[];
  markdowns: string[];
  /** Every call with its file and line, in order. */
  calls: { kind: string; text: string; file?: string; line?: number }[];
}

/** Install danger's globals on globalThis for one test; `restore` removes them. */
export function stubDanger(git: ReturnType<Pr['dangerGit']>): { said: Said; restore(): void } {
  const said: Said = { fails: [], warnings: [], messages: [], markdowns: [], calls: [] };
  const g = globalThis as Record<string, unknown>;
  const record = (kind: 'fails' | 'warnings' | 'messages' | 'markdowns') => (text: string, file?: string, line?: number) => {
    said[kind].push(text);
    said.calls.push({ kind, text, ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) });
  };
  g.danger = { git };
  g.fail = record('fails');
  g.warn = record('warnings');
  g.message = record('messages');
  g.markdown = record('markdowns');
  return {
    said,
    restore() {
      for (const k of ['danger', 'fail', 'warn', 'message', 'markdown']) delete g[k];
    },
  };
}
