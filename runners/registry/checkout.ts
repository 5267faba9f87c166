/**
 * A CI checkout made ready for the registry: every tag of the remote (a shallow clone or one
 * checked out at a tag has few), and the default branch as `refs/remotes/<remote>/<branch>` with
 * `<remote>/HEAD` pointing at it, so the policy is read from the default branch (policy-source.ts)
 * and never from the commit that happens to be checked out.
 */
import { GitError } from '../../core/errors.js';
import { gitRaw } from '../../core/git.js';
import { assertRemote } from './tag-writer.js';

const BRANCH = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/;

export async function prepareCheckout(root: string, remote: string, defaultBranch: string): Promise<void> {
  await assertRemote(root, remote);
  if (!BRANCH.test(defaultBranch)) throw new GitError(`'${defaultBranch}' is not a branch name`, { fix: 'pass the default branch, e.g. main' });
  const tracking = `refs/remotes/${remote}/${defaultBranch}`;
  const r = await gitRaw(
    ['fetch', '--quiet', '--no-write-fetch-head', '--', remote, 'refs/tags/*:refs/tags/*', `+refs/heads/${defaultBranch}:${tracking}`],
    { cwd: root, okCodes: [1, 128] },
  );
  if (r.code !== 0) {
    throw new GitError(`cannot fetch the tags and ${defaultBranch} from '${remote}': ${r.stderr.trim().split('\n').join('; ')}`, {
      fix: 'check out with actions/checkout (its token can fetch), and check that the default branch is right',
    });
  }
  await gitRaw(['symbolic-ref', `refs/remotes/${remote}/HEAD`, tracking], { cwd: root });
}
