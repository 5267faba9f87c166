/**
 * Where a pipeline keeps its state, in ONE place. Several pipelines may share a folder
 * (`mlpipeline run -f other.yaml`): each gets its own lock file and results, while the
 * content-addressed cache, the hash cache and the workspace run lock stay shared by the folder.
 *
 *   mlpipeline.yaml  → mlpipeline.lock, results in .mlpipeline/
 *   <stem>.yaml      → <stem>.lock,     results in .mlpipeline/pipelines/<stem>/
 *
 * (DVC's convention for the lock beside the pipeline file.)
 */
import { basename, join, resolve } from 'node:path';

export const DEFAULT_PIPELINE_FILE = 'mlpipeline.yaml';
export const STATE_DIR_NAME = '.mlpipeline';
/** The workspace lock: one `mlpipeline run` per folder at a time. */
export const RUN_LOCK_NAME = 'run.lock';

export interface PipelineStatePaths {
  /** Absolute path of the pipeline file. */
  pipelineFile: string;
  /** The pipeline file's name without `.yaml`/`.yml`. */
  stem: string;
  /** `.mlpipeline/`: local state of the folder, gitignored, shared by its pipelines. */
  stateDir: string;
  /** Content-addressed cache, shared. */
  cacheDir: string;
  /** Hash cache (an accelerator keyed by path and stat), shared. */
  hashesFile: string;
  /** Workspace lock file, shared: held by the one run in progress. */
  runLock: string;
  /** Where this pipeline's result documents go (run.json, …). */
  resultsDir: string;
  /** This pipeline's run record. */
  runFile: string;
  /** This pipeline's committed lock file, beside the pipeline file. */
  lockFile: string;
}

/** `mlpipeline` for `mlpipeline.yaml`, `train` for `train.yml`, the name itself without such an extension. */
export function pipelineStem(pipelineFile: string): string {
  return basename(pipelineFile).replace(/\.ya?ml$/i, '');
}

/** `mlpipeline.lock` for `mlpipeline.yaml`, `<stem>.lock` for `<stem>.yaml`. */
export function lockFileName(pipelineFile: string): string {
  return `${pipelineStem(pipelineFile)}.lock`;
}

/** The results folder relative to the pipeline folder, POSIX form: `.mlpipeline` or `.mlpipeline/pipelines/<stem>`. */
export function resultsDirName(pipelineFile: string): string {
  const stem = pipelineStem(pipelineFile);
  return stem === 'mlpipeline' ? STATE_DIR_NAME : `${STATE_DIR_NAME}/pipelines/${stem}`;
}

/**
 * Every state path of the pipeline in `pipelineFile` (absolute, or relative to `dir`), where
 * `dir` is the pipeline's folder (its workspace).
 */
export function pipelineStatePaths(dir: string, pipelineFile: string = DEFAULT_PIPELINE_FILE): PipelineStatePaths {
  const file = resolve(dir, pipelineFile);
  const stateDir = join(dir, STATE_DIR_NAME);
  const resultsDir = join(dir, ...resultsDirName(file).split('/'));
  return {
    pipelineFile: file,
    stem: pipelineStem(file),
    stateDir,
    cacheDir: join(stateDir, 'cache'),
    hashesFile: join(stateDir, 'hashes.json'),
    runLock: join(stateDir, RUN_LOCK_NAME),
    resultsDir,
    runFile: join(resultsDir, 'run.json'),
    lockFile: join(dir, lockFileName(file)),
  };
}

/** Where result document `name` (e.g. `verdict.json`) of the pipeline in `pipelineFile` goes. */
export function resultDocumentPath(dir: string, pipelineFile: string, name: string): string {
  return join(pipelineStatePaths(dir, pipelineFile).resultsDir, name);
}
