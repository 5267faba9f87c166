/** `mlpipeline gate`: read an evaluation document, apply the pipeline's gates, write the verdict. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { displayPath } from '../../core/paths.js';
import { InputError } from '../../core/errors.js';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { resultDocumentPath } from '../../core/state-paths.js';
import type { GateSpec, LoadedPipeline } from '../../pipeline-schema/types.js';
import { EVALUATION_SCHEMA_ID, type EvaluationDocument } from '../evaluate/document.js';
import { evaluationOutputPath } from '../evaluate/request.js';
import { evaluateGates } from './gates.js';
import { bindVerdict } from './binding.js';
import type { Verdict } from './verdict.js';

export const DEFAULT_VERDICT_OUTPUT = '.mlpipeline/verdict.json';

export async function readEvaluation(abs: string, display: string): Promise<EvaluationDocument> {
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const enoent = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError(enoent ? `no evaluation document at ${display}` : `cannot read ${display}: ${(e as Error).message}`, {
      location: { file: display },
      fix: enoent ? 'run mlpipeline evaluate first, or pass --evaluation FILE' : undefined,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${display} is not JSON: ${(e as Error).message}`, { location: { file: display }, fix: 'regenerate it with mlpipeline evaluate' });
  }
  const d = doc as Partial<EvaluationDocument>;
  if (!d || typeof d !== 'object' || typeof d.metrics !== 'object' || d.metrics === null) {
    throw new InputError(`${display} is not an evaluation document (expected ${EVALUATION_SCHEMA_ID} with a "metrics" object)`, {
      location: { file: display },
      fix: 'pass the file written by mlpipeline evaluate',
    });
  }
  return { slices: [], baselines: d.baseline ? [d.baseline] : [], baselines_missing: [], directions: {}, ...d } as EvaluationDocument;
}

export interface GateRun {
  verdict: Verdict;
  evaluationPath: string;
  verdictPath: string;
}

export async function runGates(opts: { cwd: string; pipeline?: LoadedPipeline; evaluation?: string; output?: string; gates?: GateSpec[] }): Promise<GateRun> {
  const evaluationPath = opts.evaluation ? resolve(opts.cwd, opts.evaluation) : evaluationOutputPath(opts.cwd, opts.pipeline);
  const display = displayPath(evaluationPath, opts.cwd);
  const doc = await readEvaluation(evaluationPath, display);
  const gates = opts.gates ?? opts.pipeline?.pipeline.gates ?? [];
  // The verdict names what it judged (model, evaluation data, gate and evaluation config), so
  // register can refuse to record it for anything else; a stale evaluation document refuses here.
  const binding = await bindVerdict(opts.cwd, opts.pipeline, doc, gates, display);
  const verdict: Verdict = { ...evaluateGates(gates, doc, opts.pipeline?.pipeline.gates_defaults), ...binding };
  const verdictPath = opts.output
    ? resolve(opts.cwd, opts.output)
    : opts.pipeline
      ? resultDocumentPath(opts.pipeline.dir, opts.pipeline.file, 'verdict.json')
      : resolve(opts.cwd, DEFAULT_VERDICT_OUTPUT);
  // The default result folder (.mlpipeline/) must not lead outside the pipeline folder through a symlink.
  await writeFileAtomic(verdictPath, toJsonText(verdict), opts.output ? { what: '--output' } : opts.pipeline ? { confineTo: opts.pipeline.dir } : undefined);
  return { verdict, evaluationPath, verdictPath };
}
