/**
 * `mlpipeline report`: local, no token, no network. Reads the result documents of the last run
 * (`.mlpipeline/`, or `--results DIR`), diffs params and metrics against the base ref, reads what
 * each environment holds, and writes the PR comment, the job summary, the model card (Markdown,
 * Model Card Toolkit JSON, CycloneDX BOM) and report.json into `.mlpipeline/report/` (or --out),
 * each atomically. Missing documents are not errors: the report says what did not run and why.
 */
import { lstat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { displayPath, posixRelative } from '../../core/paths.js';
import { pipelineStatePaths } from '../../core/state-paths.js';
import { renderJson } from '../../reports/json.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli, PIPELINE_FILE_NAME } from '../pipeline-file.js';

interface ReportFlags {
  file?: string;
  results?: string;
  base?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('write the PR comment, job summary, model card (Markdown, Model Card Toolkit JSON, CycloneDX) and report.json from the last run\'s documents')
    .option('-f, --file <path>', `pipeline file (default ./${PIPELINE_FILE_NAME})`)
    .option('--results <dir>', 'folder of the result documents (run.json, validation.json, evaluation.json, verdict.json); default .mlpipeline/')
    .option('--base <ref>', 'base ref of the params and metrics diffs (default: origin/$GITHUB_BASE_REF when set, else the merge base with the default branch)')
    .option('--out <dir>', 'where to write the report files (default .mlpipeline/report/)')
    .option('--json', 'print {"files": {"comment.md": PATH, ...}} (where each file went)')
    .action(async (flags: ReportFlags) => report(ctx, flags));
}

/**
 * The default output folder (`.mlpipeline/report/`) and every folder between it and the pipeline
 * folder must be real folders, not symbolic links: a committed symlink (`git add -f`) would make
 * `report` write wherever it points. An explicit --out is the user's choice and is not checked.
 */
async function refuseSymlinkedDefault(outDir: string, pipelineDir: string, OutputError: typeof import('../../core/atomic-write.js').OutputError): Promise<void> {
  for (let dir = outDir; relative(pipelineDir, dir) !== '' && !relative(pipelineDir, dir).startsWith('..'); dir = dirname(dir)) {
    const st = await lstat(dir).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      throw new OutputError(`the default report folder ${relative(pipelineDir, outDir)} is under a symbolic link (${relative(pipelineDir, dir)}), which could point outside the repository; refusing to write through it`, {
        location: { file: dir },
        fix: `remove the symbolic link ${relative(pipelineDir, dir)} (mlpipeline creates the folder), or choose where to write with --out DIR`,
      });
    }
  }
}

async function report(ctx: CliContext, flags: ReportFlags): Promise<void> {
  const loaded = await loadPipelineForCli(ctx, flags.file);
  const [{ collectReportInputs }, { renderReportFiles, REPORT_FILES }, { writeFileAtomic, OutputError }] = await Promise.all([
    import('../../runners/report/collect.js'),
    import('../../reports/report-files.js'),
    import('../../core/atomic-write.js'),
  ]);
  const outDir = flags.out ? resolve(ctx.cwd, flags.out) : join(pipelineStatePaths(loaded.dir, loaded.file).resultsDir, 'report');
  if (!flags.out) await refuseSymlinkedDefault(outDir, loaded.dir, OutputError);
  const inputs = await collectReportInputs({ pipeline: loaded, results: flags.results ? resolve(ctx.cwd, flags.results) : undefined, base: flags.base, env: ctx.env });
  const files = renderReportFiles(inputs, { fullReport: posixRelative(loaded.dir, join(outDir, 'summary.md')) });
  const written: Record<string, string> = {};
  for (const name of REPORT_FILES) {
    const path = join(outDir, name);
    await writeFileAtomic(path, files[name], flags.out ? { what: '--out' } : { confineTo: loaded.dir });
    written[name] = displayPath(path, ctx.cwd);
  }
  if (flags.json) {
    ctx.io.out(renderJson({ files: written }));
    return;
  }
  for (const [name, path] of Object.entries(written)) ctx.io.out(`wrote ${name.padEnd(16)} ${path}\n`);
}
