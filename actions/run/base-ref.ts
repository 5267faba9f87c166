/**
 * The pull request's base branch, fetched with real `git fetch` into `origin/<base>` so that
 * drift, the params/metrics diffs and `vs: base` compare with it (actions/checkout fetches only
 * the merge commit), together with the registry tags (`churn@v1.2.0`, `churn#production#3`)
 * that `vs: production` and the report read. A shallow checkout stays shallow.
 */
import { git, gitRaw } from '../../core/git.js';
import { GitError, UsageError } from '../../core/errors.js';

/**
 * A branch name as git itself would accept it, checked before it goes into a refspec: `*` would
 * turn the refspec into a pattern that fetches every branch, and a leading `-`, a space, a
 * newline or `..` is no branch at all (a hostile `base-ref` gets one clear message, not git's).
 */
async function checkBranch(root: string, branch: string): Promise<void> {
  let ok = !branch.startsWith('-') && !/[\s:]/.test(branch);
  if (ok) ok = await gitRaw(['check-ref-format', `refs/heads/${branch}`], { cwd: root }).then(() => true, () => false);
  if (!ok) {
    throw new UsageError(`base-ref ${JSON.stringify(branch)} is not a branch name`, {
      fix: 'pass a branch of origin such as main (the default, github.base_ref, is the pull request\'s base branch)',
    });
  }
}

export async function fetchBase(root: string, branch: string): Promise<string> {
  await checkBranch(root, branch);
  const shallow = (await git(['rev-parse', '--is-shallow-repository'], { cwd: root })).trim() === 'true';
  const remoteRef = `refs/remotes/origin/${branch}`;
  const args = ['fetch', '--no-tags', '--quiet', ...(shallow ? ['--depth=1'] : []), 'origin', `+refs/heads/${branch}:${remoteRef}`, '+refs/tags/*:refs/tags/*'];
  try {
    await gitRaw(args, { cwd: root });
  } catch (e) {
    throw new GitError(`cannot fetch the base branch ${branch} from origin: ${(e as Error).message}`, {
      fix: 'check the base-ref input and that the job checked the repository out with actions/checkout (with its default persist-credentials)',
    });
  }
  return `origin/${branch}`;
}
