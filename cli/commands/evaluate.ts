/**
 * `mlpipeline evaluate` (run the model on held-out rows, with baselines, write the evaluation
 * document) and `mlpipeline gate` (apply the pipeline's gates to it and print the verdict).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { displayPath } from '../../core/paths.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { renderJson } from '../../reports/json.js';
import { PIPELINE_FILE_NAME, loadPipelineForCli } from '../pipeline-file.js';
import type { CliContext } from '../context.js';

async function optionalPipeline(ctx: CliContext, file?: string): Promise<LoadedPipeline | undefined> {
  if (!file && !existsSync(resolve(ctx.cwd, PIPELINE_FILE_NAME))) return undefined;
  return loadPipelineForCli(ctx, file);
}

interface EvaluateFlags {
  file?: string;
  model?: string;
  data?: string;
  label?: string;
  task?: string;
  features?: string;
  baselineModel?: string;
  baselineRef?: string;
  output?: string;
  json?: boolean;
}

interface GateFlags {
  file?: string;
  evaluation?: string;
  output?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('evaluate')
    .description('evaluate the ONNX model on held-out data (metrics, slices, latency, importance, baselines) and write the evaluation document')
    .option('-f, --file <path>', `pipeline file (default ./${PIPELINE_FILE_NAME}, optional when the flags say everything)`)
    .option('--model <file>', 'ONNX model to evaluate (default: model.path)')
    .option('--data <file>', 'held-out rows, CSV / JSONL / Parquet (default: evaluation.data)')
    .option('--label <col>', 'label column (default: model.label)')
    .option('--task <task>', 'binary-classification | multiclass-classification | regression (default: model.task)')
    .option('--features <a,b,c>', 'feature columns in model order (default: model.features, else every column but the label)')
    .option('--baseline-model <file>', 'also evaluate this model on the same rows (baseline "base")')
    .option('--baseline-ref <ref>', 'also evaluate the model file as it is at this git ref (baseline "base")')
    .option('--output <file>', 'where to write the document (default: evaluation.output or .mlpipeline/evaluation.json)')
    .option('--json', 'print the evaluation document: {"task","rows","metrics","slices","baseline","importance",...}')
    .action(async (flags: EvaluateFlags) => {
      const pipeline = await optionalPipeline(ctx, flags.file);
      const { runEvaluation } = await import('../../runners/evaluate/request.js');
      const { resolveStageModel } = await import('../../runners/registry/stage-model.js');
      const { document: doc, outputPath } = await runEvaluation({
        cwd: ctx.cwd,
        // `baseline: {stage: production}` is looked up in the Git-tag registry.
        stageResolver: resolveStageModel,
        pipeline,
        model: flags.model,
        data: flags.data,
        label: flags.label,
        task: flags.task,
        features: flags.features?.split(',').map((s) => s.trim()).filter(Boolean),
        baselineModel: flags.baselineModel,
        baselineRef: flags.baselineRef,
        output: flags.output,
        // In a pull request's workflow, `vs: base` means the PR's base branch.
        baseRef: ctx.env.GITHUB_BASE_REF ? `origin/${ctx.env.GITHUB_BASE_REF}` : undefined,
      });
      if (flags.json) {
        ctx.io.out(renderJson(doc));
        return;
      }
      const { renderEvaluationText } = await import('../../reports/evaluation-text.js');
      ctx.io.out(renderEvaluationText(doc, { writtenTo: displayPath(outputPath, ctx.cwd) }));
    });

  program
    .command('gate')
    .description("apply the pipeline's quality gates to an evaluation document; exits 1 when a gate failed")
    .option('-f, --file <path>', `pipeline file with the gates (default ./${PIPELINE_FILE_NAME})`)
    .option('--evaluation <file>', 'evaluation document (default: the one mlpipeline evaluate wrote)')
    .option('--output <file>', 'where to write the verdict (default: .mlpipeline/verdict.json next to the pipeline)')
    .option('--json', 'print {"passed","summary","gates":[{"metric","slice","kind","threshold","value","baseline","delta","status","reason",...}]}')
    .action(async (flags: GateFlags) => {
      const pipeline = await loadPipelineForCli(ctx, flags.file);
      const { runGates } = await import('../../runners/gates/run.js');
      const { verdict } = await runGates({ cwd: ctx.cwd, pipeline, evaluation: flags.evaluation, output: flags.output });
      if (!verdict.passed) ctx.exitCode = 1;
      if (flags.json) {
        ctx.io.out(renderJson(verdict));
        return;
      }
      const { renderVerdictText } = await import('../../reports/verdict-text.js');
      ctx.io.out(renderVerdictText(verdict));
    });
}
