/**
 * `mlpipeline run` and `mlpipeline status`. The engine is imported inside the actions so that
 * every other command (and `--help`) starts without loading it.
 */
import type { Command } from 'commander';
import { displayPath } from '../../core/paths.js';
import { renderJson } from '../../reports/json.js';
import { renderWarnings } from '../../reports/warnings.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli } from '../pipeline-file.js';

interface RunFlags {
  file?: string;
  force?: boolean;
  dryRun?: boolean;
  stage?: string[];
  json?: boolean;
  wait?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

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
      const [{ runPipeline }, { runSummary }, report] = await Promise.all([
        import('../../runners/stages/engine.js'),
        import('../../runners/stages/summary.js'),
        import('../../reports/run-text.js'),
      ]);
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
            event: (e) => say(report.renderStageEvent(e, { tty, elapsedMs: performance.now() - t0 })),
            warn: (m) => ctx.io.err(renderWarnings([m])),
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
      const summary = runSummary(result, displayPath(result.runFile, ctx.cwd));
      // Stopped by a signal: the JSON summary (stdout) says so too; the text is the one stderr line.
      if (json) ctx.io.out(renderJson(summary));
      if (summary.interrupted) {
        ctx.io.err(report.renderRunInterrupted(result.interrupted!));
        ctx.exitCode = signalExitCode(summary.interrupted.signal);
        return;
      }
      if (!json) ctx.io.out(report.renderRunSummaryText(summary, performance.now() - t0));
      if (summary.failed) {
        ctx.io.err(report.renderRunFailure(summary));
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
      const [{ planPipeline }, { statusDocument }, { renderStatusText }] = await Promise.all([
        import('../../runners/stages/plan.js'),
        import('../../runners/stages/summary.js'),
        import('../../reports/run-text.js'),
      ]);
      const plan = await planPipeline(loaded);
      // Status may refresh the hash cache (local, gitignored) so the next run need not re-read files.
      await plan.prepared.hashes.save().catch(() => undefined);
      const status = statusDocument(plan);
      ctx.io.out(flags.json ? renderJson(status) : renderStatusText(status));
    });
}

async function dryRun(ctx: CliContext, loaded: Awaited<ReturnType<typeof loadPipelineForCli>>, flags: RunFlags): Promise<void> {
  const [{ planPipeline }, { runPlanDocument }, { renderRunPlanText }] = await Promise.all([
    import('../../runners/stages/plan.js'),
    import('../../runners/stages/summary.js'),
    import('../../reports/run-text.js'),
  ]);
  const plan = runPlanDocument(await planPipeline(loaded, { force: flags.force, stages: flags.stage }));
  ctx.io.out(flags.json ? renderJson(plan) : renderRunPlanText(plan));
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
