/**
 * What `mlpipeline validate` and the run action check before anything runs: the file itself
 * (YAML, schema, semantics) and what run, status and evaluate would stop at on disk (params,
 * deps, dataset paths), found at once so one validation shows every problem. Throws a
 * ConfigError listing them (file:line:col + fix, top to bottom); returns the loaded pipeline and
 * the warnings otherwise.
 */
import { ConfigError, type ConfigProblem } from '../../core/errors.js';
import { checkPipelineFile, type LoadOptions } from '../../pipeline-schema/load.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { preflight } from '../stages/preflight.js';

export interface ValidatedPipeline {
  loaded: LoadedPipeline;
  warnings: ConfigProblem[];
}

export async function validatePipelineFile(file: string, opts: LoadOptions = {}): Promise<ValidatedPipeline> {
  const { loaded, problems } = await checkPipelineFile(file, opts);
  let warnings: ConfigProblem[] = [];
  if (loaded) {
    try {
      const found = await preflight(loaded);
      // One message per spot: a path the loader already rejected (escapes the repository) is not also "missing".
      const flagged = new Set(problems.map((p) => `${p.location.file}:${p.location.line}`));
      problems.push(...found.errors.filter((p) => !flagged.has(`${p.location.file}:${p.location.line}`)));
      warnings = found.warnings;
    } catch (e) {
      // The stage graph could not be built: the loader has already said why (a cycle, shared outs).
      if (!(e instanceof ConfigError)) throw e;
      if (problems.length === 0) problems.push(...e.problems);
    }
  }
  if (problems.length > 0 || !loaded) throw new ConfigError(sortProblems(problems));
  return { loaded, warnings };
}

/** Top to bottom, then by column; problems without a line (another file) last. */
function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const key = (p: ConfigProblem) => [p.location.line ?? Infinity, p.location.column ?? 0] as const;
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => key(a.p)[0] - key(b.p)[0] || key(a.p)[1] - key(b.p)[1] || a.i - b.i)
    .map(({ p }) => p);
}
