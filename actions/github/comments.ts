/**
 * Pull request (issue) comments, and the one sticky comment a report keeps: found among the
 * comments the token itself wrote by the report's marker line (reports/comment.ts decides what
 * is ours), updated in place, created when absent.
 */
import type { GitHubClient } from './client.js';
import { GitHubServerError, call } from './errors.js';
import { whoAmI } from './identity.js';
import type { RepoRef } from './repo.js';

export interface IssueComment {
  id: number;
  body: string;
  author: string;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
}

/** Every comment of an issue or pull request, oldest first (all pages, 100 a page). */
export async function listIssueComments(client: GitHubClient, repo: RepoRef, issueNumber: number): Promise<IssueComment[]> {
  const all = await call('issues/list-comments', () =>
    client.paginate(client.rest.issues.listComments, { owner: repo.owner, repo: repo.repo, issue_number: issueNumber, per_page: 100 }),
  );
  return all.map((c) => ({ id: c.id, body: c.body ?? '', author: c.user?.login ?? '', htmlUrl: c.html_url, createdAt: c.created_at, updatedAt: c.updated_at }));
}

export interface StickyComment {
  issueNumber: number;
  /** The whole body, marker included (reports/comment.ts: renderComment starts with commentMarker). */
  body: string;
  /** Whether a body is this comment's, e.g. `(b) => isOurComment(b, pipeline, file)` from reports/comment.ts. */
  isOurs: (body: string) => boolean;
  /** The login whose comment to update; default: who the token is (whoAmI). */
  author?: string;
}

/**
 * Updates the token's own comment that `isOurs`, or creates it: one comment per pull request,
 * updated in place on every push. Comments by anyone else are never touched, whatever they say.
 */
export async function createOrUpdateComment(
  client: GitHubClient,
  repo: RepoRef,
  sticky: StickyComment,
): Promise<{ action: 'created' | 'updated'; comment: IssueComment }> {
  // A body its own test does not recognise would be posted anew on every push: a pile, not a comment.
  if (!sticky.isOurs(sticky.body)) throw new Error('createOrUpdateComment: the body is not recognised by its own isOurs (is the marker line first?)');
  const me = sticky.author !== undefined ? { login: sticky.author, guessed: false } : await whoAmI(client).then((i) => ({ login: i.login, guessed: i.kind === 'installation' }));
  // An installation token cannot ask who it is (GET /user: 403), so its login is a guess:
  // GITHUB_TOKEN writes as github-actions[bot], a GitHub App's token as <app>[bot]. Then any bot's
  // comment that starts with the marker line is ours (no person's login ends in `[bot]`), the
  // guessed login's first; otherwise an App's report would add a comment on every push.
  const byUs = (c: IssueComment) => c.author === me.login || (me.guessed && c.author.endsWith('[bot]'));
  const ours = (c: IssueComment) => byUs(c) && sticky.isOurs(c.body);
  const all = await listIssueComments(client, repo, sticky.issueNumber);
  const existing = all.find((c) => c.author === me.login && sticky.isOurs(c.body)) ?? all.find(ours);
  if (existing) {
    const { data } = await call('issues/update-comment', () =>
      client.rest.issues.updateComment({ owner: repo.owner, repo: repo.repo, comment_id: existing.id, body: sticky.body }),
    );
    return { action: 'updated', comment: { ...existing, body: data.body ?? sticky.body, updatedAt: data.updated_at } };
  }
  const created = await createOnce(client, repo, sticky.issueNumber, sticky.body, ours);
  return { action: 'created', comment: created };
}

/**
 * Posts a comment at most once. A POST that ends in a 5xx may still have landed (the gateway gave
 * up after GitHub wrote it), so it is not retried blindly: the comments are listed again, and
 * only when none of ours is there is it posted again (with the client's usual retries).
 */
async function createOnce(client: GitHubClient, repo: RepoRef, issueNumber: number, body: string, ours: (c: IssueComment) => boolean): Promise<IssueComment> {
  const post = (retries?: number) =>
    call('issues/create-comment', () =>
      client.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber, body, ...(retries === undefined ? {} : { request: { retries } }) }),
    );
  let data;
  try {
    ({ data } = await post(0));
  } catch (e) {
    if (!(e instanceof GitHubServerError)) throw e;
    const landed = (await listIssueComments(client, repo, issueNumber)).find(ours);
    if (landed) return landed;
    ({ data } = await post());
  }
  return { id: data.id, body: data.body ?? body, author: data.user?.login ?? '', htmlUrl: data.html_url, createdAt: data.created_at, updatedAt: data.updated_at };
}
