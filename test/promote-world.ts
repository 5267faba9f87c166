/** A promote world for the actions/promote tests: bare origin, the job's clone, a local GitHub (not a test file itself). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createCheckRun, createGitHubClient } from '../actions/github/index.js';
import { LocalGitHub } from './github/local-github.js';
import { runAction } from './github/run-action.js';
import { BASE_ENV, cloneRepo, seedRemote, tempDir, type Repo } from './registry-fixture.js';

const ACTION = join(import.meta.dirname, '..', 'actions', 'promote', 'action.yml');
export const REPO = 'acme/churn';
export const PROMOTE_ENVIRONMENTS = `environments:
  staging: {}
  production:
    after: staging
    allowed: [alice, "@acme/ml-team"]
`;

export interface PromoteWorld {
  gh: LocalGitHub;
  bare: string;
  clone: Repo;
  commits: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A bare origin with `versions` registered, a clone of it (the job's checkout), and a local GitHub. */
export async function promoteWorld(versions: string[], environments = PROMOTE_ENVIRONMENTS): Promise<PromoteWorld> {
  const tmp = tempDir();
  const { bare } = await seedRemote(tmp.path, environments, versions);
  const clone = cloneRepo(bare, join(tmp.path, 'checkout'));
  const gh = await LocalGitHub.start();
  const client = createGitHubClient({ token: gh.token, baseUrl: gh.apiUrl, retryAfterBaseValue: 1, writeSpacingMs: 0 });
  const commits: Record<string, string> = {};
  for (const v of versions) {
    commits[v] = clone.git('rev-parse', `churn@${v}^{commit}`).trim();
    // The pipeline's own check, green on the version's commit (what actions/report posts).
    await createCheckRun(client, { owner: 'acme', repo: 'churn' }, { name: 'mlpipeline / churn-pipeline', headSha: commits[v], conclusion: 'success', output: { title: 'passed', summary: 'passed' } });
  }
  gh.requests.length = 0;
  return { gh, bare, clone, commits, cleanup: async () => { await gh.close(); tmp.cleanup(); } };
}

export function promote(w: PromoteWorld, inputs: Record<string, string>, opts: { actor?: string; event?: { name: string; payload: Record<string, unknown> }; ref?: string; env?: Record<string, string> } = {}) {
  const actor = opts.actor ?? 'alice';
  return runAction({
    action: ACTION,
    inputs: { 'working-directory': w.clone.dir, ...inputs },
    event: opts.event ?? { name: 'workflow_dispatch', payload: { inputs, repository: { default_branch: 'main' }, sender: { login: actor } } },
    repository: REPO,
    sha: w.clone.git('rev-parse', 'HEAD').trim(),
    ref: opts.ref ?? 'refs/heads/main',
    token: w.gh.token,
    apiUrl: w.gh.apiUrl,
    serverUrl: w.gh.serverUrl,
    env: { GITHUB_ACTOR: actor, MLPIPELINE_TEST_GITHUB_FAST: '1', ...opts.env },
    timeoutMs: 60_000,
  });
}

export const remoteTags = (w: PromoteWorld) =>
  execFileSync('git', ['for-each-ref', '--format=%(refname:short)', 'refs/tags/'], { cwd: w.bare, env: BASE_ENV, encoding: 'utf8' }).split('\n').filter(Boolean).sort();

export function githubState(w: PromoteWorld) {
  const s = w.gh.repo(REPO);
  const deployments = [...s.deployments.values()].map((d) => ({
    id: d.id as number,
    environment: d.environment as string,
    sha: d.sha as string,
    description: d.description as string,
    production: d.production_environment as boolean,
    tag: (d.payload as { tag?: string }).tag,
    states: (s.deploymentStatuses.get(d.id as number) ?? []).map((x) => x.state as string),
  }));
  const releases = [...s.releases.values()].map((r) => ({ id: r.id as number, tag: r.tag_name as string, body: r.body as string, assets: (r.assets as { name: string }[]).map((a) => a.name).sort() }));
  return { releases, deployments, assets: s.assets.size };
}

