/**
 * The open pull requests whose head is a commit: how the fork-safe `workflow_run` job finds the
 * pull request of the run that triggered it. `workflow_run.pull_requests` is empty for forks,
 * and the commit's own endpoint (`commits/{sha}/pulls`) needs `contents: read`; listing the open
 * pull requests needs only `pull-requests: read`, which `pull-requests: write` includes.
 */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import { type PullRequest, toPullRequest } from './pulls.js';
import type { RepoRef } from './repo.js';

/** Every open pull request of the repository (all pages, 100 a page). */
export async function listOpenPulls(client: GitHubClient, repo: RepoRef): Promise<PullRequest[]> {
  const all = await call('pulls/list', () => client.paginate(client.rest.pulls.list, { owner: repo.owner, repo: repo.repo, state: 'open', per_page: 100 }));
  return all.map(toPullRequest);
}
