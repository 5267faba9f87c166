/**
 * `mlpipeline validate` and `mlpipeline schema`: check mlpipeline.yaml and print the JSON
 * Schemas. Heavy modules (yaml, Ajv) are imported inside the actions so `--help` stays fast.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface ValidateOptions {
  file?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check mlpipeline.yaml: YAML syntax, the schema, stage cycles, shared outs, paths outside the repository, gates and environments')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .option('--json', 'print {"ok", "file", "problems": [{file, line, column, message, fix}], ...}')
    .action(async (opts: ValidateOptions) => validate(ctx, opts));

  program
    .command('schema')
    .description('print the JSON Schema of mlpipeline.yaml (for editors), or of a result document kind')
    .argument('[kind]', 'document kind, e.g. run, evaluation (default: mlpipeline)')
    .option('--list', 'list the schema kinds')
    .action(async (kind: string | undefined, opts: { list?: boolean }) => schema(ctx, kind, opts));
}

async function validate(ctx: CliContext, opts: ValidateOptions): Promise<void> {
  const [{ pipelinePath }, { loadPipelineFile, displayPath }, { stageOrder }, errors] = await Promise.all([
    import('../pipeline-file.js'),
    import('../../pipeline-schema/load.js'),
    import('../../pipeline-schema/graph.js'),
    import('../../core/errors.js'),
  ]);
  const { resolve } = await import('node:path');
  const shownFile = displayPath(resolve(ctx.cwd, opts.file ?? 'mlpipeline.yaml'), ctx.cwd);
  try {
    const loaded = await loadPipelineFile(pipelinePath(ctx, opts.file), { cwd: ctx.cwd });
    const p = loaded.pipeline;
    const order = stageOrder(p);
    const datasets = Object.keys(p.data ?? {});
    const envs = Object.keys(p.environments ?? {});
    if (opts.json) {
      ctx.io.out(
        JSON.stringify({ ok: true, file: shownFile, pipeline: p.name, stages: order, datasets, gates: (p.gates ?? []).length, environments: envs, problems: [] }) + '\n',
      );
      return;
    }
    const lines = [
      `${shownFile}: OK — pipeline '${p.name}'`,
      `  stages (${order.length}${order.length > 1 ? ', in dependency order' : ''}): ${order.join(' → ') || '-'}`,
      `  datasets (${datasets.length}): ${datasets.join(', ') || '-'}`,
      `  gates: ${(p.gates ?? []).length}`,
      `  environments (${envs.length}): ${envs.join(', ') || '-'}`,
    ];
    ctx.io.out(lines.join('\n') + '\n');
  } catch (e) {
    if (!opts.json || !errors.isMlpipelineError(e)) throw e;
    const problems =
      e instanceof errors.ConfigError
        ? e.problems.map((p) => ({ file: p.location.file, line: p.location.line ?? null, column: p.location.column ?? null, message: p.message, fix: p.fix ?? null }))
        : [{ file: e.location?.file ?? shownFile, line: e.location?.line ?? null, column: e.location?.column ?? null, message: e.message, fix: e.fix ?? null }];
    ctx.io.out(JSON.stringify({ ok: false, file: shownFile, problems }) + '\n');
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
