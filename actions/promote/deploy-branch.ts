/**
 * A re-run's checkout is fresh: the pull request branch of an earlier run is on the remote but
 * not a local branch, so the bump would be committed again on the deploy branch (a new commit)
 * and the non-forced push to the pull request branch refused. Taking the remote's branch first
 * (fast-forward only, never forced) lets runners/registry/deploy see it holds the bump already.
 */
import { gitRaw } from '../../core/git.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { deploySpecOf, prBranchName } from '../../runners/registry/deploy/index.js';

export async function fetchDeployBranch(root: string, worktree: LoadedPipeline, remote: string, v: { model: string; version: string; environment: string }): Promise<void> {
  const { spec } = await deploySpecOf(root, worktree, v.environment, remote);
  if (spec?.mode !== 'pull-request') return;
  const ref = `refs/heads/${prBranchName(v.environment, v.model, v.version)}`;
  // Exit 128/1: no such branch there yet (the first run), or it is not a fast-forward (deploy then refuses with its own message).
  await gitRaw(['fetch', '--quiet', '--no-write-fetch-head', '--', remote, `${ref}:${ref}`], { cwd: root, okCodes: [1, 128] });
}
