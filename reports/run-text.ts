/**
 * Terminal text for `mlpipeline run` (progress events, the summary line, a failed stage),
 * `run --dry-run` and `status`. Pure functions of the documents in runners/stages/summary.ts.
 */
import type { StageEvent } from '../runners/stages/engine.js';
import type { RunPlanDocument, RunSummaryDocument, StatusDocument } from '../runners/stages/summary.js';

/** `850 ms`, `2.35 s`, `12.3 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One progress line. On a terminal it carries `[i/n]` and the time elapsed so far. */
export function renderStageEvent(e: StageEvent, opts: { tty: boolean; elapsedMs: number }): string {
  const counter = opts.tty ? `[${e.index}/${e.total}] ` : '';
  const clock = opts.tty ? ` [${formatDuration(Math.round(opts.elapsedMs))} elapsed]` : '';
  if (e.type === 'start') {
    const verb = e.action === 'restore' ? 'restoring from cache' : 'running';
    return `${counter}${e.stage}: ${verb} (${e.reasons.join('; ')})${clock}\n`;
  }
  switch (e.status) {
    case 'skipped':
      return `${counter}${e.stage}: skipped (up to date)\n`;
    case 'restored':
      return `${counter}${e.stage}: restored in ${formatDuration(e.duration_ms)}${clock}\n`;
    case 'ran':
      return `${counter}${e.stage}: ran in ${formatDuration(e.duration_ms)}${clock}\n`;
    case 'failed':
      return `${counter}${e.stage}: FAILED after ${formatDuration(e.duration_ms)}: ${e.reason}${clock}\n`;
    default:
      return `${counter}${e.stage}: not run (${e.reason})\n`;
  }
}

/** `3 stages: 1 ran, 2 skipped (1.20 s); run record: .mlpipeline/run.json` */
export function renderRunSummaryText(summary: RunSummaryDocument, elapsedMs: number): string {
  const counts = new Map<string, number>();
  for (const s of summary.stages) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const parts = ['ran', 'restored', 'skipped', 'failed', 'not-run'].filter((k) => counts.get(k)).map((k) => `${counts.get(k)} ${k}`);
  return `${plural(summary.stages.length, 'stage')}: ${parts.join(', ') || 'nothing to do'} (${formatDuration(Math.round(elapsedMs))}); run record: ${summary.run_file}\n`;
}

/** The one line a run stopped by Ctrl-C or SIGTERM prints (stderr). */
export function renderRunInterrupted(i: { stage?: string; after?: string }): string {
  const where = i.stage ? `during stage ${i.stage}` : i.after ? `after stage ${i.after}` : 'before any stage ran';
  return `mlpipeline: interrupted ${where}; finished stages recorded; re-run to continue\n`;
}

/** The error lines for a failed run (stderr), with the fix; empty when nothing failed. */
export function renderRunFailure(summary: RunSummaryDocument): string {
  const failed = summary.failed;
  if (!failed) return '';
  const notRun = summary.stages.filter((s) => s.status === 'not-run').map((s) => s.name);
  return (
    `mlpipeline: stage '${failed.stage}' failed: ${failed.reason}` +
    (notRun.length ? `; not run: ${notRun.join(', ')}` : '') +
    `\n  fix: read the [${failed.stage}] output above, fix the command or its inputs, and run again\n`
  );
}

export function renderRunPlanText(plan: RunPlanDocument): string {
  const lines = plan.stages.map((s) => {
    const what = s.action === 'skip' ? 'up to date, would skip' : s.action === 'restore' ? 'would restore from cache' : 'would run';
    return `${s.name}: ${what}${s.reason ? ` (${s.reason})` : ''}\n`;
  });
  const n = plan.stages.filter((s) => s.action !== 'skip').length;
  lines.push(`dry run: ${n} of ${plural(plan.stages.length, 'stage')} would change; nothing was run or written\n`);
  return lines.join('');
}

export function renderStatusText(status: StatusDocument): string {
  if (status.stages.length === 0) return 'no stages\n';
  return status.stages
    .map((s) => (s.state === 'up-to-date' ? `${s.name}: up to date\n` : `${s.name}: stale: ${s.reasons.join('; ')}${s.restorable ? ' (restorable from cache)' : ''}\n`))
    .join('');
}
