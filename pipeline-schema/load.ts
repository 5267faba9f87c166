// PROVISIONAL: the language capability replaces this body (YAML with positions, Ajv, semantic
// checks); the exported signatures stay.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { LoadedPipeline, Pipeline } from './types.js';

/** Load, validate and type `mlpipeline.yaml`. Throws ConfigError listing every problem. */
export async function loadPipelineFile(file: string): Promise<LoadedPipeline> {
  const abs = resolve(file);
  const text = await readFile(abs, 'utf8');
  return loadPipelineText(text, abs);
}

export function loadPipelineText(text: string, file: string): LoadedPipeline {
  const pipeline = parse(text) as Pipeline;
  return { pipeline, file, dir: dirname(file), locate: () => undefined };
}
