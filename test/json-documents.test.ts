/**
 * Every JSON document the CLI prints has a JSON Schema in pipeline-schema/, listed by
 * `mlpipeline schema --list`: each command below runs for real (a copy of examples/churn in a
 * throw-away Git repository, as the demo plays it) and its output is validated with Ajv.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { validateDocument } from '../pipeline-schema/documents.js';
import { LocalGitHub, sha } from './github/local-github.js';
import { runAction } from './github/run-action.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const example = join(root, 'examples', 'churn');
let work: string;
let repo: string;

// Not a CI run: no GitHub actor or pull request; the repository has its own committer identity.
const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTOR: '', GITHUB_REF: '' };

async function mlp(args: string[], cwd = repo): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await runCli(args, { io, cwd, env });
  return { code, out: io.stdout, err: io.stderr };
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, stdio: 'pipe' });

/** Kinds whose documents the commands below print; compared with `schema --list` at the end. */
const covered = new Set<string>();

/** Run a command, check its exit code, parse its stdout and validate it against `kind`. */
async function expectDocument(kind: string, args: string[], codes: number[] = [0], cwd = repo): Promise<Record<string, unknown>> {
  const r = await mlp(args, cwd);
  expect(codes, `${args.join(' ')} exited ${r.code}: ${r.err}`).toContain(r.code);
  const doc = JSON.parse(r.out) as Record<string, unknown>;
  expect(validateDocument(kind, doc), `${args.join(' ')} against ${kind}.schema.json`).toEqual([]);
  covered.add(kind);
  return doc;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlp-json-'));
  repo = join(work, 'churn');
  cpSync(example, repo, {
    recursive: true,
    filter: (src) => !/[/\\](data|model|metrics|\.mlpipeline)([/\\]|$)/.test(src.slice(example.length)),
  });
  mkdirSync(join(repo, 'node_modules'));
  symlinkSync(root, join(repo, 'node_modules', 'mlpipeline'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (!entry.startsWith('.')) symlinkSync(join(root, 'node_modules', entry), join(repo, 'node_modules', entry));
  }
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n.mlpipeline/\n');
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Dana Scientist');
  git('config', 'user.email', 'dana@example.com');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('every --json document validates against its schema', () => {
  it('validate (a valid and an invalid pipeline)', async () => {
    const ok = await expectDocument('pipeline-check', ['validate', '--json']);
    expect(ok).toMatchObject({ ok: true, file: 'mlpipeline.yaml', pipeline: 'churn' });
    const bad = join(work, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'mlpipeline.yaml'), 'version: 1\nname: x\nstages:\n  a: {cmd: make, deps: [../../x.csv]}\n');
    const failed = await expectDocument('pipeline-check', ['validate', '--json'], [2], bad);
    expect(failed).toMatchObject({ ok: false, problems: [{ file: 'mlpipeline.yaml', line: 4 }] });
  });

  it('run, run --dry-run and status', async () => {
    const run = await expectDocument('run-summary', ['run', '--json']);
    expect(run).toMatchObject({ ok: true, run_file: '.mlpipeline/run.json' });
    git('add', '-A');
    git('commit', '-q', '-m', 'Train the first churn model');
    const plan = await expectDocument('run-plan', ['run', '--dry-run', '--json']);
    expect((plan.stages as { action: string }[]).every((s) => s.action === 'skip')).toBe(true);
    const status = await expectDocument('status', ['status', '--json']);
    expect(status.up_to_date).toBe(true);
  });

  it('params diff and metrics diff', async () => {
    const params = await expectDocument('diff', ['params', 'diff', 'HEAD', '--all', '--json']);
    expect((params.rows as unknown[]).length).toBeGreaterThan(0);
    await expectDocument('diff', ['metrics', 'diff', 'HEAD', '--all', '--json']);
  });

  it('validate-data, profile and infer-schema', async () => {
    await expectDocument('validation', ['validate-data', '--json'], [0, 1]);
    await expectDocument('profile', ['profile', '--data', 'data/raw.csv', '--json']);
    await expectDocument('infer-schema', ['infer-schema', 'data/raw.csv', '--json']);
  });

  it('evaluate and gate', async () => {
    await expectDocument('evaluation', ['evaluate', '--json']);
    const verdict = await expectDocument('verdict', ['gate', '--json'], [0, 1]);
    expect(verdict.schema).toBe('mlpipeline/verdict@1');
  });

  it('report (and the report.json it writes)', async () => {
    const written = await expectDocument('report-files', ['report', '--json']);
    expect(written).toEqual({
      files: {
        'comment.md': '.mlpipeline/report/comment.md',
        'summary.md': '.mlpipeline/report/summary.md',
        'model-card.md': '.mlpipeline/report/model-card.md',
        'model-card.json': '.mlpipeline/report/model-card.json',
        'bom.cdx.json': '.mlpipeline/report/bom.cdx.json',
        'report.json': '.mlpipeline/report/report.json',
      },
    });
    const data = JSON.parse(readFileSync(join(repo, '.mlpipeline', 'report', 'report.json'), 'utf8')) as unknown;
    expect(validateDocument('report', data), 'report.json against report.schema.json').toEqual([]);
    covered.add('report');
  });

  it('the report action re-renders, from report.json alone, the comment mlpipeline report wrote (byte for byte)', async () => {
    const local = readFileSync(join(repo, '.mlpipeline', 'report', 'comment.md'), 'utf8');
    expect(local).toContain('### Model card');
    // The results directory as `run` uploads it: the JSON documents only, no Markdown.
    const results = join(work, 'results');
    mkdirSync(results);
    writeFileSync(join(results, 'report.json'), readFileSync(join(repo, '.mlpipeline', 'report', 'report.json')));
    const gh = await LocalGitHub.start();
    try {
      const head = sha('example head');
      const pull = gh.addPull({ headSha: head });
      const r = await runAction({
        action: 'actions/report/action.yml',
        inputs: { results },
        event: { name: 'pull_request', payload: { action: 'synchronize', number: pull, pull_request: { number: pull, head: { sha: head } } } },
        sha: sha(`merge ${head}`),
        ref: `refs/pull/${pull}/merge`,
        token: gh.token,
        apiUrl: gh.apiUrl,
        serverUrl: gh.serverUrl,
        env: { MLPIPELINE_GITHUB_RETRY_BASE_MS: '1', MLPIPELINE_GITHUB_WRITE_SPACING_MS: '0' },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const posted = [...gh.repo('acme/churn').comments.values()].filter((c) => c.issueNumber === pull).map((c) => String(c.comment.body));
      expect(posted).toEqual([local]);
      expect(gh.takeViolations()).toEqual([]);
    } finally {
      await gh.close();
    }
  });

  it('register, promote (dry run and for real, with --deploy), deploy, registry, history, lineage, verify, provenance', async () => {
    const registered = await expectDocument('registry-action', ['register', 'churn', '--version', 'v1.0.0', '--json']);
    expect(registered).toMatchObject({ action: 'register', tag: 'churn@v1.0.0', decision: 'allowed', written: true });
    const dry = await expectDocument('registry-action', ['promote', 'churn@v1.0.0', '--to', 'staging', '--dry-run', '--deploy', '--json']);
    expect(dry).toMatchObject({ dry_run: true, written: false, deploy: { status: 'dry-run', commit: null, manifest: 'deploy/staging.yaml' } });
    const promoted = await expectDocument('registry-action', ['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy', '--json']);
    expect(promoted).toMatchObject({ action: 'assign', environment: 'staging', written: true, deploy: { status: 'committed', branch: 'main', uri: 's3://acme-models/churn/v1.0.0/model.onnx' } });
    const deployed = await expectDocument('deploy', ['deploy', 'churn', '--env', 'staging', '--json']);
    expect(deployed).toMatchObject({ schema: 'mlpipeline/deploy@1', status: 'unchanged', commit: null });
    // A refused promotion (production needs 24h in staging) is still a registry-action document.
    const refused = await expectDocument('registry-action', ['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice', '--json'], [1]);
    expect(refused).toMatchObject({ decision: 'refused', written: false, dry_run: false, refused: { ok: false } });
    const listing = await expectDocument('registry', ['registry', '--json']);
    expect(listing.models).toMatchObject([{ name: 'churn', latest: 'v1.0.0', environments: { staging: { version: 'v1.0.0' } } }]);
    const history = await expectDocument('history', ['history', 'churn', '--json']);
    expect((history.events as { action: string }[]).map((e) => e.action)).toEqual(['register', 'assign']);
    const lineage = await expectDocument('lineage-report', ['lineage', 'churn#staging', '--json']);
    expect(lineage).toMatchObject({ model: 'churn', version: 'v1.0.0', environment: 'staging' });
    const verified = await expectDocument('verify', ['verify', 'churn@v1.0.0', '--json']);
    expect(verified.ok).toBe(true);
    await expectDocument('provenance', ['provenance', 'churn@v1.0.0']);
    // Its output is JSON already: --json is accepted as a no-op.
    await expectDocument('provenance', ['provenance', 'churn@v1.0.0', '--json']);
  });

  it('init github (the copy carries the example\'s workflows: unchanged; --private --force: replaced)', async () => {
    const same = await expectDocument('init-github', ['init', 'github', '--json']);
    expect(same).toMatchObject({ variant: 'fork-safe', pipeline: { name: 'churn', file: 'mlpipeline.yaml' }, check_run: 'mlpipeline / churn' });
    expect(same.files).toEqual([
      { path: '.github/workflows/mlpipeline-churn.yml', status: 'unchanged' },
      { path: '.github/workflows/mlpipeline-churn-report.yml', status: 'unchanged' },
      { path: '.github/workflows/mlpipeline-churn-promote.yml', status: 'unchanged' },
      { path: '.github/workflows/mlpipeline-churn-monitor.yml', status: 'unchanged' },
    ]);
    const replaced = await expectDocument('init-github', ['init', 'github', '--private', '--force', '--json']);
    expect(replaced).toMatchObject({
      variant: 'private',
      files: [
        { path: '.github/workflows/mlpipeline-churn.yml', status: 'replaced' },
        // Its header names the variant that generated it (`init github --private`).
        { path: '.github/workflows/mlpipeline-churn-promote.yml', status: 'replaced' },
        { path: '.github/workflows/mlpipeline-churn-monitor.yml', status: 'replaced' },
      ],
    });
  });

  it('monitor (the example\'s live batch against the training data of churn v1.0.0 in staging)', async () => {
    mkdirSync(join(repo, 'data', 'live'), { recursive: true });
    cpSync(join(example, 'data', 'live'), join(repo, 'data', 'live'), { recursive: true });
    const doc = await expectDocument('monitor', ['monitor', '--environment', 'staging', '--json'], [0, 1]);
    expect(doc).toMatchObject({ model: 'churn', environment: 'staging', reference: { kind: 'registry', path: 'data/train.csv', version: 'v1.0.0', read_from: 'git' } });
  });

  it('a failure under --json: an error document on stdout, the message on stderr', async () => {
    const r = await mlp(['lineage', 'nosuch@v9.9.9', '--json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: /);
    await expectDocument('error', ['lineage', 'nosuch@v9.9.9', '--json'], [2]);
    await expectDocument('error', ['validate-data', '--data', 'no-such.csv', '--json'], [2]);
  });

  it('covers every result kind `mlpipeline schema --list` names, and nothing unlisted', async () => {
    const listed = (await mlp(['schema', '--list'])).out.trim().split('\n');
    // mlpipeline: the pipeline file itself; run: the run record the engine writes (.mlpipeline/run.json);
    // lineage: the record inside every registry tag. stages.test.ts and the registry tests validate those.
    // outs: the manifest of an --export-outs folder (outs-transfer.test.ts); compile: compile.test.ts.
    const notPrinted = ['mlpipeline', 'run', 'lineage', 'outs', 'compile'];
    expect([...covered].sort()).toEqual(listed.filter((k) => !notPrinted.includes(k)).sort());
  });
});
