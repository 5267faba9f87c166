/**
 * Data commands: `validate-data` (checks + profile + drift, exit 1 when an error-severity check or
 * the drift verdict fails), `profile` (write a profile document usable as a baseline) and
 * `infer-schema` (print a starting `validation:` block).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { UsageError } from '../../core/errors.js';
import { resultDocumentPath } from '../../core/state-paths.js';
import type { DataFormat, DatasetSpec, LoadedPipeline } from '../../pipeline-schema/types.js';
import { configuredBaseline, pickDataset, pipelineDataSource } from '../../runners/data/pipeline-dataset.js';
import { inferValidation } from '../../runners/data/infer-schema.js';
import { scanDataset } from '../../runners/data/scan.js';
import type { DataSource } from '../../runners/data/source.js';
import { delimiterHint } from '../../runners/data/delimiter-hint.js';
import { validateData, type BaselineChoice } from '../../runners/data/validate.js';
import { renderJson } from '../../reports/json.js';
import { renderProfileWritten, renderValidationText } from '../../reports/validation-text.js';
import { renderValidationYaml } from '../../reports/validation-yaml.js';
import { renderWarnings } from '../../reports/warnings.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli, PIPELINE_FILE_NAME } from '../pipeline-file.js';

interface ReadFlags {
  delimiter?: string;
  format?: string;
}

function formatFlag(f: string | undefined): DataFormat | undefined {
  if (f === undefined) return undefined;
  if (f === 'csv' || f === 'jsonl' || f === 'parquet') return f;
  throw new UsageError(`unknown --format '${f}'`, { fix: 'use csv, jsonl or parquet' });
}

function delimiterFlag(d: string | undefined): string | undefined {
  if (d === undefined) return undefined;
  return d === '\\t' || d === 'tab' ? '\t' : d;
}

async function maybePipeline(ctx: CliContext, file: string | undefined, required: boolean): Promise<LoadedPipeline | undefined> {
  if (file || required || existsSync(resolve(ctx.cwd, PIPELINE_FILE_NAME))) return loadPipelineForCli(ctx, file);
  return undefined;
}

function baselineFromFlag(value: string, cwd: string): BaselineChoice {
  const abs = resolve(cwd, value);
  return value.toLowerCase().endsWith('.json') ? { profile: abs, label: value } : { path: abs, label: value };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('validate-data')
    .description('check data against the validation block of mlpipeline.yaml, profile it, and test drift against a baseline')
    .option('-f, --file <path>', `pipeline file (default ./${PIPELINE_FILE_NAME})`)
    .option('--data <file>', 'data file to validate instead of the one mlpipeline.yaml names')
    .option('--baseline <file>', 'baseline for drift: a data file, or a profile JSON written by `mlpipeline profile`')
    .option('--baseline-ref <ref>', 'baseline for drift: the same dataset at this git ref (e.g. origin/main)')
    .option('--no-drift', 'skip drift even when mlpipeline.yaml declares a baseline')
    .option('--delimiter <char>', 'CSV delimiter (default , or tab for .tsv)')
    .option('--format <format>', 'csv, jsonl or parquet (default: from the extension)')
    .option('--out <file>', 'also write the validation document (JSON) to this file (it always goes to .mlpipeline/validation.json)')
    .option('--json', 'print the validation document as JSON')
    .action(async (o: ReadFlags & { file?: string; data?: string; baseline?: string; baselineRef?: string; drift: boolean; out?: string; json?: boolean }) => {
      if (o.baseline && o.baselineRef) throw new UsageError('give either --baseline or --baseline-ref, not both');
      const loaded = await maybePipeline(ctx, o.file, !o.data);
      const spec = loaded?.pipeline.validation;
      let src: DataSource;
      let types: DatasetSpec['types'];
      if (o.data) {
        src = { path: o.data, cwd: ctx.cwd, format: formatFlag(o.format), delimiter: delimiterFlag(o.delimiter) };
        // Reuse declared types when --data points at the configured dataset's format family.
        types = loaded ? safePick(loaded)?.spec.types : undefined;
      } else {
        const picked = pickDataset(loaded!);
        src = pipelineDataSource(loaded!, picked, { format: formatFlag(o.format), delimiter: delimiterFlag(o.delimiter) });
        types = picked.spec.types;
      }
      let baseline: BaselineChoice | undefined;
      if (o.baseline) baseline = baselineFromFlag(o.baseline, ctx.cwd);
      else if (o.baselineRef) baseline = { ref: o.baselineRef };
      else if (o.drift && loaded) baseline = configuredBaseline(loaded);
      if (!o.drift) baseline = undefined;
      const { document } = await validateData({ data: src, spec, types, baseline, configFile: loaded?.file });
      // Like run, evaluate and gate, the document goes into the pipeline's results folder for
      // `mlpipeline report` to find (.mlpipeline/validation.json); --out writes a copy elsewhere.
      if (loaded) await writeFileAtomic(resultDocumentPath(loaded.dir, loaded.file, 'validation.json'), renderJson(document), { confineTo: loaded.dir });
      if (o.out) await writeFileAtomic(resolve(ctx.cwd, o.out), renderJson(document), { what: '--out' });
      if (o.json) ctx.io.out(renderJson(document));
      else ctx.io.out(renderValidationText(document));
      if (!document.ok) ctx.exitCode = 1;
    });

  program
    .command('profile')
    .description('profile a dataset in one pass (types, missing, distinct, moments, quantiles, histograms, top values) and write the profile document')
    .requiredOption('--data <file>', 'data file (CSV, JSON Lines or Parquet; .gz for the text formats)')
    .option('--out <file>', 'write the profile document here (usable as a drift baseline); default: print it')
    .option('--ref <ref>', 'profile the file as it is at this git ref (path relative to the repository root)')
    .option('--delimiter <char>', 'CSV delimiter')
    .option('--format <format>', 'csv, jsonl or parquet')
    .option('--json', 'print the profile document as JSON (the default when --out is not given)')
    .action(async (o: ReadFlags & { data: string; out?: string; ref?: string; json?: boolean }) => {
      const src: DataSource = { path: o.data, cwd: ctx.cwd, ref: o.ref, format: formatFlag(o.format), delimiter: delimiterFlag(o.delimiter) };
      const { profile } = await scanDataset(src);
      if (o.out) {
        await writeFileAtomic(resolve(ctx.cwd, o.out), renderJson(profile), { what: '--out' });
        if (!o.json) ctx.io.out(renderProfileWritten(profile, o.data, o.out));
      }
      const hint = profile.source.format.startsWith('csv') ? delimiterHint(Object.keys(profile.columns)) : undefined;
      if (hint) ctx.io.err(renderWarnings([hint]));
      if (o.json || !o.out) ctx.io.out(renderJson(profile));
    });

  program
    .command('infer-schema')
    .description('print a starting `validation:` block (types, nullability, ranges, small category sets) for mlpipeline.yaml')
    .argument('<data>', 'data file to infer from')
    .option('--delimiter <char>', 'CSV delimiter')
    .option('--format <format>', 'csv, jsonl or parquet')
    .option('--max-categories <n>', 'largest category set written as `in:`', '10')
    .option('--json', 'print the block as JSON instead of YAML')
    .action(async (data: string, o: ReadFlags & { maxCategories: string; json?: boolean }) => {
      const maxCategories = Number(o.maxCategories);
      if (!Number.isInteger(maxCategories) || maxCategories < 0) throw new UsageError(`--max-categories must be a whole number, got '${o.maxCategories}'`, { fix: 'pass 0 or more, e.g. --max-categories 10 (the default); 0 writes no `in:` lists' });
      const { profile } = await scanDataset({ path: data, cwd: ctx.cwd, format: formatFlag(o.format), delimiter: delimiterFlag(o.delimiter) });
      const spec = inferValidation(profile, { maxCategories });
      if (o.json) ctx.io.out(renderJson({ validation: spec }));
      else ctx.io.out(renderValidationYaml(spec, { data, rows: profile.rows }));
    });
}

function safePick(loaded: LoadedPipeline): { name: string; spec: DatasetSpec } | undefined {
  try {
    return pickDataset(loaded);
  } catch {
    return undefined;
  }
}
