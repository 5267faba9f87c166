/**
 * The document `mlpipeline validate --json` prints (schema pipeline-check): what a valid pipeline
 * declares, or every problem of an invalid one with its file, line, column and fix.
 */
import { ConfigError, type ConfigProblem, type MlpipelineError } from '../core/errors.js';
import { stageOrder } from './graph.js';
import type { LoadedPipeline } from './types.js';

export interface PipelineProblem {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
  fix: string | null;
}

export type PipelineCheck =
  | { ok: true; file: string; pipeline: string; stages: string[]; datasets: string[]; gates: number; environments: string[]; problems: []; warnings?: PipelineProblem[] }
  | { ok: false; file: string; problems: PipelineProblem[] };

/** The summary of a pipeline that loaded; `file` as shown to the user. */
export function pipelineCheckPassed(loaded: LoadedPipeline, file: string, warnings: ConfigProblem[] = []): PipelineCheck {
  const p = loaded.pipeline;
  return {
    ok: true,
    file,
    pipeline: p.name,
    stages: stageOrder(p),
    datasets: Object.keys(p.data ?? {}),
    gates: (p.gates ?? []).length,
    environments: Object.keys(p.environments ?? {}),
    problems: [],
    ...(warnings.length > 0 ? { warnings: warnings.map(toPipelineProblem) } : {}),
  };
}

/** The problems of a pipeline that did not load (a ConfigError lists them all; any other error is one). */
export function pipelineCheckFailed(e: MlpipelineError, file: string): PipelineCheck {
  const problems: PipelineProblem[] =
    e instanceof ConfigError
      ? e.problems.map(toPipelineProblem)
      : [{ file: e.location?.file ?? file, line: e.location?.line ?? null, column: e.location?.column ?? null, message: e.message, fix: e.fix ?? null }];
  return { ok: false, file, problems };
}

function toPipelineProblem(p: ConfigProblem): PipelineProblem {
  return { file: p.location.file, line: p.location.line ?? null, column: p.location.column ?? null, message: p.message, fix: p.fix ?? null };
}
