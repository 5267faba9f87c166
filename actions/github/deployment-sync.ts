/**
 * Deployments found again by what they deploy, so that a re-run or a racing job adds none: the
 * list filtered by environment (and sha), each with its statuses; a create that ends in a 5xx is
 * looked for before it is sent again. Deleting is only for a duplicate we made ourselves (GitHub
 * deletes only inactive deployments, so it is marked inactive first).
 */
import type { GitHubClient } from './client.js';
import { GitHubNotFoundError, GitHubServerError, call } from './errors.js';
import type { RepoRef } from './repo.js';
import { createdDeployment } from './deployments.js';

export interface DeploymentInfo {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string;
  creator: string;
  payload: Record<string, unknown>;
  productionEnvironment: boolean;
  createdAt: string;
}

export interface DeploymentStatusInfo {
  id: number;
  state: string;
  description: string;
  logUrl: string;
  environmentUrl: string;
  creator: string;
}

interface DeploymentJson {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description?: string | null;
  creator: { login: string } | null;
  payload: unknown;
  production_environment?: boolean;
  created_at: string;
}

function toInfo(d: DeploymentJson): DeploymentInfo {
  let payload: Record<string, unknown> = {};
  if (typeof d.payload === 'string') {
    try {
      const parsed: unknown = JSON.parse(d.payload);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>;
    } catch {
      payload = {};
    }
  } else if (d.payload && typeof d.payload === 'object' && !Array.isArray(d.payload)) payload = d.payload as Record<string, unknown>;
  return {
    id: d.id,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    environment: d.environment,
    description: d.description ?? '',
    creator: d.creator?.login ?? '',
    payload,
    productionEnvironment: d.production_environment === true,
    createdAt: d.created_at,
  };
}

/** Deployments of the repository, newest first (GitHub's order), filtered as GitHub filters them. */
export async function listDeployments(client: GitHubClient, repo: RepoRef, filter: { environment?: string; sha?: string; ref?: string; task?: string }): Promise<DeploymentInfo[]> {
  const all = await call('repos/list-deployments', () =>
    client.paginate(client.rest.repos.listDeployments, { owner: repo.owner, repo: repo.repo, per_page: 100, ...filter }),
  );
  return (all as DeploymentJson[]).map(toInfo);
}

/** A deployment's statuses, newest first. */
export async function listDeploymentStatuses(client: GitHubClient, repo: RepoRef, deploymentId: number): Promise<DeploymentStatusInfo[]> {
  const all = await call('repos/list-deployment-statuses', () =>
    client.paginate(client.rest.repos.listDeploymentStatuses, { owner: repo.owner, repo: repo.repo, deployment_id: deploymentId, per_page: 100 }),
  );
  return all.map((s) => ({
    id: s.id,
    state: s.state,
    description: s.description ?? '',
    logUrl: s.log_url ?? s.target_url ?? '',
    environmentUrl: s.environment_url ?? '',
    creator: s.creator?.login ?? '',
  }));
}

export interface DeploymentRequest {
  ref: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
  /** Contexts GitHub must see green on `ref` first; [] for none. */
  requiredContexts: string[];
  productionEnvironment: boolean;
  transientEnvironment: boolean;
}

/**
 * Creates a deployment once: after a 5xx, the deployments of the environment are read again and
 * one that `isOurs` is returned instead of posting a second time.
 */
export async function createDeploymentOnce(
  client: GitHubClient,
  repo: RepoRef,
  d: DeploymentRequest,
  isOurs: (existing: DeploymentInfo) => boolean,
): Promise<DeploymentInfo> {
  const post = async (retries?: number) => {
    const response = await call('repos/create-deployment', () =>
      client.rest.repos.createDeployment({
        owner: repo.owner,
        repo: repo.repo,
        ref: d.ref,
        environment: d.environment,
        description: d.description,
        payload: d.payload,
        auto_merge: false,
        required_contexts: d.requiredContexts,
        production_environment: d.productionEnvironment,
        transient_environment: d.transientEnvironment,
        ...(retries === undefined ? {} : { request: { retries } }),
      }),
    );
    const data = createdDeployment(response);
    return toInfo(data as DeploymentJson);
  };
  try {
    return await post(0);
  } catch (e) {
    if (!(e instanceof GitHubServerError)) throw e;
    const landed = (await listDeployments(client, repo, { environment: d.environment })).find(isOurs);
    if (landed) return landed;
    return post();
  }
}

export async function deleteDeployment(client: GitHubClient, repo: RepoRef, deploymentId: number): Promise<void> {
  try {
    await call('repos/delete-deployment', () => client.rest.repos.deleteDeployment({ owner: repo.owner, repo: repo.repo, deployment_id: deploymentId }));
  } catch (e) {
    if (!(e instanceof GitHubNotFoundError)) throw e;
  }
}
