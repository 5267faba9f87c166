/**
 * `mlpipeline run` and `mlpipeline status`. The engine is imported inside the actions so that
 * every other command (and `--help`) starts without loading it.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
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
  /** False for --no-deps (commander's negated option). */
  deps?: boolean;
  exportOuts?: string;
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
    .option('--no-deps', "with --stage: run only the named stages, not their upstream (whose outs must be in place and match the lock, e.g. after import-outs)")
    .option('--export-outs <dir>', 'after a successful run, write the selected stages\' outs and lock entries to DIR (a new or empty folder) for import-outs on another machine')
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
          noDeps: noDeps(flags),
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
        return;
      }
      if (flags.exportOuts) {
        const { exportOuts } = await import('../../runners/stages/outs-transfer.js');
        const dir = resolve(ctx.cwd, flags.exportOuts);
        const done = await exportOuts(loaded, result.record.stages.map((st) => st.name), dir);
        ctx.io.err(`mlpipeline: exported the outs of ${done.stages.map((st) => st.name).join(', ')} to ${displayPath(dir, ctx.cwd)}\n`);
      }
    });

  program
    .command('import-outs')
    .description('put the outs exported by `run --export-outs` (another job\'s artifact) in place, re-hashed and checked against this checkout, so their stages count as up to date')
    .argument('<dir...>', 'folders written by --export-outs')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .option('--json', 'print JSON')
    .action(async (dirs: string[], flags: { file?: string; json?: boolean }) => {
      const loaded = await loadPipelineForCli(ctx, flags.file);
      const { importOuts } = await import('../../runners/stages/outs-transfer.js');
      const done = await importOuts(loaded, dirs.map((d) => resolve(ctx.cwd, d)));
      if (flags.json) ctx.io.out(renderJson({ ok: true, imported: done.stages }));
      else for (const st of done.stages) ctx.io.out(`imported ${st.name} (${st.outs} out${st.outs === 1 ? '' : 's'}, fingerprint ${st.fingerprint.slice(0, 12)})\n`);
    });

  program
    .command('fingerprint')
    .description("print a stage's fingerprint from the inputs present here (its upstream's outs must be in place, as for run --no-deps): the cache key of its job")
    .requiredOption('-s, --stage <name>', 'the stage instance')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .action(async (flags: { file?: string; stage: string }) => {
      const loaded = await loadPipelineForCli(ctx, flags.file);
      const { planPipeline } = await import('../../runners/stages/plan.js');
      const plan = await planPipeline(loaded, { stages: [flags.stage], noDeps: true });
      await plan.prepared.hashes.save().catch(() => undefined);
      if (plan.stages.length !== 1) {
        throw new UsageError(`'${flags.stage}' names ${plan.stages.length} stage instances`, { fix: `name one: ${plan.stages.map((st) => st.name).join(', ')}` });
      }
      ctx.io.out(`${plan.stages[0]!.fingerprint}\n`);
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
  const plan = runPlanDocument(await planPipeline(loaded, { force: flags.force, stages: flags.stage, noDeps: noDeps(flags) }));
  ctx.io.out(flags.json ? renderJson(plan) : renderRunPlanText(plan));
}

/** Commander's `--no-deps` sets `deps: false`; it only means something together with --stage. */
function noDeps(flags: RunFlags): boolean {
  return flags.deps === false;
}

/** How the run names itself in the workspace lock, for whoever finds the folder busy. */
function commandLine(flags: RunFlags): string {
  const parts = ['mlpipeline', 'run'];
  if (flags.file) parts.push('-f', flags.file);
  if (flags.force) parts.push('--force');
  for (const st of flags.stage ?? []) parts.push('--stage', st);
  if (noDeps(flags)) parts.push('--no-deps');
  if (flags.wait) parts.push('--wait');
  if (flags.json) parts.push('--json');
  return parts.join(' ');
}
