/**
 * actions/promote, bundled, run as a runner runs it against the local GitHub, on a real clone of
 * a bare origin whose versions were registered with `mlpipeline register --push`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../actions/github/index.js';
import { faults, type LocalGitHub } from './github/local-github.js';
import { monitorGit } from './github/routes.js';
import { githubState, promote, promoteWorld, remoteTags, REPO, type PromoteWorld } from './promote-world.js';
import { cloneRepo } from './registry-fixture.js';

/** Requests that wrote something (anything but GET). */
const writes = (gh: LocalGitHub) => gh.requests.filter((r) => r.method !== 'GET').map((r) => r.operationId);

const ASSETS_V1 = ['bom.cdx.json', 'churn-v1.0.0.onnx', 'model-card.json', 'model.onnx.sha256', 'provenance.intoto.json'];

describe('actions/promote: Release and Deployment per promotion', () => {
  let w: PromoteWorld;
  beforeAll(async () => {
    w = await promoteWorld(['v1.0.0', 'v1.1.0']);
    w.gh.addTeamMember('acme', 'ml-team', 'bob');
  }, 120_000);
  afterAll(async () => w.cleanup());
  afterEach(() => {
    expect(w.gh.takeViolations()).toEqual([]);
    w.gh.requests.length = 0;
  });

  it('promote to staging creates one release with the assets and one deployment with statuses', async () => {
    const r = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
    expect(r.stderr).toBe('');
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ tag: 'churn#staging#1', version: 'v1.0.0', environment: 'staging', 'deployment-state': 'success' });
    const s = githubState(w);
    expect(s.releases).toEqual([{ id: Number(r.outputs['release-id']), tag: 'churn@v1.0.0', body: expect.stringContaining('**Verdict:** passed'), assets: ASSETS_V1 }]);
    expect(s.deployments).toEqual([
      { id: Number(r.outputs['deployment-id']), environment: 'staging', sha: w.commits['v1.0.0'], description: 'churn v1.0.0 to staging (churn#staging#1)', production: false, tag: 'churn#staging#1', states: ['in_progress', 'success'] },
    ]);
    expect(remoteTags(w)).toContain('churn#staging#1');
    // The model asset is the registered model: its bytes have the sha256 in the tag.
    const model = [...w.gh.repo(REPO).assets.values()].find((a) => a.asset.name === 'churn-v1.0.0.onnx')!;
    expect(model.data.toString()).toBe('v1.0.0');
    const asset = (name: string) => JSON.parse([...w.gh.repo(REPO).assets.values()].find((a) => a.asset.name === name)!.data.toString()) as Record<string, any>;
    const sha = createHash('sha256').update('v1.0.0').digest('hex');
    expect([...w.gh.repo(REPO).assets.values()].find((a) => a.asset.name === 'model.onnx.sha256')!.data.toString()).toBe(`${sha}  churn-v1.0.0.onnx\n`);
    expect(asset('model-card.json').model_details).toMatchObject({ name: 'churn', version: { name: 'v1.0.0' } });
    expect(asset('bom.cdx.json')).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', components: expect.arrayContaining([expect.objectContaining({ type: 'machine-learning-model', version: 'v1.0.0', hashes: [{ alg: 'SHA-256', content: sha }] })]) });
    expect(asset('provenance.intoto.json')).toMatchObject({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'model.onnx', digest: { sha256: sha } }] });
    const deployment = [...w.gh.repo(REPO).deployments.values()][0]!;
    expect(w.gh.requestsFor('repos/create-deployment')[0]!.body).toMatchObject({ auto_merge: false, required_contexts: ['mlpipeline / churn-pipeline'], transient_environment: false, production_environment: false });
    expect(deployment.payload).toMatchObject({ schema: 'mlpipeline/lineage@1', action: 'assign', version: 'v1.0.0', environment: 'staging', tag: 'churn#staging#1' });
    const statuses = w.gh.repo(REPO).deploymentStatuses.get(deployment.id as number)!;
    expect(statuses.at(-1)).toMatchObject({ state: 'success', log_url: `${w.gh.serverUrl}/${REPO}/actions/runs/1` });
    expect(r.summary).toContain('Promoted churn v1\\.0\\.0 to staging');
  }, 60_000);

  it('promote the same version to production (a team member) reuses the release and adds one deployment', async () => {
    const before = githubState(w);
    const r = await promote(w, { version: 'churn@v1.0.0', to: 'production' }, { actor: 'bob' });
    expect(r.exitCode, r.stdout).toBe(0);
    const s = githubState(w);
    expect(s.releases.map((x) => [x.id, x.assets])).toEqual(before.releases.map((x) => [x.id, x.assets]));
    expect(s.releases[0]!.body).toContain('production, staging');
    expect(writes(w.gh)).not.toContain('repos/create-release');
    expect(writes(w.gh)).not.toContain('repos/upload-release-asset');
    expect(s.deployments).toHaveLength(2);
    expect(s.deployments[1]).toMatchObject({ environment: 'production', production: true, tag: 'churn#production#2', states: ['in_progress', 'success'] });
    // bob is allowed through @acme/ml-team, which the API said he is in.
    expect(w.gh.requestsFor('teams/get-membership-for-user-in-org').map((q) => q.path)).toEqual(['/orgs/acme/teams/ml-team/memberships/bob']);
  }, 60_000);

  it('re-running either promotion changes nothing', async () => {
    const before = githubState(w);
    const tags = remoteTags(w);
    for (const to of ['staging', 'production']) {
      const r = await promote(w, { version: 'churn@v1.0.0', to }, { actor: 'bob' });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.summary).toContain('already there: a re-run');
    }
    expect(writes(w.gh)).toEqual([]);
    expect(githubState(w)).toEqual(before);
    expect(remoteTags(w)).toEqual(tags);
  }, 60_000);

  it('rollback creates a deployment of the previous version and marks the current one inactive', async () => {
    for (const to of ['staging', 'production']) expect((await promote(w, { version: 'churn@v1.1.0', to })).exitCode).toBe(0);
    const mid = githubState(w);
    expect(mid.releases.map((r) => r.tag)).toEqual(['churn@v1.0.0', 'churn@v1.1.0']);
    const current = mid.deployments.at(-1)!;
    expect(current).toMatchObject({ environment: 'production', sha: w.commits['v1.1.0'], states: ['in_progress', 'success'] });
    // v1.0.0's production deployment went inactive when v1.1.0's succeeded.
    expect(mid.deployments[1]!.states.at(-1)).toBe('inactive');

    const r = await promote(w, { rollback: 'true', to: 'production' });
    expect(r.exitCode, r.stdout).toBe(0);
    const s = githubState(w);
    expect(s.deployments).toHaveLength(mid.deployments.length + 1);
    const rollback = s.deployments.at(-1)!;
    expect(rollback).toMatchObject({ environment: 'production', sha: w.commits['v1.0.0'], production: true, states: ['in_progress', 'success'] });
    expect(rollback.description).toBe(`Rollback of churn v1.1.0 in production: deploys v1.0.0 (${r.outputs.tag})`);
    expect(s.deployments.find((d) => d.id === current.id)!.states.at(-1)).toBe('inactive');
    expect(s.releases).toHaveLength(2);
    expect(r.outputs).toMatchObject({ version: 'v1.0.0', 'deployment-state': 'success' });
  }, 120_000);
  it('refuses a promotion the policy does not allow, and creates nothing on GitHub', async () => {
    const before = githubState(w);
    const r = await promote(w, { version: 'churn@v1.1.0', to: 'production' }, { actor: 'carol' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("promotion refused by policy 'allowed' of environment 'production'");
    expect(r.summary).toContain('## Promotion refused: rule `allowed`');
    // carol is not listed, so the API was asked whether she is in @acme/ml-team (she is not: 404).
    expect(w.gh.requestsFor('teams/get-membership-for-user-in-org').map((q) => q.status)).toEqual([404]);
    expect(writes(w.gh)).toEqual([]);
    expect(githubState(w)).toEqual(before);
  }, 60_000);

  it('attest: true without an OIDC token says which permissions to add', async () => {
    const r = await promote(w, { version: 'churn@v1.1.0', to: 'staging', attest: 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('cannot attest the model: the job has no OIDC token');
    expect(r.stdout).toContain('id-token: write');
  }, 60_000);
});

describe('actions/promote under faults', () => {
  it('a 502 in the middle, then a re-run, leaves exactly one of everything', async () => {
    const w = await promoteWorld(['v1.0.0']);
    try {
      // Writes that land although GitHub's answer is a 502, then a status that keeps failing.
      w.gh.failNext('repos/create-release', faults.badGatewayAfterWrite());
      w.gh.failNext('repos/upload-release-asset', faults.badGatewayAfterWrite());
      w.gh.failNext('repos/create-deployment', faults.badGatewayAfterWrite());
      w.gh.failNext('repos/create-deployment-status', faults.badGateway(), 4);
      const first = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(first.exitCode).toBe(1);
      expect(first.stdout).toContain('GitHub refused to set the deployment status (502');
      const half = githubState(w);
      expect(half.releases).toHaveLength(1);
      expect(half.deployments).toHaveLength(1);
      expect(half.deployments[0]!.states).toEqual([]);

      const again = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(again.exitCode, again.stdout).toBe(0);
      const s = githubState(w);
      expect(s.releases).toEqual([expect.objectContaining({ tag: 'churn@v1.0.0', assets: ASSETS_V1 })]);
      expect(s.assets).toBe(5);
      expect(s.deployments).toEqual([expect.objectContaining({ environment: 'staging', tag: 'churn#staging#1', states: ['in_progress', 'success'] })]);
      expect(remoteTags(w).filter((t) => t.includes('#'))).toEqual(['churn#staging#1']);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);

  it('replaces a model asset that is not the registered model, and keeps the release', async () => {
    const w = await promoteWorld(['v1.0.0']);
    try {
      const client = createGitHubClient({ token: w.gh.token, baseUrl: w.gh.apiUrl, retryAfterBaseValue: 1, writeSpacingMs: 0 });
      const { data: release } = await client.rest.repos.createRelease({ owner: 'acme', repo: 'churn', tag_name: 'churn@v1.0.0', name: 'by hand', body: 'x' });
      await client.request(`POST ${release.upload_url}`, { name: 'churn-v1.0.0.onnx', data: Buffer.from('tampered'), headers: { 'content-type': 'application/octet-stream' } });
      w.gh.requests.length = 0;
      const r = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs['release-id']).toBe(String(release.id));
      expect(w.gh.requestsFor('repos/delete-release-asset')).toHaveLength(1);
      const model = [...w.gh.repo(REPO).assets.values()].filter((a) => a.asset.name === 'churn-v1.0.0.onnx');
      expect(model.map((a) => a.data.toString())).toEqual(['v1.0.0']);
      expect(r.summary).toContain('replaced `churn-v1.0.0.onnx`');
      expect(githubState(w).releases).toEqual([expect.objectContaining({ assets: ASSETS_V1 })]);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);

  it('a job that declares environment: gets no second deployment', async () => {
    const w = await promoteWorld(['v1.0.0']);
    try {
      // What GitHub makes for a job with `environment: staging`: a deployment of the run's commit, its status linking to the run.
      const jobSha = w.clone.git('rev-parse', 'HEAD').trim();
      const client = createGitHubClient({ token: w.gh.token, baseUrl: w.gh.apiUrl, retryAfterBaseValue: 1, writeSpacingMs: 0 });
      const { data } = await client.rest.repos.createDeployment({ owner: 'acme', repo: 'churn', ref: jobSha, environment: 'staging', required_contexts: [], auto_merge: false });
      const id = (data as { id: number }).id;
      await client.rest.repos.createDeploymentStatus({ owner: 'acme', repo: 'churn', deployment_id: id, state: 'in_progress', log_url: `${w.gh.serverUrl}/acme/churn/actions/runs/1/job/7` });
      w.gh.requests.length = 0;
      const r = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs['deployment-id']).toBe(String(id));
      expect(w.gh.requestsFor('repos/create-deployment')).toEqual([]);
      expect(githubState(w).deployments).toHaveLength(1);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);
});


describe('actions/promote: two jobs racing', () => {
  it('promoting the same version at the same time from two checkouts leaves one tag, one release, one deployment', async () => {
    const w = await promoteWorld(['v1.0.0']);
    try {
      const other = { ...w, clone: cloneRepo(w.bare, `${w.clone.dir}-2`) };
      const [a, b] = await Promise.all([promote(w, { version: 'churn@v1.0.0', to: 'staging' }), promote(other, { version: 'churn@v1.0.0', to: 'staging' })]);
      expect([a.exitCode, b.exitCode], a.stdout + b.stdout).toEqual([0, 0]);
      expect(a.outputs.tag).toBe(b.outputs.tag);
      expect(a.outputs['release-id']).toBe(b.outputs['release-id']);
      expect(a.outputs['deployment-id']).toBe(b.outputs['deployment-id']);
      const s = githubState(w);
      expect(s.releases).toEqual([expect.objectContaining({ tag: 'churn@v1.0.0', assets: ASSETS_V1 })]);
      expect(s.assets).toBe(5);
      expect(s.deployments).toEqual([expect.objectContaining({ tag: 'churn#staging#1', states: expect.arrayContaining(['success']) })]);
      expect(remoteTags(w).filter((t) => t.includes('#'))).toEqual(['churn#staging#1']);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);
});

describe('actions/promote with a deploy: block', () => {
  it('bumps the manifest on the default branch of the origin between in_progress and success', async () => {
    const envs = `environments:
  staging:
    deploy:
      manifest: deploy/staging.yaml
      kind: kserve
      uri: s3://models/{name}/{version}/model.onnx
`;
    const w = await promoteWorld(['v1.0.0'], envs);
    try {
      const manifest = readFileSync(join(import.meta.dirname, '..', 'examples', 'churn', 'deploy', 'staging.yaml'), 'utf8');
      w.clone.write('deploy/staging.yaml', manifest);
      w.clone.commit('serving manifest');
      w.clone.git('push', '-q', 'origin', 'main');
      const r = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(r.exitCode, r.stdout).toBe(0);
      const onMain = execFileSync('git', ['show', 'main:deploy/staging.yaml'], { cwd: w.bare, encoding: 'utf8' });
      expect(onMain).toBe(manifest.replace('s3://acme-models/churn/v0.0.0/model.onnx', 's3://models/churn/v1.0.0/model.onnx'));
      expect(githubState(w).deployments).toEqual([expect.objectContaining({ tag: 'churn#staging#1', states: ['in_progress', 'success'] })]);
      // A re-run finds the manifest bumped already: nothing new on main.
      const head = execFileSync('git', ['rev-parse', 'main'], { cwd: w.bare, encoding: 'utf8' });
      expect((await promote(w, { version: 'churn@v1.0.0', to: 'staging' })).exitCode).toBe(0);
      expect(execFileSync('git', ['rev-parse', 'main'], { cwd: w.bare, encoding: 'utf8' })).toBe(head);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);
});

describe('actions/promote with a deploy: block in mode: pull-request', () => {
  const ENVS = `environments:
  staging:
    deploy:
      manifest: deploy/staging.yaml
      kind: kserve
      uri: s3://models/{name}/{version}/model.onnx
      mode: pull-request
`;
  const BRANCH = 'mlpipeline/deploy/staging/churn-v1.0.0';
  const bare = (w: PromoteWorld, ...args: string[]) => execFileSync('git', args, { cwd: w.bare, encoding: 'utf8' });

  async function world(): Promise<{ w: PromoteWorld; manifest: string }> {
    const w = await promoteWorld(['v1.0.0'], ENVS);
    // The branch the action pushes with git is what GitHub opens the pull request from.
    w.gh.repo(REPO).gitDir = w.bare;
    const manifest = readFileSync(join(import.meta.dirname, '..', 'examples', 'churn', 'deploy', 'staging.yaml'), 'utf8');
    w.clone.write('deploy/staging.yaml', manifest);
    w.clone.commit('serving manifest');
    w.clone.git('push', '-q', 'origin', 'main');
    return { w, manifest };
  }
  const pulls = (w: PromoteWorld) => [...w.gh.repo(REPO).pulls.values()];

  it('opens one pull request with the branch commit, and a re-run opens no second', async () => {
    const { w, manifest } = await world();
    try {
      const mainBefore = bare(w, 'rev-parse', 'main');
      const r = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stdout).not.toContain('does not open it');
      // main is untouched; the bump is on the pull request branch.
      expect(bare(w, 'rev-parse', 'main')).toBe(mainBefore);
      expect(bare(w, 'show', `${BRANCH}:deploy/staging.yaml`)).toBe(manifest.replace('s3://acme-models/churn/v0.0.0/model.onnx', 's3://models/churn/v1.0.0/model.onnx'));
      const tip = bare(w, 'rev-parse', BRANCH).trim();
      expect(pulls(w)).toEqual([expect.objectContaining({ state: 'open', headRef: BRANCH, baseRef: 'main', headSha: tip, title: 'Deploy churn v1.0.0 to staging' })]);
      const pr = pulls(w)[0]!;
      expect(r.outputs['deploy-pull-request-number']).toBe(String(pr.number));
      expect(r.outputs['deploy-pull-request-url']).toBe(`${w.gh.serverUrl}/acme/churn/pull/${pr.number}`);
      const body = monitorGit(w.gh.repo(REPO)).pullBodies.get(pr.number)!;
      const sha256 = createHash('sha256').update('v1.0.0').digest('hex');
      for (const s of ['`churn`', '`v1.0.0`', '`staging`', `\`${sha256}\``, '`churn#staging#1`', '`Mlpipeline-Commit`', w.commits['v1.0.0']!, '```diff', '+      storageUri: s3://models/churn/v1.0.0/model.onnx']) expect(body).toContain(s);
      expect(w.gh.requestsFor('pulls/list')[0]!.query).toMatchObject({ head: `acme:${BRANCH}`, state: 'open' });
      expect(githubState(w).deployments).toEqual([expect.objectContaining({ tag: 'churn#staging#1', states: ['in_progress', 'success'] })]);

      // A re-run: the deployment succeeded, so nothing is bumped again; the outputs still name the pull request.
      w.gh.requests.length = 0;
      const again = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(again.exitCode, again.stdout).toBe(0);
      expect(bare(w, 'rev-parse', BRANCH).trim()).toBe(tip);
      expect(w.gh.requestsFor('pulls/create')).toEqual([]);
      expect(pulls(w)).toHaveLength(1);
      expect(again.outputs['deploy-pull-request-number']).toBe(String(pr.number));
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);

  it('a 502 on the create, then a re-run, leaves exactly one pull request', async () => {
    const { w } = await world();
    try {
      // Every attempt fails and none lands: the run fails, its deployment says so.
      w.gh.failNext('pulls/create', faults.badGateway(), 4);
      const first = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(first.exitCode).toBe(1);
      expect(first.stdout).toContain('GitHub refused to open the pull request (502');
      expect(pulls(w)).toEqual([]);
      expect(githubState(w).deployments[0]!.states).toEqual(['in_progress', 'failure']);

      // The re-run's checkout is fresh (the branch only on origin); its create lands although
      // GitHub answers 502, and the retry is told the pull request exists already.
      const tip = bare(w, 'rev-parse', BRANCH).trim();
      w.clone.git('branch', '-D', BRANCH);
      w.gh.failNext('pulls/create', faults.badGatewayAfterWrite());
      const again = await promote(w, { version: 'churn@v1.0.0', to: 'staging' });
      expect(again.exitCode, again.stdout).toBe(0);
      expect(w.gh.requestsFor('pulls/create').map((q) => q.status)).toEqual([502, 502, 502, 502, 502, 422]);
      expect(pulls(w)).toEqual([expect.objectContaining({ headRef: BRANCH, headSha: tip })]);
      expect(bare(w, 'rev-parse', BRANCH).trim()).toBe(tip);
      expect(again.outputs['deploy-pull-request-number']).toBe(String(pulls(w)[0]!.number));
      expect(githubState(w).deployments).toEqual([expect.objectContaining({ states: ['in_progress', 'failure', 'in_progress', 'success'] })]);

      expect((await promote(w, { version: 'churn@v1.0.0', to: 'staging' })).exitCode).toBe(0);
      expect(pulls(w)).toHaveLength(1);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 180_000);
});
