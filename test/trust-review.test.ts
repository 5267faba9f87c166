/**
 * A hostile review of the trust chain evaluate → gate → register → promote, and of what reports
 * render. Each case failed on the code before its fix: metrics from other data or another config
 * bound to the real ones, a branch's weakened gates passing `require_gates`, a spoofable name
 * matching `allowed` on GitHub Actions, `--to constructor`, references GitHub makes after
 * rendering, a `__proto__` param, a lineage record nested 100,000 levels deep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { logisticRegressionOnnx } from '../core/onnx-builder.js';
import { actorMatches, resolveActor } from '../runners/registry/actor.js';
import { evaluationConfig } from '../runners/evaluate/evaluation-config.js';
import { canonicalDigest } from '../core/canonical-json.js';
import { evaluateGates } from '../runners/gates/gates.js';
import { fingerprint } from '../runners/stages/fingerprint.js';
import { escapeMarkdown } from '../reports/markdown.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import type { Pipeline } from '../pipeline-schema/types.js';
import { BASE_ENV, lineageOf, makeGatedRepo, makeRepo, openRepo, pipelineYaml, tempDir, type Repo } from './registry-fixture.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const tags = (cwd: string, pattern: string) =>
  execFileSync('git', ['for-each-ref', '--format=%(refname:strip=2)', `refs/tags/${pattern}`], { cwd, encoding: 'utf8' }).trim().split('\n').filter(Boolean);

// Rows a, y. The model scores sigmoid(4a). At threshold 0.5 it finds 2 of the 3 positives
// (recall 2/3: the gate below fails); at 0.15 it finds all 3 (row a=-0.2 scores 0.31).
const REAL = 'a,y\n1,1\n0.5,1\n-1,0\n-0.5,0\n0.2,0\n-0.2,1\n';
// Rows on which the model is right: recall 1.
const EASY = 'a,y\n1,1\n0.5,1\n-1,0\n-0.5,0\n';

const PIPELINE = `version: 1
name: churn-pipeline
model:
  name: churn
  path: model.onnx
  task: binary-classification
  label: y
  features: [a]
data:
  test:
    path: data/test.csv
evaluation:
  data: test
  latency: {samples: 2, warmup: 0}
  importance: {enabled: false}
gates:
  - metric: recall
    min: 0.9
environments:
  staging: {}
`;

/** A repository with a real ONNX model, real rows and the pipeline above, all committed on main. */
function onnxRepo(dir: string): Repo {
  const repo = makeRepo(dir);
  repo.write('mlpipeline.yaml', PIPELINE);
  repo.write('data/test.csv', REAL);
  execFileSync('rm', ['-f', join(dir, 'model.onnx'), join(dir, '.mlpipeline/run.json')]);
  require_write(dir, 'model.onnx', logisticRegressionOnnx({ weights: [4], bias: 0 }));
  repo.commit('onnx pipeline');
  return repo;
}
function require_write(dir: string, path: string, bytes: Uint8Array): void {
  execFileSync('tee', [join(dir, path)], { input: Buffer.from(bytes), stdio: ['pipe', 'ignore', 'inherit'] });
}
const readJson = (repo: Repo, path: string) => JSON.parse(readFileSync(join(repo.dir, path), 'utf8'));

describe('1. the evaluation document names the bytes it evaluated; gate refuses stale ones', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(() => {
    repo = onnxRepo(join(tmp.path, 'r'));
  });
  afterAll(() => tmp.cleanup());

  it('evaluate on easy rows, restore the real rows, gate: exit 1, no verdict, nothing to register as gated', async () => {
    repo.write('data/test.csv', EASY);
    const ev = await repo.cli(['evaluate']);
    expect(ev.stderr).toBe('');
    expect(ev.code).toBe(0);
    const doc = readJson(repo, '.mlpipeline/evaluation.json');
    expect(doc.metrics.recall).toBe(1);
    expect(doc.data).toEqual({ path: 'data/test.csv', sha256: sha256(EASY), size_bytes: EASY.length });
    expect(doc.model.sha256).toBe(sha256(readFileSync(join(repo.dir, 'model.onnx'))));
    expect(doc.config.sha256).toMatch(/^[0-9a-f]{64}$/);

    repo.git('checkout', '--', 'data/test.csv');
    const g = await repo.cli(['gate']);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain(
      `mlpipeline: .mlpipeline/evaluation.json does not describe the current model, data and config, so no verdict was written: the evaluation data data/test.csv is not what was evaluated (the evaluation read sha256 ${sha256(EASY).slice(0, 12)}, the file is now ${sha256(REAL).slice(0, 12)})`,
    );
    expect(g.stderr).toContain('fix: re-run `mlpipeline evaluate`');
    expect(g.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(repo.dir, '.mlpipeline/verdict.json'))).toBe(false);
  });

  it('on the real rows the same model fails its gate, and the verdict binds the sha256 the evaluation read', async () => {
    expect((await repo.cli(['evaluate'])).code).toBe(0);
    const g = await repo.cli(['gate', '--json']);
    expect(g.code).toBe(1);
    const v = JSON.parse(g.stdout);
    expect(v.passed).toBe(false);
    expect(v.evaluation_data).toEqual({ path: 'data/test.csv', sha256: sha256(REAL), size: REAL.length });
    expect(v.evaluation_config.sha256).toBe(readJson(repo, '.mlpipeline/evaluation.json').config.sha256);
  });

  it('a model swapped after evaluate is refused by gate', async () => {
    expect((await repo.cli(['evaluate'])).code).toBe(0);
    require_write(repo.dir, 'model.onnx', logisticRegressionOnnx({ weights: [40], bias: 0 }));
    const g = await repo.cli(['gate']);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/the model model\.onnx is not the one evaluated \(evaluated sha256 [0-9a-f]{12}, now [0-9a-f]{12}\)/);
    repo.git('checkout', '--', 'model.onnx');
  });

  it('a document that names no sha256 of its data (hand-written or older) is refused, not re-hashed from the work tree', async () => {
    expect((await repo.cli(['evaluate'])).code).toBe(0);
    const doc = readJson(repo, '.mlpipeline/evaluation.json');
    repo.write('.mlpipeline/evaluation.json', JSON.stringify({ ...doc, data: { path: 'data/test.csv' }, metrics: { ...doc.metrics, recall: 1 } }));
    const g = await repo.cli(['gate']);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('it names no sha256 of the evaluation data it read (data/test.csv)');
  });
});

describe('2. the evaluation config is bound: gate and register compare it with the pipeline', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(() => {
    repo = onnxRepo(join(tmp.path, 'r'));
  });
  afterAll(() => tmp.cleanup());
  const withThreshold = PIPELINE.replace('  features: [a]\n', '  features: [a]\n  threshold: 0.15\n');

  it('evaluate with model.threshold 0.15, restore the yaml, gate: exit 1 naming model.threshold', async () => {
    repo.write('mlpipeline.yaml', withThreshold);
    expect((await repo.cli(['evaluate'])).code).toBe(0);
    expect(readJson(repo, '.mlpipeline/evaluation.json').metrics.recall).toBe(1);
    repo.git('checkout', '--', 'mlpipeline.yaml');
    const g = await repo.cli(['gate']);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('the evaluation config changed since the evaluation: model.threshold: 0.15 when evaluated, (unset) in mlpipeline.yaml');
    expect(existsSync(join(repo.dir, '.mlpipeline/verdict.json'))).toBe(false);
  });

  it('evaluate and gate with the edited yaml, restore it, register: not gated, and require_gates refuses', async () => {
    repo.write('mlpipeline.yaml', withThreshold);
    expect((await repo.cli(['evaluate'])).code).toBe(0);
    expect((await repo.cli(['gate'])).code).toBe(0);
    repo.git('checkout', '--', 'mlpipeline.yaml');
    const r = await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: not gated: the gate verdict is not bound to this version (the evaluation config changed after the evaluation: model.threshold: 0.15 when evaluated, (unset) at the registered commit)');
    expect(lineageOf(repo, 'churn@v1.0.0').verdict).toMatchObject({ passed: true, bound: false });
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("refused by policy 'require_gates' of environment 'staging': churn v1.0.0 is not gated");
    expect(p.stderr).not.toContain('passed its gates');
    expect(tags(repo.dir, 'churn#*')).toEqual([]);
  });

  it('a custom metric file changed after evaluate is refused by gate', async () => {
    const custom = PIPELINE.replace('  importance: {enabled: false}\n', '  importance: {enabled: false}\n  custom_metrics:\n    fairness: {higher_is_better: true, file: metrics.json}\n');
    repo.write('mlpipeline.yaml', custom);
    repo.write('metrics.json', '{"fairness": 0.99}');
    expect((await repo.cli(['evaluate'])).code).toBe(0);
    repo.write('metrics.json', '{"fairness": 0.1}');
    const g = await repo.cli(['gate']);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('custom metric fairness: metrics.json changed since the evaluation');
    repo.git('checkout', '--', 'mlpipeline.yaml');
    rmSync(join(repo.dir, 'metrics.json'));
  });

  it('everything that decides the metrics changes the digest; paths bound by sha256 do not', () => {
    const base = {
      version: 1,
      name: 'p',
      model: { name: 'm', path: 'model.onnx', task: 'binary-classification', label: 'y', features: ['a', 'b'] },
      data: { test: { path: 't.csv' } },
      evaluation: { data: 'test' },
    } as unknown as Pipeline;
    const d = (p: Pipeline) => canonicalDigest(evaluationConfig(p));
    const m = (model: object) => ({ ...base, model: { ...base.model, ...model } }) as Pipeline;
    const e = (evaluation: object) => ({ ...base, evaluation: { ...base.evaluation, ...evaluation } }) as Pipeline;
    const changed = [
      m({ features: ['b', 'a'] }),
      m({ label: 'z' }),
      m({ classes: [1, 0] }),
      m({ threshold: 0.15 }),
      m({ input: { mode: 'columns' } }),
      m({ outputs: { score: 'p' } }),
      e({ slices: [{ column: 'a' }] }),
      e({ metrics: ['f1'] }),
      e({ custom_metrics: { x: { higher_is_better: true } } }),
      { ...base, data: { test: { path: 't.csv', delimiter: ';' } } } as unknown as Pipeline,
    ];
    for (const p of changed) expect(d(p)).not.toBe(d(base));
    expect(d(m({ path: 'other.onnx', name: 'n' }))).toBe(d(base));
    expect(canonicalDigest(evaluationConfig(base, { label: 'z' }))).toBe(d(m({ label: 'z' })));
  });
});

describe("3. require_gates judges with the default branch's gates, not the branch's", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const strict = pipelineYaml().replace('    min: 0.7\n', '    min: 0.95\n');

  async function branchWith(name: string, yaml: string): Promise<Repo> {
    const repo = await makeGatedRepo(join(tmp.path, name));
    repo.write('mlpipeline.yaml', strict);
    repo.commit('main: f1 must be at least 0.95');
    repo.git('checkout', '-q', '-b', 'weaker');
    repo.write('mlpipeline.yaml', yaml);
    repo.commit('branch: its own gates');
    repo.ran();
    await repo.gate(0.81);
    const r = await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
    expect(r.code).toBe(0);
    expect(lineageOf(repo, 'churn@v1.0.0').verdict).toMatchObject({ passed: true, bound: true });
    return repo;
  }

  it('a threshold weakened on a branch (min 0.95 -> 0.5, same count) is refused, naming the gate', async () => {
    const repo = await branchWith('weak', strict.replace('    min: 0.95\n', '    min: 0.5\n'));
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain(
      "promotion refused by policy 'require_gates' of environment 'staging': the gates on main differ from the gates churn v1.0.0 was judged with: gate 1 (f1): min 0.95 on main, 0.5 when judged",
    );
    expect(p.stderr).not.toContain('passed its gates');
    expect(tags(repo.dir, 'churn#*')).toEqual([]);
  });

  it('a gate made severity: warn on a branch is refused, naming the change', async () => {
    const repo = await branchWith('warn', strict.replace('    min: 0.95\n', '    min: 0.95\n    severity: warn\n'));
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('the gates on main differ from the gates churn v1.0.0 was judged with: gate 1 (f1): severity (unset) on main, "warn" when judged');
  });

  it("the same gates as main's pass", async () => {
    const repo = await makeGatedRepo(join(tmp.path, 'same'));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(p.stderr).not.toContain('refused');
    expect(p.code).toBe(0);
    expect(lineageOf(repo, 'churn#staging#1').policy).toContainEqual({ rule: 'require_gates', ok: true, detail: 'churn v1.0.0 passed its gates (1 gate, the same as on main)' });
  });
});

describe('4. on GitHub Actions only the verified login matches allowed', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const ACTIONS = { GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'mallory', GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' };

  it('GITHUB_ACTOR=mallory with GIT_COMMITTER_NAME=alice does not match allowed: [alice]; the name is not marked verified', async () => {
    const repo = await makeGatedRepo(join(tmp.path, 'r'));
    const ctx = await resolveActor(repo.dir, { ...BASE_ENV, ...ACTIONS }, {});
    expect(actorMatches('alice', ctx)).toBe(false);
    expect(ctx.actor).toMatchObject({ login: 'mallory', name: 'alice', verified: true, name_verified: false });
    expect(actorMatches('alice@example.com', ctx)).toBe(false);
    expect(actorMatches('Mallory', ctx)).toBe(true);
    const derived = await resolveActor(repo.dir, { ...BASE_ENV, GIT_COMMITTER_NAME: '', GIT_COMMITTER_EMAIL: '', GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'alice' }, {});
    expect(derived.actor).toMatchObject({ login: 'alice', name: 'alice', verified: true, name_verified: true });

    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'])).code).toBe(0);
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production'], ACTIONS);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("refused by policy 'allowed' of environment 'production': mallory may not promote to production; allowed: alice, @acme/ml-leads");
    expect(tags(repo.dir, 'churn#production#*')).toEqual([]);
  });
});

describe('5. names from the command line are looked up as own properties only', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('promote --to constructor / __proto__ / toString: exit 2, no tag', async () => {
    const repo = await makeGatedRepo(join(tmp.path, 'r'));
    expect((await repo.cli(['register', 'churn', '--version', 'v0.1.0'])).code).toBe(0);
    const c = await repo.cli(['promote', 'churn@v0.1.0', '--to', 'constructor']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/^mlpipeline: unknown environment 'constructor'; .*mlpipeline\.yaml declares: staging, production/);
    for (const env of ['__proto__', 'toString']) {
      const r = await repo.cli(['promote', 'churn@v0.1.0', '--to', env]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^mlpipeline: (unknown environment|invalid environment name) '${env}'`));
    }
    expect(tags(repo.dir, 'churn#*')).toEqual([]);
  });

  it('a gate on a metric named constructor or toString finds no metric', () => {
    const doc = { metrics: { f1: 0.9 }, slices: [{ slice: { g: 'a' }, rows: 1, metrics: { f1: 1 } }], baselines: [], baselines_missing: [], directions: {} } as unknown as EvaluationDocument;
    const v = evaluateGates([{ metric: 'constructor', min: 0 }, { metric: 'toString', max: 1 }, { metric: 'valueOf', across: 'g', max_gap: 1 }], doc);
    expect(v.gates.map((g) => [g.status, g.value])).toEqual([
      ['failed', null],
      ['failed', null],
      ['failed', null],
    ]);
  });
});

describe('6. escapeMarkdown breaks the references GitHub makes after rendering, and bidi/control characters', () => {
  const hostile = ['fixes GH-42', 'see gh-7 too', 'commit deadbeefcafe1234', 'org/repo@0123456789abcdef0123456789abcdef01234567', 'org/repo#12', 'cafe123'];
  const rendered = (out: string) =>
    out
      .replace(/\\(.)/g, '$1')
      .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');

  it.each(hostile)('%j leaves no issue or commit reference in the rendered text', (text) => {
    const r = rendered(escapeMarkdown(text));
    expect(r).not.toMatch(/\bGH-\d/i);
    expect(r).not.toMatch(/[0-9a-f]{7}/i);
    expect(r).not.toMatch(/#\d/);
    expect(r).not.toMatch(/@[0-9a-z]/i);
    expect(r.replace(/\u200b/g, '')).toBe(text); // only zero-width spaces were added
  });

  it('strips C0/C1 controls and shows bidi controls as U+FFFD', () => {
    const out = escapeMarkdown('ok\u202Egnp.exe\u2066x\u2069 \u0007bell\u0085next\u009b');
    expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u001f\u007f-\u009f]/);
    expect(out).toBe('ok\ufffdgnp\\.exe\ufffdx\ufffd bellnext');
    expect(escapeMarkdown('monthly charges 42')).toBe('monthly charges 42');
  });

  const cmark = spawnSync('cmark-gfm', ['--version'], { encoding: 'utf8' });
  const hasCmark = cmark.status === 0;
  if (!hasCmark) console.warn('trust-review: cmark-gfm is not installed; the GitHub-renderer check is SKIPPED (apt-get install -y cmark-gfm)');
  it.skipIf(!hasCmark)('rendered by cmark-gfm (GitHub extensions): no link, no reference pattern, no bidi control in the HTML', () => {
    const md = [...hostile, 'x\u202Ey', 'https://evil.example www.evil.example @admin #1'].map((t) => `- ${escapeMarkdown(t)}`).join('\n') + '\n';
    const html = execFileSync('cmark-gfm', ['-e', 'autolink', '-e', 'table', '-e', 'strikethrough', '-e', 'tagfilter'], { input: md, encoding: 'utf8' });
    const text = html.replace(/<[^>]+>/g, '').replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d))).replace(/&amp;/g, '&');
    expect(html).not.toContain('<a ');
    expect(text).not.toMatch(/\bGH-\d|[0-9a-f]{7}|#\d|@[a-z0-9]|[\u202a-\u202e\u2066-\u2069]/i);
  });
});

describe('7. a __proto__ param is hashed; a lineage record nested 100,000 deep is foreign, not a crash', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('the fingerprint sees a params key named __proto__', () => {
    const inputs = (params: Record<string, unknown>) => ({ cmds: ['x'], wdir: '.', env: {}, deps: {}, params, outs: [] });
    const a = fingerprint(inputs({ train: JSON.parse('{"__proto__": {"polluted": 1}, "lr": 0.1}') }));
    const b = fingerprint(inputs({ train: JSON.parse('{"__proto__": {"polluted": 2}, "lr": 0.1}') }));
    const none = fingerprint(inputs({ train: { lr: 0.1 } }));
    expect(new Set([a, b, none]).size).toBe(3);
  });

  it('run re-runs a stage when only the __proto__ entry of its params changed', async () => {
    const repo = openRepo(join(tmp.path, 'p'));
    execFileSync('mkdir', ['-p', repo.dir]);
    repo.git('init', '-q', '-b', 'main');
    repo.write('mlpipeline.yaml', 'version: 1\nname: p\nstages:\n  train:\n    cmd: node -e "require(\'fs\').writeFileSync(\'out.txt\', \'x\')"\n    params: [train]\n    outs: [out.txt]\n');
    repo.write('params.yaml', 'train:\n  lr: 0.1\n  __proto__:\n    polluted: 1\n');
    const first = await repo.cli(['run', '--json']);
    expect(first.code, first.stderr).toBe(0);
    repo.write('params.yaml', 'train:\n  lr: 0.1\n  __proto__:\n    polluted: 2\n');
    const second = await repo.cli(['run', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).stages[0].status).toBe('ran');
  });

  it('a forged register tag whose record nests 100,000 levels deep is unverified/foreign for verify, lineage and registry', async () => {
    const repo = await makeGatedRepo(join(tmp.path, 'r'));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
    const good = lineageOf(repo, 'churn@v1.0.0');
    const n = 100_000;
    // Deep where the schema allows any value (a gate's slice), so only a depth bound stops it.
    const text = JSON.stringify({ ...good, version: 'v6.6.6' }, null, 2);
    expect(text).toContain('"slice": null');
    const body = text.replace('"slice": null', `"slice": ${'['.repeat(n)}${']'.repeat(n)}`);
    const msg = `Register churn v6.6.6\n\n\`\`\`mlpipeline-lineage\n${body}\n\`\`\`\n`;
    execFileSync('git', ['tag', '-a', '--cleanup=verbatim', '-F', '-', 'churn@v6.6.6', good.commit], { cwd: repo.dir, env: BASE_ENV, input: msg });
    const v = await repo.cli(['verify', 'churn@v6.6.6']);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/^mlpipeline: cannot verify churn v6\.6\.6: churn@v6\.6\.6 is an unverified\/foreign record: its lineage record is invalid \(nested more than 64 levels deep at verdict\.gates\.0\.slice/);
    expect(v.stderr).not.toMatch(/Maximum call stack|\n\s+at /);
    const l = await repo.cli(['lineage', 'churn@v6.6.6', '--json']);
    expect(l.code).toBe(0);
    expect(l.stderr).toContain('churn@v6.6.6 is an unverified/foreign record, not used');
    const r = await repo.cli(['registry', '--json']);
    expect(r.code).toBe(0);
  }, 60_000);
});
