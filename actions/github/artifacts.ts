/** A workflow run's artifacts: the fork-safe `workflow_run` job finds the results the PR job uploaded. */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface Artifact {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
  archiveDownloadUrl: string;
}

export async function listWorkflowRunArtifacts(client: GitHubClient, repo: RepoRef, runId: number, name?: string): Promise<Artifact[]> {
  const all = await call('actions/list-workflow-run-artifacts', () =>
    client.paginate(client.rest.actions.listWorkflowRunArtifacts, { owner: repo.owner, repo: repo.repo, run_id: runId, per_page: 100, ...(name ? { name } : {}) }),
  );
  return all.map((a) => ({ id: a.id, name: a.name, sizeInBytes: a.size_in_bytes, expired: a.expired, archiveDownloadUrl: a.archive_download_url }));
}
