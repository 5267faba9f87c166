/**
 * `mlpipeline init github`: write the GitHub workflows that run the pipeline on pull requests.
 * The default is the fork-safe pair (a read-only `pull_request` workflow that runs the pipeline
 * and a `workflow_run` one that posts, never running pull request code); `--private` writes the
 * one-workflow variant for private repositories. The generators live in runners/workflow/init/.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface InitGithubFlags {
  private?: boolean;
  dir?: string;
  force?: boolean;
  pipelineFile?: string;
  actionsRef?: string;
  defaultBranch?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const init = program.command('init').description('set up CI for the pipeline (see `init github`)');
  init
    .command('github')
    .description('write .github/workflows/ for pull requests: the fork-safe pair (pull_request runs the pipeline read-only; workflow_run posts the comment and check run without running PR code), or with --private one workflow')
    .option('--private', 'one workflow that runs and reports in the same job (private repositories only: fork PRs get a read-only token)')
    .option('--dir <path>', 'repository root to write .github/workflows/ into (default: the Git top level of the pipeline file\'s folder)')
    .option('--pipeline-file <path>', 'the pipeline file (default ./mlpipeline.yaml); a pipeline in a subfolder gets a working-directory')
    .option('--actions-ref <owner/repo@ref>', 'where the run and report actions come from (default: this release of mlpipeline)')
    .option('--default-branch <name>', 'branch whose pushes save the caches pull requests compare with (default: origin\'s HEAD, else main)')
    .option('--force', 'replace workflow files that differ from what would be generated')
    .option('--json', 'print what was written: {"variant", "root", "pipeline", "actions", "files": [{path, status}], "warnings", "check_run"} (mlpipeline schema init-github)')
    .action(async (flags: InitGithubFlags) => initGithub(ctx, flags));
}

/** The command as the user would re-type it, for the overwrite refusal's fix. */
function commandLine(flags: InitGithubFlags): string {
  const q = (s: string) => (/^[\w./@:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [
    'mlpipeline init github',
    flags.private ? '--private' : '',
    flags.dir !== undefined ? `--dir ${q(flags.dir)}` : '',
    flags.pipelineFile !== undefined ? `--pipeline-file ${q(flags.pipelineFile)}` : '',
    flags.actionsRef !== undefined ? `--actions-ref ${q(flags.actionsRef)}` : '',
    flags.defaultBranch !== undefined ? `--default-branch ${q(flags.defaultBranch)}` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
}

async function initGithub(ctx: CliContext, flags: InitGithubFlags): Promise<void> {
  const [{ DEFAULT_ACTIONS, parseActionsRef }, { locate }, { generateInitWorkflows }, { checkRunName }, { writeWorkflows, leftoverWorkflows }, { refuseOtherPipeline }, { renderJson }, { displayPath }] = await Promise.all([
    import('../../runners/workflow/actions-ref.js'),
    import('../../runners/workflow/init/locate.js'),
    import('../../runners/workflow/init/index.js'),
    import('../../runners/workflow/init/options.js'),
    import('../../runners/workflow/init/write.js'),
    import('../../runners/workflow/init/same-name.js'),
    import('../../reports/json.js'),
    import('../../core/paths.js'),
  ]);
  const actions = flags.actionsRef !== undefined ? parseActionsRef(flags.actionsRef) : DEFAULT_ACTIONS;
  const located = await locate({
    cwd: ctx.cwd,
    private: Boolean(flags.private),
    actions,
    ...(flags.dir !== undefined ? { dir: flags.dir } : {}),
    ...(flags.pipelineFile !== undefined ? { pipelineFile: flags.pipelineFile } : {}),
    ...(flags.defaultBranch !== undefined ? { defaultBranch: flags.defaultBranch } : {}),
  });
  const { root, options } = located;
  const files = generateInitWorkflows(options);
  if (!flags.force) await refuseOtherPipeline(root, options, commandLine(flags));
  const written = await writeWorkflows(root, files, { force: Boolean(flags.force), command: commandLine(flags) });
  const warnings = [
    ...located.warnings,
    ...leftoverWorkflows(root, options).map(
      (p) => `${p} is left over from the ${options.private ? 'fork-safe' : 'private'} setup and would run next to the new workflow${options.private ? ' (and post a second time)' : ''}: delete it`,
    ),
  ];
  const checkRun = checkRunName(options.pipelineName);
  const pipelinePath = options.workingDirectory === '.' ? options.pipelineFile : `${options.workingDirectory}/${options.pipelineFile}`;
  if (flags.json) {
    ctx.io.out(
      renderJson({
        variant: options.private ? 'private' : 'fork-safe',
        root: displayPath(root, ctx.cwd),
        pipeline: { name: options.pipelineName, file: pipelinePath },
        actions: `${actions.repo}@${actions.ref}`,
        files: written,
        warnings,
        check_run: checkRun,
      }),
    );
  } else {
    const width = Math.max(...written.map((w) => displayPath(join(root, w.path), ctx.cwd).length));
    ctx.io.out(`mlpipeline init github: ${options.private ? 'one workflow for a private repository' : 'the fork-safe pair of workflows'} for ${pipelinePath}\n`);
    const summaries = new Map(files.map((f) => [f.path, f.summary ?? '']));
    for (const w of written) {
      ctx.io.out(`  ${w.status.padEnd(9)} ${displayPath(join(root, w.path), ctx.cwd).padEnd(width)}  ${summaries.get(w.path) ?? ''}`.trimEnd() + '\n');
    }
    ctx.io.out(`next: commit ${written.length === 1 ? 'it' : 'them'}, then require the check "${checkRun}" in the default branch's protection rules (docs/github.md)\n`);
  }
  for (const w of warnings) ctx.io.err(`mlpipeline: warning: ${w}\n`);
}
