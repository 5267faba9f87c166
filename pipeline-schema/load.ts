/**
 * Load mlpipeline.yaml: read (at most 1 MiB), parse YAML keeping positions, validate against
 * mlpipeline.schema.json, normalise (`run` → `cmd`, env values → strings), then semantic checks.
 * Every problem found is collected and thrown as one ConfigError whose problems each carry
 * `file:line:col`, so users fix everything in one go.
 *
 * The `file` in problems is the path relative to the current directory (`mlpipeline.yaml`,
 * `examples/churn/mlpipeline.yaml`, `../other/mlpipeline.yaml`; core/paths.ts displayPath).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ConfigError, type ConfigProblem } from '../core/errors.js';
import { repoRoot } from '../core/git.js';
import { displayPath } from '../core/paths.js';
import { findRepoRootSync, pathChecker } from './paths.js';
import { pointer, type PendingProblem } from './problems.js';
import { schemaProblems } from './schema-errors.js';
import { semanticProblems } from './semantics.js';
import type { LoadedPipeline, Pipeline } from './types.js';
import { pipelineSchema, pipelineValidator } from './validator.js';
import { parseYaml, type SourceIndex } from './yaml-source.js';

/** Larger than any real pipeline; refusing early keeps a stray data file from being parsed as config. */
export const MAX_PIPELINE_BYTES = 1024 * 1024;

export interface LoadOptions {
  /** Directory paths in messages are shown relative to; default process.cwd(). */
  cwd?: string;
  /** Repository root paths must stay inside; default: git's top level of the pipeline's folder, else that folder. */
  repoRoot?: string;
}

/** Load, validate and type `mlpipeline.yaml`. Throws ConfigError listing every problem. */
export async function loadPipelineFile(file: string, opts: LoadOptions = {}): Promise<LoadedPipeline> {
  const { loaded, problems } = await checkPipelineFile(file, opts);
  if (problems.length > 0 || !loaded) throw new ConfigError(problems);
  return loaded;
}

/**
 * What `validate` needs to report everything at once: the problems, and the pipeline as loaded
 * when its shape is valid (only semantic problems), so checks on disk can still run on it.
 * Unreadable or unparsable files still throw.
 */
export interface PipelineFileCheck {
  loaded?: LoadedPipeline;
  problems: ConfigProblem[];
}

export async function checkPipelineFile(file: string, opts: LoadOptions = {}): Promise<PipelineFileCheck> {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, file);
  const shown = displayPath(abs, cwd);
  let text: string;
  try {
    const st = await stat(abs);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (st.size > MAX_PIPELINE_BYTES) throw tooLarge(shown, st.size);
    text = await readFile(abs, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([
      {
        location: { file: shown },
        message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a pipeline file' : `cannot read the file: ${(e as Error).message}`,
        fix: 'pass the path of mlpipeline.yaml with --file',
      },
    ]);
  }
  const root = opts.repoRoot ?? (await repoRoot(dirname(abs)).catch(() => undefined)) ?? dirname(abs);
  return checkPipelineText(text, abs, { ...opts, cwd, repoRoot: root });
}

function tooLarge(file: string, bytes: number): ConfigError {
  return new ConfigError([
    {
      location: { file, line: 1, column: 1 },
      message: `the file is ${bytes} bytes; a pipeline file may be at most ${MAX_PIPELINE_BYTES} bytes (1 MiB)`,
      fix: 'check that --file names mlpipeline.yaml and not a data file; keep large lists in data or params files',
    },
  ]);
}

/** Validate pipeline text as if read from `file` (used by loadPipelineFile and by tests). */
export function loadPipelineText(text: string, file: string, opts: LoadOptions = {}): LoadedPipeline {
  const { loaded, problems } = checkPipelineText(text, file, opts);
  if (problems.length > 0 || !loaded) throw new ConfigError(problems);
  return loaded;
}

function checkPipelineText(text: string, file: string, opts: LoadOptions = {}): PipelineFileCheck {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, file);
  const dir = dirname(abs);
  const shown = displayPath(abs, cwd);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PIPELINE_BYTES) throw tooLarge(shown, bytes);

  const parsed = parseYaml(text);
  const { index } = parsed;
  const fail = (problems: PendingProblem[]): never => {
    throw new ConfigError(resolveProblems(problems, index, shown));
  };
  if (parsed.problems.length > 0) fail(parsed.problems);

  const value = parsed.value;
  if (value === null || value === undefined) {
    fail([{ offset: 0, message: 'the pipeline file is empty', fix: 'start with `version: 1` and `name: ...`; run `mlpipeline schema` to see every key' }]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail([
      {
        pointer: '',
        message: `the top level must be a mapping (key: value), got ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`,
        fix: 'start with `version: 1` and `name: ...` at the left margin, without a leading `-`',
      },
    ]);
  }
  const doc = value as Record<string, unknown>;

  const problems: PendingProblem[] = [];
  const validate = pipelineValidator();
  const shapeOk = validate(doc);
  if (!shapeOk) problems.push(...schemaProblems(validate.errors ?? [], doc, pipelineSchema()));

  normalise(doc, index);

  const root = opts.repoRoot ?? findRepoRootSync(dir) ?? dir;
  problems.push(...semanticProblems({ doc, paths: pathChecker(dir, root), pipelineFileName: basename(abs) }));

  const loaded: LoadedPipeline = {
    pipeline: doc as unknown as Pipeline,
    file: abs,
    displayFile: shown,
    dir,
    locate: (ptr: string) => index.locate(ptr),
  };
  return { ...(shapeOk ? { loaded } : {}), problems: resolveProblems(problems, index, shown) };
}

/** `run` → `cmd` (keeping positions under both names) and env values → strings. */
function normalise(doc: Record<string, unknown>, index: SourceIndex): void {
  const stages = doc.stages;
  if (!stages || typeof stages !== 'object' || Array.isArray(stages)) return;
  for (const [name, s] of Object.entries(stages as Record<string, unknown>)) {
    if (!s || typeof s !== 'object' || Array.isArray(s)) continue;
    const stage = s as Record<string, unknown>;
    if ('run' in stage && !('cmd' in stage)) {
      // Rebuild so `cmd` keeps the place `run` had (key order is what users see in dumps).
      const entries = Object.entries(stage).map(([k, v]) => [k === 'run' ? 'cmd' : k, v] as const);
      for (const k of Object.keys(stage)) delete stage[k];
      for (const [k, v] of entries) stage[k] = v;
      index.alias(pointer('stages', name, 'run'), pointer('stages', name, 'cmd'));
    }
    const env = stage.env;
    if (env && typeof env === 'object' && !Array.isArray(env)) {
      for (const [k, v] of Object.entries(env)) if (typeof v === 'number' || typeof v === 'boolean') (env as Record<string, unknown>)[k] = String(v);
    }
  }
}

function resolveProblems(problems: PendingProblem[], index: SourceIndex, file: string): ConfigProblem[] {
  const placed = problems.map((p) => {
    let offset = p.offset ?? index.offset(p.pointer ?? '', p.at ?? 'value');
    if (p.within !== undefined && p.pointer !== undefined) offset = index.offsetWithin(p.pointer, p.within) ?? offset;
    return { p, offset };
  });
  // Sorted by position so the output reads top to bottom; stable for problems at one spot.
  placed.sort((a, b) => a.offset - b.offset);
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const { p, offset } of placed) {
    const { line, column } = index.position(offset);
    const key = `${line}:${column}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ location: { file, line, column }, message: p.message, fix: p.fix });
  }
  return out;
}
