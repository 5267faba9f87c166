/**
 * The document the registry writers print with --json (register, promote, rollback, deprecate;
 * schema registry-action): the decision, the tag, whether it was written and pushed, the policy
 * checks and the lineage record the tag carries.
 */
import type { LineageRecord, PolicyCheck } from './lineage-record.js';
import type { PromoteResult } from './promote.js';
import type { RegisterResult } from './register.js';
import type { WriteResult } from './tag-writer.js';

export const REGISTRY_ACTION_SCHEMA = 'mlpipeline/registry-action@1';

export type WriterResult = WriteResult & Partial<PromoteResult> & Partial<Pick<RegisterResult, 'warnings' | 'notes'>>;

export interface RegistryActionDocument {
  schema: typeof REGISTRY_ACTION_SCHEMA;
  action: LineageRecord['action'];
  tag: string;
  model: LineageRecord['model'];
  version: LineageRecord['version'];
  environment: LineageRecord['environment'];
  commit: string;
  /** The tag message's first line. */
  subject: string;
  dry_run: boolean;
  decision: 'allowed' | 'refused';
  /** The first failed policy check when the decision is `refused`. */
  refused: PolicyCheck | null;
  written: boolean;
  pushed: boolean;
  remote: string | null;
  attempts: number;
  checks: PolicyCheck[];
  warnings: string[];
  /** What the reader should know, such as an unverified actor (not a problem). */
  notes: string[];
  record: LineageRecord;
}

export function registryActionDocument(res: WriterResult, opts: { dryRun: boolean; remote: string | undefined }): RegistryActionDocument {
  const { plan } = res;
  const refused = res.refused ?? null;
  return {
    schema: REGISTRY_ACTION_SCHEMA,
    action: plan.record.action,
    tag: plan.tag,
    model: plan.record.model,
    version: plan.record.version,
    environment: plan.record.environment,
    commit: plan.commit,
    subject: plan.message.split('\n')[0] ?? '',
    dry_run: opts.dryRun,
    decision: refused ? 'refused' : 'allowed',
    refused,
    written: res.written,
    pushed: res.pushed,
    remote: opts.remote ?? null,
    attempts: res.attempts,
    checks: res.checks ?? [],
    warnings: res.warnings ?? [],
    notes: res.notes ?? [],
    record: plan.record,
  };
}
