/**
 * A bundled action run exactly as a runner runs it (test/github/run-action.ts) against the
 * local GitHub: the fixture under fixtures/echo-action/ is bundled with esbuild, as the real
 * actions are, and then started with `node` and the runner's environment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitHub, faults } from './local-github.js';
import { inputVariable, parseCommands, parseOutputs, runAction } from './run-action.js';

const fixture = fileURLToPath(new URL('./fixtures/echo-action/', import.meta.url));
let gh: LocalGitHub;
let dir: string;
let script: string;

beforeAll(async () => {
  gh = await LocalGitHub.start();
  dir = mkdtempSync(join(tmpdir(), 'mlpipeline-echo-'));
  script = join(dir, 'index.mjs');
  // The way an action is bundled: one ESM file for node, its dependencies inside; `require` for
  // the CommonJS ones (bottleneck) comes from createRequire.
  await build({
    entryPoints: [join(fixture, 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    logLevel: 'error',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
});
afterAll(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  expect(gh.takeViolations()).toEqual([]);
  gh.requests.length = 0;
});

function echo(inputs: Record<string, string>, pull: number, extra: { token?: string } = {}) {
  return runAction({
    action: join(fixture, 'action.yml'),
    script,
    inputs,
    event: { name: 'pull_request', payload: { action: 'synchronize', number: pull, pull_request: { number: pull } } },
    sha: 'c0ffee0000000000000000000000000000000000',
    token: extra.token ?? gh.token,
    apiUrl: gh.apiUrl,
    serverUrl: gh.serverUrl,
  });
}

describe('run-action: a bundled action as the runner runs it', () => {
  it('passes inputs with the defaults of action.yml, reads outputs and the summary, and calls the local GitHub', async () => {
    const pull = gh.addPull();
    const first = await echo({ message: 'hello' }, pull);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    // Defaults from action.yml, named as the runner names them; ${{ github.token }} evaluated.
    expect(first.env).toMatchObject({ INPUT_MESSAGE: 'hello', INPUT_GREETING_STYLE: 'plain', 'INPUT_GITHUB-TOKEN': gh.token });
    expect(first.outputs).toEqual({ 'comment-id': expect.stringMatching(/^\d+$/), 'comment-action': 'created', lines: 'hello\nsha c0ffee0000000000000000000000000000000000' });
    expect(first.summary).toBe('<h2>Echo</h2>\nhello\n');
    expect(first.stdout).toContain(`created comment ${first.outputs['comment-id']} on #${pull}`);
    expect(gh.requests.map((r) => `${r.method} ${r.operationId} ${r.status}`)).toEqual([
      'GET users/get-authenticated 403',
      'GET issues/list-comments 200',
      'POST issues/create-comment 201',
    ]);

    // The next push updates the same comment.
    const second = await echo({ message: 'again', 'greeting style': 'shout' }, pull);
    expect(second.exitCode).toBe(0);
    expect(second.outputs).toMatchObject({ 'comment-id': first.outputs['comment-id'], 'comment-action': 'updated' });
    const comments = [...gh.repo('acme/churn').comments.values()].filter((c) => c.issueNumber === pull);
    expect(comments.map((c) => c.comment.body)).toEqual(['<!-- mlpipeline-report pipeline=echo -->\necho: AGAIN']);
  });

  it('a 502 is retried inside the bundle: one comment', async () => {
    const pull = gh.addPull();
    gh.failNext('issues/create-comment', faults.badGateway());
    const result = await echo({ message: 'through a 502' }, pull);
    expect(result.exitCode).toBe(0);
    expect(gh.requestsFor('issues/create-comment').map((r) => r.status)).toEqual([502, 201]);
    expect([...gh.repo('acme/churn').comments.values()].filter((c) => c.issueNumber === pull)).toHaveLength(1);
  });

  it('a 403 fails the step with the message and the fix, no stack trace', async () => {
    const pull = gh.addPull();
    gh.failNext('issues/create-comment', faults.notAccessible());
    const result = await echo({ message: 'x' }, pull);
    expect(result.exitCode).toBe(1);
    const errors = result.commands.filter((c) => c.command === 'error');
    expect(errors.map((c) => c.message)).toEqual([
      'GitHub refused to post the pull request comment (403 Resource not accessible by integration): the token cannot write pull requests\n' +
        '  fix: add `permissions: pull-requests: write` to the job, or use the fork-safe setup: on a pull request from a fork GITHUB_TOKEN is read-only whatever the workflow asks, so post from a `workflow_run` job (docs/security.md, "Fork-safe CI")',
    ]);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });

  it('a required input left out fails the step, naming the input', async () => {
    const result = await echo({}, gh.addPull());
    expect(result.exitCode).toBe(1);
    expect(result.commands.find((c) => c.command === 'error')?.message).toContain('Input required and not supplied: message');
    expect(gh.requests).toEqual([]);
  });

  it('an empty token fails before any request, saying where the token goes', async () => {
    const result = await echo({ message: 'x', 'github-token': '' }, gh.addPull());
    expect(result.exitCode).toBe(1);
    expect(result.commands.find((c) => c.command === 'error')?.message).toContain('no GitHub token');
    expect(gh.requests).toEqual([]);
  });

  it('refuses an input action.yml does not declare', async () => {
    await expect(echo({ mesage: 'typo' }, 1)).rejects.toThrow('no input mesage');
  });
});

describe('run-action: the runner formats', () => {
  it('names inputs as the runner does', () => {
    expect(inputVariable('github-token')).toBe('INPUT_GITHUB-TOKEN');
    expect(inputVariable('greeting style')).toBe('INPUT_GREETING_STYLE');
  });

  it('reads GITHUB_OUTPUT heredocs and name=value lines', () => {
    expect(parseOutputs('a<<ghadelimiter_1\nx\ny\nghadelimiter_1\nb=2\n')).toEqual({ a: 'x\ny', b: '2' });
    expect(() => parseOutputs('a<<EOF\nx\n')).toThrow('no closing EOF');
  });

  it('reads workflow commands with escaped data and properties', () => {
    expect(parseCommands('plain\n::error file=a%3Ab.csv,line=3::bad%0Arow\n::warning::w')).toEqual([
      { command: 'error', properties: { file: 'a:b.csv', line: '3' }, message: 'bad\nrow' },
      { command: 'warning', properties: {}, message: 'w' },
    ]);
  });
});
