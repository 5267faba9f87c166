/**
 * `--push` with `--deploy`: send the deploy commit to the remote branch it was made for, never
 * forced, so a branch that moved on the remote refuses (re-run: the bump is idempotent). The
 * GitHub action does its own push and pull request (actions/promote).
 */
import { PushError } from '../../../core/errors.js';
import { gitRaw } from '../../../core/git.js';
import { resolveCommit } from './branch-commit.js';
import type { DeployResult } from './result.js';

export async function pushDeploy(root: string, remote: string, result: DeployResult, gitEnv?: NodeJS.ProcessEnv): Promise<void> {
  // Unchanged here may still be missing there (an earlier push failed): push what the ref holds.
  const source = result.commit ?? (await resolveCommit(root, result.ref));
  if (!source || result.status === 'dry-run') return;
  const r = await gitRaw(['push', '--porcelain', '--', remote, `${source}:${result.ref}`], { cwd: root, env: gitEnv, okCodes: [1, 128] });
  if (r.code !== 0) {
    const why = (r.stderr.trim() || r.stdout.toString('utf8').trim()).split('\n').slice(-3).join(' ');
    throw new PushError(`the deploy commit ${source.slice(0, 12)} was made locally on ${result.ref.replace('refs/heads/', '')}, but ${remote} did not take it: ${why}`, {
      fix: `git pull --rebase ${remote} ${result.ref.replace('refs/heads/', '')} and push again, or re-run mlpipeline deploy ${result.model} --env ${result.environment} --push (it makes the bump on the new tip, or says unchanged)`,
    });
  }
}
