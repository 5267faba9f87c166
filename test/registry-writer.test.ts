import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { GitError } from '../core/errors.js';
import { writeRegistryTag, type TagPlan } from '../runners/registry/tag-writer.js';
import { gitUri } from '../runners/registry/provenance.js';
import { formatTagMessage, LINEAGE_SCHEMA, type LineageRecord } from '../runners/registry/lineage-record.js';
import { BASE_ENV, SHA256_ABC, SHA256_MESSAGE_DIGEST, cloneRepo, lineageOf, makeRepo, runRecord, seedRemote, tempDir, type Repo } from './registry-fixture.js';

/** Back-off waits are injected: the tests never really wait; `waits` records what was asked. */
const waits: number[] = [];
const noWait = (ms: number): Promise<void> => {
  waits.push(ms);
  return Promise.resolve();
};

/** A promotion plan for `churn#<env>#N`, N = 1 + the highest counter in the state given. */
function promotionPlan(env: string) {
  return (state: Parameters<Parameters<typeof writeRegistryTag>[1]>[0]): TagPlan => {
    const model = state.models.get('churn')!;
    const v = model.versions.get('v1.0.0')!;
    const n = model.maxCounter + 1;
    const record = {
      schema: LINEAGE_SCHEMA,
      action: 'assign',
      model: 'churn',
      version: 'v1.0.0',
      environment: env,
      commit: v.commit,
      time: '2024-01-01T00:00:00.000Z',
      actor: { login: null, name: 'Alice Example', email: 'alice@example.com', source: 'test' },
      pr: null,
      ci: null,
    } as LineageRecord;
    return { tag: `churn#${env}#${n}`, commit: v.commit, record, message: formatTagMessage(`Promote churn v1.0.0 to ${env}`, record), counter: { model: 'churn', n } };
  };
}

describe('a writer that loses the race to another clone', () => {
  const tmp = tempDir();
  let bare: string;
  let a: Repo;
  let b: Repo;
  beforeAll(async () => {
    ({ bare } = await seedRemote(tmp.path, 'environments:\n  staging: {require_gates: false}\n  canary: {require_gates: false}\n', ['v1.0.0']));
    a = cloneRepo(bare, join(tmp.path, 'a'));
    b = cloneRepo(bare, join(tmp.path, 'b'));
  });
  afterAll(() => tmp.cleanup());

  const remoteTags = () => execFileSync('git', ['tag', '-l', 'churn#*'], { cwd: bare, encoding: 'utf8' }).trim().split('\n').filter(Boolean).sort();

  it('refetches, recomputes the counter and succeeds with the next one', async () => {
    let plans = 0;
    const plan = promotionPlan('staging');
    const result = await writeRegistryTag({ cwd: a.dir, remote: 'origin', dryRun: false, gitEnv: BASE_ENV, sleep: noWait }, async (state) => {
      const p = plan(state);
      // Between A's read and A's push, B promotes to ANOTHER environment and claims the same N:
      // the tag names differ, so only the counter claim can stop A from reusing N.
      if (++plans === 1) expect((await b.cli(['promote', 'churn@v1.0.0', '--to', 'canary', '--push'])).code).toBe(0);
      return p;
    });
    expect(plans).toBe(2);
    expect(result).toMatchObject({ attempts: 2, written: true, pushed: true });
    expect(waits).toHaveLength(1); // one back-off, injected
    expect(result.plan.tag).toBe('churn#staging#2');
    expect(remoteTags()).toEqual(['churn#canary#1', 'churn#staging#2']);
    // The lost attempt's local tag was removed; the clone holds exactly what the remote holds.
    expect(a.git('tag', '-l', 'churn#*').trim().split('\n').sort()).toEqual(['churn#canary#1', 'churn#staging#2']);
  });

  it('after its last attempt fails clearly and leaves nothing behind', async () => {
    const err = await writeRegistryTag({ cwd: a.dir, remote: 'origin', dryRun: false, gitEnv: BASE_ENV, maxAttempts: 1, sleep: noWait }, async (state) => {
      const p = promotionPlan('staging')(state);
      expect((await b.cli(['promote', 'churn@v1.0.0', '--to', 'canary', '--push'])).code).toBe(0);
      return p;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).format()).toBe(
      'could not write churn#staging#3: 1 attempts all lost the race to other registry writers\n' +
        '  fix: nothing was written; run the command again (other promotions of this model are in progress)',
    );
    expect(remoteTags()).toEqual(['churn#canary#1', 'churn#canary#3', 'churn#staging#2']);
    expect(a.git('tag', '-l', 'churn#staging#3').trim()).toBe('');
  });
});

describe('directories as stage dependencies', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  /** The in-toto dirHash reference command, run by the shell in `dir`. */
  const dirHash = (dir: string) =>
    execFileSync('sh', ['-c', 'find . -type f | cut -c3- | LC_ALL=C sort | xargs -r sha256sum | sha256sum | cut -f1 -d" "'], { cwd: dir, encoding: 'utf8' }).trim();
  const run = (commit: string) => {
    const r = runRecord(commit);
    (r.stages[0] as { deps: Record<string, string> }).deps = { 'data/images': 'md5:dir', 'train.js': 'md5:code', scratch: 'md5:dir' };
    return JSON.stringify(r);
  };

  it('records a manifest digest (in-toto dirHash) for committed and uncommitted directories, and verify checks it', async () => {
    const repo = makeRepo(join(tmp.path, 'r'));
    repo.write('data/images/a.txt', 'abc');
    repo.write('data/images/sub/b.txt', 'message digest');
    repo.write('.gitignore', '.mlpipeline/\nscratch/\n');
    repo.write('scratch/x.txt', 'abc'); // ignored: hashed from the work tree
    const head = repo.commit('images');
    repo.write('.mlpipeline/run.json', run(head));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);

    // Hand-built manifest from the published vectors, and the shell's own reckoning, agree.
    const manifest = `${SHA256_ABC}  a.txt\n${SHA256_MESSAGE_DIGEST}  sub/b.txt\n`;
    const expected = execFileSync('sha256sum', { input: manifest, encoding: 'utf8' }).split(' ')[0];
    expect(dirHash(join(repo.dir, 'data/images'))).toBe(expected);
    const materials = lineageOf(repo, 'churn@v1.0.0').materials as Record<string, unknown>[];
    expect(materials.find((m) => m.path === 'data/images')).toEqual({ path: 'data/images', sha256: expected, size: 17, source: 'git', kind: 'directory', files: 2, role: 'dependency' });
    expect(materials.find((m) => m.path === 'scratch')).toEqual({ path: 'scratch', sha256: dirHash(join(repo.dir, 'scratch')), size: 3, source: 'workspace', kind: 'directory', files: 1, role: 'dependency' });

    const lineage = await repo.cli(['lineage', 'churn@v1.0.0']);
    expect(lineage.stdout).toContain(`  depends on:  data/images/ (2 files) sha256:${expected}\n`);

    const prov = JSON.parse((await repo.cli(['provenance', 'churn@v1.0.0'])).stdout);
    expect(prov.predicate.buildDefinition.resolvedDependencies).toContainEqual({ name: 'data/images/', digest: { dirHash: expected }, annotations: { 'mlpipeline.role': 'dependency' } });

    expect((await repo.cli(['verify', 'churn@v1.0.0'])).code).toBe(0);
    repo.write('scratch/y.txt', 'new file');
    const bad = await repo.cli(['verify', 'churn@v1.0.0']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('MISMATCH dependency scratch (not committed: compared the work tree file)');
    expect(bad.stderr).toContain('1 file differ from the recorded lineage (scratch)');
  });
});

/**
 * The statement's shape, checked field by field against the published specifications: in-toto
 * Statement v1 (statement.md, resource_descriptor.md, digest_set.md) and SLSA Provenance v1
 * (slsa.dev/spec/v1.0/provenance). REQUIRED fields must be present with the right types.
 */
function specProblems(st: any): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => ok || problems.push(what);
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isUri = (v: unknown) => typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(v);
  const HEX: Record<string, number> = { sha256: 64, sha512: 128, sha1: 40, gitCommit: 40, dirHash: 64 };
  const digestOk = (d: unknown) =>
    isObj(d) && Object.keys(d as object).length > 0 && Object.entries(d as Record<string, string>).every(([alg, v]) => (HEX[alg] ? new RegExp(`^[0-9a-f]{${HEX[alg]}}$`).test(v) : false));
  const descriptorOk = (r: any, subject: boolean) =>
    isObj(r) && (subject ? digestOk(r.digest) : r.uri !== undefined || r.digest !== undefined || r.content !== undefined) && (r.digest === undefined || digestOk(r.digest)) && (r.uri === undefined || isUri(r.uri)) && (r.annotations === undefined || isObj(r.annotations));
  const rfc3339 = (v: unknown) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v);
  need(st._type === 'https://in-toto.io/Statement/v1', '_type');
  need(Array.isArray(st.subject) && st.subject.length > 0 && st.subject.every((s: unknown) => descriptorOk(s, true)), 'subject: each needs a digest');
  need(st.predicateType === 'https://slsa.dev/provenance/v1', 'predicateType');
  const bd = st.predicate?.buildDefinition;
  need(isObj(bd), 'buildDefinition');
  need(isUri(bd?.buildType), 'buildDefinition.buildType must be a URI');
  need(isObj(bd?.externalParameters), 'buildDefinition.externalParameters must be an object');
  need(bd?.internalParameters === undefined || isObj(bd.internalParameters), 'internalParameters');
  need(bd?.resolvedDependencies === undefined || (Array.isArray(bd.resolvedDependencies) && bd.resolvedDependencies.every((r: unknown) => descriptorOk(r, false))), 'resolvedDependencies');
  const rd = st.predicate?.runDetails;
  need(isObj(rd) && isObj(rd.builder) && isUri(rd.builder.id), 'runDetails.builder.id must be a URI');
  const md = rd?.metadata;
  need(md === undefined || (isObj(md) && (md.startedOn === undefined || rfc3339(md.startedOn)) && (md.finishedOn === undefined || rfc3339(md.finishedOn))), 'metadata timestamps');
  const allowed = new Set(['_type', 'subject', 'predicateType', 'predicate']);
  need(Object.keys(st).every((k) => allowed.has(k)), 'no unknown top-level fields');
  return problems;
}

describe('provenance', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('meets the in-toto Statement v1 and SLSA Provenance v1 field requirements, locally and in CI', async () => {
    const repo = makeRepo(join(tmp.path, 'r'));
    const commit = repo.git('rev-parse', 'HEAD').trim();
    const ci = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/churn', GITHUB_RUN_ID: '42', GITHUB_WORKFLOW_REF: 'acme/churn/.github/workflows/release.yml@refs/heads/main', GITHUB_SERVER_URL: 'https://github.com' };
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'], ci)).code).toBe(0);
    repo.git('remote', 'add', 'origin', 'https://github.com/acme/churn.git');
    const st = JSON.parse((await repo.cli(['provenance', 'churn@v1.0.0'])).stdout);
    expect(specProblems(st)).toEqual([]);
    expect(st.subject).toEqual([{ name: 'model.onnx', digest: { sha256: SHA256_ABC } }]);
    expect(st.predicate.buildDefinition.resolvedDependencies).toEqual([
      { name: 'source', uri: 'git+https://github.com/acme/churn.git@refs/tags/churn%40v1.0.0', digest: { gitCommit: commit } },
      { name: 'data/train.csv', digest: { sha256: SHA256_MESSAGE_DIGEST }, annotations: { 'mlpipeline.role': 'data', 'mlpipeline.dataset': 'train' } },
      { name: 'train.js', digest: { sha256: st.predicate.buildDefinition.resolvedDependencies[2].digest.sha256 }, annotations: { 'mlpipeline.role': 'dependency' } },
    ]);
    expect(st.predicate.runDetails).toEqual({
      builder: { id: 'https://github.com/acme/churn/.github/workflows/release.yml@refs/heads/main' },
      metadata: { invocationId: 'https://github.com/acme/churn/actions/runs/42', finishedOn: '2024-05-01T10:01:00.000Z' },
    });
    // A statement with a broken field is caught by the same check (the check can fail).
    expect(specProblems({ ...st, subject: [{ name: 'model.onnx', digest: { sha256: 'XYZ' } }] })).toEqual(['subject: each needs a digest']);
  });

  it('names git sources the SLSA way', () => {
    expect(gitUri('https://github.com/acme/churn.git')).toBe('git+https://github.com/acme/churn.git');
    expect(gitUri('git@github.com:acme/churn.git')).toBe('git+ssh://git@github.com/acme/churn.git');
    expect(gitUri('/srv/git/churn.git')).toBeUndefined();
  });
});

describe('reader commands: bad input', () => {
  const tmp = tempDir();
  let repo: Repo;
  beforeAll(async () => {
    repo = makeRepo(join(tmp.path, 'r'));
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it.each([
    [['lineage', 'fraud@v1.0.0'], "mlpipeline: unknown model 'fraud': no version of it is registered\n  fix: known models: churn\n"],
    [['history', 'fraud'], "mlpipeline: unknown model 'fraud': no version of it is registered\n  fix: known models: churn\n"],
    [['verify', 'churn@v2.0.0'], 'mlpipeline: churn v2.0.0 is not registered\n  fix: registered: v1.0.0\n'],
    [['lineage', 'churn#production'], "mlpipeline: nothing of churn is in environment 'production'\n  fix: promote a version first: mlpipeline promote churn@vX.Y.Z --to production\n"],
    [['provenance', 'churn@1.0.0'], "mlpipeline: malformed version '1.0.0': a version is `v` followed by SemVer 2.0.0: vMAJOR.MINOR.PATCH with optional -prerelease and +build (e.g. v1.4.0, v2.0.0-rc.1)\n  fix: write it with the v prefix: v1.0.0\n"],
  ])('%j', async (args, message) => {
    const r = await repo.cli(args);
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(2);
  });
});
