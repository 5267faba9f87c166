/**
 * `mlpipeline deprecate NAME@vX.Y.Z` writes GTO's deregister tag `NAME@vX.Y.Z!` (GTO's
 * "deprecate a version"); `mlpipeline deprecate NAME` writes `NAME@deprecated`, which retires the
 * whole model. Neither deletes anything: history stays auditable.
 */
import { UsageError } from '../../core/errors.js';
import { resolveActor, type ActorOptions } from './actor.js';
import { deprecateTag, deregisterTag, type ModelRef } from './grammar.js';
import { formatTagMessage, LINEAGE_SCHEMA, type LineageRecord } from './lineage-record.js';
import { requireModel } from './promote.js';
import { requireRepo } from './repo.js';
import { latestVersion } from './state.js';
import { writeRegistryTag, type WriteResult } from './tag-writer.js';

export interface DeprecateOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  remote?: string;
  dryRun: boolean;
  actor: ActorOptions;
  reason?: string;
}

export async function deprecate(ref: Extract<ModelRef, { kind: 'model' | 'version' }>, opts: DeprecateOptions): Promise<WriteResult> {
  const root = await requireRepo(opts.cwd);
  const actor = await resolveActor(root, opts.env, opts.actor);
  return writeRegistryTag({ cwd: root, remote: opts.remote, dryRun: opts.dryRun, gitEnv: actor.gitEnv, now: actor.clock }, (state) => {
    const model = requireModel(state, ref.name);
    if (model.deprecated) {
      throw new UsageError(`model '${ref.name}' is already deprecated (${model.deprecated.tag})`, { fix: 'nothing to do' });
    }
    const who = actor.actor.login ?? actor.actor.name;
    const base = {
      schema: LINEAGE_SCHEMA,
      model: ref.name,
      environment: null,
      time: new Date(actor.now).toISOString(),
      actor: actor.actor,
      pr: actor.pr,
      ci: actor.ci,
      reason: opts.reason ?? null,
    } as const;
    if (ref.kind === 'version') {
      const v = model.versions.get(ref.version);
      if (!v) {
        throw new UsageError(`${ref.name} ${ref.version} is not registered, so it cannot be deprecated`, {
          fix: `registered: ${[...model.versions.keys()].slice(-10).join(', ')}`,
        });
      }
      if (v.deregistered) throw new UsageError(`${ref.name} ${ref.version} is already deprecated (${v.deregistered.tag})`, { fix: 'nothing to do' });
      const record: LineageRecord = { ...base, action: 'deregister', version: ref.version, commit: v.commit };
      const subject = `Deprecate ${ref.name} ${ref.version} (by ${who})${opts.reason ? `: ${opts.reason}` : ''}`;
      return { tag: deregisterTag(ref.name, ref.version), commit: v.commit, record, message: formatTagMessage(subject, record), requires: [v.event.tag] };
    }
    // The model tag points at the latest version's commit (GTO points it at HEAD; any commit works).
    const commit = (latestVersion(model, true) ?? [...model.versions.values()][0]!).commit;
    const record: LineageRecord = { ...base, action: 'deprecate', version: null, commit };
    const subject = `Deprecate model ${ref.name} (by ${who})${opts.reason ? `: ${opts.reason}` : ''}`;
    return { tag: deprecateTag(ref.name), commit, record, message: formatTagMessage(subject, record) };
  });
}
