/**
 * The report action: posts what `run` produced, on the pull request's head commit.
 *
 *   same job   (`results` given, `pull_request` event): the results directory of `run`;
 *   fork-safe  (`workflow_run` event): the artifact of the triggering run, downloaded as a zip
 *              and extracted under strict rules (unzip.ts) into a fresh temp folder.
 *
 * Either way the results are untrusted (results.ts: allowlist, regular files, size caps, JSON
 * Schemas), the comment and the summaries are re-rendered from report.json with reports/, the
 * pull request is found through the API from the head SHA GitHub wrote into the event (never
 * from the artifact), what the artifact claims about it must agree, and a run whose head is no
 * longer the pull request's changes nothing (an older run finishing after a newer one).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { isOurComment, renderComment, CHECK_RUN_SUMMARY_LIMIT } from '../../reports/comment.js';
import type { ReportData } from '../../reports/report-data.js';
import { renderSummary } from '../../reports/summary.js';
import {
  createCheckRun,
  createGitHubClient,
  createOrUpdateComment,
  downloadRunArtifactZip,
  getBooleanInput,
  getInput,
  getPull,
  info,
  listOpenPulls,
  runnerContext,
  setOutput,
  summary,
  type CheckAnnotation,
  type GitHubClient,
  type PullRequest,
  type RepoRef,
  type RunnerContext,
} from '../github/index.js';
import { checkRunName, checkTitle, conclusionOf } from './conclusion.js';
import { loadResults, MAX_DOCUMENT_BYTES, UntrustedResultsError, type Results } from './results.js';
import { extractZip, UnsafeArchiveError } from './unzip.js';

/** The artifact as GitHub stores it (compressed): the five documents are far below this. */
const MAX_ARTIFACT_BYTES = 32 * 1024 * 1024;

interface Trigger {
  /** The commit the results are for, as GitHub (not the artifact) says. */
  headSha: string;
  /** Same job: the event's pull request. Fork-safe: found by head SHA. */
  pullNumber?: number;
  /** Fork-safe: the run's head branch and repository, to tell "stale" from "no pull request". */
  headBranch?: string;
  headRepo?: string;
  runId?: number;
  /** Fork-safe: the triggering run's conclusion (`cancelled`: it has nothing to post). */
  conclusion?: string;
}

const SHA = /^[0-9a-f]{40}$/;

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function triggerOf(ctx: RunnerContext, resultsGiven: boolean): Trigger {
  const p = ctx.payload;
  if (ctx.eventName === 'workflow_run' && !resultsGiven) {
    const run = obj(p.workflow_run);
    const headSha = run.head_sha;
    const id = run.id;
    if (typeof headSha !== 'string' || !SHA.test(headSha) || typeof id !== 'number') {
      throw new UsageError('the workflow_run event has no run id and head SHA', { fix: 'run the report action in a workflow triggered by `on: workflow_run`' });
    }
    const headRepo = obj(run.head_repository).full_name;
    return { headSha, runId: id, ...(typeof run.conclusion === 'string' ? { conclusion: run.conclusion } : {}), ...(typeof run.head_branch === 'string' ? { headBranch: run.head_branch } : {}), ...(typeof headRepo === 'string' ? { headRepo } : {}) };
  }
  const pr = obj(p.pull_request);
  const headSha = obj(pr.head).sha;
  if (!resultsGiven || typeof pr.number !== 'number' || typeof headSha !== 'string' || !SHA.test(headSha)) {
    throw new UsageError(
      ctx.eventName === 'workflow_run'
        ? 'the `results` input is for the same job as `run`; in a workflow_run job leave it empty and the artifact is downloaded'
        : `the report action runs on a pull_request event (with \`results\`) or a workflow_run event, not ${ctx.eventName}`,
      { fix: 'same repository: a step after `mlpipeline/actions/run` with `results: ${{ steps.run.outputs.results }}`; forks: the workflow_run setup of `mlpipeline init github`' },
    );
  }
  return { headSha, pullNumber: pr.number };
}

async function freshDir(label: string): Promise<string> {
  return mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), `mlpipeline-report-${label}-`));
}

/** The triggering run's artifact, extracted under strict rules, then loaded like any results. */
async function artifactResults(token: string, repo: RepoRef, runId: number, name: string): Promise<Results> {
  const download = await freshDir('zip');
  const zip = await downloadRunArtifactZip({ token, repo, runId, name, into: download, maxBytes: MAX_ARTIFACT_BYTES });
  const dir = await freshDir('results');
  const what = `in artifact ${JSON.stringify(zip.name)} (id ${zip.id}) of run ${runId}`;
  try {
    await extractZip(await readFile(zip.zip), dir, { maxEntries: 5, maxEntryBytes: MAX_DOCUMENT_BYTES, maxTotalBytes: 5 * MAX_DOCUMENT_BYTES });
  } catch (e) {
    if (e instanceof UnsafeArchiveError) throw new UntrustedResultsError(what, e.message);
    throw e;
  }
  return loadResults(dir, what);
}

/** The pull request to post on, or why there is none to post on now. */
async function findPull(client: GitHubClient, repo: RepoRef, t: Trigger): Promise<{ pull: PullRequest } | { skipped: string }> {
  if (t.pullNumber !== undefined) {
    const pull = await getPull(client, repo, t.pullNumber);
    if (pull.state !== 'open') return { skipped: `pull request #${pull.number} is ${pull.state}` };
    if (pull.head.sha !== t.headSha) return { skipped: `pull request #${pull.number} is now at ${pull.head.sha.slice(0, 12)}; these results are for ${t.headSha.slice(0, 12)}, an older push` };
    return { pull };
  }
  const open = await listOpenPulls(client, repo);
  // Only a pull request whose head is in the run's repository: the same commit can be the head
  // of pull requests from several repositories, and a fork's results never go on another's.
  const fromRun = open.filter((p) => p.head.sha === t.headSha && (t.headRepo === undefined || p.head.repo === t.headRepo));
  const pick = fromRun.sort((a, b) => a.number - b.number)[0];
  if (pick) return { pull: pick };
  const moved = open.find((p) => t.headBranch !== undefined && p.head.ref === t.headBranch && p.head.repo === t.headRepo);
  if (moved) return { skipped: `pull request #${moved.number} is now at ${moved.head.sha.slice(0, 12)}; these results are for ${t.headSha.slice(0, 12)}, an older push` };
  return { skipped: `no open pull request${t.headRepo === undefined ? '' : ` from ${t.headRepo}`} has head ${t.headSha.slice(0, 12)}` };
}

/** What the results say about their pull request must be what GitHub says about the run. */
function crossCheck(report: ReportData, t: Trigger, pull: PullRequest, what: string): void {
  const claimed = report.pull_request;
  if (!claimed) return;
  if (claimed.head_sha !== t.headSha) throw new UntrustedResultsError(what, `report.json is for head ${claimed.head_sha.slice(0, 12)}, the run is for ${t.headSha.slice(0, 12)}`);
  if (claimed.number !== pull.number) throw new UntrustedResultsError(what, `report.json names pull request #${claimed.number}, the run's head ${t.headSha.slice(0, 12)} is pull request #${pull.number}`);
}

function annotationsOf(report: ReportData): CheckAnnotation[] {
  return (report.annotations ?? []).map((a) => ({
    path: a.path,
    startLine: a.start_line,
    endLine: Math.max(a.start_line, a.end_line),
    // GitHub takes columns only on a one-line annotation.
    ...(a.start_column !== undefined && a.end_line === a.start_line ? { startColumn: a.start_column, endColumn: a.end_column ?? a.start_column } : {}),
    level: a.level,
    title: a.title,
    message: a.message,
  }));
}

function nonNegative(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export async function report(): Promise<void> {
  const ctx = runnerContext();
  const resultsInput = getInput('results');
  const token = getInput('github-token') || process.env.GITHUB_TOKEN || '';
  const trigger = triggerOf(ctx, resultsInput !== '');

  // Waits scaled down only by tests against the local GitHub (never set in a workflow).
  const client = createGitHubClient({
    token,
    retryAfterBaseValue: nonNegative(process.env.MLPIPELINE_GITHUB_RETRY_BASE_MS),
    writeSpacingMs: nonNegative(process.env.MLPIPELINE_GITHUB_WRITE_SPACING_MS),
  });

  const skip = (why: string): void => {
    info(`changing nothing: ${why}`);
    setOutput('skipped', why);
  };
  // A cancelled run (superseded by a newer push, or stopped by hand) may have uploaded nothing.
  if (trigger.conclusion === 'cancelled' || trigger.conclusion === 'skipped') return skip(`workflow run ${trigger.runId} was ${trigger.conclusion}: it has no results to post`);

  const what = resultsInput ? `in ${resultsInput}` : `of workflow run ${trigger.runId}`;
  const load = async (): Promise<Results> => {
    const results = resultsInput
      ? await loadResults(resolve(process.env.GITHUB_WORKSPACE || process.cwd(), resultsInput), what)
      : await artifactResults(token, ctx.repo, trigger.runId!, getInput('artifact-name') || 'mlpipeline-results');
    info(`results ${what}: ${Object.keys(results.documents).join(', ')} valid; pipeline ${JSON.stringify(results.report.pipeline.name)}, verdict ${results.report.verdict.status}`);
    return results;
  };
  // Same job: the directory is checked first (nothing is asked of GitHub for a refused one).
  // Fork-safe: the pull request first, so an older run changes nothing and downloads nothing,
  // whether or not its artifact is still there.
  const early = resultsInput ? await load() : undefined;
  const found = await findPull(client, ctx.repo, trigger);
  if ('skipped' in found) return skip(found.skipped);
  const pull = found.pull;
  const data = (early ?? (await load())).report;
  crossCheck(data, trigger, pull, what);

  const jobSummary = renderSummary(data);
  await summary.addRaw(jobSummary).write();

  if (getBooleanInput('check-run')) {
    const conclusion = conclusionOf(data);
    const annotations = annotationsOf(data);
    const run = await createCheckRun(client, ctx.repo, {
      name: checkRunName(data),
      headSha: trigger.headSha,
      status: 'completed',
      conclusion,
      output: { title: checkTitle(data), summary: renderSummary(data, { limitBytes: CHECK_RUN_SUMMARY_LIMIT }), annotations },
    });
    info(`check run ${run.id} (${conclusion}) on ${trigger.headSha.slice(0, 12)} with ${annotations.length} annotation${annotations.length === 1 ? '' : 's'} in ${run.requests} request${run.requests === 1 ? '' : 's'}`);
    setOutput('check-run-id', String(run.id));
  }

  if (getBooleanInput('comment')) {
    const file = data.pipeline_file;
    const botLogin = getInput('bot-login');
    const { action, comment } = await createOrUpdateComment(client, ctx.repo, {
      issueNumber: pull.number,
      body: renderComment(data, { pipelineFile: file }),
      isOurs: (b) => isOurComment(b, data.pipeline.name, file),
      ...(botLogin ? { author: botLogin } : {}),
    });
    info(`${action} comment ${comment.id} on #${pull.number}`);
    setOutput('comment-id', String(comment.id));
    setOutput('comment-url', comment.htmlUrl);
  }
  setOutput('skipped', '');
}
