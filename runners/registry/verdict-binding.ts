/**
 * At registration, a gate verdict is bound to the version only when the model it judged, the
 * evaluation data it was judged on, the evaluation config its metrics were computed with and the
 * gate config that judged it are exactly what is being
 * registered (recomputed here from the registered commit). Otherwise it is recorded as
 * "not gated" (bound: false, with the reasons), which `require_gates` refuses.
 */
import { relative, resolve, sep } from 'node:path';
import { gitRaw } from '../../core/git.js';
import { loadPipelineText } from '../../pipeline-schema/load.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { declaredEvaluationData, gatesConfigDigest } from '../gates/binding.js';
import { bindEvaluationConfig, configDifferences, fileDifferences } from '../evaluate/evaluation-config.js';
import { digestFile } from './inputs.js';
import type { FileDigest, VerdictSummary } from './lineage-record.js';

/** The pipeline as committed at `commit` (what is registered); the work tree's when it is not committed there. */
async function pipelineAt(root: string, commit: string, loaded: LoadedPipeline): Promise<LoadedPipeline> {
  const path = relative(root, loaded.file).split(sep).join('/');
  const r = await gitRaw(['cat-file', 'blob', `${commit}:${path}`], { cwd: root, okCodes: [128] });
  if (r.code !== 0) return loaded;
  return loadPipelineText(r.stdout.toString('utf8'), loaded.file, { cwd: loaded.dir, repoRoot: root });
}

const short = (s: string) => s.slice(0, 12);

export async function bindToRegistration(root: string, commit: string, loaded: LoadedPipeline, verdict: VerdictSummary, modelFile: FileDigest): Promise<VerdictSummary> {
  const b = verdict.binding;
  if (!b) {
    return { ...verdict, bound: false, problems: ['the verdict names no sha256 of its model, evaluation data and gate config (hand-written, or from an older `mlpipeline gate`)'] };
  }
  const problems: string[] = [];
  if (b.model.sha256 !== modelFile.sha256) {
    problems.push(`the model changed after it was gated: the verdict judged ${b.model.path} sha256 ${short(b.model.sha256)}, the registered ${modelFile.path} is ${short(modelFile.sha256)}`);
  }
  const atCommit = await pipelineAt(root, commit, loaded);
  const gates = gatesConfigDigest(atCommit.pipeline.gates, atCommit.pipeline.gates_defaults);
  if (b.gates_config.sha256 !== gates.sha256 || b.gates_config.count !== gates.count) {
    problems.push(`the gate config changed after the verdict: it was judged by ${b.gates_config.count} gate(s) (config ${short(b.gates_config.sha256)}), the pipeline declares ${gates.count} (config ${short(gates.sha256)})`);
  }
  // The evaluation config the metrics were computed with must be the registered commit's.
  const config = await bindEvaluationConfig(atCommit.pipeline, atCommit.dir, async (abs) => {
    const rel = relative(root, abs).split(sep).join('/');
    return rel.startsWith('..') ? undefined : (await digestFile(root, commit, rel))?.sha256;
  });
  if (!b.evaluation_config) {
    problems.push('the verdict names no evaluation config (model:, evaluation:) it was computed with (from an older `mlpipeline gate`)');
  } else {
    const diffs = [
      ...(b.evaluation_config.sha256 !== config.sha256 ? configDifferences(b.evaluation_config.config, config.config, ['when evaluated', 'at the registered commit']) : []),
      ...fileDifferences(b.evaluation_config.custom_metric_files, config.custom_metric_files),
    ];
    if (b.evaluation_config.sha256 !== config.sha256 && diffs.length === 0) diffs.push(`config ${short(b.evaluation_config.sha256)} when evaluated, ${short(config.sha256)} at the registered commit`);
    if (diffs.length) problems.push(`the evaluation config changed after the evaluation: ${diffs.join('; ')}`);
  }
  const declared = declaredEvaluationData(atCommit);
  const named = b.evaluation_data ? resolve(loaded.dir, b.evaluation_data.path) : undefined;
  const dataAbs = declared ?? named;
  if (dataAbs) {
    const rel = relative(root, dataAbs).split(sep).join('/');
    const now = rel.startsWith('..') ? undefined : await digestFile(root, commit, rel);
    if (!b.evaluation_data) problems.push(`the verdict names no evaluation data; the pipeline evaluates on ${rel}`);
    else if (declared && named !== declared) problems.push(`the verdict was judged on ${b.evaluation_data.path}, not on the pipeline's evaluation data ${rel}`);
    else if (!now) problems.push(`the evaluation data ${rel} is neither committed nor in the work tree`);
    else if (now.sha256 !== b.evaluation_data.sha256) {
      problems.push(`the evaluation data changed after it was gated: the verdict saw ${rel} sha256 ${short(b.evaluation_data.sha256)}, it is now ${short(now.sha256)}`);
    }
  }
  return { ...verdict, bound: problems.length === 0, ...(problems.length ? { problems } : {}) };
}
