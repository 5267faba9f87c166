/**
 * The documents `mlpipeline run --json`, `run --dry-run --json` and `status --json` print (schemas
 * run-summary, run-plan and status in pipeline-schema/), built from what the engine returns.
 */
import type { StageStatus } from '../../pipeline-schema/types.js';
import type { Action } from './decide.js';
import type { RunResult } from './engine.js';
import type { StopSignal } from './interrupt.js';
import type { Plan } from './plan.js';

export interface RunSummaryStage {
  name: string;
  status: StageStatus;
  fingerprint: string;
  duration_ms: number;
  reason: string | null;
  exit_code?: number;
}

export interface RunSummaryDocument {
  ok: boolean;
  pipeline: string;
  stages: RunSummaryStage[];
  failed?: { stage: string; exit_code: number | null; reason: string };
  /** Set when Ctrl-C or SIGTERM stopped the run; `stage` is the stage whose command it interrupted. */
  interrupted?: { signal: StopSignal; stage: string | null };
  /** The run record, as shown (see core/paths.ts displayPath). */
  run_file: string;
}

export interface RunPlanDocument {
  ok: true;
  dry_run: true;
  pipeline: string;
  stages: { name: string; action: Action; fingerprint: string | null; reason: string | null }[];
}

export interface StatusDocument {
  pipeline: string;
  up_to_date: boolean;
  stages: { name: string; state: 'up-to-date' | 'stale'; reasons: string[]; restorable: boolean }[];
}

export function runSummary(result: Pick<RunResult, 'record' | 'failed' | 'interrupted'>, runFileShown: string): RunSummaryDocument {
  const { record, failed, interrupted } = result;
  return {
    ok: record.ok,
    pipeline: record.pipeline.name,
    stages: record.stages.map((s) => ({
      name: s.name,
      status: s.status,
      fingerprint: s.fingerprint,
      duration_ms: s.duration_ms,
      reason: s.reason ?? null,
      ...(s.exit_code !== undefined ? { exit_code: s.exit_code } : {}),
    })),
    ...(failed ? { failed: { stage: failed.stage, exit_code: failed.exit_code ?? null, reason: failed.reason } } : {}),
    ...(interrupted ? { interrupted: { signal: interrupted.signal, stage: interrupted.stage ?? null } } : {}),
    run_file: runFileShown,
  };
}

export function runPlanDocument(plan: Pick<Plan, 'pipeline' | 'stages'>): RunPlanDocument {
  return {
    ok: true,
    dry_run: true,
    pipeline: plan.pipeline,
    stages: plan.stages.map((s) => ({ name: s.name, action: s.action, fingerprint: s.fingerprint, reason: s.reasons.join('; ') || null })),
  };
}

export function statusDocument(plan: Pick<Plan, 'pipeline' | 'stages'>): StatusDocument {
  const stages = plan.stages.map((s) => ({
    name: s.name,
    state: s.action === 'skip' ? ('up-to-date' as const) : ('stale' as const),
    reasons: s.reasons,
    restorable: s.action === 'restore',
  }));
  return { pipeline: plan.pipeline, up_to_date: stages.every((s) => s.state === 'up-to-date'), stages };
}
