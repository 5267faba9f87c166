/**
 * One version of the pipeline file (the PR's work tree, or the base branch's blob), parsed the
 * way the loader parses it (positions kept, alias bombs refused, at most MAX_PIPELINE_BYTES) and
 * validated against mlpipeline.schema.json. The rules read only declared structure (gates, stage
 * deps and params, the model card), so the loader's checks against files on disk are not run:
 * the base's files are not in the work tree.
 */
import { MAX_PIPELINE_BYTES } from '../pipeline-schema/load.js';
import type { Pipeline } from '../pipeline-schema/types.js';
import { pipelineValidator } from '../pipeline-schema/validator.js';
import { parseYaml } from '../pipeline-schema/yaml-source.js';

export type PipelineVersion =
  | { ok: true; pipeline: Pipeline; line: (pointer: string) => number | undefined }
  | { ok: false; problem: string };

export function readPipelineVersion(text: string): PipelineVersion {
  if (Buffer.byteLength(text, 'utf8') > MAX_PIPELINE_BYTES) return { ok: false, problem: `it is larger than ${MAX_PIPELINE_BYTES} bytes` };
  const parsed = parseYaml(text);
  if (parsed.problems.length) return { ok: false, problem: parsed.problems[0]!.message };
  const value = parsed.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'the top level is not a mapping' };
  const validate = pipelineValidator();
  if (!validate(value)) {
    const e = validate.errors?.[0];
    return { ok: false, problem: `it does not match mlpipeline.schema.json${e ? ` (${e.instancePath || '/'} ${e.message ?? 'is invalid'})` : ''}` };
  }
  return { ok: true, pipeline: value as Pipeline, line: (ptr) => parsed.index.locate(ptr)?.line };
}
