/** The promote action's inputs, read once and checked (action.yml documents each). */
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { getBooleanInput, getInput } from '../github/index.js';

export interface PromoteInputs {
  /** `churn@v1.4.0` (a promotion), or for a rollback the model name or empty (the pipeline's model). */
  version: string;
  to: string;
  rollback: boolean;
  pipelineFile: string;
  /** Absolute. */
  workingDirectory: string;
  remote: string;
  /** Empty: the event's repository.default_branch, else `main`. */
  defaultBranch: string;
  modelFile: string;
  results: string;
  /** `default`: the pipeline's check (`mlpipeline / <name>`); [] for none. */
  requiredContexts: 'default' | string[];
  environmentUrl: string;
  attest: boolean;
  token: string;
}

function list(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): PromoteInputs {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const wd = getInput('working-directory') || '.';
  const contexts = getInput('required-contexts').trim();
  const inputs: PromoteInputs = {
    version: getInput('version').trim(),
    to: getInput('to').trim(),
    rollback: getInput('rollback') ? getBooleanInput('rollback') : false,
    pipelineFile: getInput('pipeline-file') || 'mlpipeline.yaml',
    workingDirectory: isAbsolute(wd) ? wd : resolve(workspace, wd),
    remote: getInput('remote') || 'origin',
    defaultBranch: getInput('default-branch').trim(),
    modelFile: getInput('model-file').trim(),
    results: getInput('results').trim(),
    requiredContexts: contexts === '' || contexts === 'default' ? 'default' : contexts === 'none' ? [] : list(contexts),
    environmentUrl: getInput('environment-url').trim(),
    attest: getInput('attest') ? getBooleanInput('attest') : false,
    token: getInput('github-token'),
  };
  if (inputs.rollback && inputs.version.includes('@')) {
    throw new UsageError(`rollback: true takes no version (got '${inputs.version}'): it returns ${inputs.to || 'the environment'} to the version it held before`, {
      fix: 'leave `version` empty (or give only the model name) with `rollback: true`',
    });
  }
  return inputs;
}
