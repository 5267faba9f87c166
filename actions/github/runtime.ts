/**
 * What an action's entry point needs from the runner, through @actions/core and
 * @actions/github (only this folder imports them): inputs, outputs, the job summary, log lines,
 * the run's context as plain data, and `runAction`, which turns a thrown error into a failed step
 * with its fix and never a stack trace for a user error.
 */
import * as core from '@actions/core';
import { context } from '@actions/github';
import { MlpipelineError } from '../../core/errors.js';
import { apiBaseUrl } from './client.js';
import { parseRepo, type RepoRef } from './repo.js';

export { getBooleanInput, getInput, getMultilineInput, setOutput, setSecret, summary, debug, info, notice, warning, error } from '@actions/core';

/** The run, as the runner describes it (GITHUB_* and the event payload at GITHUB_EVENT_PATH). */
export interface RunnerContext {
  eventName: string;
  sha: string;
  ref: string;
  repo: RepoRef;
  runId: number;
  actor: string;
  serverUrl: string;
  apiUrl: string;
  /** The webhook payload of the event (GITHUB_EVENT_PATH), `{}` when absent. */
  payload: Record<string, unknown>;
}

/** Asked for the runner's context outside a runner. */
export class NotOnARunnerError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'not-on-a-runner';

  constructor(what: string) {
    super(`${what}: this runs as a step of a GitHub Actions job`, { fix: 'run it from a workflow (`uses:`); locally, run the `mlpipeline` command of the same name instead' });
  }
}

export function runnerContext(): RunnerContext {
  const repository = process.env.GITHUB_REPOSITORY;
  if (!repository) throw new NotOnARunnerError('GITHUB_REPOSITORY is not set');
  return {
    eventName: context.eventName,
    sha: context.sha,
    ref: context.ref,
    repo: parseRepo(repository),
    runId: context.runId,
    actor: context.actor,
    serverUrl: context.serverUrl,
    apiUrl: apiBaseUrl(),
    payload: context.payload as Record<string, unknown>,
  };
}

/**
 * Runs an action's main and reports its end the runner's way: a failed step (exit code 1) with
 * the message and its `fix:` for an MlpipelineError (GitHub API errors included), the stack
 * for anything else (a bug).
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof MlpipelineError) core.setFailed(e.format());
    else core.setFailed(e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}
