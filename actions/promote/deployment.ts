/**
 * One GitHub Deployment per promotion, found again by the promotion's registry tag (carried in
 * its payload), so a re-run or a racing job adds none: created when absent (once, even when the
 * create's answer is lost), re-read after creating and, if a racing job made one too, the
 * younger of the two is marked inactive and deleted. Statuses in_progress → success (or failure);
 * the deployments the environment had before become inactive. When the job itself declares
 * `environment:`, GitHub has made the run's deployment already: it is used, none is added.
 */
import {
  GITHUB_ACTIONS_BOT,
  createDeploymentOnce,
  createDeploymentStatus,
  deleteDeployment,
  listDeploymentStatuses,
  listDeployments,
  type DeploymentInfo,
  type GitHubClient,
  type RepoRef,
} from '../github/index.js';

export interface DeploymentParams {
  /** The GitHub environment (the registry environment, or its `github_environment`). */
  environment: string;
  /** The version's commit. */
  sha: string;
  /** The promotion's registry tag: the deployment's identity. */
  tag: string;
  payload: Record<string, unknown>;
  description: string;
  requiredContexts: string[];
  production: boolean;
  logUrl: string;
  environmentUrl: string;
  /** This run, and the commit the workflow runs on: how the job's own deployment is recognised. */
  runId: number;
  jobSha: string;
  /** The work the deployment stands for (the GitOps bump, when there is one). */
  deploy?: () => Promise<void>;
}

export interface DeploymentOutcome {
  id: number;
  state: string;
  reused: boolean;
  byJob: boolean;
  inactivated: number[];
}

const OWN_CHECK = 20;

/** GitHub's deployment for a job with `environment:`: made by github-actions for this run's commit, its status linking to this run. */
async function jobDeployment(client: GitHubClient, repo: RepoRef, p: DeploymentParams, inEnv: DeploymentInfo[]): Promise<DeploymentInfo | undefined> {
  const runPath = `/actions/runs/${p.runId}`;
  for (const d of inEnv.filter((x) => x.sha === p.jobSha && x.creator === GITHUB_ACTIONS_BOT && x.payload.tag === undefined).slice(0, OWN_CHECK)) {
    const statuses = await listDeploymentStatuses(client, repo, d.id);
    if (statuses.some((s) => s.logUrl.includes(runPath))) return d;
  }
  return undefined;
}

export async function ensureDeployment(client: GitHubClient, repo: RepoRef, p: DeploymentParams): Promise<DeploymentOutcome> {
  const ours = (d: DeploymentInfo) => d.payload.tag === p.tag;
  const inEnv = await listDeployments(client, repo, { environment: p.environment });
  const byJob = await jobDeployment(client, repo, p, inEnv);
  let dep = inEnv.filter(ours).sort((a, b) => a.id - b.id)[0];
  const outcome: DeploymentOutcome = { id: 0, state: '', reused: Boolean(dep), byJob: false, inactivated: [] };
  if (!dep && byJob) {
    outcome.byJob = true;
    dep = byJob;
  }
  if (!dep) {
    const made = await createDeploymentOnce(
      client,
      repo,
      {
        ref: p.sha,
        environment: p.environment,
        description: p.description,
        payload: p.payload,
        requiredContexts: p.requiredContexts,
        productionEnvironment: p.production,
        transientEnvironment: false,
      },
      ours,
    );
    // Two jobs racing both create one: the older stays, the younger is taken back.
    const all = (await listDeployments(client, repo, { environment: p.environment })).filter(ours).sort((a, b) => a.id - b.id);
    const winner = all[0] ?? made;
    if (winner.id !== made.id) {
      await createDeploymentStatus(client, repo, made.id, { state: 'inactive', description: `duplicate of deployment ${winner.id}`, autoInactive: false });
      await deleteDeployment(client, repo, made.id);
      outcome.reused = true;
    }
    dep = winner;
  }
  outcome.id = dep.id;
  if (outcome.byJob) {
    // GitHub sets this deployment's statuses itself when the job ends.
    outcome.state = 'in_progress';
  } else {
    const latest = (await listDeploymentStatuses(client, repo, dep.id))[0]?.state;
    outcome.state = latest ?? 'pending';
    if (latest !== 'success') {
      const urls = { logUrl: p.logUrl, ...(p.environmentUrl ? { environmentUrl: p.environmentUrl } : {}) };
      if (latest !== 'in_progress') await createDeploymentStatus(client, repo, dep.id, { state: 'in_progress', description: p.description, ...urls });
      try {
        await p.deploy?.();
      } catch (e) {
        await createDeploymentStatus(client, repo, dep.id, { state: 'failure', description: `failed: ${(e as Error).message}`.slice(0, 140), ...urls });
        throw e;
      }
      await createDeploymentStatus(client, repo, dep.id, { state: 'success', description: p.description, autoInactive: false, ...urls });
      outcome.state = 'success';
    }
  }
  // What the environment ran before is not running any more.
  for (const d of inEnv.slice(0, OWN_CHECK)) {
    if (d.id === dep.id || ours(d)) continue;
    const latest = (await listDeploymentStatuses(client, repo, d.id))[0]?.state;
    if (latest === 'success') {
      await createDeploymentStatus(client, repo, d.id, { state: 'inactive', description: `replaced by ${p.tag}`, autoInactive: false });
      outcome.inactivated.push(d.id);
    }
  }
  return outcome;
}
