/**
 * `mlpipeline run` and `mlpipeline status`. The engine is imported inside the actions so that
 * every other command (and `--help`) starts without loading it.
 */
import type { Command } from 'commander';
import { relative, sep } from 'node:path';
import type { CliContext } from '../context.js';
import { loadPipelineForCli } from '../pipeline-file.js';
import type { StageEvent } from '../../runners/stages/engine.js';

interface RunFlags {
  file?: string;
  force?: boolean;
  dryRun?: boolean;
  stage?: string[];
  json?: boolean;
  wait?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function displayPath(ctx: CliContext, abs: string): string {
  const r = relative(ctx.cwd, abs) || '.';
  return sep === '/' ? r : r.split(sep).join('/');
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run the pipeline stages in dependency order; unchanged stages are skipped, earlier results restored from the cache')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .option('--force', 'run every selected stage even when it is up to date')
    .option('--dry-run', 'print what would run and why; run and write nothing')
    .option('-s, --stage <name>', 'run only this stage and its upstream (repeatable; a matrix stage name selects all its instances)', collect)
    .option('--json', 'print a JSON summary on stdout (stage output goes to stderr)')
    .option('--wait', 'when another run holds this folder, wait for it instead of refusing (exit 1)')
    .action(async (flags: RunFlags) => {
      const loaded = await loadPipelineForCli(ctx, flags.file);
      if (flags.dryRun) return dryRun(ctx, loaded, flags);
      const { runPipeline } = await import('../../runners/stages/engine.js');
      const { processInterrupts, signalExitCode } = await import('../../runners/stages/interrupt.js');
      const { describeHolder, LockWaitCancelled } = await import('../../runners/stages/workspace-lock.js');
      const json = Boolean(flags.json);
      // With --json, stdout carries only the JSON document.
      const say = json ? ctx.io.err : ctx.io.out;
      const tty = ctx.io.isTTY && !json;
      const t0 = performance.now();
      // Ctrl-C and SIGTERM stop the run cleanly (the stage is signalled and waited for) instead of killing it.
      const interrupts = processInterrupts();
      let result;
      try {
        result = await runPipeline(loaded, {
          force: flags.force,
          stages: flags.stage,
          env: ctx.env,
          wait: flags.wait,
          command: commandLine(flags),
          interrupts,
          onWait: (h) => ctx.io.err(`mlpipeline: waiting for the run that holds this folder (${describeHolder(h)})\n`),
          log: {
            output: (stage, stream, line) => (stream === 'stdout' && !json ? ctx.io.out : ctx.io.err)(`[${stage}] ${line}\n`),
            event: (e) => say(eventLine(e, tty, performance.now() - t0)),
            warn: (m) => ctx.io.err(`mlpipeline: warning: ${m}\n`),
          },
        });
      } catch (e) {
        if (!(e instanceof LockWaitCancelled) || !interrupts.signal) throw e;
        ctx.io.err('mlpipeline: interrupted while waiting for the workspace; nothing ran\n');
        ctx.exitCode = signalExitCode(interrupts.signal);
        return;
      } finally {
        interrupts.dispose();
      }
      const { record, failed, interrupted } = result;
      if (interrupted && !json) {
        ctx.io.err(interruptedLine(interrupted));
        ctx.exitCode = signalExitCode(interrupted.signal);
        return;
      }
      const runFile = displayPath(ctx, result.runFile);
      if (json) {
        ctx.io.out(
          JSON.stringify({
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
            run_file: runFile,
          }) + '\n',
        );
        if (interrupted) {
          ctx.io.err(interruptedLine(interrupted));
          ctx.exitCode = signalExitCode(interrupted.signal);
          return;
        }
      } else {
        const counts = new Map<string, number>();
        for (const s of record.stages) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
        const parts = ['ran', 'restored', 'skipped', 'failed', 'not-run'].filter((k) => counts.get(k)).map((k) => `${counts.get(k)} ${k}`);
        ctx.io.out(`${record.stages.length} stage${record.stages.length === 1 ? '' : 's'}: ${parts.join(', ') || 'nothing to do'} (${seconds(Math.round(performance.now() - t0))}); run record: ${runFile}\n`);
      }
      if (failed) {
        const notRun = record.stages.filter((s) => s.status === 'not-run').map((s) => s.name);
        ctx.io.err(
          `mlpipeline: stage '${failed.stage}' failed: ${failed.reason}` +
            (notRun.length ? `; not run: ${notRun.join(', ')}` : '') +
            `\n  fix: read the [${failed.stage}] output above, fix the command or its inputs, and run again\n`,
        );
        ctx.exitCode = 1;
      }
    });

  program
    .command('status')
    .description('show which stages are up to date and why the others are stale, without running anything')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .option('--json', 'print JSON')
    .action(async (flags: { file?: string; json?: boolean }) => {
      const loaded = await loadPipelineForCli(ctx, flags.file);
      const { planPipeline } = await import('../../runners/stages/plan.js');
      const plan = await planPipeline(loaded);
      // Status may refresh the hash cache (local, gitignored) so the next run need not re-read files.
      await plan.prepared.hashes.save().catch(() => undefined);
      const stages = plan.stages.map((s) => ({
        name: s.name,
        state: s.action === 'skip' ? ('up-to-date' as const) : ('stale' as const),
        reasons: s.reasons,
        restorable: s.action === 'restore',
      }));
      if (flags.json) {
        ctx.io.out(JSON.stringify({ pipeline: plan.pipeline, up_to_date: stages.every((s) => s.state === 'up-to-date'), stages }) + '\n');
        return;
      }
      if (stages.length === 0) ctx.io.out('no stages\n');
      for (const s of stages) {
        ctx.io.out(
          s.state === 'up-to-date'
            ? `${s.name}: up to date\n`
            : `${s.name}: stale: ${s.reasons.join('; ')}${s.restorable ? ' (restorable from cache)' : ''}\n`,
        );
      }
    });
}

async function dryRun(ctx: CliContext, loaded: Awaited<ReturnType<typeof loadPipelineForCli>>, flags: RunFlags): Promise<void> {
  const { planPipeline } = await import('../../runners/stages/plan.js');
  const plan = await planPipeline(loaded, { force: flags.force, stages: flags.stage });
  if (flags.json) {
    ctx.io.out(
      JSON.stringify({
        ok: true,
        dry_run: true,
        pipeline: plan.pipeline,
        stages: plan.stages.map((s) => ({ name: s.name, action: s.action, fingerprint: s.fingerprint, reason: s.reasons.join('; ') || null })),
      }) + '\n',
    );
    return;
  }
  for (const s of plan.stages) {
    const what = s.action === 'skip' ? 'up to date, would skip' : s.action === 'restore' ? 'would restore from cache' : 'would run';
    ctx.io.out(`${s.name}: ${what}${s.reasons.length ? ` (${s.reasons.join('; ')})` : ''}\n`);
  }
  const n = plan.stages.filter((s) => s.action !== 'skip').length;
  ctx.io.out(`dry run: ${n} of ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'} would change; nothing was run or written\n`);
}

/** The one line a run stopped by Ctrl-C or SIGTERM prints. */
function interruptedLine(i: { stage?: string; after?: string }): string {
  const where = i.stage ? `during stage ${i.stage}` : i.after ? `after stage ${i.after}` : 'before any stage ran';
  return `mlpipeline: interrupted ${where}; finished stages recorded; re-run to continue\n`;
}

/** How the run names itself in the workspace lock, for whoever finds the folder busy. */
function commandLine(flags: RunFlags): string {
  const parts = ['mlpipeline', 'run'];
  if (flags.file) parts.push('-f', flags.file);
  if (flags.force) parts.push('--force');
  for (const st of flags.stage ?? []) parts.push('--stage', st);
  if (flags.wait) parts.push('--wait');
  if (flags.json) parts.push('--json');
  return parts.join(' ');
}

function eventLine(e: StageEvent, tty: boolean, elapsedMs: number): string {
  const counter = tty ? `[${e.index}/${e.total}] ` : '';
  const clock = tty ? ` [${seconds(Math.round(elapsedMs))} elapsed]` : '';
  if (e.type === 'start') {
    const verb = e.action === 'restore' ? 'restoring from cache' : 'running';
    return `${counter}${e.stage}: ${verb} (${e.reasons.join('; ')})${clock}\n`;
  }
  switch (e.status) {
    case 'skipped':
      return `${counter}${e.stage}: skipped (up to date)\n`;
    case 'restored':
      return `${counter}${e.stage}: restored in ${seconds(e.duration_ms)}${clock}\n`;
    case 'ran':
      return `${counter}${e.stage}: ran in ${seconds(e.duration_ms)}${clock}\n`;
    case 'failed':
      return `${counter}${e.stage}: FAILED after ${seconds(e.duration_ms)}: ${e.reason}${clock}\n`;
    default:
      return `${counter}${e.stage}: not run (${e.reason})\n`;
  }
}
