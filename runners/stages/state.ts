/** Where the engine keeps things: see core/state-paths.ts, the one mapping from a pipeline file to its state. */
import { pipelineStatePaths, type PipelineStatePaths } from '../../core/state-paths.js';

export type StatePaths = PipelineStatePaths;

/** State paths of the pipeline `pipelineFile` (default mlpipeline.yaml) in `pipelineDir`. */
export function statePaths(pipelineDir: string, pipelineFile?: string): StatePaths {
  return pipelineStatePaths(pipelineDir, pipelineFile);
}
