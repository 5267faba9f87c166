/**
 * `mlpipeline validate` and `mlpipeline schema`: check mlpipeline.yaml and print the JSON
 * Schemas. Heavy modules (yaml, Ajv) are imported inside the actions so `--help` stays fast.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ConfigProblem } from '../../core/errors.js';
import type { CliContext } from '../context.js';

interface ValidateOptions {
  file?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check mlpipeline.yaml: YAML syntax, the schema, stage cycles, shared outs, paths outside the repository, gates and environments, params in the params files, and deps and datasets on disk')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .option('--json', 'print {"ok", "file", "problems": [{file, line, column, message, fix}], "warnings" (when some), ...}')
    .action(async (opts: ValidateOptions) => validate(ctx, opts));

  program
    .command('schema')
    .description('print the JSON Schema of mlpipeline.yaml (for editors), or of a result document kind')
    .argument('[kind]', 'document kind, e.g. run, evaluation (default: mlpipeline)')
    .option('--list', 'list the schema kinds')
    .action(async (kind: string | undefined, opts: { list?: boolean }) => schema(ctx, kind, opts));
}

async function validate(ctx: CliContext, opts: ValidateOptions): Promise<void> {
  const [{ pipelinePath, PIPELINE_FILE_NAME }, { checkPipelineFile }, check, { renderPipelineCheckText }, { renderJson }, errors, { displayPath }, { preflight }] =
    await Promise.all([
      import('../pipeline-file.js'),
      import('../../pipeline-schema/load.js'),
      import('../../pipeline-schema/check.js'),
      import('../../reports/pipeline-check-text.js'),
      import('../../reports/json.js'),
      import('../../core/errors.js'),
      import('../../core/paths.js'),
      import('../../runners/stages/preflight.js'),
    ]);
  const shownFile = displayPath(resolve(ctx.cwd, opts.file ?? PIPELINE_FILE_NAME), ctx.cwd);
  try {
    const { loaded, problems } = await checkPipelineFile(pipelinePath(ctx, opts.file), { cwd: ctx.cwd });
    // What run, status and evaluate would stop at on disk (params, deps, dataset paths), found
    // now and listed with the other problems, so one validate shows everything.
    let warnings: ConfigProblem[] = [];
    if (loaded) {
      try {
        const found = await preflight(loaded);
        // One message per spot: a path the loader already rejected (escapes the repository) is not also "missing".
        const flagged = new Set(problems.map((p) => `${p.location.file}:${p.location.line}`));
        problems.push(...found.errors.filter((p) => !flagged.has(`${p.location.file}:${p.location.line}`)));
        warnings = found.warnings;
      } catch (e) {
        // The stage graph could not be built: the loader has already said why (a cycle, shared outs).
        if (!(e instanceof errors.ConfigError)) throw e;
        if (problems.length === 0) problems.push(...e.problems);
      }
    }
    if (problems.length > 0 || !loaded) throw new errors.ConfigError(sortProblems(problems));
    for (const w of warnings) ctx.io.err(`mlpipeline: warning: ${errors.formatProblem(w)}\n`);
    const doc = check.pipelineCheckPassed(loaded, shownFile, warnings);
    ctx.io.out(opts.json ? renderJson(doc) : renderPipelineCheckText(doc));
  } catch (e) {
    // Without --json the problems are the error message itself (file:line:col + fix, exit 2).
    if (!opts.json || !errors.isMlpipelineError(e)) throw e;
    ctx.io.out(renderJson(check.pipelineCheckFailed(e, shownFile)));
    ctx.exitCode = e.exitCode;
  }
}

/** Top to bottom, then by column; problems without a line (another file) last. */
function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const key = (p: ConfigProblem) => [p.location.line ?? Infinity, p.location.column ?? 0] as const;
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => key(a.p)[0] - key(b.p)[0] || key(a.p)[1] - key(b.p)[1] || a.i - b.i)
    .map(({ p }) => p);
}

async function schema(ctx: CliContext, kind: string | undefined, opts: { list?: boolean }): Promise<void> {
  const [{ schemaKinds, schemaFile }, { readFile }, { UsageError }, { didYouMean }] = await Promise.all([
    import('../../pipeline-schema/documents.js'),
    import('node:fs/promises'),
    import('../../core/errors.js'),
    import('../../pipeline-schema/did-you-mean.js'),
  ]);
  const kinds = schemaKinds();
  if (opts.list) {
    ctx.io.out(kinds.join('\n') + '\n');
    return;
  }
  const want = kind ?? 'mlpipeline';
  const file = schemaFile(want);
  if (!file) {
    throw new UsageError(`no schema named '${want}'${didYouMean(want, kinds)}`, { fix: `use one of: ${kinds.join(', ')}` });
  }
  ctx.io.out(await readFile(file, 'utf8'));
}
