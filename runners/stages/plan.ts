/**
 * Simulate a run without executing or writing anything: what `--dry-run` prints and what
 * `status` reports. Outs of a stage that would be restored are known from the run cache, so
 * downstream stages are judged exactly; outs of a stage that would run are unknown, so its
 * downstream is `upstream stale`.
 */
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { decide, type Action, type PendingOut } from './decide.js';
import { prepare, type Prepared } from './prepare.js';

export interface PlannedStage {
  name: string;
  action: Action;
  reasons: string[];
  fingerprint: string | null;
}

export interface Plan {
  pipeline: string;
  stages: PlannedStage[];
  prepared: Prepared;
}

export async function planPipeline(loaded: LoadedPipeline, opts: { force?: boolean; stages?: string[]; noDeps?: boolean } = {}): Promise<Plan> {
  const prepared = await prepare(loaded, opts);
  const pending: PendingOut[] = [];
  const stages: PlannedStage[] = [];
  for (const s of prepared.stages) {
    const d = await decide(s, prepared.params.get(s.name)!, {
      hashes: prepared.hashes,
      store: prepared.store,
      lock: prepared.lock.stages,
      force: Boolean(opts.force),
      pending,
    });
    if (d.action === 'restore') {
      for (const o of s.outs) pending.push({ abs: o.abs, hash: d.runEntry!.outs[o.rel] });
    } else if (d.action === 'run') {
      for (const o of s.outs) pending.push({ abs: o.abs, hash: undefined });
    }
    stages.push({ name: s.name, action: d.action, reasons: d.reasons, fingerprint: d.fingerprint ?? null });
  }
  return { pipeline: loaded.pipeline.name, stages, prepared };
}
