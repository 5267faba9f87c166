/** Issues: the monitor opens one per finding and looks for its own open ones by label first. */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface Issue {
  number: number;
  title: string;
  state: string;
  htmlUrl: string;
  author: string;
  labels: string[];
}

export async function createIssue(client: GitHubClient, repo: RepoRef, issue: { title: string; body: string; labels?: string[] }): Promise<Issue> {
  const { data } = await call('issues/create', () =>
    client.rest.issues.create({ owner: repo.owner, repo: repo.repo, title: issue.title, body: issue.body, labels: issue.labels ?? [] }),
  );
  return toIssue(data);
}

/** Issues carrying every label in `labels` (all pages, newest first); pull requests are left out. */
export async function findIssues(
  client: GitHubClient,
  repo: RepoRef,
  query: { labels: string[]; state?: 'open' | 'closed' | 'all'; creator?: string },
): Promise<Issue[]> {
  const all = await call('issues/list-for-repo', () =>
    client.paginate(client.rest.issues.listForRepo, {
      owner: repo.owner,
      repo: repo.repo,
      labels: query.labels.join(','),
      state: query.state ?? 'open',
      ...(query.creator ? { creator: query.creator } : {}),
      per_page: 100,
    }),
  );
  return all.filter((i) => !i.pull_request).map(toIssue);
}

interface IssueLike {
  number: number;
  title: string;
  state: string;
  html_url: string;
  user: { login: string } | null;
  labels: (string | { name?: string })[];
}

function toIssue(i: IssueLike): Issue {
  return {
    number: i.number,
    title: i.title,
    state: i.state,
    htmlUrl: i.html_url,
    author: i.user?.login ?? '',
    labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
  };
}
