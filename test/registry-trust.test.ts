/**
 * Issue 9, "gates and registry": nothing wrong recorded as right. Each case below failed on the
 * code before this change (see the report in the commit): a verdict or run record that does not
 * belong to what is registered, a policy taken from the work tree or from GIT_COMMITTER_DATE, a
 * push that leaves local state the remote lacks, tags that poison the counter, forged records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatTagMessage } from '../runners/registry/lineage-record.js';
import { actorMatches, resolveActor } from '../runners/registry/actor.js';
import { classifyPush } from '../runners/registry/tag-writer.js';
import { BASE_ENV, cloneRepo, later, lineageOf, makeGatedRepo, seedRemote, tempDir, unixAgo, type Repo } from './registry-fixture.js';

const HOUR = 3_600_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// A plain Node process running the built CLI (dist/), as users run it.
const CHILD = join(ROOT, 'test', 'registry-cli-child.mjs');
const noWait = { sleep: () => Promise.resolve() };

const tags = (cwd: string, pattern: string) =>
  execFileSync('git', ['for-each-ref', '--format=%(refname:strip=2)', `refs/tags/${pattern}`], { cwd, encoding: 'utf8' }).trim().split('\n').filter(Boolean).sort();

describe('register binds the verdict and the run record to what it registers', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeGatedRepo(join(tmp.path, 'r'));
  });
  afterAll(() => tmp.cleanup());

  it('mlpipeline gate writes the sha256 of the model, the evaluation data and the gate config into the verdict', () => {
    const v = JSON.parse(execFileSync('cat', [join(repo.dir, '.mlpipeline/verdict.json')], { encoding: 'utf8' }));
    expect(v.model).toEqual({ path: 'model.onnx', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
    expect(v.evaluation_data).toEqual({ path: 'data/train.csv', sha256: 'f7846f55cf23e14eebeab5b4e1550cad5b509e3348fbc4efa3a1413d393cb650', size: 14 });
    expect(v.gates_config.count).toBe(1);
    expect(v.gates_config.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a model changed after the last gate is registered as not gated, and require_gates refuses it', async () => {
    repo.write('model.onnx', 'retrained after the gate');
    repo.commit('retrain');
    repo.ran();
    const r = await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: not gated: the gate verdict is not bound to this version (the model changed after it was gated');
    expect(lineageOf(repo, 'churn@v1.0.0').verdict).toMatchObject({ passed: true, bound: false });
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("refused by policy 'require_gates' of environment 'staging': churn v1.0.0 is not gated: its verdict is not bound to what was registered: the model changed after it was gated");
    expect(p.stderr).not.toMatch(/passed its gates/);
  });

  it('a hand-written verdict with 0 gates while the pipeline declares gates is refused', async () => {
    repo.write('hand.json', JSON.stringify({ passed: true, gates: [] }));
    const r = await repo.cli(['register', 'churn', '--version', 'v1.0.1', '--verdict', 'hand.json']);
    expect(r.code).toBe(0);
    const p = await repo.cli(['promote', 'churn@v1.0.1', '--to', 'staging']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('churn v1.0.1 is not gated: its verdict is not bound to what was registered: the verdict names no sha256');
    // Even with a copied binding, 0 judged gates against 1 declared is refused at registration.
    const real = JSON.parse(execFileSync('cat', [join(repo.dir, '.mlpipeline/verdict.json')], { encoding: 'utf8' }));
    await repo.gate();
    const fresh = JSON.parse(execFileSync('cat', [join(repo.dir, '.mlpipeline/verdict.json')], { encoding: 'utf8' }));
    repo.write('hand.json', JSON.stringify({ ...fresh, gates: [], gates_config: { ...real.gates_config, count: 0 } }));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.2', '--verdict', 'hand.json'])).code).toBe(0);
    const q = await repo.cli(['promote', 'churn@v1.0.2', '--to', 'staging']);
    expect(q.code).toBe(1);
    expect(q.stderr).toContain('the gate config changed after the verdict: it was judged by 0 gate(s)');
  });

  it('never registers after a failed run', async () => {
    const head = repo.git('rev-parse', 'HEAD').trim();
    repo.ran();
    const run = JSON.parse(execFileSync('cat', [join(repo.dir, '.mlpipeline/run.json')], { encoding: 'utf8' }));
    repo.write('.mlpipeline/run.json', JSON.stringify({ ...run, ok: false, status: 'failed', stages: [{ ...run.stages[0], status: 'failed', exit_code: 1 }] }));
    const r = await repo.cli(['register', 'churn', '--version', 'v1.1.0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mlpipeline: the last run failed \(stage train failed\), so nothing from it is registered/);
    expect(r.stderr).toContain('fix: fix what failed, re-run `mlpipeline run`');
    expect(tags(repo.dir, 'churn@v1.1.0')).toEqual([]);
    expect(head).toBe(repo.git('rev-parse', 'HEAD').trim());
  });

  it("refuses another pipeline's run record (run -f other.yaml), and one that names no pipeline", async () => {
    repo.ran();
    const run = JSON.parse(execFileSync('cat', [join(repo.dir, '.mlpipeline/run.json')], { encoding: 'utf8' }));
    repo.write('.mlpipeline/run.json', JSON.stringify({ ...run, pipeline: { ...run.pipeline, path: 'other.yaml' } }));
    const r = await repo.cli(['register', 'churn', '--version', 'v1.1.0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is of another pipeline (other.yaml), not of mlpipeline.yaml');
    repo.write('.mlpipeline/run.json', JSON.stringify({ ...run, pipeline: 'churn-pipeline', status: undefined }));
    const old = await repo.cli(['register', 'churn', '--version', 'v1.1.0']);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('is not bound: it names no pipeline file');
    expect(old.stderr).toContain('fix: re-run `mlpipeline run`');
    expect(tags(repo.dir, 'churn@v1.1.0')).toEqual([]);
  });
});

describe('the policy comes from committed config and the clock', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeGatedRepo(join(tmp.path, 'r'));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it('GIT_COMMITTER_DATE in the past does not satisfy min_soak', async () => {
    const s = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'], { GIT_COMMITTER_DATE: unixAgo(30 * HOUR) });
    expect(s.code).toBe(0);
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice']);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/refused by policy 'min_soak' of environment 'production': churn v1\.0\.0 has been in staging for \d+s; production needs 1h/);
  });

  it('an uncommitted edit of min_soak is ignored: the default branch decides', async () => {
    repo.write('mlpipeline.yaml', execFileSync('cat', [join(repo.dir, 'mlpipeline.yaml')], { encoding: 'utf8' }).replace('min_soak: 1h', 'min_soak: 1m'));
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice'], {}, later(2 * 60_000));
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("refused by policy 'min_soak' of environment 'production'");
    expect(p.stderr).toContain('production needs 1h');
    const dry = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice', '--dry-run'], {}, later(2 * HOUR));
    expect(dry.stderr).toContain('policy read from main:mlpipeline.yaml (committed on the default branch); mlpipeline.yaml in the work tree differs and is ignored');
    repo.git('checkout', '--', 'mlpipeline.yaml');
  });

});

describe('soak is measured only from stage tags that can be true', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('a stage tag dated before the registration, or in the future (hand-made with GIT_COMMITTER_DATE), does not count', async () => {
    const repo = await makeGatedRepo(join(tmp.path, 'r'));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
    const c = repo.git('rev-parse', 'HEAD').trim();
    execFileSync('git', ['tag', '-a', '-m', 'forged', 'churn#staging#1', c], { cwd: repo.dir, env: { ...BASE_ENV, GIT_COMMITTER_DATE: unixAgo(100 * HOUR) } });
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice'], {}, later(30 * 60_000));
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('has been in staging for 0s; production needs 1h (not counted: churn#staging#1, dated in the future or before the registration)');
    repo.git('tag', '-d', 'churn#staging#1');
    execFileSync('git', ['tag', '-a', '-m', 'forged', 'churn#staging#1', c], { cwd: repo.dir, env: { ...BASE_ENV, GIT_COMMITTER_DATE: unixAgo(-100 * HOUR) } });
    const f = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice'], {}, later(2 * HOUR));
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('(not counted: churn#staging#1, dated in the future or before the registration)');
  });
});

describe('the tag grammar is bounded: hand-made tags cannot poison the counter', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('churn#staging#99999999999999999999 and a version beyond 2^53 are foreign: listed, ignored, later promotions work', async () => {
    const repo = await makeGatedRepo(join(tmp.path, 'r'));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
    const c = repo.git('rev-parse', 'HEAD').trim();
    repo.git('tag', '-a', '-m', 'hand-made', 'churn#staging#99999999999999999999', c);
    repo.git('tag', '-a', '-m', 'hand-made', 'churn@v9007199254740993.0.0', c);
    const p = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(p.stderr).not.toContain('Error');
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('created tag churn#staging#1');
    const doc = JSON.parse((await repo.cli(['registry', '--json'])).stdout);
    expect(doc.models[0].latest).toBe('v1.0.0');
    expect(doc.skipped).toEqual(
      expect.arrayContaining([
        { tag: 'churn#staging#99999999999999999999', reason: 'foreign tag: counter out of range (1..1000000000)' },
        { tag: 'churn@v9007199254740993.0.0', reason: 'foreign tag: version number beyond 9007199254740991' },
      ]),
    );
    const text = await repo.cli(['registry']);
    expect(text.stderr).toContain('mlpipeline: warning: ignored tag churn#staging#99999999999999999999: foreign tag');
  });
});

/** Run `mlpipeline <args>` in its own process; `go` releases it (undefined: at once). */
function child(dir: string, args: string[], go?: string) {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does it for you)');
  const c = spawn(process.execPath, [CHILD, go ?? '-', dir, ...args], { cwd: ROOT, env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  c.stdout.on('data', (b: Buffer) => (out += b.toString()));
  c.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const ready = new Promise<void>((resolve) => {
    const check = () => (out.includes('ready\n') ? resolve() : c.stdout.once('data', check));
    check();
  });
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) => c.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { child: c, ready, done };
}

describe('four promotions at once in one clone without --push', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('take four distinct counters', async () => {
    const repo = await makeGatedRepo(join(tmp.path, 'r'), { environments: 'environments:\n  staging: {}\n  canary: {}\n' });
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
    const go = join(tmp.path, 'go');
    const kids = ['staging', 'canary', 'staging', 'canary'].map((env) => child(repo.dir, ['promote', 'churn@v1.0.0', '--to', env], go));
    await Promise.all(kids.map((k) => k.ready));
    writeFileSync(go, 'go\n');
    const results = await Promise.all(kids.map((k) => k.done));
    for (const r of results) expect(r.code, r.err).toBe(0);
    const counters = tags(repo.dir, 'churn#*').map((t) => Number(t.split('#')[2]));
    expect(counters.sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  }, 120_000);
});

describe('push is first-class', () => {
  const tmp = tempDir();
  let bare: string;
  let a: Repo;
  beforeAll(async () => {
    ({ bare } = await seedRemote(tmp.path, 'environments:\n  staging: {}\n', ['v1.0.0']));
    a = cloneRepo(bare, join(tmp.path, 'a'));
  });
  afterAll(() => tmp.cleanup());

  const hook = (script: string) => {
    const path = join(bare, 'hooks', 'pre-receive');
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
  };
  const unhook = () => hook('exit 0');

  it('promote --push also pushes the registration tag it depends on: a fresh clone sees the model', async () => {
    a.write('model.onnx', 'v2');
    a.commit('v2');
    a.git('push', '-q', 'origin', 'main');
    a.ran();
    await a.gate();
    expect((await a.cli(['register', 'churn', '--version', 'v2.0.0'])).code).toBe(0); // local only
    const p = await a.cli(['promote', 'churn@v2.0.0', '--to', 'staging', '--push'], {}, noWait);
    expect(p.stderr).not.toContain('Error');
    expect(p.code).toBe(0);
    const fresh = cloneRepo(bare, join(tmp.path, 'fresh'));
    const doc = JSON.parse((await fresh.cli(['registry', '--json'])).stdout);
    expect(doc.models[0].environments.staging).toMatchObject({ version: 'v2.0.0' });
    expect(doc.models[0].versions.map((v: { version: string }) => v.version)).toEqual(['v1.0.0', 'v2.0.0']);
  });

  it("a server hook's refusal is reported with the server's reason, exit 1, and nothing is claimed locally", async () => {
    hook('echo "tags are protected on this server" >&2\nexit 1');
    const before = tags(a.dir, 'churn#*');
    const p = await a.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--push'], {}, noWait);
    unhook();
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("mlpipeline: 'origin' refused churn#staging#2: churn#staging#2: remote rejected (pre-receive hook declined)");
    expect(p.stderr).toContain('the server said: tags are protected on this server');
    expect(p.stderr).not.toContain('lost the race');
    expect(p.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(tags(a.dir, 'churn#*')).toEqual(before);
    expect(tags(bare, 'churn#*')).toEqual(before);
  });

  it('an unreachable remote: exit 1 with the reason, nothing changed locally', async () => {
    const before = tags(a.dir, 'churn*');
    const p = await a.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--remote', join(tmp.path, 'nowhere.git')], {}, noWait);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/^mlpipeline: cannot fetch tags from '.*nowhere\.git', so nothing was written: .*does not appear to be a git repository/);
    expect(tags(a.dir, 'churn*')).toEqual(before);
  });

  it('--remote cannot smuggle an option into git', async () => {
    const marker = join(tmp.path, 'pwned');
    for (const cmd of [['promote', 'churn@v1.0.0', '--to', 'staging'], ['register', 'churn', '--version', 'v9.0.0']]) {
      const p = await a.cli([...cmd, '--remote', `--upload-pack=touch ${marker}`], {}, noWait);
      expect(p.code).toBe(2);
      expect(p.stderr).toContain("is not a remote of this repository (it starts with -, like an option)");
    }
    const prov = await a.cli(['provenance', 'churn@v1.0.0', '--remote', `--upload-pack=touch ${marker}`]);
    expect(prov.code).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('kill -9 during promote --push, then a plain re-run: nothing lost, nothing recorded that did not happen', async () => {
    const marks = join(tmp.path, 'marks');
    mkdirSync(marks, { recursive: true });
    writeFileSync(join(marks, 'block'), '');
    // The first push waits in the server's hook until killed; later pushes pass.
    hook(`cat >/dev/null\nif [ -f '${marks}/block' ]; then rm -f '${marks}/block'; : > '${marks}/waiting'; while :; do sleep 1; done; fi\nexit 0`);
    const before = tags(bare, 'churn#*');
    const k = child(a.dir, ['promote', 'churn@v1.0.0', '--to', 'staging', '--push']);
    while (!existsSync(join(marks, 'waiting'))) await sleep(20);
    process.kill(-k.child.pid!, 'SIGKILL'); // the CLI, its git push and the server side with it
    const killed = await k.done;
    expect(killed.signal).toBe('SIGKILL');
    // Nothing is claimed locally, nothing reached the remote.
    expect(tags(a.dir, 'churn#*')).toEqual(before);
    expect(tags(bare, 'churn#*')).toEqual(before);
    const local = JSON.parse((await a.cli(['registry', '--json'])).stdout);
    expect(local.models[0].environments.staging.version).toBe('v2.0.0');

    const r = await a.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--push'], {}, noWait);
    expect(r.stderr).not.toContain('Error');
    expect(r.code).toBe(0);
    const n = before.length + 1;
    expect(r.stdout).toContain(`created tag churn#staging#${n}`);
    expect(tags(bare, 'churn#*')).toEqual([...before, `churn#staging#${n}`].sort());
    expect(tags(a.dir, 'churn#*')).toEqual(tags(bare, 'churn#*'));
    const counters = tags(bare, 'churn#*').map((t) => Number(t.split('#')[2])).sort((x, y) => x - y);
    expect(counters).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  }, 120_000);
});

describe('lineage records read back from tags are untrusted', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeGatedRepo(join(tmp.path, 'r'));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0', '--pr', '7'])).code).toBe(0);
    const good = lineageOf(repo, 'churn@v1.0.0');
    const forged = {
      ...good,
      version: 'v6.6.6',
      pr: '<img src=x onerror=alert(1)> [x](https://evil.example) @everyone',
      model_file: { path: '../../../../etc/passwd', sha256: '', size: 1, source: 'git' },
    };
    const msg = formatTagMessage('Register churn v6.6.6', forged as never);
    execFileSync('git', ['tag', '-a', '--cleanup=verbatim', '-F', '-', 'churn@v6.6.6', good.commit], { cwd: repo.dir, env: BASE_ENV, input: msg });
  });
  afterAll(() => tmp.cleanup());

  it('verify refuses the forged record with one clear message (exit 1) and hashes nothing outside the repo', async () => {
    const r = await repo.cli(['verify', 'churn@v6.6.6']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mlpipeline: cannot verify churn v6\.6\.6: churn@v6\.6\.6 is an unverified\/foreign record: its lineage record is invalid \(/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('lineage does not crash, warns, and renders none of the forged fields; --md escapes', async () => {
    const j = await repo.cli(['lineage', 'churn@v6.6.6', '--json']);
    expect(j.code).toBe(0);
    expect(j.stderr).toContain('mlpipeline: warning: churn@v6.6.6 is an unverified/foreign record, not used');
    const doc = JSON.parse(j.stdout);
    expect(doc.model_file).toBeNull();
    expect(doc.registration.pr).toBeNull();
    const md = await repo.cli(['lineage', 'churn@v6.6.6', '--md']);
    expect(md.code).toBe(0);
    expect(md.stdout).not.toMatch(/<img|\]\(https|@everyone/);
    expect(md.stdout).toContain('**Unverified record:**');
    const text = await repo.cli(['lineage', 'churn@v6.6.6']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain('etc/passwd');
  });

  it('provenance emits no statement (and no empty digest) for it', async () => {
    const r = await repo.cli(['provenance', 'churn@v6.6.6']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mlpipeline: churn@v6\.6\.6 is an unverified\/foreign record, so no provenance is stated for it/);
  });
});

describe('push outcomes, from git push --atomic --porcelain', () => {
  const line = (ref: string, status: string) => `!\tdeadbeef:${ref}\t${status}`;
  it.each([
    ['a lease that found the claim taken', [line('refs/mlpipeline/counters/churn/3', '[rejected] (stale info)'), line('refs/tags/churn#staging#3', '[rejected] (atomic push failed)')], '', 'lost-race'],
    ['a tag name taken meanwhile', [line('refs/tags/churn@v1.0.0', '[rejected] (already exists)')], '', 'lost-race'],
    ['a server-side ref update that lost', [line('refs/mlpipeline/counters/churn/3', '[remote rejected] (failed to update ref)')], '', 'lost-race'],
  ])('%s is a lost race (retried)', (_what, lines, stderr, kind) => {
    expect(classifyPush(1, lines.join('\n') + '\nDone\n', stderr).kind).toBe(kind);
  });

  it('a hook or a protected tag is a refusal, with the server words', () => {
    const out = [line('refs/tags/churn#prod#3', '[remote rejected] (protected tag hook declined)'), line('refs/mlpipeline/counters/churn/3', '[remote rejected] (atomic transaction failed)')].join('\n');
    expect(classifyPush(1, out, 'remote: error: GH013: Repository rule violations found for refs/tags/churn#prod#3.\n')).toEqual({
      kind: 'refused',
      reason: 'churn#prod#3: remote rejected (protected tag hook declined); the server said: error: GH013: Repository rule violations found for refs/tags/churn#prod#3.',
    });
  });

  it('no ref status at all is an unreachable remote', () => {
    expect(classifyPush(128, '', "fatal: unable to access 'https://example.invalid/x.git/': Could not resolve host: example.invalid\n")).toEqual({
      kind: 'unreachable',
      reason: "fatal: unable to access 'https://example.invalid/x.git/': Could not resolve host: example.invalid",
    });
  });
});

describe('team membership counts only when verified (from the GitHub API)', () => {
  const actor = (teams: string[], verified: boolean) => ({ actor: { login: 'bob', name: 'Bob', email: 'bob@example.com', source: 'test', verified }, teams });
  it('matches a listed team only from verified teams', async () => {
    const tmp = tempDir();
    try {
      const repo = await makeGatedRepo(join(tmp.path, 'r'));
      const ctx = await resolveActor(repo.dir, { ...BASE_ENV, GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'bob', MLPIPELINE_ACTOR_TEAMS: '@acme/other' }, { teams: '@acme/ml-leads', verifiedTeams: ['@acme/ml-leads'] });
      expect(ctx.actor).toMatchObject({ login: 'bob', verified: true });
      expect(ctx.teams).toEqual(['@acme/ml-leads']);
      expect(actorMatches('@acme/ml-leads', ctx)).toBe(true);
      const local = await resolveActor(repo.dir, BASE_ENV, { actor: 'bob', teams: '@acme/ml-leads' });
      expect(local.actor.verified).toBe(false);
      expect(actorMatches('@acme/ml-leads', local)).toBe(false);
      expect(actorMatches('bob', actor([], false))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });
});
