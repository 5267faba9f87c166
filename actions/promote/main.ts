/**
 * actions/promote: a promotion on GitHub. On a pushed registry tag (`push: tags`) it checks the
 * tag against the policy after the fact; otherwise (`workflow_dispatch`, any job) it promotes or
 * rolls back as `mlpipeline promote` / `rollback` do, then makes the version's Release and the
 * promotion's Deployment. See README.md.
 */
import { join } from 'node:path';
import { loadPipelineFile } from '../../pipeline-schema/load.js';
import { prepareCheckout } from '../../runners/registry/checkout.js';
import { committedPolicy } from '../../runners/registry/policy-source.js';
import { requireRepo } from '../../runners/registry/repo.js';
import { UsageError } from '../../core/errors.js';
import { deployEnvironment, pushDeploy } from '../../runners/registry/deploy/index.js';
import { deployPullTitle, renderDeployPullBody } from '../../reports/deploy-pull.js';
import { createGitHubClient, info, runAction, runnerContext, setOutput } from '../github/index.js';
import { ensureDeployPull, findDeployPull } from './deploy-pull.js';
import { fetchDeployBranch } from './deploy-branch.js';
import { promoteFlow } from './flow.js';
import { readInputs } from './inputs.js';
import { checkPushed } from './pushed.js';

async function main(): Promise<void> {
  const ctx = runnerContext();
  const inputs = readInputs();
  // Tests against the local GitHub scale the retry back-off and write spacing down (a runner never sets this).
  const fast = process.env.MLPIPELINE_TEST_GITHUB_FAST === '1' ? { retryAfterBaseValue: 1, writeSpacingMs: 0 } : {};
  const client = createGitHubClient({ token: inputs.token, ...fast });
  const root = await requireRepo(inputs.workingDirectory);
  const repository = (ctx.payload.repository ?? {}) as { default_branch?: unknown };
  const defaultBranch = inputs.defaultBranch || (typeof repository.default_branch === 'string' ? repository.default_branch : 'main');
  await prepareCheckout(root, inputs.remote, defaultBranch);
  const worktree = await loadPipelineFile(join(inputs.workingDirectory, inputs.pipelineFile));
  const policy = (await committedPolicy(root, worktree, inputs.remote)).loaded;

  const pushedTag = ctx.eventName === 'push' && ctx.ref.startsWith('refs/tags/') && !inputs.version && !inputs.to ? ctx.ref.slice('refs/tags/'.length) : undefined;
  if (pushedTag !== undefined) {
    const sender = (ctx.payload.sender ?? {}) as { login?: unknown };
    await checkPushed({
      client,
      repo: ctx.repo,
      root,
      remote: inputs.remote,
      policy,
      tag: pushedTag,
      pusher: typeof sender.login === 'string' ? sender.login : ctx.actor || undefined,
      env: process.env,
    });
    return;
  }
  if (!inputs.to) throw new UsageError('`to` is empty: which environment to promote to?', { fix: 'pass `to: staging` (and `version: NAME@vX.Y.Z`, or `rollback: true`)' });
  if (!inputs.rollback && !inputs.version) throw new UsageError('`version` is empty: which version to promote?', { fix: 'pass `version: NAME@vX.Y.Z`, or `rollback: true`' });
  await promoteFlow({
    client,
    repo: ctx.repo,
    root,
    worktree,
    policy,
    inputs,
    runId: ctx.runId,
    jobSha: ctx.sha,
    serverUrl: ctx.serverUrl,
    env: process.env,
    // The environment's `deploy:` block (docs/gitops.md): the manifest bump, committed and pushed
    // with the job's checkout credentials (in `mode: pull-request` to its own branch, then one
    // pull request into the deploy branch); none when the environment has no deploy: block.
    deploy: async ({ model, version, environment, tag, releaseAssetUrl }) => {
      await fetchDeployBranch(root, worktree, inputs.remote, { model, version, environment });
      const r = await deployEnvironment(worktree, model, environment, { cwd: root, env: process.env, remote: inputs.remote, releaseAssetUrl });
      if (!r) return;
      await pushDeploy(root, inputs.remote, r);
      info(`deploy: ${r.manifest} ${r.status} on ${r.pr_branch ?? r.branch}${r.commit ? ` (${r.commit.slice(0, 12)})` : ''}`);
      if (r.mode !== 'pull-request' || !r.pr_branch) return;
      const { pull, created } = await ensureDeployPull(client, ctx.repo, {
        head: r.pr_branch,
        base: r.branch,
        title: deployPullTitle(r),
        body: renderDeployPullBody({ ...r, tag }),
      });
      info(`deploy: pull request #${pull.number} ${created ? 'opened' : 'updated'}: ${pull.htmlUrl}`);
      setOutput('deploy-pull-request-number', String(pull.number));
      setOutput('deploy-pull-request-url', pull.htmlUrl);
    },
    deployedBefore: async (v) => {
      const open = await findDeployPull(client, ctx.repo, root, worktree, inputs.remote, v);
      if (!open) return;
      setOutput('deploy-pull-request-number', String(open.number));
      setOutput('deploy-pull-request-url', open.htmlUrl);
    },
  });
}

await runAction(main);
