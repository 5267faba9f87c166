/**
 * `mlpipeline evaluate` (run the model on held-out rows, with baselines, write the evaluation
 * document) and `mlpipeline gate` (apply the pipeline's gates to it and print the verdict).
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { PIPELINE_FILE_NAME, loadPipelineForCli } from '../pipeline-file.js';
import type { CliContext } from '../context.js';

async function optionalPipeline(ctx: CliContext, file?: string): Promise<LoadedPipeline | undefined> {
  if (!file && !existsSync(resolve(ctx.cwd, PIPELINE_FILE_NAME))) return undefined;
  return loadPipelineForCli(ctx, file);
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toPrecision(4))));

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
        ctx.io.out(JSON.stringify(doc, null, 2) + '\n');
        return;
      }
      const lines: string[] = [`${doc.task} on ${doc.rows} rows of ${doc.data.path} (model ${doc.model.path})`];
      const base = doc.baseline;
      for (const [k, v] of Object.entries(doc.metrics)) {
        const b = base?.metrics[k];
        lines.push(`  ${k.padEnd(22)} ${fmt(v).padStart(12)}${b !== undefined ? `   ${base!.name} ${fmt(b)} (${v - b >= 0 ? '+' : ''}${fmt(v - b)})` : ''}`);
      }
      for (const s of doc.slices) {
        const [[col, val]] = Object.entries(s.slice) as [[string, unknown]];
        const main = Object.entries(s.metrics).filter(([k]) => k !== 'rows').slice(0, 3).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
        lines.push(`  slice ${col}=${String(val)} (${s.rows} rows): ${main}`);
      }
      // Baselines after the first (shown inline above): one line each, the gated metrics' changes.
      for (const b of doc.baselines.slice(1)) {
        const changes = Object.entries(b.deltas).filter(([k]) => !k.startsWith('latency') && k !== 'throughput_rows_per_s' && k !== 'model_size_bytes' && k !== 'rows').slice(0, 4);
        lines.push(`  baseline ${b.name} (${b.model.path}): ${changes.map(([k, d]) => `${k} ${fmt(b.metrics[k]!)} (${d >= 0 ? '+' : ''}${fmt(d)})`).join(', ')}`);
      }
      for (const m of doc.baselines_missing) lines.push(`  baseline ${m.name}: none (${m.reason})`);
      for (const w of doc.warnings) lines.push(`  warning: ${w}`);
      const rel = relative(ctx.cwd, outputPath);
      lines.push(`wrote ${rel && !rel.startsWith('..') ? rel : outputPath}`);
      ctx.io.out(lines.join('\n') + '\n');
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
        ctx.io.out(JSON.stringify(verdict, null, 2) + '\n');
        return;
      }
      const mark = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;
      const lines = verdict.gates.map((g) => `  ${g.status === 'failed' && g.severity === 'warn' ? 'WARN' : mark[g.status]}  ${g.name}: ${g.reason}`);
      const s = verdict.summary;
      lines.unshift(`gates ${verdict.passed ? 'passed' : 'FAILED'}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.warnings ? `, ${s.warnings} warning(s)` : ''}`);
      ctx.io.out(lines.join('\n') + '\n');
    });
}
