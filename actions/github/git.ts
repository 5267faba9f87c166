/**
 * Annotated tags through the API (a tag object, then `refs/tags/<name>` pointing at it): for
 * jobs that promote without pushing from a clone. The registry's own writer pushes with git.
 */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface NewTag {
  tag: string;
  message: string;
  /** The commit tagged. */
  sha: string;
  tagger?: { name: string; email: string; date?: string };
}

export async function createAnnotatedTag(client: GitHubClient, repo: RepoRef, tag: NewTag): Promise<{ tagSha: string; ref: string }> {
  const { data: object } = await call('git/create-tag', () =>
    client.rest.git.createTag({
      owner: repo.owner,
      repo: repo.repo,
      tag: tag.tag,
      message: tag.message,
      object: tag.sha,
      type: 'commit',
      ...(tag.tagger ? { tagger: tag.tagger } : {}),
    }),
  );
  const { data: ref } = await call('git/create-ref', () =>
    client.rest.git.createRef({ owner: repo.owner, repo: repo.repo, ref: `refs/tags/${tag.tag}`, sha: object.sha }),
  );
  return { tagSha: object.sha, ref: ref.ref };
}
