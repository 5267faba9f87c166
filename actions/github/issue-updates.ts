/**
 * Issues the monitor keeps up to date: listed with their bodies (to find ours by marker), then
 * edited in place, closed when the drift is gone. Kept apart from issues.ts so that the
 * `Issue` shape other actions use does not grow a body they never read.
 */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface IssueWithBody {
  number: number;
  title: string;
  state: string;
  htmlUrl: string;
  author: string;
  body: string;
}

interface IssueLike {
  number: number;
  title: string;
  state: string;
  html_url: string;
  body?: string | null;
  user: { login: string } | null;
  pull_request?: unknown;
}

function toIssue(i: IssueLike): IssueWithBody {
  return { number: i.number, title: i.title, state: i.state, htmlUrl: i.html_url, author: i.user?.login ?? '', body: i.body ?? '' };
}

/** Issues with `label` in `state` (every page), with their bodies; pull requests are left out. */
export async function listIssuesWithBody(client: GitHubClient, repo: RepoRef, query: { label: string; state?: 'open' | 'closed' | 'all' }): Promise<IssueWithBody[]> {
  const all = await call('issues/list-for-repo', () =>
    client.paginate(client.rest.issues.listForRepo, { owner: repo.owner, repo: repo.repo, labels: query.label, state: query.state ?? 'open', per_page: 100 }),
  );
  return (all as IssueLike[]).filter((i) => !i.pull_request).map(toIssue);
}

export async function createIssueWithBody(client: GitHubClient, repo: RepoRef, issue: { title: string; body: string; labels: string[] }): Promise<IssueWithBody> {
  const { data } = await call('issues/create', () => client.rest.issues.create({ owner: repo.owner, repo: repo.repo, title: issue.title, body: issue.body, labels: issue.labels }));
  return toIssue(data);
}

/** Edit an issue: title and body, and `close` it (as completed) or `reopen` it. */
export async function updateIssue(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  change: { title?: string; body?: string; state?: 'open' | 'closed' },
): Promise<IssueWithBody> {
  const { data } = await call('issues/update', () =>
    client.rest.issues.update({
      owner: repo.owner,
      repo: repo.repo,
      issue_number: number,
      ...(change.title !== undefined ? { title: change.title } : {}),
      ...(change.body !== undefined ? { body: change.body } : {}),
      ...(change.state !== undefined ? { state: change.state, ...(change.state === 'closed' ? { state_reason: 'completed' as const } : {}) } : {}),
    }),
  );
  return toIssue(data);
}
