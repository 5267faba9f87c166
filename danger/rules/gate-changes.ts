/**
 * Rule `gateChanges`: a gate removed, or made easier to pass, in the pipeline file between the
 * PR's base and head. Each change is a warning that names the gate, old → new, and the owners of
 * the pipeline file from the BASE branch's CODEOWNERS (the PR cannot name its own approvers).
 *
 * Looser means: a lower `min` or `min_gain`; a higher `max`, `max_drop`, `max_drop_pct` or
 * `max_gap`; a bound dropped; severity `error` → `warn`; `on_missing_baseline` `fail` → `skip`;
 * or the metric's direction turned around (`higher_is_better`), which reverses what a comparison
 * gate tolerates. A gate is the same gate across the two versions by its `name`, else by its
 * metric, slice, `across` and `vs`.
 */
import { formatNumber } from '../../core/numbers.js';
import { METRIC_DIRECTIONS, type Direction } from '../../pipeline-schema/metrics.js';
import type { GateSpec, OnMissingBaseline, Pipeline } from '../../pipeline-schema/types.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { own } from '../../core/own.js';
import { codeSpan } from '../../reports/markdown.js';
import type { Finding } from '../findings.js';

const BOUNDS = ['min', 'max', 'max_drop', 'max_drop_pct', 'min_gain', 'max_gap'] as const;
type Bound = (typeof BOUNDS)[number];

/** Whether going from `was` to `now` lets more candidates pass. */
const LOOSER: Record<Bound, (was: number, now: number) => boolean> = {
  min: (was, now) => now < was,
  min_gain: (was, now) => now < was,
  max: (was, now) => now > was,
  max_drop: (was, now) => now > was,
  max_drop_pct: (was, now) => now > was,
  max_gap: (was, now) => now > was,
};

export interface GatesVersion {
  gates: GateSpec[];
  defaults: Pipeline['gates_defaults'];
  /** Line of a JSON pointer into this version of the file, when known. */
  line?: (pointer: string) => number | undefined;
}

export interface GateChangesInput {
  /** Repository-relative path of the pipeline file. */
  pipelineFile: string;
  /** The ref the head is compared with, as shown. */
  baseRef: string;
  /** null: the file does not exist at the base (a new pipeline loosens nothing). */
  base: GatesVersion | null;
  /** null: the PR deletes the pipeline file. */
  head: GatesVersion | null;
  /** Owners of the pipeline file from the base branch's CODEOWNERS, and where that rule is. */
  owners: { owners: string[]; source: string | null; line: number | null };
}

export function gateKey(g: GateSpec): string {
  if (g.name !== undefined) return `name:${g.name}`;
  return `metric:${canonicalJson([g.metric, g.slice ?? null, g.across ?? null, g.vs ?? null])}`;
}

/** The gate as a reader recognises it: its name, else the metric with its slice and baseline. */
export function gateLabel(g: GateSpec): string {
  if (g.name !== undefined) return g.name;
  const where = g.slice ? ` [${Object.entries(g.slice).map(([k, v]) => `${k}=${String(v)}`).join(', ')}]` : g.across ? ` across ${g.across}` : '';
  return `${g.metric}${where}${g.vs ? ` vs ${g.vs}` : ''}`;
}

function directionOf(g: GateSpec): Direction | null {
  if (g.higher_is_better !== undefined) return g.higher_is_better ? 'higher' : 'lower';
  return own(METRIC_DIRECTIONS, g.metric) ?? null;
}

const directionWords = (d: Direction | null) => (d === 'higher' ? 'higher is better' : d === 'lower' ? 'lower is better' : 'no known direction');
const onMissing = (g: GateSpec, d: Pipeline['gates_defaults']): OnMissingBaseline => g.on_missing_baseline ?? d?.on_missing_baseline ?? 'skip';
const num = (x: number) => codeSpan(formatNumber(x, 12));

/** The ways `now` is looser than `was`, as phrases; empty when it is not. */
export function loosenings(was: GateSpec, now: GateSpec, wasDefaults: Pipeline['gates_defaults'], nowDefaults: Pipeline['gates_defaults']): string[] {
  const out: string[] = [];
  // Only a named gate can change what it watches and stay the same gate; a different target may be an easier one.
  const target = (g: GateSpec) => gateLabel({ ...g, name: undefined });
  if (target(was) !== target(now)) out.push(`now watches ${codeSpan(target(now))} instead of ${codeSpan(target(was))}`);
  for (const b of BOUNDS) {
    const o = was[b];
    const n = now[b];
    if (typeof o !== 'number') continue;
    if (typeof n !== 'number') out.push(`${codeSpan(b)} ${num(o)} removed`);
    else if (LOOSER[b](o, n)) out.push(`${codeSpan(b)} ${num(o)} → ${num(n)}`);
  }
  if ((was.severity ?? 'error') === 'error' && now.severity === 'warn') out.push(`severity ${codeSpan('error')} → ${codeSpan('warn')} (a failure no longer fails the verdict)`);
  const comparison = BOUNDS.some((b) => b !== 'min' && b !== 'max' && b !== 'max_gap' && typeof now[b] === 'number');
  if (comparison && onMissing(was, wasDefaults) === 'fail' && onMissing(now, nowDefaults) === 'skip') out.push(`${codeSpan('on_missing_baseline')} ${codeSpan('fail')} → ${codeSpan('skip')}`);
  const dw = directionOf(was);
  const dn = directionOf(now);
  if (dw !== null && dn !== null && dw !== dn) out.push(`direction turned around (${directionWords(dw)} → ${directionWords(dn)})`);
  return out;
}

function approval(input: GateChangesInput): string {
  const { owners, source, line } = input.owners;
  if (owners.length) {
    return `Ask ${owners.map(codeSpan).join(' or ')} (owner${owners.length > 1 ? 's' : ''} of ${codeSpan(input.pipelineFile)} in ${codeSpan(`${source ?? 'CODEOWNERS'}:${line ?? 1}`)} on ${codeSpan(input.baseRef)}) to approve this change.`;
  }
  return `No CODEOWNERS entry on ${codeSpan(input.baseRef)} owns ${codeSpan(input.pipelineFile)}: ask a named owner to approve, and add one (e.g. ${codeSpan(`/${input.pipelineFile} @org/ml-leads`)}).`;
}

function indexed(gates: GateSpec[]): Map<string, { gate: GateSpec; index: number }> {
  const seen = new Map<string, number>();
  const out = new Map<string, { gate: GateSpec; index: number }>();
  gates.forEach((gate, index) => {
    const k = gateKey(gate);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    out.set(`${k}#${n}`, { gate, index });
  });
  return out;
}

export function gateChanges(input: GateChangesInput): Finding[] {
  if (!input.base || input.base.gates.length === 0) return [];
  const file = input.pipelineFile;
  const ask = approval(input);
  const head = input.head ?? { gates: [], defaults: undefined };
  const now = indexed(head.gates);
  const findings: Finding[] = [];
  for (const [key, { gate: was }] of indexed(input.base.gates)) {
    const label = `${codeSpan(gateLabel(was))} (${directionWords(directionOf(was))})`;
    const hit = now.get(key);
    if (!hit) {
      const bounds = BOUNDS.filter((b) => typeof was[b] === 'number').map((b) => `${codeSpan(b)} ${num(was[b]!)}`);
      findings.push({
        rule: 'gateChanges',
        level: 'warn',
        text: `Gate ${label} is removed from ${codeSpan(file)}${input.head ? '' : ' (the PR deletes the file)'}; it held ${bounds.join(', ') || 'no bound'}. ${ask}`,
        ...(input.head ? { file, line: input.head.line?.('/gates') ?? 1 } : {}),
      });
      continue;
    }
    const looser = loosenings(was, hit.gate, input.base.defaults, head.defaults);
    if (looser.length) {
      findings.push({
        rule: 'gateChanges',
        level: 'warn',
        text: `Gate ${label} is loosened in ${codeSpan(file)}: ${looser.join('; ')}. ${ask}`,
        file,
        line: input.head?.line?.(`/gates/${hit.index}`) ?? 1,
      });
    }
  }
  return findings;
}

