/**
 * Rule `freshResults`: a PR that changes data, params or training code must carry mlpipeline
 * results that describe it. Fresh means bound by content, not by trust in a name: the run
 * record's pipeline file digest is that of the PR's pipeline file, every dep it recorded still
 * hashes the same, every param it recorded still has the same value, and a changed file no
 * recorded dep covers (an extra `paths` glob) is vouched for only by a clean run at the PR's
 * head commit.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import type { RunRecord } from '../../pipeline-schema/types.js';
import { codeSpan, escapeMarkdown } from '../../reports/markdown.js';
import type { Finding } from '../findings.js';

export type ChangeKind = 'pipeline' | 'params' | 'data' | 'training code';

export interface WatchedPath {
  /** Repository-relative, POSIX. */
  path: string;
  kind: ChangeKind;
}

export interface FreshResultsInput {
  /** Changed files (created, modified, deleted), repository-relative, with what each is to the pipeline; only the watched ones. */
  changed: WatchedPath[];
  /** Where the results were read from, as shown to the reader. */
  resultsDir: string;
  run: RunRecord | undefined;
  /** Result documents found but not used, and why. */
  problems: { document: string; problem: string }[];
  /** Repository-relative path of the pipeline file. */
  pipelineFile: string;
  /** The pipeline folder, repository-relative ('' at the root): recorded deps are relative to it. */
  pipelineDir: string;
  current: {
    /** sha256 of the pipeline file in the work tree; null when it is gone. */
    pipelineSha256: string | null;
    headCommit: string | null;
    /** Per run stage, per recorded dep (as recorded): its hash now, null when it is gone. */
    deps: Record<string, Record<string, string | null>>;
    /** Per run stage, per recorded param ref: its value now as canonical JSON, null when it no longer resolves. */
    params: Record<string, Record<string, string | null>>;
  };
}

const LISTED = 10;

function list(paths: string[]): string {
  const shown = paths.slice(0, LISTED).map(codeSpan).join(', ');
  return paths.length > LISTED ? `${shown} and ${paths.length - LISTED} more` : shown;
}

function joinPath(dir: string, rel: string): string {
  return dir ? `${dir}/${rel}` : rel;
}

function covers(dep: string, file: string): boolean {
  return file === dep || file.startsWith(dep.endsWith('/') ? dep : `${dep}/`);
}

/** Why the run record does not describe the PR's files; empty when it does. */
export function staleness(input: FreshResultsInput, run: RunRecord): string[] {
  const out: string[] = [];
  const { current } = input;
  if (run.pipeline.path !== input.pipelineFile) out.push(`the run is of ${codeSpan(run.pipeline.path)}, not ${codeSpan(input.pipelineFile)}`);
  if (current.pipelineSha256 === null) out.push('the pipeline file is gone');
  else if (run.pipeline.sha256 !== current.pipelineSha256) out.push(`the run read a different ${codeSpan(run.pipeline.path)} (sha256 ${codeSpan(run.pipeline.sha256.slice(0, 12))}, the PR has ${codeSpan(current.pipelineSha256.slice(0, 12))})`);
  for (const stage of run.stages) {
    for (const [dep, recorded] of Object.entries(stage.deps)) {
      const now = current.deps[stage.name]?.[dep];
      if (now === undefined) continue;
      if (now === null) out.push(`stage ${codeSpan(stage.name)}: dep ${codeSpan(dep)} is gone`);
      else if (now !== recorded) out.push(`stage ${codeSpan(stage.name)}: dep ${codeSpan(dep)} changed since the run`);
    }
    for (const [ref, recorded] of Object.entries(stage.params)) {
      const now = current.params[stage.name]?.[ref];
      if (now === undefined) continue;
      if (now === null) out.push(`stage ${codeSpan(stage.name)}: param ${codeSpan(ref)} no longer resolves`);
      else if (now !== canonicalJson(recorded)) out.push(`stage ${codeSpan(stage.name)}: param ${codeSpan(ref)} changed since the run`);
    }
  }
  const recordedDeps = run.stages.flatMap((s) => Object.keys(s.deps).map((d) => joinPath(input.pipelineDir, d)));
  // The pipeline file and params files are checked by content above; other changes need a recorded dep or a clean run at HEAD.
  const uncovered = input.changed.filter((c) => c.kind !== 'pipeline' && c.kind !== 'params' && !recordedDeps.some((d) => covers(d, c.path)));
  const atHead = current.headCommit !== null && run.git.commit === current.headCommit && !run.git.dirty;
  if (uncovered.length && !atHead) {
    out.push(`${list(uncovered.map((c) => c.path))} ${uncovered.length === 1 ? 'is' : 'are'} not a dep the run recorded, and the run is not a clean run of HEAD`);
  }
  return out;
}

export function freshResults(input: FreshResultsInput): Finding[] {
  if (input.changed.length === 0) return [];
  const kinds = [...new Set(input.changed.map((c) => c.kind))].sort();
  const what = `This PR changes ${kinds.map(escapeMarkdown).join(', ')} (${list(input.changed.map((c) => c.path))})`;
  const fix = 'run `mlpipeline run` (or the mlpipeline run action) on this commit and pass its results folder to the plugin';
  const fail = (why: string): Finding[] => [{ rule: 'freshResults', level: 'fail', text: `${what} but carries no fresh mlpipeline results: ${why}. Fix: ${fix}.` }];
  const run = input.run;
  if (!run) {
    const refused = input.problems.find((p) => p.document === 'run.json');
    return fail(refused ? `${codeSpan('run.json')} in ${codeSpan(input.resultsDir)} is not used: ${escapeMarkdown(refused.problem)}` : `there is no ${codeSpan('run.json')} in ${codeSpan(input.resultsDir)}`);
  }
  if (run.status === 'running' || run.status === 'interrupted') return fail(`the run recorded in ${codeSpan(input.resultsDir)} did not finish (status ${codeSpan(run.status)})`);
  const stale = staleness(input, run);
  if (stale.length) return fail(`the results in ${codeSpan(input.resultsDir)} are stale: ${stale.slice(0, LISTED).join('; ')}${stale.length > LISTED ? `; and ${stale.length - LISTED} more` : ''}`);
  return [];
}
