/** Terminal text for `mlpipeline validate` on a pipeline that loaded (problems are errors, printed as such). */
import type { PipelineCheck } from '../pipeline-schema/check.js';

export function renderPipelineCheckText(check: PipelineCheck): string {
  if (!check.ok) return check.problems.map((p) => `${p.file}${p.line !== null ? `:${p.line}${p.column !== null ? `:${p.column}` : ''}` : ''}: ${p.message}\n${p.fix ? `  fix: ${p.fix}\n` : ''}`).join('');
  const { stages, datasets, environments } = check;
  return [
    `${check.file}: OK — pipeline '${check.pipeline}'`,
    `  stages (${stages.length}${stages.length > 1 ? ', in dependency order' : ''}): ${stages.join(' → ') || '-'}`,
    `  datasets (${datasets.length}): ${datasets.join(', ') || '-'}`,
    `  gates: ${check.gates}`,
    `  environments (${environments.length}): ${environments.join(', ') || '-'}`,
  ].join('\n') + '\n';
}
