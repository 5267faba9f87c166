/**
 * `mlpipeline promote --deploy` / `rollback --deploy` / `deploy` on real throw-away Git
 * repositories: the KServe and Seldon fixtures are bumped (only the field changes, byte for byte;
 * comments kept), the commit holds only the manifest and carries the lineage in its trailers,
 * `mlpipeline verify` still passes, re-running is "unchanged", pull-request mode leaves the
 * user's branch, work tree and index alone, and failures leave the work tree as it was.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitFile, moveBranch } from '../runners/registry/deploy/branch-commit.js';
import { later, lineageOf, makeGatedRepo, tempDir, type Repo } from './registry-fixture.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'deploy');
const KSERVE = readFileSync(join(FIXTURES, 'kserve-inferenceservice.yaml'), 'utf8');
const SELDON = readFileSync(join(FIXTURES, 'seldon-model.yaml'), 'utf8');
const DAY = 25 * 3600 * 1000;

const ENVIRONMENTS = `environments:
  staging:
    deploy:
      manifest: deploy/staging.yaml
      kind: kserve
      uri: s3://models/{name}/{version}/{sha256}.onnx
  production:
    after: staging
    min_soak: 1h
    deploy:
      manifest: deploy/production.yaml
      kind: seldon
      name: churn-candidate
      uri: gs://models/{name}/{version}
      canary:
        percent: 10
        experiment: churn-split
      mode: pull-request
`;

let tmp: ReturnType<typeof tempDir>;
let repo: Repo;

/** Line numbers (1-based) whose text differs; same line count required. */
function changedLines(a: string, b: string): number[] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((l, i) => (l === y[i] ? [] : [i + 1]));
}

const trailer = (rev: string, key: string) => repo.git('log', '-1', `--format=%(trailers:key=${key},valueonly)`, rev).trim();
const head = (ref = 'HEAD') => repo.git('rev-parse', ref).trim();
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

beforeEach(async () => {
  tmp = tempDir();
  repo = await makeGatedRepo(join(tmp.path, 'repo'), { environments: ENVIRONMENTS });
  repo.write('deploy/staging.yaml', KSERVE);
  repo.write('deploy/production.yaml', SELDON);
  repo.commit('GitOps manifests');
  const r = await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
  expect(r.code, r.stderr).toBe(0);
});

afterEach(() => tmp.cleanup());

describe('promote --deploy, mode commit (KServe)', () => {
  it('commits only the field, with the lineage, on the checked-out default branch; verify still passes', async () => {
    const before = head();
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created tag churn#staging#1');
    expect(r.stdout).toMatch(/deploy: committed [0-9a-f]{12} on main/);
    // The diff is shown: the old and new value of the one line.
    expect(r.stdout).toContain(`-      storageUri: "s3://models/churn/v0.9.0/model.onnx" # previous release\n+      storageUri: "s3://models/churn/v1.0.0/${SHA256_ABC}.onnx" # previous release`);

    const commit = head();
    expect(repo.git('rev-parse', `${commit}^`).trim()).toBe(before);
    expect(repo.git('show', '--name-only', '--format=', commit).trim()).toBe('deploy/staging.yaml');
    const after = repo.git('show', `${commit}:deploy/staging.yaml`);
    expect(changedLines(KSERVE, after)).toEqual([21]);
    expect(after.split('\n')[20]).toBe(`      storageUri: "s3://models/churn/v1.0.0/${SHA256_ABC}.onnx" # previous release`);
    expect(after).toContain('# Where the model is fetched from; the bump rewrites this value only.');

    // The lineage in the commit message, as git itself parses the trailers.
    const tag = lineageOf(repo, 'churn#staging#1');
    expect(repo.git('log', '-1', '--format=%s', commit).trim()).toBe('Deploy churn v1.0.0 to staging');
    expect(trailer(commit, 'Mlpipeline-Model')).toBe('churn');
    expect(trailer(commit, 'Mlpipeline-Version')).toBe('v1.0.0');
    expect(trailer(commit, 'Mlpipeline-Sha256')).toBe(SHA256_ABC);
    expect(trailer(commit, 'Mlpipeline-Commit')).toBe(tag.commit);
    expect(trailer(commit, 'Mlpipeline-Tag')).toBe('churn#staging#1');
    expect(trailer(commit, 'Mlpipeline-Run-Id')).toBe('none');
    expect(repo.git('log', '-1', '--format=%an <%ae> / %cn <%ce>', commit).trim()).toBe('Alice Example <alice@example.com> / Alice Example <alice@example.com>');

    // The checked-out branch moved: its work tree file and index follow, nothing else is dirty.
    expect(readFileSync(join(repo.dir, 'deploy/staging.yaml'), 'utf8')).toBe(after);
    expect(repo.git('status', '--porcelain').trim()).toBe('');

    const v = await repo.cli(['verify', 'churn@v1.0.0']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('is idempotent: re-running the bump says unchanged and makes no commit', async () => {
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy'])).code).toBe(0);
    const tip = head();
    const again = await repo.cli(['deploy', 'churn', '--env', 'staging']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('deploy: unchanged: deploy/staging.yaml on main already deploys churn v1.0.0');
    expect(head()).toBe(tip);
    const json = await repo.cli(['deploy', 'churn', '--env', 'staging', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'mlpipeline/deploy@1', status: 'unchanged', commit: null, diff: '' });
  });

  it('leaves a feature branch, its work tree and index untouched when main is not checked out', async () => {
    repo.git('checkout', '-q', '-b', 'feature/x');
    repo.write('train.js', '// edited, not staged\n');
    repo.write('notes.txt', 'staged\n');
    repo.git('add', 'notes.txt');
    const status = repo.git('status', '--porcelain');
    const feature = head();
    const main = head('main');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.deploy).toMatchObject({ status: 'committed', branch: 'main', base: main, ref: 'refs/heads/main', mode: 'commit', pr_branch: null });
    expect(head('main')).toBe(doc.deploy.commit);
    expect(head()).toBe(feature);
    expect(repo.git('status', '--porcelain')).toBe(status);
    expect(readFileSync(join(repo.dir, 'deploy/staging.yaml'), 'utf8')).toBe(KSERVE);
  });

  it('rollback --deploy puts the previous version back, saying it is a rollback', async () => {
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy'])).code).toBe(0);
    repo.write('model.onnx', 'abcd');
    repo.commit('v2 model');
    repo.ran();
    await repo.gate();
    expect((await repo.cli(['register', 'churn', '--version', 'v1.1.0'])).code).toBe(0);
    expect((await repo.cli(['promote', 'churn@v1.1.0', '--to', 'staging', '--deploy'])).code).toBe(0);
    expect(repo.git('show', 'HEAD:deploy/staging.yaml')).toContain('s3://models/churn/v1.1.0/');
    const r = await repo.cli(['rollback', 'churn', '--env', 'staging', '--deploy']);
    expect(r.code, r.stderr).toBe(0);
    expect(repo.git('show', 'HEAD:deploy/staging.yaml')).toContain(`s3://models/churn/v1.0.0/${SHA256_ABC}.onnx`);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('Roll back churn in staging from v1.1.0 to v1.0.0');
    expect(trailer('HEAD', 'Mlpipeline-Rollback-Of')).toBe('v1.1.0');
    expect(trailer('HEAD', 'Mlpipeline-Tag')).toBe('churn#staging#3');
  });

  it('--dry-run shows the diff and writes nothing', async () => {
    const tip = head();
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deploy: dry run: would commit deploy/staging.yaml on main');
    expect(r.stdout).toContain('+++ b/deploy/staging.yaml');
    expect(head()).toBe(tip);
    expect(repo.git('tag', '--list', 'churn#*').trim()).toBe('');
  });
});

describe('mode pull-request (Seldon Core v2 Model + Experiment canary)', () => {
  it('commits the Model URI and the candidate weights on a deploy branch; main and the work tree stay', async () => {
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'])).code).toBe(0);
    const main = head('main');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--deploy'], {}, later(DAY));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deploy: committed [0-9a-f]{12} on mlpipeline\/deploy\/production\/churn-v1\.0\.0, for a pull request into main/);
    expect(r.stderr).toContain('open a pull request from mlpipeline/deploy/production/churn-v1.0.0 into main');
    expect(head('main')).toBe(main);
    expect(repo.git('status', '--porcelain').trim()).toBe('');
    const branch = 'mlpipeline/deploy/production/churn-v1.0.0';
    expect(repo.git('rev-parse', `${branch}^`).trim()).toBe(main);
    expect(repo.git('show', '--name-only', '--format=', branch).trim()).toBe('deploy/production.yaml');
    const after = repo.git('show', `${branch}:deploy/production.yaml`);
    expect(changedLines(SELDON, after)).toEqual([20, 33, 35]);
    expect(after.split('\n')[19]).toBe("  storageUri: 'gs://models/churn/v1.0.0'");
    expect(after).toContain('      weight: 90   # stable share');
    expect(after).toContain('      weight: 10   # canary share');
    expect(trailer(branch, 'Mlpipeline-Tag')).toBe('churn#production#2');
    expect(trailer(branch, 'Mlpipeline-Environment')).toBe('production');
    // Re-running finds the branch already holding the bump.
    const tip = head(branch);
    const again = await repo.cli(['deploy', 'churn', '--env', 'production']);
    expect(again.stdout).toContain('deploy: unchanged');
    expect(head(branch)).toBe(tip);
    expect((await repo.cli(['verify', 'churn@v1.0.0'])).code).toBe(0);
  });
});

describe('--push', () => {
  it('pushes the tag and the deploy commit (commit mode) or the pull request branch, never forced', async () => {
    const bare = join(tmp.path, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    repo.git('remote', 'add', 'origin', bare);
    repo.git('push', '-q', 'origin', 'main', 'churn@v1.0.0');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy', '--push', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ pushed: true, deploy: { status: 'committed', pushed: true } });
    const remoteGit = (...a: string[]) => execFileSync('git', ['--git-dir', bare, ...a], { encoding: 'utf8' }).trim();
    expect(remoteGit('rev-parse', 'main')).toBe(doc.deploy.commit);
    expect(remoteGit('rev-parse', 'churn#staging#1^{commit}')).toBe(doc.commit);
    // The pull request branch is pushed in pull-request mode; main there is not touched.
    const pr = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'production', '--deploy', '--push'], {}, later(DAY));
    expect(pr.code, pr.stderr).toBe(0);
    expect(remoteGit('rev-parse', 'mlpipeline/deploy/production/churn-v1.0.0')).toBe(head('mlpipeline/deploy/production/churn-v1.0.0'));
    expect(remoteGit('rev-parse', 'main')).toBe(doc.deploy.commit);
    // A remote main that moved on refuses the push of main's bump; nothing is forced.
    const other = cloneAndCommit(bare, join(tmp.path, 'other'));
    const again = await repo.cli(['deploy', 'churn', '--env', 'staging', '--push']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`was made locally on main, but origin did not take it`);
    expect(remoteGit('rev-parse', 'main')).toBe(other);
  });
});

describe('a CI-like checkout (detached HEAD, the branch only as origin/main)', () => {
  it('bases the bump on origin/main and creates the local branch for the push', async () => {
    const bare = join(tmp.path, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    repo.git('remote', 'add', 'origin', bare);
    repo.git('push', '-q', 'origin', 'main', 'churn@v1.0.0');
    repo.git('fetch', '-q', 'origin');
    repo.git('remote', 'set-head', 'origin', 'main');
    const main = head('main');
    repo.git('checkout', '-q', '--detach');
    repo.git('branch', '-q', '-D', 'main');
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'])).code).toBe(0);
    const r = await repo.cli(['deploy', 'churn', '--env', 'staging', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ status: 'committed', branch: 'main', base: main, ref: 'refs/heads/main' });
    expect(doc.notes).toContain('created the local branch main from origin/main');
    expect(repo.git('rev-parse', 'main^').trim()).toBe(main);
    expect(head()).toBe(main); // the detached HEAD stays where it was
  });
});

/** A clone of `bare` with one more commit on main, pushed: the remote main moved on. */
function cloneAndCommit(bare: string, dir: string): string {
  execFileSync('git', ['clone', '-q', bare, dir]);
  const run = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@x' } }).trim();
  run('commit', '-q', '--allow-empty', '-m', 'someone else');
  run('push', '-q', 'origin', 'main');
  return run('rev-parse', 'HEAD');
}

describe('errors', () => {
  it('a manifest that is not the declared kind refuses before the tag is written', async () => {
    repo.write('deploy/staging.yaml', SELDON);
    repo.commit('wrong manifest');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('deploy/staging.yaml:5:7: deploy/staging.yaml is not a KServe InferenceService (serving.kserve.io/v1beta1): it holds mlops.seldon.io/v1alpha1 Model churn-stable');
    expect(repo.git('tag', '--list', 'churn#*').trim()).toBe('');
  });

  it('a missing field names the manifest, the path and the fix', async () => {
    repo.write('deploy/staging.yaml', readFileSync(join(FIXTURES, 'kserve-no-storage-uri.yaml'), 'utf8'));
    repo.commit('no storageUri');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the field spec.predictor.model.storageUri does not exist: spec.predictor.model has no 'storageUri'");
    expect(r.stderr).toContain("fix: add 'storageUri:' under spec.predictor.model in deploy/staging.yaml");
  });

  it('--deploy without a deploy: block is a usage error before anything is written', async () => {
    repo.write('mlpipeline.yaml', readFileSync(join(repo.dir, 'mlpipeline.yaml'), 'utf8').replace(/  staging:\n    deploy:\n(?: {6}.*\n)+/, '  staging: {}\n'));
    repo.commit('no deploy for staging');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--deploy: environment 'staging' has no deploy: block");
    expect(repo.git('tag', '--list', 'churn#*').trim()).toBe('');
  });

  it('an uncommitted edit of the manifest on the target branch refuses before the tag, and is kept', async () => {
    repo.write('deploy/staging.yaml', KSERVE + '# my local edit\n');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('deploy/staging.yaml has uncommitted changes on main');
    expect(repo.git('tag', '--list', 'churn#*').trim()).toBe('');
    expect(readFileSync(join(repo.dir, 'deploy/staging.yaml'), 'utf8')).toBe(KSERVE + '# my local edit\n');
    // Promoted without --deploy, the bump is finished later by `mlpipeline deploy`.
    expect((await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging'])).code).toBe(0);
    repo.git('checkout', '--', 'deploy/staging.yaml');
    const finish = await repo.cli(['deploy', 'churn', '--env', 'staging']);
    expect(finish.code, finish.stderr).toBe(0);
    expect(trailer('HEAD', 'Mlpipeline-Tag')).toBe('churn#staging#1');
  });

  it('a target branch checked out in another worktree is refused before the tag', async () => {
    repo.git('checkout', '-q', '-b', 'feature/y');
    repo.git('worktree', 'add', '-q', join(tmp.path, 'main-wt'), 'main');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('main is checked out in another worktree');
    expect(repo.git('tag', '--list', 'churn#*').trim()).toBe('');
  });

  it('a commit that fails after the tag leaves the work tree as it was and says how to finish', async () => {
    // A held ref lock: the plan before the tag passes, the ref update after it fails.
    const lock = join(repo.dir, '.git', 'refs', 'heads', 'main.lock');
    writeFileSync(lock, '');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('main could not be moved to the deploy commit, so nothing was changed');
    expect(r.stderr).toContain('churn#staging#1 was created, but the manifest bump did not finish; after the fix, finish it with: mlpipeline deploy churn --env staging');
    expect(readFileSync(join(repo.dir, 'deploy/staging.yaml'), 'utf8')).toBe(KSERVE);
    expect(repo.git('status', '--porcelain').trim()).toBe('');
    unlinkSync(lock);
    const finish = await repo.cli(['deploy', 'churn', '--env', 'staging']);
    expect(finish.code, finish.stderr).toBe(0);
    expect(trailer('HEAD', 'Mlpipeline-Tag')).toBe('churn#staging#1');
  });

  it('a manifest committed as a symlink is refused', async () => {
    unlinkSync(join(repo.dir, 'deploy/staging.yaml'));
    symlinkSync('production.yaml', join(repo.dir, 'deploy/staging.yaml'));
    repo.commit('link');
    const r = await repo.cli(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('deploy/staging.yaml is a symbolic link');
    expect(repo.git('tag', '--list', 'churn#*').trim()).toBe('');
  });

  it('a branch that moved meanwhile fails the compare-and-swap and the work tree is put back', async () => {
    const base = head();
    const content = Buffer.from(KSERVE.replace('v0.9.0', 'v9.9.9'));
    const commit = await commitFile(repo.dir, base, 'deploy/staging.yaml', '100644', content, 'bump\n', {});
    repo.write('other.txt', 'someone else\n');
    repo.commit('a concurrent commit');
    await expect(moveBranch({ root: repo.dir, ref: 'refs/heads/main', commit, old: base, path: 'deploy/staging.yaml', content, reflog: 'test' })).rejects.toThrow(/main could not be moved to the deploy commit, so nothing was changed/);
    expect(readFileSync(join(repo.dir, 'deploy/staging.yaml'), 'utf8')).toBe(KSERVE);
    expect(repo.git('status', '--porcelain').trim()).toBe('');
  });
});
