import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { loadPipelineFile } from '../pipeline-schema/load.js';
import type { LoadedPipeline } from '../pipeline-schema/types.js';
import type { CliContext } from './context.js';

export const PIPELINE_FILE_NAME = 'mlpipeline.yaml';

/** `-f/--file` or ./mlpipeline.yaml. */
export function pipelinePath(ctx: CliContext, file?: string): string {
  const path = resolve(ctx.cwd, file ?? PIPELINE_FILE_NAME);
  if (!existsSync(path)) {
    throw new UsageError(`no pipeline file at ${path}`, {
      fix: file
        ? 'check the path given to --file'
        : `run mlpipeline in the folder that holds ${PIPELINE_FILE_NAME}, or pass --file PATH`,
    });
  }
  return path;
}

export function loadPipelineForCli(ctx: CliContext, file?: string): Promise<LoadedPipeline> {
  return loadPipelineFile(pipelinePath(ctx, file), { cwd: ctx.cwd });
}
