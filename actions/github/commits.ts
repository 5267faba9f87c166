/**
 * A commit made through the Git data API (blobs, a tree on top of the parent's, the commit, then
 * the branch ref). Right for a scheduled job: it needs no clone with push credentials, writes
 * exactly the files given whatever else the job left in its work tree, and lands atomically (the
 * ref moves last). With a GitHub App token the commit is signed by GitHub.
 */
import type { GitHubClient } from './client.js';
import { GitHubNotFoundError, call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface FileChange {
  /** Repository-relative POSIX path. */
  path: string;
  content: string;
}

/** The commit a branch points at, or undefined when there is no such branch. */
export async function branchHead(client: GitHubClient, repo: RepoRef, branch: string): Promise<string | undefined> {
  try {
    const { data } = await call('git/get-ref', () => client.rest.git.getRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` }));
    return data.object.sha;
  } catch (e) {
    if (e instanceof GitHubNotFoundError) return undefined;
    throw e;
  }
}

/**
 * One commit with `files` on top of `parent`, and `branch` set to it: created when missing, moved
 * (forced) when present, so the branch is always `parent` plus this one commit.
 */
export async function commitToBranch(
  client: GitHubClient,
  repo: RepoRef,
  change: { branch: string; parent: string; message: string; files: FileChange[] },
): Promise<{ commit: string; created: boolean }> {
  const o = { owner: repo.owner, repo: repo.repo };
  const { data: parent } = await call('git/get-commit', () => client.rest.git.getCommit({ ...o, commit_sha: change.parent }));
  const tree: { path: string; mode: '100644'; type: 'blob'; sha: string }[] = [];
  for (const f of change.files) {
    const { data: blob } = await call('git/create-blob', () => client.rest.git.createBlob({ ...o, content: Buffer.from(f.content, 'utf8').toString('base64'), encoding: 'base64' }));
    tree.push({ path: f.path, mode: '100644' as const, type: 'blob' as const, sha: blob.sha });
  }
  const { data: newTree } = await call('git/create-tree', () => client.rest.git.createTree({ ...o, base_tree: parent.tree.sha, tree }));
  const { data: commit } = await call('git/create-commit', () => client.rest.git.createCommit({ ...o, message: change.message, tree: newTree.sha, parents: [change.parent] }));
  const existing = await branchHead(client, repo, change.branch);
  if (existing === undefined) {
    await call('git/create-ref', () => client.rest.git.createRef({ ...o, ref: `refs/heads/${change.branch}`, sha: commit.sha }));
    return { commit: commit.sha, created: true };
  }
  await call('git/update-ref', () => client.rest.git.updateRef({ ...o, ref: `heads/${change.branch}`, sha: commit.sha, force: true }));
  return { commit: commit.sha, created: false };
}
