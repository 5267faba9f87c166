/**
 * One pull request on a fixed branch, opened or updated: the monitor's retrain PR. The branch's
 * content is written through the Git data API (see commits.ts), so a scheduled job needs no push
 * credentials in its checkout.
 */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface OpenPull {
  number: number;
  htmlUrl: string;
  author: string;
  title: string;
  body: string;
}

interface PullLike {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  user: { login: string } | null;
}

const toPull = (p: PullLike): OpenPull => ({ number: p.number, htmlUrl: p.html_url, author: p.user?.login ?? '', title: p.title, body: p.body ?? '' });

/** Open pull requests from `branch` of this repository (every page). */
export async function openPullsFromBranch(client: GitHubClient, repo: RepoRef, branch: string): Promise<OpenPull[]> {
  const all = await call('pulls/list', () =>
    client.paginate(client.rest.pulls.list, { owner: repo.owner, repo: repo.repo, state: 'open', head: `${repo.owner}:${branch}`, per_page: 100 }),
  );
  return (all as PullLike[]).map(toPull);
}

export async function createPull(client: GitHubClient, repo: RepoRef, pull: { title: string; body: string; head: string; base: string }): Promise<OpenPull> {
  const { data } = await call('pulls/create', () => client.rest.pulls.create({ owner: repo.owner, repo: repo.repo, title: pull.title, body: pull.body, head: pull.head, base: pull.base }));
  return toPull(data);
}

export async function updatePull(client: GitHubClient, repo: RepoRef, number: number, change: { title?: string; body?: string }): Promise<OpenPull> {
  const { data } = await call('pulls/update', () => client.rest.pulls.update({ owner: repo.owner, repo: repo.repo, pull_number: number, ...change }));
  return toPull(data);
}
