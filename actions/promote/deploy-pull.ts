/**
 * The pull request of a manifest bump in `mode: pull-request`: one per head branch
 * (`mlpipeline/deploy/<env>/<name>-<version>`), found again by that branch, so a re-run or a
 * racing job updates it instead of opening a second. A create that GitHub answers with a 5xx
 * may have landed, and a racing job may have opened it first (422 "A pull request already
 * exists"): both are looked up again and reused.
 */
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { deploySpecOf, prBranchName } from '../../runners/registry/deploy/index.js';
import {
  GitHubServerError,
  GitHubValidationError,
  createPull,
  openPullsFromBranch,
  updatePull,
  type GitHubClient,
  type OpenPull,
  type RepoRef,
} from '../github/index.js';

export interface DeployPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface DeployPullOutcome {
  pull: OpenPull;
  created: boolean;
}

const alreadyExists = (e: unknown) => e instanceof GitHubValidationError && /already exists/i.test(e.message);

async function find(client: GitHubClient, repo: RepoRef, head: string): Promise<OpenPull | undefined> {
  // The oldest one is the pull request; GitHub lists newest first.
  return (await openPullsFromBranch(client, repo, head)).sort((a, b) => a.number - b.number)[0];
}

export async function ensureDeployPull(client: GitHubClient, repo: RepoRef, p: DeployPullRequest): Promise<DeployPullOutcome> {
  const update = async (found: OpenPull): Promise<DeployPullOutcome> => ({
    pull: found.title === p.title && found.body === p.body ? found : await updatePull(client, repo, found.number, { title: p.title, body: p.body }),
    created: false,
  });
  const existing = await find(client, repo, p.head);
  if (existing) return update(existing);
  try {
    return { pull: await createPull(client, repo, p), created: true };
  } catch (e) {
    if (!alreadyExists(e) && !(e instanceof GitHubServerError)) throw e;
    const landed = await find(client, repo, p.head);
    if (!landed) throw e;
    return update(landed);
  }
}

/** The open pull request of an environment's bump in `mode: pull-request`, if there is one (read only). */
export async function findDeployPull(
  client: GitHubClient,
  repo: RepoRef,
  root: string,
  worktree: LoadedPipeline,
  remote: string,
  v: { model: string; version: string; environment: string },
): Promise<OpenPull | undefined> {
  const { spec } = await deploySpecOf(root, worktree, v.environment, remote);
  return spec?.mode === 'pull-request' ? find(client, repo, prBranchName(v.environment, v.model, v.version)) : undefined;
}
