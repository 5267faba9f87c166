/**
 * The `run` phase: the same runner functions `mlpipeline run`, `validate-data`, `evaluate`,
 * `gate` and `report` call, one after the other in the workspace (documents land in the
 * pipeline's `.mlpipeline/`, as locally). A step that cannot run (a failed stage leaves no model
 * to evaluate) is left out and the report says so; a user error in a step is shown as an
 * annotation and makes the verdict `failed`, but the later steps and the report still run.
 */
import { rm } from 'node:fs/promises';
import { formatLocation, isMlpipelineError, type MlpipelineError } from '../../core/errors.js';
import { resultDocumentPath } from '../../core/state-paths.js';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { configuredBaseline, pickDataset, pipelineDataSource } from '../../runners/data/pipeline-dataset.js';
import { validateData } from '../../runners/data/validate.js';
import { evaluationOutputPath, runEvaluation } from '../../runners/evaluate/request.js';
import { runGates } from '../../runners/gates/run.js';
import type { StageModelResolver } from '../../runners/evaluate/baseline.js';
import { runPipeline } from '../../runners/stages/engine.js';
import { collectReportInputs } from '../../runners/report/collect.js';
import type { ReportInputs } from '../../runners/report/documents.js';
import { renderStageEvent } from '../../reports/run-text.js';
import { error, info, warning } from '../github/index.js';

export interface StepsOutcome {
  inputs: ReportInputs;
  /** Something the verdict must count as failed besides the gates: a stage, a data check, a step's error. */
  failures: string[];
  /** Every stage succeeded (skipped, restored or ran). */
  stagesOk: boolean;
}

export interface StepsOptions {
  baseRef?: string;
  baseBranch?: string;
  stageResolver: StageModelResolver;
}

/** A user error of one step: an annotation at its file and line when it has one. */
function annotate(step: string, e: MlpipelineError): void {
  const loc = e.location;
  const text = `${step}: ${loc ? `${formatLocation(loc)}: ` : ''}${e.message}${e.fix ? `\n  fix: ${e.fix}` : ''}`;
  error(text, { title: `mlpipeline ${step}`, ...(loc ? { file: loc.file, ...(loc.line ? { startLine: loc.line } : {}), ...(loc.column ? { startColumn: loc.column } : {}) } : {}) });
}

async function step<T>(name: string, failures: string[], fn: () => Promise<T>): Promise<T | undefined> {
  info(`::group::mlpipeline ${name}`);
  try {
    return await fn();
  } catch (e) {
    if (!isMlpipelineError(e)) throw e;
    annotate(name, e);
    failures.push(`${name}: ${e.message}`);
    return undefined;
  } finally {
    info('::endgroup::');
  }
}

/**
 * The environment the stage commands (the pull request's code) inherit: the job's, without the
 * action's own inputs. `INPUT_GITHUB-TOKEN` is the token the action reads Release assets with;
 * the stages have no use for it, so it is not handed to them.
 */
export function stageEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.toUpperCase().startsWith('INPUT_')));
}

/** Documents left by an earlier run in this work tree must not be reported as this run's. */
async function clearResults(loaded: LoadedPipeline): Promise<void> {
  const docs = ['run.json', 'validation.json', 'verdict.json'].map((n) => resultDocumentPath(loaded.dir, loaded.file, n));
  docs.push(evaluationOutputPath(loaded.dir, loaded));
  await Promise.all(docs.map((d) => rm(d, { force: true })));
}

export async function runSteps(loaded: LoadedPipeline, opts: StepsOptions): Promise<StepsOutcome> {
  const failures: string[] = [];
  const p = loaded.pipeline;
  await clearResults(loaded);
  const t0 = performance.now();

  const run = await step('run', failures, () =>
    runPipeline(loaded, {
      env: stageEnv(process.env),
      command: 'mlpipeline run (actions/run)',
      log: {
        output: (stage, _stream, line) => info(`[${stage}] ${line}`),
        event: (e) => info(renderStageEvent(e, { tty: false, elapsedMs: performance.now() - t0 }).trimEnd()),
        warn: (m) => warning(m),
      },
    }),
  );
  if (run?.failed) failures.push(`stage ${run.failed.stage} failed: ${run.failed.reason}`);
  const stagesOk = run !== undefined && !run.failed;

  if (p.validation) {
    const validation = await step('validate-data', failures, async () => {
      const picked = pickDataset(loaded);
      const { document } = await validateData({
        data: pipelineDataSource(loaded, picked),
        spec: p.validation,
        types: picked.spec.types,
        baseline: configuredBaseline(loaded, { baseRef: opts.baseRef, baseBranch: opts.baseBranch }),
        configFile: loaded.file,
      });
      await writeFileAtomic(resultDocumentPath(loaded.dir, loaded.file, 'validation.json'), toJsonText(document), { confineTo: loaded.dir });
      return document;
    });
    if (validation && !validation.ok) failures.push('data validation failed');
  }

  let evaluated = false;
  if (p.model && p.evaluation) {
    if (!stagesOk) info('mlpipeline evaluate: not run, the stages did not all succeed');
    else {
      const ev = await step('evaluate', failures, () => runEvaluation({ cwd: loaded.dir, pipeline: loaded, stageResolver: opts.stageResolver, baseRef: opts.baseRef }));
      for (const m of ev?.document.baselines_missing ?? []) info(`baseline ${m.name} missing: ${m.reason}`);
      evaluated = ev !== undefined;
    }
  }
  if (evaluated && (p.gates ?? []).length > 0) await step('gate', failures, () => runGates({ cwd: loaded.dir, pipeline: loaded }));

  const env = { ...process.env, ...(opts.baseBranch ? { GITHUB_BASE_REF: opts.baseBranch } : {}) };
  const inputs = await collectReportInputs({ pipeline: loaded, base: opts.baseRef, env });
  return { inputs, failures, stagesOk };
}
