/**
 * `mlpipeline params diff [A] [B]` and `mlpipeline metrics diff [A] [B]`: compare the params or
 * metrics files of the pipeline between two git refs, or a ref and the working tree.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renderDiffMarkdown, renderDiffText } from '../../reports/diff-table.js';
import { renderJson } from '../../reports/json.js';
import { type DiffKind, diffFiles } from '../../runners/diff/diff.js';
import { WORKSPACE } from '../../runners/diff/sources.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli, PIPELINE_FILE_NAME } from '../pipeline-file.js';

interface DiffFlags {
  file?: string;
  target: string[];
  all?: boolean;
  md?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  for (const kind of ['params', 'metrics'] as const) {
    // Another module may add its own subcommands to the same group, whichever registers first.
    const group =
      program.commands.find((c) => c.name() === kind) ??
      program
        .command(kind)
        .description(kind === 'params' ? "work with the pipeline's params files" : 'work with the metrics files the stages write');
    group
      .command('diff')
      .description(
        kind === 'params'
          ? 'compare params (the pipeline\'s params files and every file#key a stage names) between two git refs, or a ref and the workspace'
          : 'compare every stage\'s metrics files between two git refs, or a ref and the workspace',
      )
      .argument('[a]', 'git ref (branch, tag, sha) or `workspace`', 'HEAD')
      .argument('[b]', 'git ref or `workspace`', WORKSPACE)
      .option('-f, --file <path>', `pipeline file (default ./${PIPELINE_FILE_NAME})`)
      .option('--target <path>', `also compare this ${kind} file (repeatable; relative to the current folder)`, collect, [])
      .option('--all', 'show unchanged keys too')
      .option('--md', 'print a Markdown table (safe for PR comments)')
      .option('--json', 'print {"kind","a","b","rows":[{"file","key","a","b","change","pct","status"}]}')
      .addHelpText(
        'after',
        `\nFiles are read from git objects at each ref (no checkout). Keys are flattened with dots\n(train.lr, layers.0.units); missing values show as "-" (null in JSON); unchanged keys are\nhidden unless --all.\n\nExamples:\n  mlpipeline ${kind} diff                 # HEAD vs the working tree\n  mlpipeline ${kind} diff main            # main vs the working tree\n  mlpipeline ${kind} diff main HEAD --md  # for a PR comment\n`,
      )
      .action(async (a: string, b: string, flags: DiffFlags) => runDiff(ctx, kind, a, b, flags));
  }
}

async function runDiff(ctx: CliContext, kind: DiffKind, a: string, b: string, flags: DiffFlags): Promise<void> {
  const targets = flags.target.map((t) => resolve(ctx.cwd, t));
  // With explicit targets and no pipeline here, compare just those files.
  const usePipeline = flags.file !== undefined || targets.length === 0 || existsSync(resolve(ctx.cwd, PIPELINE_FILE_NAME));
  const loaded = usePipeline ? await loadPipelineForCli(ctx, flags.file) : undefined;
  const doc = await diffFiles({
    kind,
    cwd: ctx.cwd,
    a,
    b,
    pipeline: loaded ? { file: loaded.file, pipeline: loaded.pipeline } : undefined,
    files: targets,
    all: flags.all,
  });
  if (flags.json) ctx.io.out(renderJson(doc));
  else if (flags.md) ctx.io.out(renderDiffMarkdown(doc));
  else ctx.io.out(renderDiffText(doc));
}
