/**
 * Check-run annotations (report.json `annotations`), computed here because only here are the
 * sources known: the pipeline file's YAML positions and the data file's lines. A reviewer sees
 * each problem on its exact line of the PR's diff:
 *   - a failed gate on the gate's line in mlpipeline.yaml (a failed `severity: warn` gate as a
 *     warning, a skipped gate as a notice);
 *   - a failed data check on the data file's lines of its examples (when the format has lines;
 *     else on the column's check in mlpipeline.yaml);
 *   - config problems on mlpipeline.yaml's lines: a failed stage, and what `validate` would say
 *     about deps and params on disk (preflight).
 * Paths are repository-relative POSIX; anything outside the repository is left out (GitHub
 * could not place it, and a report must never name a path it cannot vouch for).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ConfigProblem } from '../../core/errors.js';
import { escapePointerToken } from '../../pipeline-schema/problems.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { gateResultNames } from '../gates/gates.js';
import type { ReportAnnotation, ReportInputs } from './documents.js';

export type { ReportAnnotation } from './documents.js';


/** More would bury the PR's diff; the summary holds the rest. */
export const MAX_ANNOTATIONS = 500;
const MAX_TEXT = 1000;

const clip = (s: string, n = MAX_TEXT) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/** `abs` as a repository-relative POSIX path, or undefined when it is outside `root`. */
export function repoPath(root: string, abs: string): string | undefined {
  const rel = relative(root, abs);
  if (rel === '' || isAbsolute(rel) || rel === '..' || rel.startsWith('..' + sep)) return undefined;
  const posix = rel.split(sep).join('/');
  // The schema's rule (report.schema.json annotations.path), applied before it is written.
  return /[\u0000-\u001f\u007f\\]/.test(posix) || posix.split('/').some((p) => p === '..' || p === '.' || p === '') ? undefined : posix;
}

function value(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === null || v === undefined ? 'null' : String(v as number);
  return clip(s, 80);
}

export interface AnnotationSources {
  loaded: LoadedPipeline;
  /** The repository root (absolute). */
  root: string;
  /** What `validate` found on disk (runners/stages/preflight.ts), when it could be computed. */
  preflight?: { errors: ConfigProblem[]; warnings: ConfigProblem[] };
}

export function computeAnnotations(inputs: ReportInputs, src: AnnotationSources): ReportAnnotation[] {
  const out: ReportAnnotation[] = [];
  const pipelinePath = repoPath(src.root, src.loaded.file);
  const at = (pointer: string): { line: number; column: number } | undefined => src.loaded.locate(pointer);
  const onPipeline = (pointer: string, a: Omit<ReportAnnotation, 'path' | 'start_line' | 'end_line'>) => {
    const pos = at(pointer) ?? at('');
    if (!pipelinePath || !pos) return;
    out.push({ path: pipelinePath, start_line: pos.line, end_line: pos.line, ...a, title: clip(a.title, 255), message: clip(a.message) });
  };

  // Gates: each result back to its gate in mlpipeline.yaml by the name evaluateGate gives it.
  const gates = src.loaded.pipeline.gates ?? [];
  const names = gates.map((g) => gateResultNames(g));
  const used = new Set<string>();
  for (const r of inputs.verdict?.gates ?? []) {
    if (r.status === 'passed') continue;
    let index = -1;
    for (let i = 0; i < names.length && index < 0; i++) {
      const k = names[i]!.indexOf(r.name);
      if (k >= 0 && !used.has(`${i}/${k}`)) {
        used.add(`${i}/${k}`);
        index = i;
      }
    }
    const level = r.status === 'skipped' ? 'notice' : r.severity === 'warn' ? 'warning' : 'failure';
    const what = r.status === 'skipped' ? 'gate skipped' : r.severity === 'warn' ? 'gate failed (warning)' : 'gate failed';
    onPipeline(index >= 0 ? `/gates/${index}` : '/gates', { level, title: `${what}: ${r.name}`, message: r.reason || `${r.metric} ${r.status}` });
  }

  // Data checks: the examples' lines in the data file (CSV, JSONL); else the check's spec.
  const validation = inputs.validation;
  if (validation) {
    const dataPath = validation.data.ref ? undefined : repoPath(src.root, resolve(src.loaded.dir, validation.data.path));
    for (const c of validation.checks) {
      if (c.passed) continue;
      const level = c.severity === 'warn' ? 'warning' : 'failure';
      const subject = c.column === null ? 'table' : `column ${JSON.stringify(c.column)}`;
      const title = `data check failed: ${c.column === null ? '' : `${c.column} `}${c.check}`;
      const summary = `${subject}: ${c.check} expected ${c.expected}; ${c.failed_count} row${c.failed_count === 1 ? '' : 's'} failed`;
      const lines = c.examples.filter((e) => typeof e.line === 'number' && e.line > 0);
      if (dataPath && lines.length > 0) {
        for (const e of lines) {
          out.push({ path: dataPath, start_line: e.line!, end_line: e.line!, level, title: clip(title, 255), message: clip(`${summary} (row ${e.row}: ${value(e.value)})`) });
        }
      } else {
        const pointer = c.column === null ? '/validation' : `/validation/columns/${escapePointerToken(c.column)}`;
        onPipeline(at(pointer) ? pointer : '/validation', { level, title, message: `${summary}${dataPath ? '' : ` in ${validation.data.path}`}` });
      }
    }
  }

  // Config problems: a failed stage on its stage, preflight findings on their lines.
  for (const s of inputs.run?.stages ?? []) {
    if (s.status !== 'failed') continue;
    const base = s.name.replace(/@.*$/, '');
    const pointer = `/stages/${escapePointerToken(src.loaded.pipeline.stages?.[s.name] ? s.name : base)}`;
    onPipeline(pointer, { level: 'failure', title: `stage failed: ${s.name}`, message: s.reason ?? 'the stage failed' });
  }
  const shown = src.loaded.displayFile ?? src.loaded.file;
  const problem = (p: ConfigProblem, level: ReportAnnotation['level']) => {
    if (p.location.file !== shown || !pipelinePath || !p.location.line) return;
    const column = p.location.column;
    out.push({
      path: pipelinePath,
      start_line: p.location.line,
      end_line: p.location.line,
      ...(column ? { start_column: column, end_column: column } : {}),
      level,
      title: level === 'failure' ? 'mlpipeline.yaml problem' : 'mlpipeline.yaml warning',
      message: clip(p.fix ? `${p.message} (fix: ${p.fix})` : p.message),
    });
  };
  for (const p of src.preflight?.errors ?? []) problem(p, 'failure');
  for (const p of src.preflight?.warnings ?? []) problem(p, 'warning');

  // Failures first, so the cap keeps what matters most.
  const rank = { failure: 0, warning: 1, notice: 2 } as const;
  return out
    .map((a, i) => ({ a, i }))
    .sort((x, y) => rank[x.a.level] - rank[y.a.level] || x.i - y.i)
    .slice(0, MAX_ANNOTATIONS)
    .map((x) => x.a);
}
