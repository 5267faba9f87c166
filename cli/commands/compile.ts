/**
 * `mlpipeline compile`: write the pipeline as a GitHub Actions workflow, one job per stage.
 * `--check` writes nothing and exits 1 with a unified diff when the committed file is stale.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { UsageError } from '../../core/errors.js';
import { repoRoot } from '../../core/git.js';
import { displayPath, isInside, posixRelative } from '../../core/paths.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { renderJson } from '../../reports/json.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli } from '../pipeline-file.js';

interface CompileFlags {
  file?: string;
  out?: string;
  check?: boolean;
  json?: boolean;
  branch: string;
  actionsRef?: string;
  dir?: string;
  force?: boolean;
}

/** The nearest folder from the pipeline's up to the root that holds a package.json: where `npm ci` runs. */
function installDirectory(root: string, dir: string): string {
  for (let d = dir; isInside(root, d); d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return posixRelative(root, d);
    if (d === root) break;
  }
  return '.';
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('compile')
    .description('write the pipeline as a GitHub Actions workflow: one job per stage, needs from the DAG, matrices for sweeps, runs-on per stage')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .option('-o, --out <path>', 'workflow file to write (default: <repo>/.github/workflows/mlpipeline-<name>.yml)')
    .option('--check', 'write nothing; exit 1 with a diff when the workflow file is missing or stale (for CI)')
    .option('--branch <name>', 'the default branch, whose pushes save the caches pull requests restore', 'main')
    .option('--dir <path>', 'the repository root the workflow belongs to (default: the Git top level of the pipeline folder)')
    .option('--force', 'replace a workflow file that mlpipeline compile did not write (e.g. the run workflow of `mlpipeline init github`)')
    .option('--actions-ref <owner/repo@ref>', "where mlpipeline's own actions come from (default: this release)")
    .option('--json', 'print JSON')
    .action(async (flags: CompileFlags) => {
      const loaded = await loadPipelineForCli(ctx, flags.file);
      const [{ compileWorkflow, COMPILED_MARK, pipelineSlug, unifiedDiff }, { DEFAULT_ACTIONS, parseActionsRef }] = await Promise.all([
        import('../../runners/workflow/compile/index.js'),
        import('../../runners/workflow/actions-ref.js'),
      ]);
      const root = flags.dir ? resolve(ctx.cwd, flags.dir) : ((await repoRoot(loaded.dir).catch(() => undefined)) ?? loaded.dir);
      if (!isInside(root, loaded.dir)) {
        throw new UsageError(`--dir ${flags.dir} does not hold the pipeline ${displayPath(loaded.file, ctx.cwd)}`, { fix: 'give the repository root that contains the pipeline folder' });
      }
      const compiled = compileWorkflow(loaded, {
        workingDirectory: posixRelative(root, loaded.dir),
        pipelineFile: basename(loaded.file),
        installDirectory: installDirectory(root, loaded.dir),
        defaultBranch: flags.branch,
        actions: flags.actionsRef ? parseActionsRef(flags.actionsRef) : DEFAULT_ACTIONS,
        slug: pipelineSlug(loaded.pipeline.name),
      });
      const target = flags.out ? resolve(ctx.cwd, flags.out) : join(root, ...compiled.path.split('/'));
      const shown = displayPath(target, ctx.cwd);
      const current = await readFile(target, 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      let status: 'written' | 'unchanged' | 'fresh' | 'stale' | 'missing';
      if (flags.check) {
        status = current === undefined ? 'missing' : current === compiled.text ? 'fresh' : 'stale';
      } else if (current === compiled.text) {
        status = 'unchanged';
      } else {
        if (current !== undefined && !current.startsWith(COMPILED_MARK) && !flags.force) {
          throw new UsageError(`${shown} exists and was not written by mlpipeline compile`, {
            fix: 'pass --force to replace it (the compiled workflow takes the place of the run workflow of `mlpipeline init github`; keep its report workflow), or --out another path',
          });
        }
        await writeFileAtomic(target, compiled.text);
        status = 'written';
      }
      const bad = status === 'missing' || status === 'stale';
      if (flags.json) {
        ctx.io.out(renderJson(compiledDocument(loaded, shown, status, compiled.jobs)));
      } else if (status === 'stale') {
        ctx.io.out(unifiedDiff(current!, compiled.text, `${shown} (committed)`, `${shown} (compiled from ${displayPath(loaded.file, ctx.cwd)})`));
      } else if (!bad) {
        ctx.io.out(`${status === 'fresh' ? 'up to date' : status}: ${shown} (${compiled.jobs.length} stage job${compiled.jobs.length === 1 ? '' : 's'} + results)\n`);
      }
      if (bad) {
        ctx.io.err(`mlpipeline: ${shown} is ${status === 'missing' ? 'missing' : `stale: it differs from what ${displayPath(loaded.file, ctx.cwd)} compiles to`}\n  fix: run \`mlpipeline compile${flags.file ? ` -f ${flags.file}` : ''}\` and commit the workflow\n`);
        ctx.exitCode = 1;
      }
    });
}

function compiledDocument(
  loaded: LoadedPipeline,
  path: string,
  status: string,
  jobs: { id: string; base: string; needs: string[]; instances: { name: string }[] }[],
): Record<string, unknown> {
  return {
    schema: 'mlpipeline/compile@1',
    ok: status !== 'stale' && status !== 'missing',
    pipeline: loaded.pipeline.name,
    path,
    status,
    jobs: jobs.map((j) => ({ id: j.id, stage: j.base, needs: j.needs, instances: j.instances.map((s) => s.name) })),
  };
}
