/**
 * Check runs (what branch protection can require), with annotations. GitHub takes at most 50
 * annotations per request and appends each request's to the run's, so more than 50 go out as
 * the create (or update) with the first 50 and one update per further 50.
 */
import type { GitHubClient } from './client.js';
import { call } from './errors.js';
import type { RepoRef } from './repo.js';

/** GitHub's limit per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  /** Only when startLine === endLine (GitHub's rule). */
  startColumn?: number;
  endColumn?: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  rawDetails?: string;
}

export interface CheckOutput {
  title: string;
  /** Markdown, at most 65535 characters. */
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CheckRunFields {
  status?: CheckStatus;
  /** Setting a conclusion completes the run. */
  conclusion?: CheckConclusion;
  detailsUrl?: string;
  externalId?: string;
  output?: CheckOutput;
}

export interface CheckRun {
  id: number;
  htmlUrl: string;
  /** How many requests it took (1 + one per further 50 annotations). */
  requests: number;
}

function annotationJson(a: CheckAnnotation) {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    ...(a.startColumn === undefined ? {} : { start_column: a.startColumn }),
    ...(a.endColumn === undefined ? {} : { end_column: a.endColumn }),
    annotation_level: a.level,
    message: a.message,
    ...(a.title === undefined ? {} : { title: a.title }),
    ...(a.rawDetails === undefined ? {} : { raw_details: a.rawDetails }),
  };
}

function batches(output: CheckOutput | undefined): CheckAnnotation[][] {
  const all = output?.annotations ?? [];
  const out: CheckAnnotation[][] = [];
  for (let i = 0; i < all.length; i += ANNOTATIONS_PER_REQUEST) out.push(all.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return out;
}

function outputJson(output: CheckOutput, annotations: CheckAnnotation[] | undefined, withText: boolean) {
  return {
    title: output.title,
    summary: output.summary,
    ...(withText && output.text !== undefined ? { text: output.text } : {}),
    ...(annotations && annotations.length > 0 ? { annotations: annotations.map(annotationJson) } : {}),
  };
}

function fieldsJson(fields: CheckRunFields, firstBatch: CheckAnnotation[] | undefined) {
  return {
    ...(fields.status === undefined ? {} : { status: fields.status }),
    ...(fields.conclusion === undefined ? {} : { conclusion: fields.conclusion }),
    ...(fields.detailsUrl === undefined ? {} : { details_url: fields.detailsUrl }),
    ...(fields.externalId === undefined ? {} : { external_id: fields.externalId }),
    ...(fields.output ? { output: outputJson(fields.output, firstBatch, true) } : {}),
  };
}

/** The annotations past the first request's, one update per 50. */
async function appendAnnotations(client: GitHubClient, repo: RepoRef, id: number, output: CheckOutput, rest: CheckAnnotation[][]): Promise<void> {
  for (const batch of rest) {
    await call('checks/update', () =>
      client.rest.checks.update({ owner: repo.owner, repo: repo.repo, check_run_id: id, output: outputJson(output, batch, false) }),
    );
  }
}

export async function createCheckRun(client: GitHubClient, repo: RepoRef, run: CheckRunFields & { name: string; headSha: string }): Promise<CheckRun> {
  const [first, ...rest] = batches(run.output);
  const { data } = await call('checks/create', () =>
    client.rest.checks.create({ owner: repo.owner, repo: repo.repo, name: run.name, head_sha: run.headSha, ...fieldsJson(run, first) }),
  );
  if (run.output) await appendAnnotations(client, repo, data.id, run.output, rest);
  return { id: data.id, htmlUrl: data.html_url ?? '', requests: 1 + rest.length };
}

export async function updateCheckRun(client: GitHubClient, repo: RepoRef, checkRunId: number, fields: CheckRunFields): Promise<CheckRun> {
  const [first, ...rest] = batches(fields.output);
  const { data } = await call('checks/update', () =>
    client.rest.checks.update({ owner: repo.owner, repo: repo.repo, check_run_id: checkRunId, ...fieldsJson(fields, first) }),
  );
  if (fields.output) await appendAnnotations(client, repo, checkRunId, fields.output, rest);
  return { id: data.id, htmlUrl: data.html_url ?? '', requests: 1 + rest.length };
}
