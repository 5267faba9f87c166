/**
 * The monitor action (on: schedule): `mlpipeline monitor` on the runner, then ONE issue per model
 * and environment, found by its marker and the bot's authorship, opened or updated with the drift
 * table and the chart of past runs, closed when the drift is gone; with `open: pull-request` also
 * one retrain pull request on a fixed branch, its commit written through the Git data API.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadPipelineFile } from '../../pipeline-schema/load.js';
import { renderMonitorIssue, renderMonitorMarkdown, isMonitorIssue, historyRun, monitorIssueTitle, needsAttention } from '../../reports/monitor-issue.js';
import { isMlpipelineError } from '../../core/errors.js';
import { appendRun, parseHistory } from '../../runners/monitor/history.js';
import { monitoringSpec, runMonitor, type MonitorDocument } from '../../runners/monitor/monitor.js';
import { applyParams, retrainPlan } from '../../runners/monitor/retrain.js';
import { requireRepo } from '../../runners/registry/repo.js';
import { escapeMarkdown, codeSpan } from '../../reports/markdown.js';
import {
  commitToBranch,
  createGitHubClient,
  createIssueWithBody,
  createPull,
  downloadReleaseAsset,
  getInput,
  info,
  listIssuesWithBody,
  openPullsFromBranch,
  runAction,
  runnerContext,
  setOutput,
  summary,
  updateIssue,
  updatePull,
  whoAmI,
  type GitHubClient,
  type IssueWithBody,
  type RepoRef,
} from '../github/index.js';

const DEFAULT_LABEL = 'mlpipeline-drift';

function retrainBody(doc: MonitorDocument, issue: IssueWithBody | undefined, changed: Record<string, unknown>): string {
  const keys = Object.keys(changed).map((k) => `- ${codeSpan(k)}`).join('\n');
  return [
    `Retrain ${escapeMarkdown(doc.model)}: ${doc.performance?.failed ? (doc.drift.drifted ? 'the live data drifted and a performance gate failed on labelled live data for' : 'a performance gate failed on labelled live data for') : 'the live data drifted against the training data of'} ${codeSpan(doc.reference.version ?? doc.reference.path)}${doc.environment ? ` in ${codeSpan(doc.environment)}` : ''}.`,
    '',
    issue ? `Drift report: #${issue.number}` : '',
    '',
    keys ? `This branch refreshes these params (from the newest live batch ${codeSpan(doc.live.path)}):\n\n${keys}` : 'This branch changes no params (monitoring.pull_request.set is empty).',
    '',
    '_Opened and kept up to date by the mlpipeline monitor; each run re-creates the one commit on this branch from the default branch._',
    '',
  ].join('\n');
}

async function keepIssue(client: GitHubClient, repo: RepoRef, doc: MonitorDocument, author: string, labels: string[]): Promise<IssueWithBody | undefined> {
  const issues = await listIssuesWithBody(client, repo, { label: labels[0]!, state: 'open' });
  // Ours only: the bot's own issue whose FIRST line is the marker. A person's issue quoting the
  // marker, or one by another token, is never edited or closed.
  const ours = issues.filter((i) => i.author === author && isMonitorIssue(i.body, doc.model, doc.environment));
  const existing = ours[ours.length - 1];
  if (!needsAttention(doc)) {
    if (!existing) return undefined;
    const history = parseHistory(existing.body);
    const runs = appendRun(history.runs, historyRun(doc));
    const body = renderMonitorIssue(doc, runs, history.problem ? { note: history.problem } : {});
    info(`drift is gone${doc.performance ? ' and the performance gates pass' : ''}: closing issue #${existing.number}`);
    return updateIssue(client, repo, existing.number, { body, state: 'closed' });
  }
  const history = existing ? parseHistory(existing.body) : { runs: [] };
  const runs = appendRun(history.runs, historyRun(doc));
  const body = renderMonitorIssue(doc, runs, 'problem' in history && history.problem ? { note: history.problem } : {});
  if (existing) {
    info(`updating issue #${existing.number}`);
    return updateIssue(client, repo, existing.number, { title: monitorIssueTitle(doc), body });
  }
  const created = await createIssueWithBody(client, repo, { title: monitorIssueTitle(doc), body, labels });
  info(`opened issue #${created.number}`);
  return created;
}

async function main(): Promise<void> {
  const ctx = runnerContext();
  const workdir = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), getInput('working-directory') || '.');
  const loaded = await loadPipelineFile(resolve(workdir, getInput('pipeline-file') || 'mlpipeline.yaml'));
  const spec = monitoringSpec(loaded);
  const environment = getInput('environment');
  const client = createGitHubClient({ token: getInput('github-token') });
  // Performance monitoring evaluates the deployed model: when it is neither committed nor in a
  // stage cache (a scheduled job has none), its Release asset, checked against the lineage's sha256.
  const releaseAsset = async (asset: { tag: string; name: string; size: number }) => {
    try {
      return await downloadReleaseAsset(client, ctx.repo, asset);
    } catch (e) {
      if (!isMlpipelineError(e)) throw e;
      return { missing: e.message };
    }
  };
  const doc = await runMonitor(loaded, { ...(environment ? { environment } : {}), modelSources: { releaseAsset } });
  await summary.addRaw(renderMonitorMarkdown(doc)).write();
  setOutput('drifted', String(doc.drift.drifted));
  setOutput('performance-failed', String(doc.performance?.failed === true));

  const author = (await whoAmI(client, { botLogin: getInput('bot-login') || undefined })).login;
  const labels = spec.labels?.length ? spec.labels : [DEFAULT_LABEL];
  const issue = await keepIssue(client, ctx.repo, doc, author, labels);
  setOutput('issue-number', issue && issue.state === 'open' ? String(issue.number) : '');

  let pullNumber = '';
  if (doc.retrain && (spec.open ?? 'issue') === 'pull-request') {
    // A PR opened with GITHUB_TOKEN triggers no workflow: an app or personal token makes CI run on it.
    const prToken = getInput('pr-token');
    const prClient = prToken ? createGitHubClient({ token: prToken }) : client;
    const prAuthor = prToken ? (await whoAmI(prClient, { botLogin: getInput('bot-login') || undefined })).login : author;
    const root = await requireRepo(loaded.dir);
    const plan = retrainPlan(loaded, spec, doc, root);
    const text = await readFile(plan.paramsAbs, 'utf8').catch(() => '');
    const content = applyParams(text, plan.set, doc, plan.paramsPath);
    const base = spec.pull_request?.base ?? (ctx.ref.startsWith('refs/heads/') ? ctx.ref.slice('refs/heads/'.length) : 'main');
    await commitToBranch(prClient, ctx.repo, {
      branch: plan.branch,
      parent: ctx.sha,
      message: `Retrain ${doc.model}: refresh params from live batch ${doc.live.path}\n\n${doc.reasons.join('\n')}`,
      files: [{ path: plan.paramsPath, content }],
    });
    const title = `Retrain ${doc.model}${doc.environment ? ` for ${doc.environment}` : ''}: ${doc.performance?.failed ? (doc.drift.drifted ? 'the live data drifted and performance dropped' : 'performance dropped on labelled live data') : 'the live data drifted'}`;
    const body = retrainBody(doc, issue, plan.set);
    const open = (await openPullsFromBranch(prClient, ctx.repo, plan.branch)).filter((p) => p.author === prAuthor);
    const pull = open[0] ? await updatePull(prClient, ctx.repo, open[0].number, { title, body }) : await createPull(prClient, ctx.repo, { title, body, head: plan.branch, base });
    info(`${open[0] ? 'updated' : 'opened'} retrain pull request #${pull.number} from ${plan.branch}`);
    pullNumber = String(pull.number);
  }
  setOutput('pull-request-number', pullNumber);
}

await runAction(main);
