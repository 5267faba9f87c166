/**
 * From mlpipeline.yaml plus command-line overrides to an EvaluateInput: which model, which rows,
 * which baselines, and where the document goes. The CLI and the action both call runEvaluation.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lookupDotted } from '../../core/dotted-keys.js';
import { displayPath } from '../../core/paths.js';
import { InputError, UsageError, type SourceLocation } from '../../core/errors.js';
import { escapePointerToken } from '../../pipeline-schema/problems.js';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { resultDocumentPath } from '../../core/state-paths.js';
import type { GateSpec, LoadedPipeline, Task } from '../../pipeline-schema/types.js';
import { readNumericBatches, supportsNumericBatches } from '../data/numeric-batches.js';
import { readBatches, type DataSource } from '../data/source.js';
import { baselineFromFile, baselineFromRef, baselineFromStage, readModelFile, type StageModelResolver } from './baseline.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { workTreeDigest } from '../gates/binding.js';
import type { EvaluationDocument } from './document.js';
import { bindEvaluationConfig } from './evaluation-config.js';
import { DEFAULTS, evaluateModels, type BaselineInput, type EvaluateInput } from './evaluate.js';
import { own } from '../../core/own.js';

export const DEFAULT_EVALUATION_OUTPUT = '.mlpipeline/evaluation.json';
export const TASKS: readonly Task[] = ['binary-classification', 'multiclass-classification', 'regression'];

export interface EvaluateOptions {
  cwd: string;
  pipeline?: LoadedPipeline;
  model?: string;
  data?: string;
  label?: string;
  task?: string;
  features?: string[];
  baselineModel?: string;
  baselineRef?: string;
  /** Where to write the document; default evaluation.output or .mlpipeline/evaluation.json. */
  output?: string;
  stageResolver?: StageModelResolver;
  /** The base branch for `vs: base` gates when no baseline ref is configured (CI: origin/$GITHUB_BASE_REF). */
  baseRef?: string;
}

/** `vs: base` without evaluation.baseline.ref or --baseline-ref compares with this branch. */
export const DEFAULT_BASE_REF = 'main';

/** The baselines comparison gates name, in first-seen order. */
export function gateBaselineNames(gates: readonly GateSpec[] | undefined): string[] {
  const out: string[] = [];
  for (const g of gates ?? []) {
    const compares = g.max_drop !== undefined || g.max_drop_pct !== undefined || g.min_gain !== undefined;
    if (compares && typeof g.vs === 'string' && g.vs && !out.includes(g.vs)) out.push(g.vs);
  }
  return out;
}

/** Where the evaluation document lives for this pipeline (or folder). */
export function evaluationOutputPath(cwd: string, pipeline?: LoadedPipeline, override?: string): string {
  if (override) return resolve(cwd, override);
  if (pipeline?.pipeline.evaluation?.output) return resolve(pipeline.dir, pipeline.pipeline.evaluation.output);
  // Results are kept per pipeline file (core/state-paths.ts): .mlpipeline/ for mlpipeline.yaml.
  return pipeline ? resultDocumentPath(pipeline.dir, pipeline.file, 'evaluation.json') : resolve(cwd, DEFAULT_EVALUATION_OUTPUT);
}

async function customMetrics(pipeline: LoadedPipeline | undefined, warnings: string[]): Promise<EvaluateInput['custom']> {
  const spec = pipeline?.pipeline.evaluation?.custom_metrics;
  if (!spec) return undefined;
  const values: Record<string, number> = {};
  const directions: Record<string, 'higher' | 'lower'> = {};
  for (const [name, c] of Object.entries(spec)) {
    directions[name] = c.higher_is_better ? 'higher' : 'lower';
    if (!c.file) continue;
    const abs = resolve(pipeline!.dir, c.file);
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch {
      warnings.push(`custom metric ${name}: ${c.file} does not exist (run the stage that writes it)`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (e) {
      throw new InputError(`cannot parse metrics file ${c.file}: ${(e as Error).message.split('\n')[0]}`, { location: { file: c.file } });
    }
    const found = lookupDotted(parsed, c.key ?? name);
    const v = found.ok ? found.value : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) values[name] = v;
    else warnings.push(`custom metric ${name}: ${c.file} has no number at '${c.key ?? name}'`);
  }
  return { values, directions };
}

export interface EvaluationRun {
  document: EvaluationDocument;
  outputPath: string;
}

export async function runEvaluation(opts: EvaluateOptions): Promise<EvaluationRun> {
  const { cwd } = opts;
  const lp = opts.pipeline;
  const p = lp?.pipeline;
  const dir = lp?.dir ?? cwd;
  const spec = p?.model;
  const ev = p?.evaluation;

  const modelAbs = opts.model ? resolve(cwd, opts.model) : spec?.path ? resolve(dir, spec.path) : undefined;
  const task = (opts.task ?? spec?.task) as Task | undefined;
  const label = opts.label ?? spec?.label;
  const missing: string[] = [];
  if (!modelAbs) missing.push('a model (--model FILE or model.path)');
  if (!task) missing.push('a task (--task or model.task)');
  if (!label) missing.push('a label column (--label COL or model.label)');
  let data: DataSource | undefined;
  if (opts.data) data = { path: opts.data, cwd };
  else if (ev?.data) {
    const ds = own(p?.data, ev.data);
    data = ds
      ? { path: ds.path, format: ds.format, delimiter: ds.delimiter, cwd: dir, declaredAt: declaredAt(lp, `/data/${escapePointerToken(ev.data)}/path`, cwd) }
      : { path: ev.data, cwd: dir, declaredAt: declaredAt(lp, '/evaluation/data', cwd) };
  } else missing.push('evaluation data (--data FILE or evaluation.data)');
  if (missing.length) {
    throw new UsageError(`nothing to evaluate: missing ${missing.join(', ')}`, {
      fix: lp ? `set them in ${displayPath(lp.file, cwd)} or pass the flags` : 'pass the flags, or run where mlpipeline.yaml declares model: and evaluation:',
    });
  }
  if (!TASKS.includes(task!)) {
    throw new UsageError(`unknown task '${task}'`, { fix: `use one of ${TASKS.join(', ')}` });
  }
  const modelDisplay = displayPath(modelAbs!, cwd);
  const dataDisplay = displayPath(resolve(data!.cwd, data!.path), cwd);
  const modelBytes = await readModelFile(modelAbs!, modelDisplay);

  // Baselines: flags replace evaluation.baseline's model/ref; a registry stage is kept.
  const baselines: BaselineInput[] = [];
  const bModel = opts.baselineModel ? resolve(cwd, opts.baselineModel) : opts.baselineRef ? undefined : ev?.baseline?.model ? resolve(dir, ev.baseline.model) : undefined;
  const bRef = opts.baselineRef ?? (opts.baselineModel ? undefined : ev?.baseline?.ref);
  if (opts.baselineModel && opts.baselineRef) {
    throw new UsageError('--baseline-model and --baseline-ref both name the base baseline', { fix: 'pass only one of them' });
  }
  if (bModel) baselines.push(await baselineFromFile(bModel, displayPath(bModel, cwd)));
  else if (bRef) baselines.push(await baselineFromRef(dir, bRef, modelAbs!, { pipelineDir: dir }));
  if (ev?.baseline?.stage) {
    baselines.push(await baselineFromStage({ stage: ev.baseline.stage, modelName: spec?.name, cwd, pipeline: lp }, opts.stageResolver));
  }
  // Every baseline a gate names is evaluated too (`vs: staging`, `vs: base`, ...), so no
  // comparison gate is skipped merely because evaluation.baseline named another one.
  for (const name of gateBaselineNames(p?.gates)) {
    if (baselines.some((b) => b.name === name)) continue;
    if (name === 'base') baselines.push(await baselineFromRef(dir, opts.baseRef ?? DEFAULT_BASE_REF, modelAbs!, { pipelineDir: dir, implicit: true }));
    else baselines.push(await baselineFromStage({ stage: name, modelName: spec?.name, cwd, pipeline: lp }, opts.stageResolver));
  }

  const warnings: string[] = [];
  // What decides the metrics is hashed BEFORE anything is read (custom metric files, the data),
  // and the data again after the read: the document names the bytes the metrics came from.
  const config = await bindEvaluationConfig(p, dir, async (abs) => (await workTreeDigest(abs))?.sha256, {
    task: opts.task,
    label: opts.label,
    features: opts.features,
  });
  const dataAbs = resolve(data!.cwd, data!.path);
  const before = await workTreeDigest(dataAbs);
  const custom = await customMetrics(lp, warnings);
  const batchSize = ev?.batch_size ?? DEFAULTS.batchSize;
  const document = await evaluateModels({
    task: task!,
    label: label!,
    features: opts.features ?? spec?.features,
    ...(opts.features || !spec?.features ? {} : { featureAt: (f: string) => declaredAt(lp, `/model/features/${spec.features!.indexOf(f)}`, cwd) }),
    classes: spec?.classes,
    threshold: spec?.threshold,
    input: spec?.input,
    outputs: spec?.outputs,
    model: { bytes: modelBytes, display: modelDisplay },
    baselines,
    // CSV: the columnar read (numbers parsed straight from the text); other formats: raw rows.
    data: supportsNumericBatches(data!)
      ? { display: dataDisplay, numeric: (select) => readNumericBatches(data!, { batchSize, select, reuseBuffers: true }) }
      : { display: dataDisplay, batches: readBatches(data!, { batchSize }) },
    slices: ev?.slices,
    metrics: ev?.metrics,
    latency: ev?.latency,
    importance: ev?.importance,
    custom,
    batchSize,
  });
  const after = await workTreeDigest(dataAbs);
  if (!before || !after || before.sha256 !== after.sha256) {
    throw new InputError(`${dataDisplay} changed while it was evaluated (sha256 ${before?.sha256.slice(0, 12) ?? 'none'} before the read, ${after?.sha256.slice(0, 12) ?? 'none'} after), so no evaluation document was written`, {
      location: { file: dataDisplay },
      fix: 'run mlpipeline evaluate again when nothing is writing the evaluation data',
    });
  }
  const afterConfig = await bindEvaluationConfig(p, dir, async (abs) => (await workTreeDigest(abs))?.sha256, { task: opts.task, label: opts.label, features: opts.features });
  if (afterConfig.sha256 !== config.sha256 || canonicalJson(afterConfig.custom_metric_files) !== canonicalJson(config.custom_metric_files)) {
    throw new InputError('a custom metric file changed while the model was evaluated, so no evaluation document was written', { fix: 'run mlpipeline evaluate again when the stages that write the metrics files are done' });
  }
  document.data = { path: document.data.path, sha256: before.sha256, size_bytes: before.size };
  document.config = config;
  document.warnings.push(...warnings);
  const outputPath = evaluationOutputPath(cwd, lp, opts.output);
  await writeFileAtomic(outputPath, toJsonText(document), { what: opts.output ? '--output' : 'evaluation.output' });
  return { document, outputPath };
}

/** `mlpipeline.yaml:line:col` of a pointer, as the user would reach the file from `cwd`. */
function declaredAt(lp: LoadedPipeline | undefined, ptr: string, cwd: string): SourceLocation | undefined {
  const pos = lp?.locate(ptr);
  if (!lp || !pos) return undefined;
  return { file: lp.displayFile ?? displayPath(lp.file, cwd), line: pos.line, column: pos.column };
}
