/**
 * Compatibility with Git Tag Ops (GTO). GTO_TAG_RE below is GTO's own `tag_re`, transcribed from
 * gto/constants.py (iterative/gto) into JavaScript syntax, independent of our grammar.ts: every
 * tag mlpipeline writes must match it, and tags GTO writes must be read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assertName, parseModelRef, parseTagName } from '../runners/registry/grammar.js';
import { BASE_ENV, makeRepo, tempDir } from './registry-fixture.js';

const dirname = '[a-z0-9-_./]+';
const name = '[a-z0-9]([a-z0-9-/]*[a-z0-9])?';
const semver =
  '(?<major>0|[1-9]\\d*)\\.(?<minor>0|[1-9]\\d*)\\.(?<patch>0|[1-9]\\d*)(?:-(?<prerelease>(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+(?<buildmetadata>[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?';
const fullnameInTag = `(?<dirname>${dirname}=)?(?<name>${name})`;
const GTO_TAG_RE = new RegExp(
  `^(?<artifact>${fullnameInTag})(((#(?<stage>${name.replace(/\(/g, '(?:')})|@(?<version>v${semver}))(?<cancel>!?))|@((?<deprecated>deprecated)|(?<created>created)))(#((?<counter>[0-9]+)))?$`,
);

describe('tag names, against GTO tag_re', () => {
  it.each([
    ['churn@v1.2.3', { action: 'register', name: 'churn', version: 'v1.2.3' }],
    ['churn@v1.2.3!', { action: 'deregister', name: 'churn', version: 'v1.2.3' }],
    ['churn#prod#3', { action: 'assign', name: 'churn', stage: 'prod', counter: 3 }],
    ['churn#prod!#4', { action: 'unassign', name: 'churn', stage: 'prod', counter: 4 }],
    ['churn@deprecated', { action: 'deprecate', name: 'churn' }],
    ['churn@deprecated#9', { action: 'deprecate', name: 'churn', counter: 9 }],
    ['churn@v1.2.3!#5', { action: 'deregister', name: 'churn', version: 'v1.2.3', counter: 5 }],
    ['team/churn#eu/prod#2', { action: 'assign', name: 'team/churn', stage: 'eu/prod', counter: 2 }],
    ['models/tabular=churn@v0.1.0', { action: 'register', name: 'models/tabular:churn', version: 'v0.1.0' }],
  ])('GTO and we both read %s', (tag, expected) => {
    expect(GTO_TAG_RE.test(tag)).toBe(true);
    expect(parseTagName(tag)).toEqual(expected);
  });

  // Tags GTO does not consider registry tags are not ours either (GTO skips them as invalid).
  it.each(['churn.v2@v0.0.1', 'churn_v2@v1.0.0', 'Churn@v1.0.0', 'churn-@v1.0.0', 'churn#Prod#1', 'churn#pro_d#1', 'churn@1.0.0'])('neither reads %s', (tag) => {
    expect(GTO_TAG_RE.test(tag)).toBe(false);
    expect(parseTagName(tag)).toBeUndefined();
  });

  it('writes only names GTO reads, and says the rule', () => {
    for (const bad of ['churn.v2', 'churn_v2', 'team/churn', 'churn-', '-churn', 'a'.repeat(101)]) {
      expect(() => assertName(bad, 'model')).toThrow(/the Git Tag Ops name rule/);
    }
    expect(() => assertName('a'.repeat(100), 'model')).not.toThrow();
    // Reader commands accept what GTO may have written.
    expect(parseModelRef('team/churn#eu/prod', ['environment'], 'read')).toEqual({ kind: 'environment', name: 'team/churn', environment: 'eu/prod' });
    expect(parseModelRef('models/tabular:churn@v0.1.0', ['version'], 'read')).toEqual({ kind: 'version', name: 'models/tabular:churn', version: 'v0.1.0' });
    expect(() => parseModelRef('team/churn@v0.1.0', ['version'])).toThrow(/invalid model name 'team\/churn'/);
  });
});

describe('round trip with GTO', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('every tag a full register/promote/rollback/deprecate cycle writes matches GTO tag_re', async () => {
    const repo = makeRepo(join(tmp.path, 'r'), { environments: 'environments:\n  staging: {require_gates: false}\n' });
    expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'])).code).toBe(0);
    repo.write('model.onnx', 'v2');
    repo.commit('v2');
    expect((await repo.cli(['register', 'churn', '--bump', 'minor'])).code).toBe(0);
    expect((await repo.cli(['promote', 'churn@v1.1.0', '--to', 'staging'])).code).toBe(0);
    expect((await repo.cli(['rollback', 'churn', '--env', 'staging'])).code).toBe(0);
    expect((await repo.cli(['deprecate', 'churn@v1.1.0'])).code).toBe(0);
    expect((await repo.cli(['deprecate', 'churn'])).code).toBe(0);
    const tags = repo.git('tag', '-l').trim().split('\n').sort();
    expect(tags).toEqual(['churn#staging#1', 'churn#staging#2', 'churn#staging#3', 'churn@deprecated', 'churn@v1.0.0', 'churn@v1.1.0', 'churn@v1.1.0!']);
    for (const t of tags) expect(GTO_TAG_RE.test(t), t).toBe(true);
    // Annotated, as GTO requires (it drops lightweight tags).
    for (const t of tags) expect(repo.git('cat-file', '-t', t).trim()).toBe('tag');
  });

  it('reads a history GTO wrote: dirname artifacts, stage names with /, counters on every form', async () => {
    const repo = makeRepo(join(tmp.path, 'g'));
    const c = repo.git('rev-parse', 'HEAD').trim();
    // Annotated tags with GTO's default messages, at fixed tagger times.
    const at = (t: string, msg: string, unix: number) =>
      execFileSync('git', ['tag', '-a', '-m', msg, t, c], { cwd: repo.dir, env: { ...BASE_ENV, GIT_COMMITTER_DATE: `@${unix} +0000` } });
    at('models/tabular=churn@v0.1.0', 'Registering artifact', 1700000000);
    at('models/tabular=churn#eu/prod#1', 'Assigning stage', 1700000100);
    at('models/tabular=churn@v0.1.0!#2', 'Deregistering version', 1700000200);
    const doc = JSON.parse((await repo.cli(['registry', '--json'])).stdout);
    expect(doc.models).toHaveLength(1);
    expect(doc.models[0]).toMatchObject({ name: 'models/tabular:churn', latest: null, versions: [{ version: 'v0.1.0', deprecated: true }] });
    expect(doc.models[0].environments['eu/prod']).toMatchObject({ version: 'v0.1.0', tag: 'models/tabular=churn#eu/prod#1' });
    const history = JSON.parse((await repo.cli(['history', 'models/tabular:churn', '--json'])).stdout);
    expect(history.events.map((e: { tag: string; action: string }) => `${e.tag} ${e.action}`)).toEqual([
      'models/tabular=churn@v0.1.0 register',
      'models/tabular=churn#eu/prod#1 assign',
      'models/tabular=churn@v0.1.0!#2 deregister',
    ]);
    const lineage = JSON.parse((await repo.cli(['lineage', 'models/tabular:churn#eu/prod', '--json'])).stdout);
    expect(lineage).toMatchObject({ model: 'models/tabular:churn', version: 'v0.1.0', commit: c, record_missing: true });
    // Writers refuse names only GTO writes, quoting the rule (exit 2, no stack).
    const w = await repo.cli(['deprecate', 'models/tabular:churn']);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/^mlpipeline: invalid model name 'models\/tabular:churn': names are 1-100 characters/);
  });
});
