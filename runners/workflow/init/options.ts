/**
 * What every `mlpipeline init github` generator is given. Plain data, found on disk once
 * (locate.ts), so each generator is a pure function of it and the same inputs always give the
 * same bytes (the example's committed workflows are compared with a fresh generation).
 */
import type { ActionsRef } from '../actions-ref.js';

export interface InitWorkflowOptions {
  /** The pipeline's `name:` (for comments only: never interpolated into an expression). */
  pipelineName: string;
  /** `name` reduced to `[a-z0-9._-]`: file names and workflow names. */
  slug: string;
  /** Folder of mlpipeline.yaml relative to the repository root, POSIX, `.` for the root. */
  workingDirectory: string;
  /** The pipeline file relative to `workingDirectory`. */
  pipelineFile: string;
  /** Folder of the package.json whose `npm ci` installs the project, relative to the root. */
  installDirectory: string;
  /** The pipeline's `environments:` names in file order (for generators that promote). */
  environments: string[];
  /** Some environment's `deploy:` block uses `mode: pull-request` (the promote job then opens pull requests). */
  deployPullRequests?: boolean;
  /** The branch whose pushes save the caches and records pull requests compare with. */
  defaultBranch: string;
  /** Where our own actions come from. */
  actions: ActionsRef;
  /** The one-workflow variant for private repositories. */
  private: boolean;
  /** `monitoring.open` of the pipeline (`issue` when unset); absent when it has no `monitoring:` block (no monitor workflow). */
  monitoring?: 'issue' | 'pull-request';
  /** The mlpipeline version that generated the files (named in their header). */
  version: string;
}

/** One file to write, `path` relative to the repository root (POSIX). */
export interface GeneratedWorkflow {
  path: string;
  text: string;
  /** One line for `init github`'s listing: the trigger and what the workflow does. */
  summary?: string;
}

/** A generator: the file for these options, or undefined when it is not part of this variant. */
export type InitWorkflowGenerator = (opts: InitWorkflowOptions) => GeneratedWorkflow | undefined;

export const WORKFLOWS_DIR = '.github/workflows';

/** A pipeline name as a file and workflow name: `Churn v2` → `churn-v2`. */
export function pipelineSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60)
    .replace(/[-.]+$/, '');
  return slug === '' ? 'pipeline' : slug;
}

/** The `name:` of the pull_request workflow, which the workflow_run one names in `workflows:`. */
export function runWorkflowName(opts: InitWorkflowOptions): string {
  return `mlpipeline ${opts.slug}`;
}

export function runWorkflowPath(opts: InitWorkflowOptions): string {
  return `${WORKFLOWS_DIR}/mlpipeline-${opts.slug}.yml`;
}

export function reportWorkflowPath(opts: InitWorkflowOptions): string {
  return `${WORKFLOWS_DIR}/mlpipeline-${opts.slug}-report.yml`;
}

/**
 * The check run the report action creates, `mlpipeline / <name>` (the same rule as
 * actions/report's checkRunName): what to require in branch protection.
 */
export function checkRunName(pipelineName: string): string {
  const name = pipelineName.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return `mlpipeline / ${name.length > 100 ? name.slice(0, 99) + '…' : name}`;
}
