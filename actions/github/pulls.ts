/** Pull requests: one by number, and those a commit belongs to (for `workflow_run` and pushes). */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface PullRequest {
  number: number;
  title: string;
  state: string;
  htmlUrl: string;
  author: string;
  head: { ref: string; sha: string; /** `owner/repo`; null when the fork was deleted. */ repo: string | null };
  base: { ref: string; sha: string; repo: string };
  /** The head lives in another repository: its workflows get a read-only token. */
  fromFork: boolean;
}

interface PullLike {
  number: number;
  title: string;
  state: string;
  html_url: string;
  user: { login: string } | null;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { ref: string; sha: string; repo: { full_name: string } };
}

export function toPullRequest(p: PullLike): PullRequest {
  const headRepo = p.head.repo?.full_name ?? null;
  return {
    number: p.number,
    title: p.title,
    state: p.state,
    htmlUrl: p.html_url,
    author: p.user?.login ?? '',
    head: { ref: p.head.ref, sha: p.head.sha, repo: headRepo },
    base: { ref: p.base.ref, sha: p.base.sha, repo: p.base.repo.full_name },
    fromFork: headRepo !== p.base.repo.full_name,
  };
}

export async function getPull(client: GitHubClient, repo: RepoRef, pullNumber: number): Promise<PullRequest> {
  const { data } = await call('pulls/get', () => client.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: pullNumber }));
  return toPullRequest(data);
}

/** The pull requests `sha` belongs to (all pages). */
export async function pullsForCommit(client: GitHubClient, repo: RepoRef, sha: string): Promise<PullRequest[]> {
  const all = await call('repos/list-pull-requests-associated-with-commit', () =>
    client.paginate(client.rest.repos.listPullRequestsAssociatedWithCommit, { owner: repo.owner, repo: repo.repo, commit_sha: sha, per_page: 100 }),
  );
  return all.map(toPullRequest);
}
