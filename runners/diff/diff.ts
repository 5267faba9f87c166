/**
 * Compare params or metrics files between two sides (git refs or the workspace): flatten each
 * file to dotted keys and report what was added, removed or changed, with the numeric change.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Pipeline } from '../../pipeline-schema/types.js';
import { metricsFiles, paramsFiles } from './files.js';
import { flattenDotted, type FlatValue } from '../../core/dotted-keys.js';
import { displayPath } from '../../core/paths.js';
import { parseDataFile } from './parse-file.js';
import { openSides, type Side } from './sources.js';

export type DiffKind = 'params' | 'metrics';
export type RowStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffRow {
  /** The file, relative to the folder the command ran in, with `/` separators. */
  file: string;
  key: string;
  /** null when the key (or the whole file) is missing on that side. */
  a: FlatValue;
  b: FlatValue;
  /** b − a when both are numbers, else null. */
  change: number | null;
  /** 100·(b − a)/|a| when both are numbers and a ≠ 0, else null. */
  pct: number | null;
  status: RowStatus;
}

/** The `--json` document of `params diff` / `metrics diff`. */
export interface DiffDocument {
  kind: DiffKind;
  /** The side names as given (`HEAD`, `workspace`, a branch, tag or sha). */
  a: string;
  b: string;
  rows: DiffRow[];
}

export interface DiffOptions {
  kind: DiffKind;
  /** Where the command runs: paths in rows are shown relative to it, and git is asked from here. */
  cwd: string;
  a: string;
  b: string;
  /**
   * The pipeline whose params or metrics files are compared. Its files are taken from the
   * workspace copy and from the copy at each ref side, so a file renamed between the two sides
   * shows up as removed and added rather than silently missing.
   */
  pipeline?: { file: string; pipeline: Pipeline };
  /** Further files to compare (absolute paths). */
  files?: string[];
  /** Keep unchanged rows too. */
  all?: boolean;
}

export async function diffFiles(opts: DiffOptions): Promise<DiffDocument> {
  const [sideA, sideB] = await openSides(opts.cwd, [opts.a, opts.b]);
  const files = [...(opts.pipeline ? await pipelineFiles(opts.kind, opts.pipeline, [sideA, sideB]) : []), ...(opts.files ?? [])];
  const rows: DiffRow[] = [];
  for (const abs of [...new Set(files)]) {
    const display = displayPath(abs, opts.cwd);
    const [a, b] = await Promise.all([load(sideA, abs, display, opts.kind), load(sideB, abs, display, opts.kind)]);
    rows.push(...diffFlat(display, a, b, opts.all ?? false));
  }
  return { kind: opts.kind, a: opts.a, b: opts.b, rows };
}

/** The files the pipeline names, as absolute paths, over the workspace copy and each ref side's copy. */
async function pipelineFiles(kind: DiffKind, loaded: { file: string; pipeline: Pipeline }, sides: Side[]): Promise<string[]> {
  const dir = dirname(loaded.file);
  const pick = (p: Pipeline) => (kind === 'params' ? paramsFiles(p) : metricsFiles(p));
  const files = pick(loaded.pipeline);
  for (const side of sides) {
    if (side.commit === undefined) continue;
    const atRef = await side.read(loaded.file, loaded.file).catch(() => undefined);
    if (!atRef) continue;
    try {
      const p = parseYaml(atRef.text, { maxAliasCount: 100 }) as Pipeline | null;
      // Unvalidated: keep only plain relative paths that stay inside the pipeline's folder tree.
      if (p && typeof p === 'object') files.push(...pick(p).filter(isPlainRelative));
    } catch {
      // An older pipeline file that no longer parses contributes no files; the workspace copy still does.
    }
  }
  return [...new Set(files)].map((f) => resolve(dir, f));
}

function isPlainRelative(path: string): boolean {
  return path !== '' && !isAbsolute(path) && !path.split(/[\\/]/).includes('..');
}

async function load(side: Side, abs: string, display: string, kind: DiffKind): Promise<Map<string, FlatValue> | undefined> {
  const file = await side.read(abs, display);
  return file ? flattenDotted(parseDataFile(file.text, file.label, kind)) : undefined;
}

/** Rows for one file. Keys keep B's order (the newer side, usually), then keys only A has. */
export function diffFlat(
  file: string,
  a: Map<string, FlatValue> | undefined,
  b: Map<string, FlatValue> | undefined,
  all: boolean,
): DiffRow[] {
  const mapA = a ?? new Map<string, FlatValue>();
  const mapB = b ?? new Map<string, FlatValue>();
  const keys = [...mapB.keys(), ...[...mapA.keys()].filter((k) => !mapB.has(k))];
  const rows: DiffRow[] = [];
  for (const key of keys) {
    const hasA = mapA.has(key);
    const hasB = mapB.has(key);
    const va = hasA ? (mapA.get(key) as FlatValue) : null;
    const vb = hasB ? (mapB.get(key) as FlatValue) : null;
    const status: RowStatus = !hasA ? 'added' : !hasB ? 'removed' : Object.is(va, vb) ? 'unchanged' : 'changed';
    if (status === 'unchanged' && !all) continue;
    const numeric = typeof va === 'number' && typeof vb === 'number';
    rows.push({
      file,
      key,
      a: va,
      b: vb,
      change: numeric ? clean(vb - va) : null,
      pct: numeric && va !== 0 ? clean(((vb - va) / Math.abs(va)) * 100) : null,
      status,
    });
  }
  return rows;
}

/** Drop binary floating-point noise (0.3 − 0.1 = 0.19999999999999998) without losing real digits. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}
