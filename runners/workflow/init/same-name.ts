/**
 * Two pipelines with the same `name:` map to the same workflow files. Left to the ordinary
 * overwrite refusal, the second `init github` would say "replace it with --force", which would
 * silently take the first pipeline's workflows (and its check run) away from it. The run step
 * of an existing generated workflow says which pipeline file it runs, so that case gets its
 * own message.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_PIPELINE_FILE } from './locate.js';
import { runWorkflowPath, type InitWorkflowOptions } from './options.js';

/** Generated workflows are a few kilobytes; anything far larger is not one of ours. */
const MAX_BYTES = 1 << 20;

const pipelinePath = (dir: string, file: string): string => (dir === '.' || dir === '' ? file : `${dir}/${file}`);

/** The pipeline file (repository-relative) the existing run workflow runs, when it can tell. */
export async function pipelineOfExistingWorkflow(root: string, opts: InitWorkflowOptions): Promise<string | undefined> {
  const abs = join(root, ...runWorkflowPath(opts).split('/'));
  let doc: unknown;
  try {
    const st = await lstat(abs);
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    doc = parse(await readFile(abs, 'utf8'));
  } catch {
    return undefined;
  }
  const jobs = (doc as { jobs?: unknown } | null)?.jobs;
  if (!jobs || typeof jobs !== 'object') return undefined;
  for (const job of Object.values(jobs as Record<string, unknown>)) {
    const steps = (job as { steps?: unknown } | null)?.steps;
    if (!Array.isArray(steps)) continue;
    for (const step of steps as { uses?: unknown; with?: Record<string, unknown> }[]) {
      if (typeof step?.uses !== 'string' || !/\/actions\/run@/.test(step.uses)) continue;
      const dir = step.with?.['working-directory'];
      const file = step.with?.['pipeline-file'];
      return pipelinePath(typeof dir === 'string' ? dir : '.', typeof file === 'string' ? file : DEFAULT_PIPELINE_FILE);
    }
  }
  return undefined;
}

/** Refuses (exit 2) when the workflow files of this pipeline's name belong to another pipeline file. */
export async function refuseOtherPipeline(root: string, opts: InitWorkflowOptions, command: string): Promise<void> {
  const theirs = await pipelineOfExistingWorkflow(root, opts);
  const ours = pipelinePath(opts.workingDirectory, opts.pipelineFile);
  if (theirs === undefined || theirs === ours) return;
  throw new UsageError(
    `${runWorkflowPath(opts)} runs the pipeline in ${theirs}, which has the same name as ${ours} ('${opts.pipelineName}'): the workflow files are named after the pipeline's \`name:\`, so the two would share them; nothing was written`,
    {
      location: { file: ours },
      fix: `give ${ours} a name of its own (\`name:\`) and run it again; if you moved the pipeline from ${theirs}, replace its workflows with \`${command} --force\``,
    },
  );
}
