/**
 * actions/run, run as a runner runs it: the COMMITTED bundle (actions/run/dist/index.js) in its
 * two phases (`plan`, `run`), with INPUT_* from action.yml's defaults, a pull_request event, a
 * workspace that is a fresh clone of a bare `origin` (as actions/checkout leaves it) and the
 * model NOT committed, as in CI. The composite's `actions/cache` steps are played by
 * `restoreAsTheActionDoes` below, from the keys the plan phase outputs; the entries are the
 * `.mlpipeline/cache` folders earlier runs left (the main branch's run saved first).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bufferIo } from '../../cli/context.js';
import { runCli } from '../../cli/main.js';
import { packageRoot } from '../../core/package-root.js';
import { validateDocument } from '../../pipeline-schema/documents.js';
import { createGitHubClient, createRelease, uploadReleaseAsset } from '../../actions/github/index.js';
import { PINNED_ACTIONS } from '../../runners/workflow/pinned-actions.js';
import { LocalGitHub } from '../github/local-github.js';
import { runAction, type ActionResult } from '../github/run-action.js';

const root = packageRoot();
const ACTION = join(root, 'actions', 'run', 'action.yml');
const SCRIPT = join(root, 'actions', 'run', 'dist', 'index.js');
const example = join(root, 'examples', 'churn');
const RESULT_KINDS: Record<string, string> = { 'report.json': 'report', 'run.json': 'run', 'validation.json': 'validation', 'evaluation.json': 'evaluation', 'verdict.json': 'verdict' };

let work: string;
let origin: string;
let modelBytes: Buffer;
let mainKey: string;
let clones = 0;
/** The stage cache entries saved so far, oldest first: key -> a copy of `.mlpipeline/cache`. */
const cacheEntries = new Map<string, string>();

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Dana', GIT_AUTHOR_EMAIL: 'dana@example.com', GIT_COMMITTER_NAME: 'Dana', GIT_COMMITTER_EMAIL: 'dana@example.com' } });
}

/** The example's scripts import mlpipeline/onnx, yaml and onnxruntime-node, as a user's project with mlpipeline installed. */
function linkModules(dir: string): void {
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'mlpipeline'), 'dir');
  for (const dep of ['yaml', 'onnxruntime-node', 'onnxruntime-common']) symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
}

async function cli(cwd: string, ...argv: string[]): Promise<string> {
  const io = bufferIo();
  const code = await runCli(argv, { io, cwd, env: { ...process.env, GITHUB_ACTOR: '' } });
  if (code !== 0) throw new Error(`mlpipeline ${argv.join(' ')} exited ${code}: ${io.stderr}`);
  return io.stdout;
}

/** The example with a `vs: base` gate, and a production environment one promotion can reach. */
function pipelineText(): string {
  let text = readFileSync(join(example, 'mlpipeline.yaml'), 'utf8');
  text = text.slice(0, text.indexOf('\nenvironments:\n')) + '\nenvironments:\n  production:\n    require_gates: true\n';
  return text.replace('  - name: no regression vs production\n', '  - name: no regression vs base\n    metric: roc_auc\n    vs: base\n    max_drop: 0.02\n  - name: no regression vs production\n');
}

/** A fresh clone of origin at `branch`, as actions/checkout leaves the workspace (no model, no cache). */
function checkout(branch: string): string {
  const dir = join(work, `ci-${clones++}`);
  git(work, 'clone', '-q', '--branch', branch, origin, dir);
  linkModules(dir);
  return dir;
}

/** A branch off main with `change` applied, pushed to origin. */
function pushBranch(name: string, change: (dir: string) => void): string {
  const dir = join(work, 'seed');
  git(dir, 'checkout', '-q', '-B', name, 'main');
  change(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `PR ${name}`);
  git(dir, 'push', '-q', 'origin', name);
  const head = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'checkout', '-q', 'main');
  return head;
}

function prEvent(branch: string, head: string) {
  return { name: 'pull_request', payload: { action: 'synchronize', number: 7, pull_request: { number: 7, base: { ref: 'main' }, head: { ref: branch, sha: head } } } };
}

interface PhaseOptions {
  event: { name: string; payload: Record<string, unknown> };
  gh?: LocalGitHub;
  repository?: string;
}

async function phase(dir: string, name: 'plan' | 'run', opts: PhaseOptions): Promise<ActionResult & { temp: string }> {
  const temp = join(dir, '..', `${dir.split('/').pop()}-temp`);
  mkdirSync(temp, { recursive: true });
  const result = await runAction({
    action: ACTION,
    script: SCRIPT,
    event: opts.event,
    repository: opts.repository ?? 'acme/churn',
    ...(opts.gh ? { apiUrl: opts.gh.apiUrl, serverUrl: opts.gh.serverUrl, token: opts.gh.token } : {}),
    env: { MLPIPELINE_RUN_PHASE: name, GITHUB_WORKSPACE: dir, RUNNER_TEMP: temp, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    timeoutMs: 240_000,
  });
  return { ...result, temp };
}

/**
 * action.yml's two restore steps: the exact key, else the newest entry with the prefix; then the
 * base branch's own entry on top when it is another one. Returns whether the exact key hit.
 */
function restoreAsTheActionDoes(plan: Record<string, string>): { hit: boolean; restored: string[] } {
  const path = plan['cache-path']!;
  const restored: string[] = [];
  const take = (key: string) => {
    cpSync(cacheEntries.get(key)!, path, { recursive: true });
    restored.push(key);
  };
  const hit = cacheEntries.has(plan['cache-key']!);
  const first = hit ? plan['cache-key']! : [...cacheEntries.keys()].reverse().find((k) => k.startsWith(plan['cache-restore-prefix']!));
  if (first) take(first);
  const base = plan['base-cache-key'];
  if (base && base !== first && cacheEntries.has(base)) take(base);
  return { hit, restored };
}

/** action.yml's save step: skipped on an exact hit and when a stage failed. */
function saveAsTheActionDoes(plan: Record<string, string>, run: ActionResult, hit: boolean): void {
  if (hit || run.outputs['stages-ok'] !== 'true') return;
  const copy = join(work, 'cache-entries', String(cacheEntries.size));
  cpSync(plan['cache-path']!, copy, { recursive: true });
  cacheEntries.set(plan['cache-key']!, copy);
}

function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
}

function gate(verdict: Record<string, any>, name: string): Record<string, any> {
  const found = (verdict.gates as Record<string, any>[]).find((g) => g.name === name);
  if (!found) throw new Error(`no gate ${name} in the verdict`);
  return found;
}

function stageStatuses(results: string): Record<string, string> {
  return Object.fromEntries((readJson(join(results, 'run.json')).stages as { name: string; status: string }[]).map((s) => [s.name, s.status]));
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'core', 'onnx-builder.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does it for you)');
  work = mkdtempSync(join(tmpdir(), 'mlp-run-action-'));
  origin = join(work, 'origin.git');
  const seed = join(work, 'seed');
  mkdirSync(seed);
  for (const entry of ['params.yaml', 'src']) cpSync(join(example, entry), join(seed, entry), { recursive: true });
  writeFileSync(join(seed, 'mlpipeline.yaml'), pipelineText());
  // Models are not committed (as in CI): they live in the stage cache and in Release assets.
  writeFileSync(join(seed, '.gitignore'), 'node_modules/\n.mlpipeline/\nmodel/\n');
  linkModules(seed);
  git(work, 'init', '-q', '--bare', origin);
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'remote', 'add', 'origin', origin);
  // The data scientist's laptop: run, evaluate, gate, commit (lock, data, metrics), register, promote.
  await cli(seed, 'run');
  await cli(seed, 'evaluate');
  await cli(seed, 'gate');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'Train the churn model');
  git(seed, 'push', '-q', 'origin', 'main');
  await cli(seed, 'register', 'churn', '--version', 'v1.0.0');
  await cli(seed, 'promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice');
  git(seed, 'push', '-q', 'origin', '--tags');
  modelBytes = readFileSync(join(seed, 'model', 'model.onnx'));

  // CI on the push to main: its run saves the stage cache entry pull requests restore.
  const main = checkout('main');
  const push = { name: 'push', payload: { ref: 'refs/heads/main' } };
  const plan = await phase(main, 'plan', { event: push });
  expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
  const { hit } = restoreAsTheActionDoes(plan.outputs);
  const run = await phase(main, 'run', { event: push });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  saveAsTheActionDoes(plan.outputs, run, hit);
  mainKey = plan.outputs['cache-key']!;
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('actions/run on a pull request', () => {
  it('a PR that changes nothing trains nothing; vs: base and vs: production are evaluated with no model committed; results are JSON documents only', async () => {
    const head = pushBranch('docs', (dir) => writeFileSync(join(dir, 'NOTES.md'), '# notes\n'));
    const dir = checkout('docs');
    expect(git(dir, 'ls-files', 'model')).toBe('');
    const plan = await phase(dir, 'plan', { event: prEvent('docs', head) });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    // Same stage inputs as main: the base's own entry, by exact key.
    expect(plan.outputs['cache-key']).toBe(mainKey);
    expect(plan.outputs['base-cache-key']).toBe(mainKey);
    expect(git(dir, 'rev-parse', 'origin/main').trim()).toBe(git(join(work, 'seed'), 'rev-parse', 'main').trim());
    expect(restoreAsTheActionDoes(plan.outputs).hit).toBe(true);

    const run = await phase(dir, 'run', { event: prEvent('docs', head) });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(['passed', 'warnings']).toContain(run.outputs.verdict);
    const results = run.outputs.results!;
    expect(results).toBe(join(run.temp, 'mlpipeline-results'));
    // Only schema-valid JSON documents, report.json among them.
    const files = readdirSync(results).sort();
    expect(files).toContain('report.json');
    for (const f of files) {
      expect(Object.keys(RESULT_KINDS)).toContain(f);
      expect(validateDocument(RESULT_KINDS[f]!, readJson(join(results, f))), f).toEqual([]);
    }
    // Nothing trained: every stage restored from the cache or up to date.
    const statuses = stageStatuses(results);
    expect(Object.values(statuses).length).toBeGreaterThan(0);
    expect(Object.values(statuses).filter((s) => s !== 'restored' && s !== 'skipped')).toEqual([]);
    // The baselines are real: base from the base's lock + cache, production from its registry record.
    const verdict = readJson(join(results, 'verdict.json'));
    expect(gate(verdict, 'no regression vs base')).toMatchObject({ status: 'passed', baseline: expect.any(Number) });
    expect(gate(verdict, 'no regression vs production')).toMatchObject({ status: 'passed', baseline: expect.any(Number) });
    const evaluation = readJson(join(results, 'evaluation.json'));
    const production = (evaluation.baselines as Record<string, any>[]).find((b) => b.name === 'production');
    expect(production?.source).toMatchObject({ kind: 'stage', version: 'v1.0.0' });
    expect(production?.model.sha256).toBe(createHash('sha256').update(modelBytes).digest('hex'));
    // Outputs and the job summary.
    const comment = run.outputs['comment-path']!;
    expect(comment.startsWith(results + '/')).toBe(false);
    expect(readFileSync(comment, 'utf8')).toContain('churn');
    expect(run.summary).toContain('churn');
    expect(run.summary).toContain('no regression vs base');
    expect(readJson(join(results, 'report.json')).verdict.status).toBe(run.outputs.verdict);
  }, 120_000);

  it('a PR that changes a param retrains what depends on it and compares with the base model restored from the base entry', async () => {
    const head = pushBranch('l2', (dir) => {
      const params = readFileSync(join(dir, 'params.yaml'), 'utf8');
      writeFileSync(join(dir, 'params.yaml'), params.replace(/^(\s*l2:\s*)([0-9.eE+-]+)/m, (_m, p: string, v: string) => `${p}${Number(v) * 10 || 0.1}`));
    });
    const dir = checkout('l2');
    const plan = await phase(dir, 'plan', { event: prEvent('l2', head) });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(plan.outputs['cache-key']).not.toBe(mainKey);
    expect(plan.outputs['base-cache-key']).toBe(mainKey);
    const restore = restoreAsTheActionDoes(plan.outputs);
    expect(restore).toEqual({ hit: false, restored: [mainKey] });

    const run = await phase(dir, 'run', { event: prEvent('l2', head) });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const results = run.outputs.results!;
    const statuses = stageStatuses(results);
    expect(statuses.train).toBe('ran');
    expect(statuses.generate).not.toBe('ran');
    const base = gate(readJson(join(results, 'verdict.json')), 'no regression vs base');
    expect(base.status).not.toBe('skipped');
    expect(base.baseline).toEqual(expect.any(Number));
    const evaluation = readJson(join(results, 'evaluation.json'));
    const baseModel = (evaluation.baselines as Record<string, any>[]).find((b) => b.name === 'base');
    expect(baseModel?.model.sha256).toBe(createHash('sha256').update(modelBytes).digest('hex'));
    expect(baseModel?.model.sha256).not.toBe(evaluation.model.sha256);
    // The entry saved holds what this run's lock references, not the base's model too (that one
    // stays in the base's own entry), so entries do not grow with every model ever trained.
    const object = (sha: string) => join(plan.outputs['cache-path']!, 'objects', sha.slice(0, 2), sha.slice(2));
    expect(existsSync(object(evaluation.model.sha256 as string))).toBe(true);
    expect(existsSync(object(baseModel!.model.sha256 as string))).toBe(false);
    const lock = parse(readFileSync(join(dir, 'mlpipeline.lock'), 'utf8')) as { stages: Record<string, { fingerprint: string }> };
    const runs = readdirSync(join(plan.outputs['cache-path']!, 'runs'));
    expect(runs).toContain(`${lock.stages.train!.fingerprint}.json`);
    for (const r of runs) expect(Object.values(lock.stages).map((st) => `${st.fingerprint}.json`)).toContain(r);
    saveAsTheActionDoes(plan.outputs, run, restore.hit);
    expect(cacheEntries.has(plan.outputs['cache-key']!)).toBe(true);
  }, 120_000);

  it('a failed gate: verdict output failed, the results are still written', async () => {
    const head = pushBranch('strict', (dir) => {
      const text = readFileSync(join(dir, 'mlpipeline.yaml'), 'utf8');
      writeFileSync(join(dir, 'mlpipeline.yaml'), text.replace('  - metric: roc_auc\n    min: 0.78\n', '  - metric: roc_auc\n    min: 0.99\n'));
    });
    const dir = checkout('strict');
    const plan = await phase(dir, 'plan', { event: prEvent('strict', head) });
    // Gates are not stage inputs: the stages are the base's, nothing trains.
    expect(plan.outputs['cache-key']).toBe(mainKey);
    restoreAsTheActionDoes(plan.outputs);
    const run = await phase(dir, 'run', { event: prEvent('strict', head) });
    // The step succeeds so the artifact is uploaded; action.yml's last step fails the job.
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe('failed');
    const results = run.outputs.results!;
    expect(readdirSync(results)).toContain('report.json');
    const verdict = readJson(join(results, 'verdict.json'));
    expect(verdict.passed).toBe(false);
    const report = readJson(join(results, 'report.json'));
    expect(report.verdict.status).toBe('failed');
    // The annotations `mlpipeline report` computes travel in report.json: the failed gate's line.
    const gateLine = readFileSync(join(dir, 'mlpipeline.yaml'), 'utf8').split('\n').indexOf('    min: 0.99');
    expect(report.annotations).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'mlpipeline.yaml', level: 'failure', start_line: expect.any(Number) })]));
    expect((report.annotations as { start_line: number }[]).some((a) => Math.abs(a.start_line - gateLine) <= 1)).toBe(true);
    const action = parse(readFileSync(ACTION, 'utf8')) as { runs: { steps: { if?: string; run?: string; uses?: string }[] } };
    const last = action.runs.steps.at(-1)!;
    expect(last.if).toBe("steps.run.outputs.verdict == 'failed'");
    expect(last.run).toContain('exit 1');
  }, 120_000);

  it('a broken mlpipeline.yaml: one annotation with file:line:col and the fix, exit 1, no stack trace', async () => {
    const head = pushBranch('broken', (dir) => {
      const text = readFileSync(join(dir, 'mlpipeline.yaml'), 'utf8');
      writeFileSync(join(dir, 'mlpipeline.yaml'), text.replace('name: churn\n', 'name: churn\nstagez: {}\n'));
    });
    const dir = checkout('broken');
    const plan = await phase(dir, 'plan', { event: prEvent('broken', head) });
    expect(plan.exitCode).toBe(1);
    const errors = plan.commands.filter((c) => c.command === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties).toMatchObject({ file: 'mlpipeline.yaml', line: expect.stringMatching(/^\d+$/), col: expect.stringMatching(/^\d+$/) });
    const line = readFileSync(join(dir, 'mlpipeline.yaml'), 'utf8').split('\n').indexOf('stagez: {}') + 1;
    expect(errors[0]!.properties.line).toBe(String(line));
    expect(errors[0]!.message).toMatch(new RegExp(`^mlpipeline\\.yaml:${line}:\\d+: .*stagez`));
    expect(errors[0]!.message).toContain('fix:');
    expect(plan.stdout + plan.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('actions/run: vs: production from the Release asset', () => {
  let gh: LocalGitHub;
  beforeAll(async () => {
    gh = await LocalGitHub.start();
  });
  afterEach(() => {
    expect(gh.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await gh.close();
  });

  async function release(repository: string, bytes: Buffer): Promise<void> {
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.apiUrl, retryAfterBaseValue: 1, writeSpacingMs: 0, log: () => undefined });
    const [owner = '', repo = ''] = repository.split('/');
    const r = await createRelease(client, { owner, repo }, { tag: 'churn@v1.0.0', name: 'churn v1.0.0', body: 'churn v1.0.0', targetCommitish: 'main' });
    await uploadReleaseAsset(client, r, { name: 'churn-v1.0.0.onnx', data: bytes, contentType: 'application/octet-stream' });
  }

  /** No cache restored (a first run, or an evicted cache), a PR that trains another model: production is only in its Release. */
  async function runWithoutCache(branch: string, head: string, repository: string) {
    const dir = checkout(branch);
    const plan = await phase(dir, 'plan', { event: prEvent(branch, head), gh, repository });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(existsSync(plan.outputs['cache-path']!)).toBe(false);
    const run = await phase(dir, 'run', { event: prEvent(branch, head), gh, repository });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    return run;
  }

  it('downloads the asset, checks it against the sha256 of the lineage record, and evaluates against it', async () => {
    await release('acme/churn', modelBytes);
    // The l2 branch trains another model, so the stage cache it leaves does not hold production's.
    const head = git(join(work, 'seed'), 'rev-parse', 'l2').trim();
    const run = await runWithoutCache('l2', head, 'acme/churn');
    const results = run.outputs.results!;
    const evaluation = readJson(join(results, 'evaluation.json'));
    const production = (evaluation.baselines as Record<string, any>[]).find((b) => b.name === 'production');
    expect(production?.model.sha256).toBe(createHash('sha256').update(modelBytes).digest('hex'));
    expect(gate(readJson(join(results, 'verdict.json')), 'no regression vs production').status).toBe('passed');
    const downloads = gh.requestsFor('repos/get-release-asset');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.headers.accept).toContain('application/octet-stream');
  }, 120_000);

  it('refuses a tampered asset (same size, another sha256): the baseline is missing with both hashes, the gate skipped, never passed', async () => {
    const tampered = Buffer.from(modelBytes);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    await release('acme/tampered', tampered);
    // The l2 branch trains another model, so the stage cache it leaves does not hold production's.
    const head = git(join(work, 'seed'), 'rev-parse', 'l2').trim();
    const run = await runWithoutCache('l2', head, 'acme/tampered');
    const results = run.outputs.results!;
    const evaluation = readJson(join(results, 'evaluation.json'));
    expect((evaluation.baselines as Record<string, any>[]).map((b) => b.name)).not.toContain('production');
    const missing = (evaluation.baselines_missing as Record<string, any>[]).find((b) => b.name === 'production');
    const recorded = createHash('sha256').update(modelBytes).digest('hex');
    const got = createHash('sha256').update(tampered).digest('hex');
    expect(missing?.reason).toContain(recorded);
    expect(missing?.reason).toContain(got);
    expect(missing?.reason).toContain('refusing');
    const production = gate(readJson(join(results, 'verdict.json')), 'no regression vs production');
    expect(production.status).toBe('skipped');
    expect(gh.requestsFor('repos/get-release-asset').length).toBeGreaterThan(0);
  }, 120_000);

  it('refuses an asset of another size than the lineage records without downloading it', async () => {
    const before = gh.requestsFor('repos/get-release-asset').length;
    const bigger = Buffer.concat([modelBytes, Buffer.alloc(1 << 20)]);
    await release('acme/bigger', bigger);
    const head = git(join(work, 'seed'), 'rev-parse', 'l2').trim();
    const run = await runWithoutCache('l2', head, 'acme/bigger');
    const evaluation = readJson(join(run.outputs.results!, 'evaluation.json'));
    const missing = (evaluation.baselines_missing as Record<string, any>[]).find((b) => b.name === 'production');
    expect(missing?.reason).toContain(`is ${bigger.length} bytes, but the lineage records ${modelBytes.length}`);
    expect(gate(readJson(join(run.outputs.results!, 'verdict.json')), 'no regression vs production').status).toBe('skipped');
    expect(gh.requestsFor('repos/get-release-asset').length).toBe(before);
  }, 120_000);
});

describe('actions/run/action.yml', () => {
  const action = parse(readFileSync(ACTION, 'utf8')) as {
    description: string;
    inputs: Record<string, { default?: string; description: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }[] };
  };

  it('has the inputs and outputs of the contract, documents contents: read and what it installs', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(['artifact-name', 'base-ref', 'cache', 'github-token', 'pipeline-file', 'working-directory']);
    expect(action.inputs['pipeline-file']!.default).toBe('mlpipeline.yaml');
    expect(action.inputs['base-ref']!.default).toBe('${{ github.base_ref }}');
    expect(action.inputs['artifact-name']!.default).toBe('mlpipeline-results');
    expect(Object.keys(action.outputs).sort()).toEqual(['comment-path', 'results', 'verdict']);
    expect(action.description).toContain('`contents: read`');
    expect(action.runs.using).toBe('composite');
  });

  it('installs the exact onnxruntime-node of package-lock.json, pins third-party actions by SHA, and passes every input to the bundle', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const version = lock.packages['node_modules/onnxruntime-node']!.version;
    const install = action.runs.steps.find((s) => s.run?.includes('npm install'))!;
    expect(install.run).toContain(`onnxruntime-node@${version}`);
    expect(install.run).toContain('--ignore-scripts');
    expect(install.env?.ONNXRUNTIME_NODE_INSTALL).toBe('skip');
    expect(action.runs.steps.find((s) => s.uses?.startsWith('actions/cache@'))!.with!.key).toContain(version);
    expect(action.description).toContain(`onnxruntime-node ${version}`);
    const text = readFileSync(ACTION, 'utf8');
    // The same pins as the generated workflows (one table, runners/workflow/pinned-actions.ts).
    const uses = [...text.matchAll(/uses: (\S+)@(\S+) # (\S+)/g)];
    expect(uses.length).toBe(action.runs.steps.filter((st) => st.uses).length);
    for (const [, path, sha, version] of uses) {
      const pin = Object.values(PINNED_ACTIONS).find((p) => path!.split('/').slice(0, 2).join('/') === p.repo);
      expect(pin, path).toBeDefined();
      expect({ sha, version }, path).toEqual({ sha: pin!.sha, version: pin!.version });
    }
    // The cache steps restoreAsTheActionDoes/saveAsTheActionDoes play, in this order.
    const cacheSteps = action.runs.steps.filter((st) => /^actions\/cache\/(restore|save)@/.test(st.uses ?? '')) as { uses: string; if?: string; with: Record<string, string> }[];
    expect(cacheSteps.map((st) => [st.uses.split('@')[0], st.with.key, st.with['restore-keys'] ?? null])).toEqual([
      ['actions/cache/restore', '${{ steps.plan.outputs.cache-key }}', '${{ steps.plan.outputs.cache-restore-prefix }}'],
      ['actions/cache/restore', '${{ steps.plan.outputs.base-cache-key }}', null],
      ['actions/cache/save', '${{ steps.plan.outputs.cache-key }}', null],
    ]);
    expect(cacheSteps[1]!.if).toContain("steps.restore.outputs.cache-matched-key != steps.plan.outputs.base-cache-key");
    expect(cacheSteps[2]!.if).toContain("steps.run.outputs.stages-ok == 'true'");
    expect(cacheSteps[2]!.if).toContain("steps.restore.outputs.cache-hit != 'true'");
    const upload = action.runs.steps.find((st) => st.uses?.startsWith('actions/upload-artifact@')) as { if?: string; with: Record<string, string> };
    expect(upload.if).toMatch(/^always\(\)/);
    expect(upload.with).toMatchObject({ name: '${{ inputs.artifact-name }}', path: '${{ steps.run.outputs.results }}' });
    const bundleSteps = action.runs.steps.filter((s) => s.run?.includes('dist/index.js'));
    expect(bundleSteps.map((s) => s.env?.MLPIPELINE_RUN_PHASE)).toEqual(['plan', 'run']);
    for (const s of bundleSteps) {
      for (const name of Object.keys(action.inputs)) expect(s.env?.[`INPUT_${name.toUpperCase()}`]).toBe(`\${{ inputs.${name} }}`);
    }
  });
});
