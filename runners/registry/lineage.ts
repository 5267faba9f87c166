/**
 * Walk from `NAME@vX.Y.Z` or `NAME#ENV` to the whole chain an auditor asks for: what is
 * deployed where, from which commit and PR, trained on which data with which params, with which
 * metrics and gate results, promoted by whom and when, and what each promotion replaced.
 */
import { UsageError } from '../../core/errors.js';
import { recordOf, recordProblem, type RegistryEvent } from './events.js';
import type { ModelRef } from './grammar.js';
import type { Actor, FileDigest, LineageRecord, PolicyCheck, RunSummary, VerdictSummary } from './lineage-record.js';
import { requireModel } from './promote.js';
import type { RegistryState } from './state.js';

export const LINEAGE_REPORT_SCHEMA = 'mlpipeline/lineage-report@1';

export interface EventSummary {
  tag: string;
  time: string;
  tagger: { name: string; email: string };
  actor: Actor | null;
  pr: number | null;
}

export interface PromotionEntry extends EventSummary {
  action: 'assign' | 'unassign';
  environment: string;
  counter: number | null;
  replaces: { version: string; tag: string } | null;
  rollback_of: string | null;
  policy: PolicyCheck[];
}

export interface LineageReport {
  schema: typeof LINEAGE_REPORT_SCHEMA;
  query: string;
  model: string;
  version: string;
  /** Set when the query named an environment. */
  environment: string | null;
  /** When the query named an environment: since when this version holds it, and what it replaced. */
  holding: { since: string; tag: string; replaced: string | null } | null;
  deployed_in: string[];
  deprecated: { tag: string; time: string; reason: string | null } | null;
  commit: string;
  registration: (EventSummary & { ci: LineageRecord['ci'] }) | null;
  model_file: FileDigest | null;
  /** "Trained on which data": the datasets declared under `data:`, with their digests. */
  data: FileDigest[];
  /** Every other recorded stage dependency: code, params and other files. */
  dependencies: FileDigest[];
  run: RunSummary | null;
  verdict: VerdictSummary | null;
  promotions: PromotionEntry[];
  /** The registration tag carried no lineage record (e.g. it was made by GTO or by hand). */
  record_missing: boolean;
  /**
   * Tags of this version whose lineage record is invalid (fails lineage.schema.json or
   * contradicts its tag): unverified/foreign records, whose content is not used.
   */
  invalid_records: { tag: string; problem: string }[];
}

function summary(e: RegistryEvent, rec: LineageRecord | null): EventSummary {
  return { tag: e.tag, time: new Date(e.time).toISOString(), tagger: e.tagger, actor: rec?.actor ?? null, pr: rec?.pr ?? null };
}

export function buildLineage(state: RegistryState, ref: Extract<ModelRef, { kind: 'version' | 'environment' }>, query: string): LineageReport {
  const model = requireModel(state, ref.name);
  let version: string;
  let holding: LineageReport['holding'] = null;
  if (ref.kind === 'environment') {
    const env = model.environments.get(ref.environment);
    if (!env?.current || !env.since) {
      const envs = [...model.environments.values()].filter((e) => e.current).map((e) => e.name);
      throw new UsageError(`nothing of ${ref.name} is in environment '${ref.environment}'`, {
        fix: envs.length ? `environments holding a version: ${envs.join(', ')}` : `promote a version first: mlpipeline promote ${ref.name}@vX.Y.Z --to ${ref.environment}`,
      });
    }
    version = env.current;
    const change = env.timeline.find((c) => c.event === env.since);
    holding = { since: new Date(env.since.time).toISOString(), tag: env.since.tag, replaced: change?.previous ?? null };
  } else {
    version = ref.version;
  }
  const v = model.versions.get(version);
  if (!v) {
    throw new UsageError(`${ref.name} ${version} is not registered`, {
      fix: `registered: ${[...model.versions.keys()].slice(-10).join(', ')}`,
    });
  }
  const rec = recordOf(v.event);
  const invalid: LineageReport['invalid_records'] = [];
  const noteInvalid = (e: RegistryEvent) => {
    const problem = recordProblem(e);
    if (problem && !invalid.some((i) => i.tag === e.tag)) invalid.push({ tag: e.tag, problem });
  };
  noteInvalid(v.event);
  const promotions: PromotionEntry[] = [];
  for (const env of model.environments.values()) {
    for (const c of env.timeline) {
      const e = c.event;
      if (e.version !== version) continue;
      const r = recordOf(e);
      noteInvalid(e);
      promotions.push({
        ...summary(e, r),
        action: e.action as 'assign' | 'unassign',
        environment: env.name,
        counter: e.counter,
        replaces: r?.replaces ?? (c.previous && c.previous !== version ? { version: c.previous, tag: '' } : null),
        rollback_of: c.rollbackOf,
        policy: r?.policy ?? [],
      });
    }
  }
  promotions.sort((a, b) => (a.counter ?? 0) - (b.counter ?? 0) || a.time.localeCompare(b.time));
  const deprecation = v.deregistered ?? model.deprecated;
  return {
    schema: LINEAGE_REPORT_SCHEMA,
    query,
    model: model.name,
    version,
    environment: ref.kind === 'environment' ? ref.environment : null,
    holding,
    deployed_in: [...model.environments.values()].filter((e) => e.current === version).map((e) => e.name).sort(),
    deprecated: deprecation
      ? { tag: deprecation.tag, time: new Date(deprecation.time).toISOString(), reason: recordOf(deprecation)?.reason ?? null }
      : null,
    commit: v.commit,
    registration: { ...summary(v.event, rec), ci: rec?.ci ?? null },
    model_file: rec?.model_file ?? null,
    data: (rec?.materials ?? []).filter((m) => m.role === 'data'),
    // Records made before materials carried a role count as dependencies: we cannot tell.
    dependencies: (rec?.materials ?? []).filter((m) => m.role !== 'data'),
    run: rec?.run ?? null,
    verdict: rec?.verdict ?? null,
    promotions,
    record_missing: rec === null,
    invalid_records: invalid,
  };
}
