/** What a manifest bump did (schema deploy, pipeline-schema/deploy.schema.json). */
import type { DeployKind, DeployMode } from '../../../pipeline-schema/types.js';
import type { AppliedEdit } from './manifest-edit.js';

export type DeployStatus = 'committed' | 'unchanged' | 'dry-run';

export const DEPLOY_SCHEMA = 'mlpipeline/deploy@1';

export interface DeployResult {
  schema: typeof DEPLOY_SCHEMA;
  environment: string;
  model: string;
  version: string;
  /** Repository-relative POSIX path of the manifest. */
  manifest: string;
  kind: DeployKind;
  field: string;
  uri: string;
  mode: DeployMode;
  /** The branch Argo CD / Flux watch (the pull request's base in pull-request mode). */
  branch: string;
  /** The commit of `branch` the edit was made on. */
  base: string;
  status: DeployStatus;
  /** The new commit; null when unchanged or in a dry run. */
  commit: string | null;
  /** The ref that moved (or would): `refs/heads/<branch>`, or the pull request branch. */
  ref: string;
  /** pull-request mode: the head branch of the pull request. */
  pr_branch: string | null;
  /** Set by whoever pushes (the CLI with --push); false here. */
  pushed: boolean;
  message: string;
  trailers: Record<string, string>;
  edits: AppliedEdit[];
  /** Unified diff of the manifest (empty when unchanged). */
  diff: string;
  notes: string[];
}

