/**
 * The run action's inputs and where they point: the pipeline file (relative to
 * `working-directory`, itself relative to the workspace), the base branch of the pull request,
 * and the folders under RUNNER_TEMP that hold the results artifact and the rendered Markdown.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { getBooleanInput, getInput, runnerContext, type RunnerContext } from '../github/index.js';

export interface RunInputs {
  runner: RunnerContext;
  workspace: string;
  /** Absolute path of the pipeline file. */
  pipelineFile: string;
  /** The base branch (`main`), or undefined outside a pull request when none is given. */
  baseBranch?: string;
  artifactName: string;
  cache: boolean;
  token: string;
  /** `$RUNNER_TEMP/<artifact-name>`: the results artifact (JSON documents only). */
  resultsDir: string;
  /** `$RUNNER_TEMP/<artifact-name>-report`: comment.md, summary.md, the model card; never uploaded. */
  markdownDir: string;
}

// Not only dots: `..` would make the results folder RUNNER_TEMP's parent, which is emptied
// (rm -r) before the documents are written.
const SAFE_NAME = /^(?!\.+$)[A-Za-z0-9._-]+$/;

/** `path` is `root` or inside it (a workflow's relative input must not leave the workspace). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export function readInputs(): RunInputs {
  const runner = runnerContext();
  const workspace = resolve(process.env.GITHUB_WORKSPACE || process.cwd());
  const wd = getInput('working-directory') || '.';
  const dir = isAbsolute(wd) ? wd : resolve(workspace, wd);
  const pipelineFile = resolve(dir, getInput('pipeline-file') || 'mlpipeline.yaml');
  if (!inside(workspace, dir) || !inside(dir, pipelineFile) || pipelineFile === dir) {
    throw new UsageError(`working-directory '${wd}' and pipeline-file '${getInput('pipeline-file')}' must name a file inside the workspace (${workspace}), the file inside the working directory`, {
      fix: 'use paths relative to the repository root without `..`, e.g. working-directory: models/churn and pipeline-file: mlpipeline.yaml',
    });
  }
  const pr = runner.payload.pull_request as { base?: { ref?: unknown } } | undefined;
  const fromEvent = typeof pr?.base?.ref === 'string' ? pr.base.ref : undefined;
  const baseBranch = (getInput('base-ref') || fromEvent || '').replace(/^refs\/heads\//, '') || undefined;
  const artifactName = getInput('artifact-name') || 'mlpipeline-results';
  if (!SAFE_NAME.test(artifactName)) {
    throw new UsageError(`artifact-name '${artifactName}' may hold only letters, digits, '.', '_' and '-'`, { fix: 'choose a plain name such as mlpipeline-results-churn' });
  }
  const temp = process.env.RUNNER_TEMP;
  if (!temp) throw new UsageError('RUNNER_TEMP is not set', { fix: 'run the action as a step of a GitHub Actions job' });
  return {
    runner,
    workspace,
    pipelineFile,
    baseBranch,
    artifactName,
    cache: getInput('cache') === '' ? true : getBooleanInput('cache'),
    token: getInput('github-token'),
    resultsDir: join(temp, artifactName),
    markdownDir: join(temp, `${artifactName}-report`),
  };
}
