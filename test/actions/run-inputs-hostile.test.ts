/**
 * actions/run's inputs, hostile or mistaken, through the COMMITTED bundle as a runner runs it:
 * an artifact-name of dots (the results folder is emptied before the documents are written:
 * `..` would be RUNNER_TEMP's parent), a working-directory or pipeline-file that leaves the
 * workspace, a base-ref that is no branch (a refspec pattern, a leading `-`, a newline), a
 * cache input the composite's `inputs.cache == 'true'` conditions would read otherwise.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/package-root.js';
import { runAction, type ActionResult } from '../github/run-action.js';

const root = packageRoot();
const ACTION = join(root, 'actions', 'run', 'action.yml');
const SCRIPT = join(root, 'actions', 'run', 'dist', 'index.js');

const PIPELINE = `version: 1
name: tiny
stages:
  make:
    cmd: node -e "require('fs').writeFileSync('out.txt', 'x')"
    outs: [out.txt]
`;

let base: string;
let ws: string;
let temp: string;
let canary: string;
let outside: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Dana', GIT_AUTHOR_EMAIL: 'd@example.com', GIT_COMMITTER_NAME: 'Dana', GIT_COMMITTER_EMAIL: 'd@example.com' } });
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'mlp-run-hostile-'));
  const origin = join(base, 'origin.git');
  const seed = join(base, 'seed');
  mkdirSync(seed);
  git(base, 'init', '-q', '--bare', origin);
  git(seed, 'init', '-q', '-b', 'main');
  writeFileSync(join(seed, 'mlpipeline.yaml'), PIPELINE);
  writeFileSync(join(seed, '.gitignore'), '.mlpipeline/\nout.txt\n');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'tiny');
  git(seed, 'remote', 'add', 'origin', origin);
  git(seed, 'push', '-q', 'origin', 'main');
  ws = join(base, 'runner', 'work', 'repo');
  mkdirSync(join(base, 'runner', 'work'), { recursive: true });
  git(base, 'clone', '-q', origin, ws);
  temp = join(base, 'runner', 'temp');
  mkdirSync(temp, { recursive: true });
  // What lives beside RUNNER_TEMP on a runner (_work/_actions, the workspace ...).
  canary = join(base, 'runner', 'canary.txt');
  writeFileSync(canary, 'must survive');
  outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'mlpipeline.yaml'), PIPELINE);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

async function run(phase: 'plan' | 'run', inputs: Record<string, string>): Promise<ActionResult> {
  return runAction({
    action: ACTION,
    script: SCRIPT,
    event: { name: 'push', payload: {} },
    repository: 'acme/tiny',
    inputs,
    env: { MLPIPELINE_RUN_PHASE: phase, GITHUB_WORKSPACE: ws, RUNNER_TEMP: temp, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    timeoutMs: 120_000,
  });
}

describe('actions/run: hostile inputs', () => {
  it('a plain run works here (so the refusals below are the inputs, not the setup)', async () => {
    const r = await run('run', { 'base-ref': '' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(existsSync(join(temp, 'mlpipeline-results', 'report.json'))).toBe(true);
  }, 120_000);

  for (const name of ['..', '.', '...']) {
    it(`artifact-name '${name}' is refused before any folder is emptied`, async () => {
      writeFileSync(join(temp, 'planted.txt'), 'runner temp');
      const r = await run('run', { 'base-ref': '', 'artifact-name': name });
      expect(r.exitCode).toBe(1);
      expect(r.stdout + r.stderr).toContain('artifact-name');
      expect(readFileSync(canary, 'utf8')).toBe('must survive');
      expect(existsSync(join(temp, 'planted.txt'))).toBe(true);
      expect(existsSync(join(ws, 'mlpipeline.yaml'))).toBe(true);
    }, 120_000);
  }

  for (const [label, inputs] of [
    ['working-directory ../../outside', { 'working-directory': '../../../outside' }],
    ['working-directory absolute, outside', { 'working-directory': '/tmp' }],
    ['pipeline-file ../outside', { 'pipeline-file': '../../../outside/mlpipeline.yaml' }],
  ] as const) {
    it(`${label}: refused, nothing outside the workspace is read or run`, async () => {
      const r = await run('run', { 'base-ref': '', ...inputs });
      expect(r.exitCode).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/inside the workspace/);
      expect(existsSync(join(outside, 'out.txt'))).toBe(false);
      expect(existsSync(join(outside, '.mlpipeline'))).toBe(false);
    }, 120_000);
  }

  for (const ref of ['*', '--upload-pack=touch pwned', 'main\nother', 'a..b', 'main:refs/heads/x']) {
    it(`base-ref ${JSON.stringify(ref)}: refused as no branch name, nothing fetched`, async () => {
      const before = git(ws, 'for-each-ref', '--format=%(refname)');
      const r = await run('plan', { 'base-ref': ref });
      expect(r.exitCode).toBe(1);
      expect(r.stdout + r.stderr).toContain('is not a branch name');
      expect(git(ws, 'for-each-ref', '--format=%(refname)')).toBe(before);
      expect(existsSync(join(ws, 'pwned'))).toBe(false);
    }, 120_000);
  }

  it("the stages (the pull request's code) do not inherit the action's inputs, the token among them", async () => {
    writeFileSync(
      join(ws, 'leak.yaml'),
      `version: 1\nname: leak\nstages:\n  look:\n    cmd: node -e "require('fs').writeFileSync('seen.json', JSON.stringify(Object.keys(process.env).filter((k) => /^INPUT_/i.test(k))))"\n    outs: [seen.json]\n`,
    );
    const r = await run('run', { 'base-ref': '', 'pipeline-file': 'leak.yaml', 'github-token': 'ghs_not_for_stages', cache: 'false' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.env['INPUT_GITHUB-TOKEN']).toBe('ghs_not_for_stages');
    expect(JSON.parse(readFileSync(join(ws, 'seen.json'), 'utf8'))).toEqual([]);
  }, 120_000);

  it('base-ref main is fetched (the check lets real branches through)', async () => {
    const r = await run('plan', { 'base-ref': 'main' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(git(ws, 'rev-parse', '--verify', '-q', 'refs/remotes/origin/main').trim()).toMatch(/^[0-9a-f]{40}$/);
    // The base tree's temporary worktree (for the base cache key) is gone, registration and folder.
    expect(r.outputs['base-cache-key']).toMatch(/^mlpipeline-stages-v1-/);
    expect(git(ws, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(readdirSync(temp).filter((n) => n.startsWith('mlpipeline-base-'))).toEqual([]);
  }, 120_000);
});
