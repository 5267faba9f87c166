/** Where the engine keeps things, relative to the pipeline folder. */
import { join } from 'node:path';
import { LOCK_FILE_NAME } from './lock-file.js';

export interface StatePaths {
  /** `.mlpipeline/`: local state, gitignored. */
  stateDir: string;
  cacheDir: string;
  hashesFile: string;
  runFile: string;
  /** `mlpipeline.lock` beside mlpipeline.yaml: committed. */
  lockFile: string;
}

export function statePaths(pipelineDir: string): StatePaths {
  const stateDir = join(pipelineDir, '.mlpipeline');
  return {
    stateDir,
    cacheDir: join(stateDir, 'cache'),
    hashesFile: join(stateDir, 'hashes.json'),
    runFile: join(stateDir, 'run.json'),
    lockFile: join(pipelineDir, LOCK_FILE_NAME),
  };
}
