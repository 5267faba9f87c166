/**
 * `mlpipeline monitor`: drift of the newest live batch (`monitoring.live`) against the training
 * data of the version in the environment, computed by validate-data's code. Text by default,
 * `--json` (the monitor document), `--md` (what the monitor action puts in its issue). Exit 1 when
 * the policy says retrain, 2 for configuration and input errors. The document also goes to
 * `.mlpipeline/monitor.json`.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { UsageError } from '../../core/errors.js';
import { resultDocumentPath } from '../../core/state-paths.js';
import { renderJson } from '../../reports/json.js';
import { renderMonitorMarkdown } from '../../reports/monitor-issue.js';
import { renderMonitorText } from '../../reports/monitor-text.js';
import { runMonitor } from '../../runners/monitor/monitor.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli, PIPELINE_FILE_NAME } from '../pipeline-file.js';

interface MonitorFlags {
  file?: string;
  environment?: string;
  live?: string;
  out?: string;
  json?: boolean;
  md?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('monitor')
    .description('drift of the newest live batch against the training data of the version in an environment, and (monitoring.performance) that version\'s metrics and gates on the newest labelled batch; exit 1 when the policy says retrain')
    .option('-f, --file <path>', `pipeline file (default ./${PIPELINE_FILE_NAME})`)
    .option('--environment <name>', 'environment whose version is monitored (default: monitoring.reference.environment, else the last in the promotion order)')
    .option('--live <file>', 'live batch to compare instead of monitoring.live.path (relative to the pipeline folder)')
    .option('--out <file>', 'also write the monitor document (JSON) here (it always goes to .mlpipeline/monitor.json)')
    .option('--json', 'print the monitor document as JSON')
    .option('--md', 'print the Markdown report the monitor action puts in its issue')
    .action(async (o: MonitorFlags) => {
      if (o.json && o.md) throw new UsageError('give either --json or --md, not both');
      const loaded = await loadPipelineForCli(ctx, o.file);
      const doc = await runMonitor(loaded, {
        ...(o.environment !== undefined ? { environment: o.environment } : {}),
        ...(o.live !== undefined ? { live: o.live } : {}),
        ...(ctx.now ? { now: new Date(ctx.now()) } : {}),
      });
      await writeFileAtomic(resultDocumentPath(loaded.dir, loaded.file, 'monitor.json'), renderJson(doc), { confineTo: loaded.dir });
      if (o.out) await writeFileAtomic(resolve(ctx.cwd, o.out), renderJson(doc), { what: '--out' });
      if (o.json) ctx.io.out(renderJson(doc));
      else if (o.md) ctx.io.out(renderMonitorMarkdown(doc));
      else ctx.io.out(renderMonitorText(doc));
      if (doc.retrain) ctx.exitCode = 1;
    });
}
