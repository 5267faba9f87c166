/**
 * The report of a pipeline file that does not load: nothing ran, and the reviewer should see why
 * on the lines of mlpipeline.yaml. `actions/run` (and anyone who wants a report.json for a
 * refused pipeline) builds the report from the ConfigError's problems: the pipeline name as far
 * as the text tells it, the problems listed, and one failure annotation per problem that has a
 * line in the pipeline file.
 */
import { basename, extname } from 'node:path';
import { formatLocation, type ConfigProblem } from '../../core/errors.js';
import type { Pipeline } from '../../pipeline-schema/types.js';
import { repoPath } from './annotations.js';
import type { ReportAnnotation, ReportInputs } from './documents.js';

export interface InvalidPipeline {
  /** Absolute path of the pipeline file. */
  file: string;
  /** How the problems name it (ConfigProblem.location.file): LoadedPipeline.displayFile. */
  shown: string;
  /** The repository root (absolute). */
  root: string;
  /** The file's text, to find its `name:` (the comment's marker and the check run's name). */
  text?: string;
  problems: ConfigProblem[];
}

/** `name: churn` at the top level, as plain text (the YAML did not load). */
function nameOf(text: string | undefined, file: string): string {
  const m = /^name:[ \t]*(["']?)([A-Za-z0-9][A-Za-z0-9._-]{0,99})\1[ \t]*(#.*)?$/m.exec(text ?? '');
  // Within report.schema.json's name rule (the marker and the check run's name), whatever the file is called.
  return m?.[2] ?? (basename(file, extname(file)).replace(/[\u0000-\u001f]/g, '_').slice(0, 100) || 'pipeline');
}

export function invalidPipelineInputs(p: InvalidPipeline): ReportInputs {
  const path = repoPath(p.root, p.file);
  const annotations: ReportAnnotation[] = [];
  for (const problem of p.problems) {
    const line = problem.location.line;
    if (!path || problem.location.file !== p.shown || !line) continue;
    const column = problem.location.column;
    annotations.push({
      path,
      start_line: line,
      end_line: line,
      ...(column ? { start_column: column, end_column: column } : {}),
      level: 'failure',
      title: 'mlpipeline.yaml is invalid',
      message: (problem.fix ? `${problem.message} (fix: ${problem.fix})` : problem.message).slice(0, 1000),
    });
  }
  const listed = p.problems.slice(0, 3).map((x) => `${formatLocation(x.location)}: ${x.message}`);
  const more = p.problems.length > 3 ? `; and ${p.problems.length - 3} more` : '';
  return {
    pipeline: { version: 1, name: nameOf(p.text, p.file) } as Pipeline,
    ...(path ? { pipeline_file: path } : {}),
    problems: [{ document: path ?? p.shown, problem: `is invalid, so nothing ran: ${listed.join('; ')}${more}` }],
    annotations: annotations.slice(0, 500),
  };
}
