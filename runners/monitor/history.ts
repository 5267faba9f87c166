/**
 * The drift history the monitor keeps across scheduled runs, for the chart in the issue. It lives
 * inside the issue body itself, in a hidden block after the visible text: one API read gives the
 * issue and its history, nothing else to paginate or clean up, and no comment per run pinging
 * every watcher. The body is editable by anyone with triage rights, so the block is untrusted
 * input: it is size-capped before parsing, every run is type-checked (bad ones dropped, not
 * repaired), and it only ever feeds numbers to the chart, which the renderer formats itself.
 */
import { isVersion } from '../registry/semver.js';

export const HISTORY_SCHEMA_ID = 'mlpipeline/monitor-history@1';
const OPEN = '<!-- mlpipeline-monitor-history\n';
const CLOSE = '\n-->';
/** Runs kept (the chart's x axis). */
export const MAX_HISTORY_RUNS = 30;
/** A block larger than this is not ours (ours stays under 4 KB at MAX_HISTORY_RUNS). */
const MAX_BLOCK_CHARS = 32_768;

export interface HistoryRun {
  /** ISO 8601 time of the check. */
  at: string;
  version: string | null;
  share: number;
  drifted_columns: number;
  columns: number;
  drifted: boolean;
  /** The headline performance gate's metric on labelled live data, when performance was judged this run. */
  performance?: { metric: string; value: number; passed: boolean };
}

export interface ParsedHistory {
  runs: HistoryRun[];
  /** Why (part of) the stored history was not used; undefined when it was read whole or absent. */
  problem?: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

function validRun(v: unknown): v is HistoryRun {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  const keys = Object.keys(r);
  if (keys.length !== 6 && !(keys.length === 7 && 'performance' in r && validPerformance(r.performance))) return false;
  const count = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 1_000_000;
  return (
    typeof r.at === 'string' && ISO.test(r.at) && !Number.isNaN(Date.parse(r.at)) &&
    (r.version === null || (typeof r.version === 'string' && isVersion(r.version))) &&
    typeof r.share === 'number' && Number.isFinite(r.share) && r.share >= 0 && r.share <= 1 &&
    count(r.drifted_columns) && count(r.columns) && (r.drifted_columns as number) <= (r.columns as number) &&
    typeof r.drifted === 'boolean'
  );
}

const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function validPerformance(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = v as Record<string, unknown>;
  return Object.keys(p).length === 3 && typeof p.metric === 'string' && METRIC_NAME.test(p.metric) && typeof p.value === 'number' && Number.isFinite(p.value) && Math.abs(p.value) <= 1e12 && typeof p.passed === 'boolean';
}

/** The history stored in an issue body (empty when there is none). */
export function parseHistory(body: string): ParsedHistory {
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return { runs: [] };
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return { runs: [], problem: 'the stored drift history is not closed; it starts over' };
  const text = body.slice(start + OPEN.length, end);
  if (text.length > MAX_BLOCK_CHARS) return { runs: [], problem: `the stored drift history is larger than ${MAX_BLOCK_CHARS} characters; it starts over` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { runs: [], problem: 'the stored drift history is not valid JSON; it starts over' };
  }
  const d = doc as { schema?: unknown; runs?: unknown };
  if (!d || typeof d !== 'object' || d.schema !== HISTORY_SCHEMA_ID || !Array.isArray(d.runs)) {
    return { runs: [], problem: `the stored drift history is not ${HISTORY_SCHEMA_ID}; it starts over` };
  }
  const runs = d.runs.filter(validRun).slice(-MAX_HISTORY_RUNS);
  const dropped = Math.min(d.runs.length, MAX_HISTORY_RUNS) - runs.length;
  return dropped > 0 ? { runs, problem: `${dropped} stored run(s) of the drift history were not valid and are left out` } : { runs };
}

/** The history with this run appended, oldest first, at most MAX_HISTORY_RUNS. */
export function appendRun(runs: HistoryRun[], run: HistoryRun): HistoryRun[] {
  return [...runs.filter((r) => r.at !== run.at), run].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).slice(-MAX_HISTORY_RUNS);
}

/**
 * The hidden block. `<` and `>` are written as JSON escapes, so nothing in it can end the HTML
 * comment early (versions and times hold neither, but the block must not depend on that).
 */
export function historyBlock(runs: HistoryRun[]): string {
  const json = JSON.stringify({ schema: HISTORY_SCHEMA_ID, runs }).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `${OPEN}${json}${CLOSE}`;
}
