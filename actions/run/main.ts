/**
 * actions/run: a pull request's validation, stages, data checks, evaluation, gates and report,
 * as a composite action (action.yml) that calls this bundle twice:
 *   MLPIPELINE_RUN_PHASE=plan  fetch the base branch, validate mlpipeline.yaml, compute the
 *                              stage-cache keys (outputs for the actions/cache steps);
 *   MLPIPELINE_RUN_PHASE=run   run everything, write the results folder, the job summary and
 *                              the outputs `verdict`, `results`, `comment-path`.
 * A config error is one annotation per problem at mlpipeline.yaml's line and column, with its
 * fix, and a failed step; never a stack trace.
 */
import { relative } from 'node:path';
import { ConfigError, UsageError, formatProblem, isMlpipelineError } from '../../core/errors.js';
import { repoRoot } from '../../core/git.js';
import { stageModelResolverWith } from '../../runners/registry/stage-model.js';
import { validatePipelineFile } from '../../runners/config/validate-pipeline.js';
import { readLock } from '../../runners/stages/lock-file.js';
import { pruneToLock } from '../../runners/stages/prune.js';
import { pipelineStatePaths } from '../../core/state-paths.js';
import { createGitHubClient, downloadReleaseAsset, error, info, notice, runAction, setOutput, summary, warning } from '../github/index.js';
import { fetchBase } from './base-ref.js';
import { readInputs, type RunInputs } from './inputs.js';
import { cacheKeys } from './plan.js';
import { runSteps } from './steps.js';
import { writeResults } from './results.js';

const SUMMARY_LIMIT = 1024 * 1024;

async function load(inputs: RunInputs) {
  const { loaded, warnings } = await validatePipelineFile(inputs.pipelineFile, { cwd: inputs.workspace });
  for (const w of warnings) warning(formatProblem(w), { file: w.location.file, ...(w.location.line ? { startLine: w.location.line } : {}), ...(w.location.column ? { startColumn: w.location.column } : {}) });
  return loaded;
}

async function baseRefOf(inputs: RunInputs, dir: string): Promise<string | undefined> {
  if (!inputs.baseBranch) {
    if (inputs.runner.eventName === 'pull_request') throw new UsageError('the pull_request event names no base branch', { fix: 'pass the base-ref input' });
    notice(`event ${inputs.runner.eventName}: no base branch, so nothing is compared with one (vs: base gates are skipped); the stage cache is still saved for pull requests to restore`);
    return undefined;
  }
  const root = (await repoRoot(dir)) ?? dir;
  return fetchBase(root, inputs.baseBranch);
}

async function plan(inputs: RunInputs): Promise<void> {
  const loaded = await load(inputs);
  const baseRef = await baseRefOf(inputs, loaded.dir);
  if (!inputs.cache) return;
  const keys = await cacheKeys(loaded, baseRef);
  info(`stage cache key ${keys.key}${keys.baseKey ? `, base ${keys.baseKey}` : ''}`);
  setOutput('cache-key', keys.key);
  setOutput('cache-restore-prefix', keys.restorePrefix);
  setOutput('base-cache-key', keys.baseKey);
  setOutput('cache-path', keys.path);
}

async function run(inputs: RunInputs): Promise<void> {
  const loaded = await load(inputs);
  const baseRef = inputs.baseBranch ? `origin/${inputs.baseBranch}` : undefined;
  const client = inputs.token ? createGitHubClient({ token: inputs.token }) : undefined;
  const repo = inputs.runner.repo;
  // `vs: production` when the model is neither committed nor cached: its Release asset, checked
  // against the lineage's sha256 by the runner. An API failure is a missing baseline, not a crash.
  const stageResolver = stageModelResolverWith({
    releaseAsset: client
      ? async (asset) => {
          try {
            return await downloadReleaseAsset(client, repo, asset);
          } catch (e) {
            if (!isMlpipelineError(e)) throw e;
            return { missing: e.message };
          }
        }
      : undefined,
  });
  const { inputs: reportInputs, failures, stagesOk } = await runSteps(loaded, { baseRef, baseBranch: inputs.baseBranch, stageResolver });
  const written = await writeResults(reportInputs, inputs.resultsDir, inputs.markdownDir);
  if (inputs.cache && stagesOk) {
    const paths = pipelineStatePaths(loaded.dir, loaded.file);
    const pruned = await pruneToLock(paths.cacheDir, await readLock(paths.lockFile));
    info(`stage cache trimmed to this run's lock: ${pruned.keptObjects} objects kept, ${pruned.removedObjects} removed (the base's are in its own entry)`);
  }
  const status = written.report.verdict.status;
  const verdict = failures.length > 0 ? 'failed' : status;
  for (const f of failures) info(`failed: ${f}`);
  await summary.addRaw(cut(written.summary), true).write();
  setOutput('verdict', verdict);
  setOutput('results', inputs.resultsDir);
  setOutput('comment-path', written.commentPath);
  // Whether the cache is worth saving: an entry saved after a failed stage would be an exact
  // hit for the same inputs later, and the stage would never be saved complete.
  setOutput('stages-ok', String(stagesOk));
  info(`mlpipeline ${loaded.pipeline.name}: verdict ${verdict}; results in ${inputs.resultsDir}, comment ${relative(inputs.workspace, written.commentPath).startsWith('..') ? written.commentPath : relative(inputs.workspace, written.commentPath)}`);
}

/** The summary renderer keeps to GitHub's 1 MiB; this only guards the limit. */
function cut(text: string): string {
  if (Buffer.byteLength(text) <= SUMMARY_LIMIT) return text;
  const note = '\n\n… cut at the job summary limit of 1 MiB; the full report is in the workflow artifact.\n';
  return Buffer.from(text).subarray(0, SUMMARY_LIMIT - Buffer.byteLength(note) - 4).toString('utf8').replace(/\uFFFD$/, '') + note;
}

async function main(): Promise<void> {
  const phase = process.env.MLPIPELINE_RUN_PHASE || 'run';
  try {
    const inputs = readInputs();
    if (phase === 'plan') await plan(inputs);
    else if (phase === 'run') await run(inputs);
    else throw new UsageError(`unknown MLPIPELINE_RUN_PHASE '${phase}'`, { fix: 'use plan or run (action.yml sets it)' });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // One annotation per problem, at its line and column in mlpipeline.yaml.
    for (const p of e.problems) {
      error(formatProblem(p), { title: 'mlpipeline.yaml is invalid', file: p.location.file, ...(p.location.line ? { startLine: p.location.line } : {}), ...(p.location.column ? { startColumn: p.location.column } : {}) });
    }
    process.exitCode = 1;
  }
}

await runAction(main);
