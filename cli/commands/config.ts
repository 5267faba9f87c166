/**
 * `mlpipeline validate` and `mlpipeline schema`: check mlpipeline.yaml and print the JSON
 * Schemas. Heavy modules (yaml, Ajv) are imported inside the actions so `--help` stays fast.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
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
  const [{ pipelinePath, PIPELINE_FILE_NAME }, { validatePipelineFile }, check, { renderPipelineCheckText }, { renderJson }, errors, { displayPath }] = await Promise.all([
    import('../pipeline-file.js'),
    import('../../runners/config/validate-pipeline.js'),
    import('../../pipeline-schema/check.js'),
    import('../../reports/pipeline-check-text.js'),
    import('../../reports/json.js'),
    import('../../core/errors.js'),
    import('../../core/paths.js'),
  ]);
  const shownFile = displayPath(resolve(ctx.cwd, opts.file ?? PIPELINE_FILE_NAME), ctx.cwd);
  try {
    const { loaded, warnings } = await validatePipelineFile(pipelinePath(ctx, opts.file), { cwd: ctx.cwd });
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
