import { GitError } from '../../core/errors.js';
import { repoRoot } from '../../core/git.js';

/** The repository root above `cwd`; the registry lives in its tags. */
export async function requireRepo(cwd: string): Promise<string> {
  const root = await repoRoot(cwd);
  if (!root) {
    throw new GitError(`${cwd} is not inside a Git repository; the model registry lives in Git tags`, {
      fix: 'run mlpipeline inside the repository (git init / git clone first)',
    });
  }
  return root;
}
