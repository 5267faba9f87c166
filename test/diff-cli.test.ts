/**
 * `mlpipeline params diff` / `metrics diff` end to end through runCli, in throw-away git
 * repositories: two commits, workspace edits, a pipeline in a subfolder, bad refs and bad files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlp-diff-'));
  dirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function commit(root: string, files: Record<string, string>, message: string): void {
  write(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
}

async function cli(cwd: string, ...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, { io, cwd, env: {} });
  return { code, out: io.stdout, err: io.stderr };
}

const PIPELINE = `version: 1
name: demo
stages:
  prep:
    cmd: echo prep
    params: [prep.k, conf/prep.yaml#window]
    outs: [data.csv]
  train:
    cmd: echo train
    deps: [data.csv]
    params: [train.lr]
    metrics: [metrics/train.json]
  sweep:
    cmd: echo sweep
    matrix:
      depth: [2, 3]
    metrics:
      - metrics/sweep-\${matrix.depth}.json
`;

const PARAMS_1 = `prep:
  k: 5
train:
  lr: 0.1
  epochs: 10
  optimizer: adam
  layers:
    - units: 64
    - units: 32
`;
const PARAMS_2 = `prep:
  k: 5
train:
  lr: 0.2
  optimizer: sgd
  layers:
    - units: 64
    - units: 16
  batch: 32
`;

/** A repo whose pipeline lives in `prefix` (empty for the root), with two commits. */
function twoCommits(prefix = ''): string {
  const root = repo();
  const p = (f: string) => (prefix ? `${prefix}/${f}` : f);
  commit(
    root,
    {
      [p('mlpipeline.yaml')]: PIPELINE,
      [p('params.yaml')]: PARAMS_1,
      [p('conf/prep.yaml')]: 'window: 7\n',
      [p('metrics/train.json')]: JSON.stringify({ accuracy: 0.8, loss: 0.5, rows: 1000, model: { kind: 'lr' } }),
      [p('metrics/sweep-2.json')]: JSON.stringify({ accuracy: 0.7 }),
    },
    'first',
  );
  commit(
    root,
    {
      [p('params.yaml')]: PARAMS_2,
      [p('conf/prep.yaml')]: 'window: 14\n',
      [p('metrics/train.json')]: JSON.stringify({ accuracy: 0.85, loss: 0.4, rows: 1000, model: { kind: 'gbt' }, auc: 0.9 }),
      [p('metrics/sweep-3.json')]: JSON.stringify({ accuracy: 0.75 }),
    },
    'second',
  );
  return root;
}

describe('params diff', () => {
  it('compares two commits: nested keys, arrays by index, added/removed keys, strings, numeric change', async () => {
    const root = twoCommits();
    const r = await cli(root, 'params', 'diff', 'HEAD~1', 'HEAD', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      kind: 'params',
      a: 'HEAD~1',
      b: 'HEAD',
      rows: [
        { file: 'params.yaml', key: 'train.lr', a: 0.1, b: 0.2, change: 0.1, pct: 100, status: 'changed' },
        { file: 'params.yaml', key: 'train.optimizer', a: 'adam', b: 'sgd', change: null, pct: null, status: 'changed' },
        { file: 'params.yaml', key: 'train.layers.1.units', a: 32, b: 16, change: -16, pct: -50, status: 'changed' },
        { file: 'params.yaml', key: 'train.batch', a: null, b: 32, change: null, pct: null, status: 'added' },
        { file: 'params.yaml', key: 'train.epochs', a: 10, b: null, change: null, pct: null, status: 'removed' },
        { file: 'conf/prep.yaml', key: 'window', a: 7, b: 14, change: 7, pct: 100, status: 'changed' },
      ],
    });
  });

  it('prints a table by default, HEAD against the workspace, with - for missing values', async () => {
    const root = twoCommits();
    write(root, { 'params.yaml': PARAMS_2.replace('lr: 0.2', 'lr: 0.05') });
    const r = await cli(root, 'params', 'diff');
    expect(r.code).toBe(0);
    expect(r.out).toBe('Path         Key       HEAD  workspace  Change\nparams.yaml  train.lr  0.2   0.05       -0.15 (-75%)\n');
  });

  it('says there are no changes when the workspace matches HEAD, and shows every key with --all', async () => {
    const root = twoCommits();
    expect((await cli(root, 'params', 'diff')).out).toBe('No params changes between HEAD and workspace.\n');
    const all = await cli(root, 'params', 'diff', '--all', '--json');
    const rows = JSON.parse(all.out).rows;
    expect(rows.map((x: { key: string }) => x.key)).toEqual([
      'prep.k', 'train.lr', 'train.optimizer', 'train.layers.0.units', 'train.layers.1.units', 'train.batch', 'window',
    ]);
    expect(rows[0]).toEqual({ file: 'params.yaml', key: 'prep.k', a: 5, b: 5, change: 0, pct: 0, status: 'unchanged' });
  });

  it('works for a pipeline in a subfolder, from that folder and from the repo root with --file', async () => {
    const root = twoCommits('ml/churn');
    const fromSub = await cli(join(root, 'ml', 'churn'), 'params', 'diff', 'HEAD~1', 'HEAD', '--json');
    expect(fromSub.err).toBe('');
    expect(JSON.parse(fromSub.out).rows[0]).toMatchObject({ file: 'params.yaml', key: 'train.lr', a: 0.1, b: 0.2 });
    const fromRoot = await cli(root, 'params', 'diff', 'main~1', 'main', '-f', 'ml/churn/mlpipeline.yaml', '--json');
    expect(JSON.parse(fromRoot.out).rows.map((x: { file: string }) => x.file)).toContain('ml/churn/conf/prep.yaml');
  });

  it('compares two workspace-free refs by tag and by sha', async () => {
    const root = twoCommits();
    git(root, 'tag', 'v1', 'HEAD~1');
    const sha = git(root, 'rev-parse', 'HEAD').trim();
    const r = await cli(root, 'params', 'diff', 'v1', sha, '--json');
    expect(JSON.parse(r.out)).toMatchObject({ a: 'v1', b: sha });
    expect(JSON.parse(r.out).rows).toHaveLength(6);
  });

  it('fails with exit 2 and a fix for an unknown ref', async () => {
    const root = twoCommits();
    const r = await cli(root, 'params', 'diff', 'no-such-branch');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      "mlpipeline: unknown git ref 'no-such-branch'\n  fix: name a branch, tag or commit that exists here (git fetch it first if it lives on a remote)\n",
    );
  });

  it('fails with exit 2 outside a git repository unless both sides are the workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-nogit-'));
    dirs.push(dir);
    write(dir, { 'mlpipeline.yaml': PIPELINE, 'params.yaml': PARAMS_1 });
    const r = await cli(dir, 'params', 'diff');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: not inside a git repository: .*\n  fix: run this inside a git work tree/);
    const ws = await cli(dir, 'params', 'diff', 'workspace', 'workspace', '--json');
    expect(ws.code).toBe(0);
    expect(JSON.parse(ws.out).rows).toEqual([]);
  });

  it('names the file, line and column of an unparsable params file in the workspace', async () => {
    const root = twoCommits();
    write(root, { 'params.yaml': 'train:\n  lr: 0.1\n  lr: 0.2\n' });
    const r = await cli(root, 'params', 'diff');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'mlpipeline: params.yaml:3:3: cannot parse params file as YAML: Map keys must be unique\n  fix: fix the YAML syntax at that position\n',
    );
  });

  it('names the ref, path in the repo, line and column of an unparsable file at a ref', async () => {
    const root = twoCommits('sub');
    commit(root, { 'sub/conf/prep.yaml': 'window: [7\n' }, 'broken');
    const r = await cli(join(root, 'sub'), 'params', 'diff', 'HEAD', 'HEAD~1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: HEAD:sub\/conf\/prep\.yaml:2:1: cannot parse params file as YAML: /);
  });

  it('uses exit 2 for a missing pipeline file', async () => {
    const root = repo();
    const r = await cli(root, 'params', 'diff');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no pipeline file at/);
  });
});

describe('metrics diff', () => {
  it('reads every stage metrics file (matrix instances too) at both refs', async () => {
    const root = twoCommits();
    const r = await cli(root, 'metrics', 'diff', 'HEAD~1', 'HEAD', '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).rows).toEqual([
      { file: 'metrics/train.json', key: 'accuracy', a: 0.8, b: 0.85, change: 0.05, pct: 6.25, status: 'changed' },
      { file: 'metrics/train.json', key: 'loss', a: 0.5, b: 0.4, change: -0.1, pct: -20, status: 'changed' },
      { file: 'metrics/train.json', key: 'model.kind', a: 'lr', b: 'gbt', change: null, pct: null, status: 'changed' },
      { file: 'metrics/train.json', key: 'auc', a: null, b: 0.9, change: null, pct: null, status: 'added' },
      { file: 'metrics/sweep-3.json', key: 'accuracy', a: null, b: 0.75, change: null, pct: null, status: 'added' },
    ]);
  });

  it('includes files only the older pipeline named, and extra --target files', async () => {
    const root = twoCommits();
    commit(root, { 'extra.yaml': 'x: 1\n' }, 'extra');
    // Renamed in the workspace only: HEAD's pipeline still names metrics/train.json.
    git(root, 'rm', '-q', 'metrics/train.json');
    write(root, { 'mlpipeline.yaml': PIPELINE.replace('metrics/train.json', 'metrics/fit.json'), 'metrics/fit.json': '{"accuracy": 0.9}', 'extra.yaml': 'x: 2\n' });
    const r = await cli(root, 'metrics', 'diff', '--target', 'extra.yaml', '--json');
    const rows = JSON.parse(r.out).rows as { file: string; key: string; status: string }[];
    expect(rows.filter((x) => x.file === 'metrics/train.json').map((x) => [x.key, x.status])).toEqual([
      ['accuracy', 'removed'], ['loss', 'removed'], ['rows', 'removed'], ['model.kind', 'removed'], ['auc', 'removed'],
    ]);
    expect(rows.find((x) => x.file === 'metrics/fit.json')).toMatchObject({ key: 'accuracy', a: null, b: 0.9, status: 'added' });
    expect(rows.find((x) => x.file === 'extra.yaml')).toMatchObject({ key: 'x', a: 1, b: 2, change: 1 });
  });

  it('renders Markdown with hostile keys and values escaped', async () => {
    const root = repo();
    commit(root, { 'mlpipeline.yaml': PIPELINE, 'params.yaml': PARAMS_1, 'metrics/train.json': JSON.stringify({ '<img src=x>': 1, '@admin': 'a' }) }, 'first');
    write(root, { 'metrics/train.json': JSON.stringify({ '<img src=x>': 2, '@admin': '![x](http://evil/x.png)' }) });
    const r = await cli(root, 'metrics', 'diff', '--md');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        '| Path | Key | HEAD | workspace | Change |',
        '| --- | --- | ---: | ---: | ---: |',
        '| metrics/train\\.json | &lt;img src\\=x&gt; | 1 | 2 | \\+1 \\(\\+100\\%\\) |',
        '| metrics/train\\.json | @&#8203;admin | a | \\!\\[x\\]\\(http&#58;//evil/x\\.png\\) | \\- |',
        '',
      ].join('\n'),
    );
  });

  it('names an unparsable JSON metrics file with line and column', async () => {
    const root = twoCommits();
    write(root, { 'metrics/train.json': '{\n  "accuracy": 0.9,\n}\n' });
    const r = await cli(root, 'metrics', 'diff');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'mlpipeline: metrics/train.json:3:1: cannot parse metrics file as JSON: unexpected character "}"\n  fix: fix the JSON syntax at that position\n',
    );
  });
});

describe('paths outside the repository', () => {
  it('refuses to read a --target outside the repository at a ref, with exit 2', async () => {
    const root = twoCommits('inner');
    const r = await cli(join(root, 'inner'), 'params', 'diff', '--target', '../../outside.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `mlpipeline: ../../outside.yaml: the file is outside the git repository ${realpathSync(root)}, so it has no version at HEAD\n  fix: compare only files inside the repository\n`,
    );
  });
});

describe('pipeline files at an older ref', () => {
  it('ignores odd shapes and paths leaving the folder in an unvalidated older pipeline', async () => {
    const root = repo();
    commit(
      root,
      {
        'mlpipeline.yaml': 'version: 1\nname: x\nparams: "params.yaml"\nstages:\n  s:\n    cmd: x\n    metrics: [../../etc/passwd, /etc/hosts, m.json]\n    params: 7\n',
        'params.yaml': 'a: 1\n',
        'm.json': '{"v": 1}',
      },
      'old',
    );
    write(root, { 'mlpipeline.yaml': PIPELINE, 'm.json': '{"v": 2}' });
    const r = await cli(root, 'metrics', 'diff', '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).rows).toEqual([{ file: 'm.json', key: 'v', a: 1, b: 2, change: 1, pct: 100, status: 'changed' }]);
    // params: "params.yaml" (a string, not a list) contributes nothing, so only the default file is read.
    const p = await cli(root, 'params', 'diff', '--all', '--json');
    expect(JSON.parse(p.out).rows).toEqual([{ file: 'params.yaml', key: 'a', a: 1, b: 1, change: 0, pct: 0, status: 'unchanged' }]);
  });
});
