import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  SHA256_ABC,
  SHA256_MESSAGE_DIGEST,
  later,
  lineageOf,
  makeGatedRepo,
  makeRepo,
  tagMessage,
  tempDir,
  type Repo,
} from './registry-fixture.js';

const require = createRequire(import.meta.url);
const HOUR = 3_600_000;

function lineageValidator() {
  const Ajv = require('ajv/dist/2020.js').default;
  const addFormats = require('ajv-formats').default;
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(__dirname, '..', 'pipeline-schema', 'lineage.schema.json'), 'utf8')));
}

describe('register → promote through two environments → rollback → deprecate', () => {
  const tmp = tempDir();
  let repo: Repo;
  let c1: string;
  let c2: string;
  beforeAll(async () => {
    repo = await makeGatedRepo(join(tmp.path, 'r'));
    c1 = repo.git('rev-parse', 'HEAD').trim();
  });
  afterAll(() => tmp.cleanup());

  it('registers v1.0.0 as an annotated tag whose message is a human line, a blank line and a valid lineage record', async () => {
    const r = await repo.cli(['register', 'churn', '--version', 'v1.0.0', '--pr', '42']);
    expect(r.stderr).toBe('mlpipeline: note: the actor Alice Example <alice@example.com> is unverified: outside GitHub Actions nobody authenticated it (recorded as verified: false)\n');
    expect(r.code).toBe(0);
    expect(repo.git('cat-file', '-t', 'churn@v1.0.0').trim()).toBe('tag');
    expect(repo.git('rev-parse', 'churn@v1.0.0^{commit}').trim()).toBe(c1);
    expect(repo.git('for-each-ref', '--format=%(taggername) %(taggeremail)', 'refs/tags/churn@v1.0.0').trim()).toBe('Alice Example <alice@example.com>');
    const lines = tagMessage(repo, 'churn@v1.0.0').split('\n');
    expect(lines[0]).toBe(`Register churn v1.0.0 at ${c1.slice(0, 12)} (by Alice Example)`);
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('```mlpipeline-lineage');
    const rec = lineageOf(repo, 'churn@v1.0.0');
    const validate = lineageValidator();
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(rec.commit).toBe(c1);
    expect(rec.pr).toBe(42);
    expect(rec.model_file).toEqual({ path: 'model.onnx', sha256: SHA256_ABC, size: 3, source: 'git' });
    expect(rec.materials).toContainEqual({ path: 'data/train.csv', sha256: SHA256_MESSAGE_DIGEST, size: 14, source: 'git', role: 'data', dataset: 'train' });
    expect(rec.materials.map((m: { path: string; role: string }) => `${m.path}:${m.role}`)).toEqual(['data/train.csv:data', 'train.js:dependency']);
    expect(rec.run.stages[0].fingerprint).toBe('fp-train-1');
    expect(rec.run.params).toEqual({ 'train.lr': 0.1, 'train.epochs': 5 });
    expect(rec.run.metrics['metrics.json'].f1).toBe(0.81);
    expect(rec.verdict.passed).toBe(true);
    expect(rec.verdict.bound).toBe(true);
    expect(rec.verdict.binding.model.sha256).toBe(SHA256_ABC);
    expect(rec.verdict.binding.evaluation_data).toEqual({ path: 'data/train.csv', sha256: SHA256_MESSAGE_DIGEST, size: 14 });
    expect(rec.verdict.binding.gates_config.count).toBe(1);
    expect(rec.actor).toEqual({ login: null, name: 'Alice Example', email: 'alice@example.com', source: 'GIT_COMMITTER_NAME', verified: false, name_verified: false });
  });

  it('promotes to staging with counter 1', async () => {
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created tag churn#staging#1');
    expect(repo.git('rev-parse', 'churn#staging#1^{commit}').trim()).toBe(c1);
    const rec = lineageOf(repo, 'churn#staging#1');
    expect(rec).toMatchObject({ action: 'assign', version: 'v1.0.0', environment: 'staging', replaces: null });
    expect(rec.policy).toEqual([{ rule: 'require_gates', ok: true, detail: 'churn v1.0.0 passed its gates (1 gate, the same as on main)' }]);
  });

  it('promotes to production after the soak, by an allowed actor, recording each check', async () => {
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice'], {}, later(3 * HOUR));
    expect(r.stderr).toBe('mlpipeline: note: the actor alice is unverified: outside GitHub Actions nobody authenticated it (recorded as verified: false)\n');
    expect(r.code).toBe(0);
    const rec = lineageOf(repo, 'churn#production#2');
    expect(rec.policy.map((c: { rule: string; ok: boolean }) => `${c.rule}:${c.ok}`)).toEqual(['order:true', 'allowed:true', 'min_soak:true', 'require_gates:true']);
    expect(rec.actor.login).toBe('alice');
  });

  it('a second version goes through both environments and replaces the first', async () => {
    repo.write('model.onnx', 'abcd');
    c2 = repo.commit('retrain');
    repo.ran();
    await repo.gate();
    expect((await repo.cli(['register', 'churn', '--bump', 'minor'])).code).toBe(0);
    expect(repo.git('rev-parse', 'churn@v1.1.0^{commit}').trim()).toBe(c2);
    expect((await repo.cli(['promote', 'churn@v1.1.0', '--to', 'staging'], {}, later(3 * HOUR))).code).toBe(0);
    // On GitHub Actions the authenticated GITHUB_ACTOR is the actor, whatever --actor says.
    const r = await repo.cli(['promote', 'churn@v1.1.0', '--to', 'production', '--actor', 'mallory'], { GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'alice' }, later(5 * HOUR));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created tag churn#production#4');
    expect(lineageOf(repo, 'churn#production#4').replaces).toEqual({ version: 'v1.0.0', tag: 'churn#production#2' });
    expect(lineageOf(repo, 'churn#production#4').actor).toMatchObject({ login: 'alice', verified: true });
    expect(r.stderr).toContain('--actor mallory ignored: on GitHub Actions the actor is the authenticated GITHUB_ACTOR (alice)');
  });

  it('registry --json shows each model, its latest version and the version per environment', async () => {
    const r = await repo.cli(['registry', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schema).toBe('mlpipeline/registry@1');
    expect(doc.models).toHaveLength(1);
    expect(doc.models[0].name).toBe('churn');
    expect(doc.models[0].latest).toBe('v1.1.0');
    expect(doc.models[0].environments.staging.version).toBe('v1.1.0');
    expect(doc.models[0].environments.production).toMatchObject({ version: 'v1.1.0', tag: 'churn#production#4' });
    const text = await repo.cli(['registry']);
    expect(text.stdout.split('\n').slice(0, 2)).toEqual(['MODEL  LATEST  PRODUCTION  STAGING', 'churn  v1.1.0  v1.1.0      v1.1.0']);
  });

  it('rollback re-assigns the version that held production before', async () => {
    const r = await repo.cli(['rollback', 'churn', '--env', 'production', '--actor', 'alice']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created tag churn#production#5');
    expect(repo.git('rev-parse', 'churn#production#5^{commit}').trim()).toBe(c1);
    expect(lineageOf(repo, 'churn#production#5')).toMatchObject({ version: 'v1.0.0', rollback_of: 'v1.1.0', replaces: { version: 'v1.1.0' } });
    const doc = JSON.parse((await repo.cli(['registry', '--json'])).stdout);
    expect(doc.models[0].environments.production.version).toBe('v1.0.0');
  });

  it('lineage NAME#ENV walks to the whole chain', async () => {
    const r = await repo.cli(['lineage', 'churn#production', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: 'churn', version: 'v1.0.0', environment: 'production', commit: c1, deployed_in: ['production'] });
    expect(doc.holding).toMatchObject({ tag: 'churn#production#5', replaced: 'v1.1.0' });
    expect(doc.registration.pr).toBe(42);
    expect(doc.model_file.sha256).toBe(SHA256_ABC);
    expect(doc.run.params['train.lr']).toBe(0.1);
    expect(doc.verdict.gates[0].metric).toBe('f1');
    expect(doc.promotions.map((p: { tag: string }) => p.tag)).toEqual(['churn#staging#1', 'churn#production#2', 'churn#production#5']);
    expect(doc.promotions[2].rollback_of).toBe('v1.1.0');
    // "Trained on which data" is answered apart from the code the stages depended on.
    expect(doc.data).toEqual([{ path: 'data/train.csv', sha256: SHA256_MESSAGE_DIGEST, size: 14, source: 'git', role: 'data', dataset: 'train' }]);
    expect(doc.dependencies.map((d: { path: string }) => d.path)).toEqual(['train.js']);
    const text = await repo.cli(['lineage', 'churn@v1.1.0']);
    expect(text.stdout).toContain(`commit:      ${c2}`);
    expect(text.stdout).toContain(`  data:        train: data/train.csv sha256:${SHA256_MESSAGE_DIGEST}\n  depends on:  train.js sha256:`);
    const md = await repo.cli(['lineage', 'churn#production', '--md']);
    expect(md.stdout).toMatch(/^# Lineage of churn v1\\\.0\\\.0/);
    expect(md.stdout).toContain('| **Pull request** | \\#42 |');
    expect(md.stdout).toContain(`## Trained on (data)\n| dataset | path | sha256 | read from |\n| --- | --- | --- | --- |\n| train | \`data/train.csv\` | \`${SHA256_MESSAGE_DIGEST}\` | git |\n`);
    expect(md.stdout).toContain('## Code and other dependencies\n');
    // --out says where the file went (and creates missing folders), like the other --out options.
    const out = await repo.cli(['lineage', 'churn#production', '--md', '--out', 'reports/new/lineage.md']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('wrote reports/new/lineage.md\n');
    expect(readFileSync(join(repo.dir, 'reports/new/lineage.md'), 'utf8')).toBe(md.stdout);
  });

  it('dry run shows the decision and writes nothing', async () => {
    const before = repo.git('tag', '-l').split('\n').length;
    const r = await repo.cli(['promote', 'churn@v1.1.0', '--to', 'production', '--actor', 'alice', '--dry-run'], {}, later(10 * HOUR));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run: would create tag churn#production#6');
    const refused = await repo.cli(['promote', 'churn@v1.1.0', '--to', 'production', '--actor', 'bob', '--dry-run', '--json'], {}, later(10 * HOUR));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ decision: 'refused', written: false, dry_run: true });
    expect(repo.git('tag', '-l').split('\n').length).toBe(before);
  });

  it('verify recomputes hashes from git objects at the version commit', async () => {
    // The work tree now holds v1.1.0's model; v1.0.0 must still verify from its own commit.
    const r = await repo.cli(['verify', 'churn@v1.0.0', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.files[0]).toMatchObject({ path: 'model.onnx', role: 'model', actual_sha256: SHA256_ABC, source: 'git', ok: true });
  });

  it('provenance is an in-toto Statement v1 with a SLSA v1 predicate', async () => {
    const r = await repo.cli(['provenance', 'churn@v1.0.0', '--out', 'prov.json']);
    expect(r.code).toBe(0);
    const st = JSON.parse(readFileSync(join(repo.dir, 'prov.json'), 'utf8'));
    expect(st._type).toBe('https://in-toto.io/Statement/v1');
    expect(st.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(st.subject).toEqual([{ name: 'model.onnx', digest: { sha256: SHA256_ABC } }]);
    expect(st.predicate.buildDefinition.resolvedDependencies).toContainEqual({ name: 'source', digest: { gitCommit: c1 } });
    expect(st.predicate.buildDefinition.resolvedDependencies).toContainEqual({
      name: 'data/train.csv',
      digest: { sha256: SHA256_MESSAGE_DIGEST },
      annotations: { 'mlpipeline.role': 'data', 'mlpipeline.dataset': 'train' },
    });
    expect(st.predicate.runDetails.builder.id).toBe('urn:mlpipeline:builder:local');
  });

  it('deprecates a version with NAME@vX.Y.Z! and the model with NAME@deprecated', async () => {
    expect((await repo.cli(['deprecate', 'churn@v1.1.0', '--reason', 'leaks labels'])).code).toBe(0);
    expect(repo.git('cat-file', '-t', 'churn@v1.1.0!').trim()).toBe('tag');
    expect(lineageOf(repo, 'churn@v1.1.0!')).toMatchObject({ action: 'deregister', version: 'v1.1.0', reason: 'leaks labels' });
    const r = await repo.cli(['promote', 'churn@v1.1.0', '--to', 'staging']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "mlpipeline: churn v1.1.0 is deprecated (churn@v1.1.0!), so it cannot be promoted to staging\n  fix: choose a version that is not deprecated (mlpipeline registry lists them)\n",
    );
    expect((await repo.cli(['deprecate', 'churn'])).code).toBe(0);
    expect(repo.git('cat-file', '-t', 'churn@deprecated').trim()).toBe('tag');
    const doc = JSON.parse((await repo.cli(['registry', '--json'])).stdout);
    expect(doc.models[0].deprecated).toBe(true);
    expect(doc.models[0].latest).toBe('v1.0.0');
  });
});

describe('policy refusals (exit 1, naming the rule and the fix)', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeGatedRepo(join(tmp.path, 'r'));
    await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
    repo.write('model.onnx', 'other');
    repo.commit('v2');
    repo.ran();
    await repo.gate(0.5);
    await repo.cli(['register', 'churn', '--version', 'v2.0.0']);
  });
  afterAll(() => tmp.cleanup());

  it('order: production only after staging', async () => {
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      // The notes come first on a refusal too: who the actor was taken to be is often the reason.
      'mlpipeline: note: the actor alice is unverified: outside GitHub Actions nobody authenticated it (recorded as verified: false)\n' +
        "mlpipeline: promotion refused by policy 'order' of environment 'production': churn v1.0.0 has not been in staging; production comes after staging\n" +
        '  fix: promote it to staging first: mlpipeline promote churn@v1.0.0 --to staging\n',
    );
  });

  it('require_gates: a version registered with a failed verdict', async () => {
    const r = await repo.cli(['promote', 'churn@v2.0.0', '--to', 'staging']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refused by policy 'require_gates' of environment 'staging': churn v2.0.0 failed its gates: f1 (");
    expect(r.stderr).toContain('fix: run `mlpipeline evaluate` and `mlpipeline gate` on the model you register until it passes');
  });

  it('min_soak: not long enough in staging', async () => {
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'])).code).toBe(0);
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'alice'], {}, later(30 * 60_000));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused by policy 'min_soak' of environment 'production': churn v1\.0\.0 has been in staging for 30m(?: \d+s)?; production needs 1h, i\.e\. (?:29m \d+s|30m) more/);
    expect(r.stderr).toContain('fix: let it soak in staging for 1h before promoting to production');
  });

  it('allowed: an actor who is neither listed nor in a listed team; a self-declared team does not count', async () => {
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'bob'], {}, later(2 * HOUR));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refused by policy 'allowed' of environment 'production': bob may not promote to production; allowed: alice, @acme/ml-leads");
    const team = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'bob', '--teams', '@acme/ml-leads'], { MLPIPELINE_ACTOR_TEAMS: '@acme/ml-leads' }, later(2 * HOUR));
    expect(team.code).toBe(1);
    expect(team.stderr).toContain('team membership (@org/team) can only be checked on GitHub, from the API');
    // The note that --teams was ignored is printed on the refusal, where it explains it.
    expect(team.stderr).toContain('mlpipeline: note: --teams / MLPIPELINE_ACTOR_TEAMS ignored: team membership is self-declared there; it is only checked on GitHub, from the API\n');
    const json = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--actor', 'bob', '--json'], {}, later(2 * HOUR));
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'mlpipeline/registry-action@1', decision: 'refused', written: false, dry_run: false, refused: { rule: 'allowed', ok: false } });
    expect(repo.git('tag', '-l', 'churn#production#*').trim()).toBe('');
  });
});

describe('bad input: one message each, exit 2', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeGatedRepo(join(tmp.path, 'r'));
    await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
  });
  afterAll(() => tmp.cleanup());

  const cases: [string, string[], string][] = [
    ['unknown model to register', ['register', 'fraud'], "mlpipeline: unknown model 'fraud': "],
    ['unknown model to promote', ['promote', 'fraud@v1.0.0', '--to', 'staging'], "mlpipeline: unknown model 'fraud': no version of it is registered\n  fix: known models: churn\n"],
    ['unknown environment', ['promote', 'churn@v1.0.0', '--to', 'qa'], "mlpipeline: unknown environment 'qa'; "],
    ['malformed version in a reference', ['promote', 'churn@1.0', '--to', 'staging'], "mlpipeline: malformed version '1.0': a version is `v` followed by SemVer 2.0.0: vMAJOR.MINOR.PATCH with optional -prerelease and +build (e.g. v1.4.0, v2.0.0-rc.1)\n  fix: write the version as vMAJOR.MINOR.PATCH, e.g. v1.2.3\n"],
    ['malformed version flag', ['register', 'churn', '--version', '1.0.0'], "mlpipeline: malformed version '1.0.0': a version is `v` followed by SemVer 2.0.0: vMAJOR.MINOR.PATCH with optional -prerelease and +build (e.g. v1.4.0, v2.0.0-rc.1)\n  fix: write it with the v prefix: v1.0.0\n"],
    ['unregistered version', ['promote', 'churn@v9.9.9', '--to', 'staging'], 'mlpipeline: churn v9.9.9 is not registered, so it cannot be promoted to staging\n  fix: register it first (mlpipeline register churn --version v9.9.9); registered: v1.0.0\n'],
    ['name outside the grammar', ['promote', 'Churn@v1.0.0', '--to', 'staging'], "mlpipeline: invalid model name 'Churn': names are 1-100 characters of lower-case letters, digits and `-`, starting and ending with a letter or digit (the Git Tag Ops name rule; no `.`, `_`, `@`, `#`, `!`, `/` or spaces)\n  fix: write it in lower case: 'churn'\n"],
    ['environment outside the grammar', ['promote', 'churn@v1.0.0', '--to', 'pro!d'], "mlpipeline: invalid environment name 'pro!d': names are 1-100 characters of lower-case letters, digits and `-`, starting and ending with a letter or digit (the Git Tag Ops name rule; no `.`, `_`, `@`, `#`, `!`, `/` or spaces)\n  fix: use an environment name that fits the rule (under environments: in mlpipeline.yaml)\n"],
    ['already registered', ['register', 'churn', '--version', 'v1.0.0'], 'mlpipeline: churn v1.0.0 is already registered (at '],
    ['model name GTO cannot read', ['history', 'churn_v2'], "mlpipeline: invalid model name 'churn_v2': names are 1-100 characters"],
    ['reference of the wrong kind', ['lineage', 'churn'], "mlpipeline: 'churn' is not a valid reference here: expected NAME@vX.Y.Z or NAME#ENV\n"],
  ];
  for (const [what, args, expected] of cases) {
    it(what, async () => {
      const r = await repo.cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.startsWith(expected), r.stderr).toBe(true);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    });
  }

  it('dirty work tree for register', async () => {
    repo.write('train.js', '// changed\n');
    const r = await repo.cli(['register', 'churn', '--bump', 'patch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'mlpipeline: the work tree has uncommitted changes (train.js); a registered version must describe a commit\n  fix: commit (or stash) the changes, then register again\n',
    );
    repo.git('checkout', '--', 'train.js');
  });

  it('promoting a version of a deprecated model', async () => {
    expect((await repo.cli(['deprecate', 'churn'])).code).toBe(0);
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mlpipeline: model 'churn' is deprecated (churn@deprecated), so v1.0.0 cannot be promoted to staging\n  fix: use a model that is not deprecated\n");
  });
});

describe('verify with files that are not committed', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('compares the work tree file, says so, and fails loudly on a mismatch', async () => {
    const repo = makeRepo(join(tmp.path, 'r'), { modelCommitted: false });
    expect((await repo.cli(['register', 'churn', '--version', 'v0.1.0'])).code).toBe(0);
    expect(lineageOf(repo, 'churn@v0.1.0').model_file).toEqual({ path: 'model.onnx', sha256: SHA256_ABC, size: 3, source: 'workspace' });
    const ok = await repo.cli(['verify', 'churn@v0.1.0']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok       model      model.onnx (not committed: compared the work tree file)');
    repo.write('model.onnx', 'tampered');
    const bad = await repo.cli(['verify', 'churn@v0.1.0']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`MISMATCH model      model.onnx (not committed: compared the work tree file)\n         recorded sha256 ${SHA256_ABC}`);
    expect(bad.stderr).toBe(
      'mlpipeline: verification FAILED for churn v0.1.0: 1 file differ from the recorded lineage (model.onnx)\n' +
        '  fix: do not deploy this version; find out how the files changed since registration (git log, the work tree), or register a new version\n',
    );
  });
});

describe('history', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('lists every event in tagger-time order', async () => {
    const repo = makeRepo(join(tmp.path, 'r'), { environments: 'environments:\n  staging: {require_gates: false}\n' });
    const at = (unix: number) => ({ now: () => unix * 1000 });
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'], {}, at(1700000000))).code).toBe(0);
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'], {}, at(1700000100))).code).toBe(0);
    repo.write('model.onnx', 'v2');
    repo.commit('v2');
    repo.ran();
    expect((await repo.cli(['register', 'churn', '--bump', 'major'], {}, at(1700000200))).code).toBe(0);
    // GIT_COMMITTER_DATE in the environment does not date our tags (it would fake soak times).
    expect((await repo.cli(['promote', 'churn@v2.0.0', '--to', 'staging'], { GIT_COMMITTER_DATE: '@1000000000 +0000' }, at(1700000300))).code).toBe(0);
    expect((await repo.cli(['deprecate', 'churn@v1.0.0'], {}, at(1700000400))).code).toBe(0);
    const doc = JSON.parse((await repo.cli(['history', 'churn', '--json'])).stdout);
    expect(doc.events.map((e: { time: string; tag: string; action: string }) => `${e.time} ${e.tag} ${e.action}`)).toEqual([
      '2023-11-14T22:13:20Z churn@v1.0.0 register',
      '2023-11-14T22:15:00Z churn#staging#1 assign',
      '2023-11-14T22:16:40Z churn@v2.0.0 register',
      '2023-11-14T22:18:20Z churn#staging#2 assign',
      '2023-11-14T22:20:00Z churn@v1.0.0! deregister',
    ]);
    expect(lineageOf(repo, 'churn#staging#2').time).toBe('2023-11-14T22:18:20.000Z');
  });
});

describe('reading tags', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('reads GTO-made tags, ignores lightweight and unrelated tags', async () => {
    const repo = makeRepo(join(tmp.path, 'r'));
    const c = repo.git('rev-parse', 'HEAD').trim();
    repo.git('tag', '-a', '-m', 'Registering artifact', 'legacy@v0.3.0', c);
    repo.git('tag', '-a', '-m', 'Assigning stage', 'legacy#prod#1', c);
    repo.git('tag', 'legacy#dev#2', c); // lightweight: does not count
    repo.git('tag', '-a', '-m', 'release', 'v1.0', c);
    repo.git('tag', '-a', '-m', 'not ours', 'foo@bar', c);
    const r = await repo.cli(['registry', '--json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.models).toHaveLength(1);
    expect(doc.models[0]).toMatchObject({ name: 'legacy', latest: 'v0.3.0', environments: { prod: { version: 'v0.3.0', tag: 'legacy#prod#1' } } });
    expect(doc.skipped).toEqual([{ tag: 'legacy#dev#2', reason: 'lightweight tag (only annotated tags count)' }]);
    const lineage = JSON.parse((await repo.cli(['lineage', 'legacy#prod', '--json'])).stdout);
    expect(lineage.record_missing).toBe(true);
    expect(lineage.commit).toBe(c);
  });
});
