/**
 * Deployments and their statuses: a promotion to an environment is a Deployment of the tag, so
 * GitHub's environments page shows what runs where. mlpipeline's own policy and gates decide;
 * GitHub's are switched off for the deployment itself (no auto-merge, no required contexts).
 */
import type { GitHubClient } from './client.js';
import { GitHubServerError, call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface NewDeployment {
  /** The tag, branch or sha deployed. */
  ref: string;
  environment: string;
  description?: string;
  /** Stored with the deployment (e.g. the model version and its digest). */
  payload?: Record<string, unknown>;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
}

export async function createDeployment(client: GitHubClient, repo: RepoRef, deployment: NewDeployment): Promise<{ id: number; sha: string }> {
  const response = await call('repos/create-deployment', () =>
    client.rest.repos.createDeployment({
      owner: repo.owner,
      repo: repo.repo,
      ref: deployment.ref,
      environment: deployment.environment,
      auto_merge: false,
      required_contexts: [],
      ...(deployment.description === undefined ? {} : { description: deployment.description }),
      ...(deployment.payload === undefined ? {} : { payload: deployment.payload }),
      ...(deployment.productionEnvironment === undefined ? {} : { production_environment: deployment.productionEnvironment }),
      ...(deployment.transientEnvironment === undefined ? {} : { transient_environment: deployment.transientEnvironment }),
    }),
  );
  const data = createdDeployment(response);
  return { id: data.id, sha: data.sha };
}

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface NewDeploymentStatus {
  state: DeploymentState;
  description?: string;
  /** The run that deployed (the job's URL). */
  logUrl?: string;
  environmentUrl?: string;
  /** Default (GitHub's): earlier successful deployments to the environment become inactive. */
  autoInactive?: boolean;
}

export async function createDeploymentStatus(client: GitHubClient, repo: RepoRef, deploymentId: number, status: NewDeploymentStatus): Promise<{ id: number; state: string }> {
  const { data } = await call('repos/create-deployment-status', () =>
    client.rest.repos.createDeploymentStatus({
      owner: repo.owner,
      repo: repo.repo,
      deployment_id: deploymentId,
      state: status.state,
      ...(status.description === undefined ? {} : { description: status.description }),
      ...(status.logUrl === undefined ? {} : { log_url: status.logUrl }),
      ...(status.environmentUrl === undefined ? {} : { environment_url: status.environmentUrl }),
      ...(status.autoInactive === undefined ? {} : { auto_inactive: status.autoInactive }),
    }),
  );
  return { id: data.id, state: data.state };
}

/**
 * The deployment in a create-deployment answer. A 202 means GitHub merged the default branch into
 * the ref instead of deploying (only with auto_merge, which is always off here): a server-side
 * refusal, never a success.
 */
export function createdDeployment<T extends object>(response: { status: number; data: T | { message?: string } }): T & { id: number } {
  const data = response.data;
  if (!('id' in data)) {
    const message = (data as { message?: string }).message;
    throw new GitHubServerError(`GitHub did not create the deployment: ${message ?? 'no deployment in the answer'}`, {
      operation: 'repos/create-deployment',
      status: response.status,
      githubMessage: message ?? '',
      fix: 'run the promotion again',
    });
  }
  return data as T & { id: number };
}
