/**
 * The stage graph: stage A depends on stage B when one of A's deps is one of B's outs (or
 * metrics files), lies inside one, or contains one. Used for cycle checks, for the order stages
 * run in, and by the workflow compiler for `needs:`.
 */
import { posix } from 'node:path';
import { matrixCombinations, substituteMatrix } from './matrix.js';
import type { Pipeline, StageSpec } from './types.js';

/** A path as written in mlpipeline.yaml, in a canonical relative form for comparisons. */
export function normalizeRelPath(p: string): string {
  const n = posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  return n === '' ? '.' : n;
}

/** True when `a` and `b` are the same path or one lies inside the other. */
export function pathsOverlap(a: string, b: string): boolean {
  if (a === b || a === '.' || b === '.') return true;
  return a.startsWith(b + '/') || b.startsWith(a + '/');
}

export interface StageEdge {
  /** The downstream stage (whose dep it is). */
  from: string;
  /** The upstream stage (whose out it is). */
  to: string;
  /** Index of the dep in `from.deps`. */
  depIndex: number;
  dep: string;
  out: string;
}

function expanded(stage: StageSpec, key: 'deps' | 'outs' | 'metrics'): string[] {
  const list = stage[key] ?? [];
  const combos = matrixCombinations(stage.matrix);
  const out = new Set<string>();
  for (const p of list) for (const c of combos) out.add(normalizeRelPath(substituteMatrix(p, c)));
  return [...out];
}

/** Every dependency edge between stages (self-edges included: a stage reading its own out). */
export function stageEdges(stages: Record<string, StageSpec>): StageEdge[] {
  const produced = Object.entries(stages).map(([name, s]) => ({ name, outs: [...expanded(s, 'outs'), ...expanded(s, 'metrics')] }));
  const edges: StageEdge[] = [];
  for (const [name, s] of Object.entries(stages)) {
    const combos = matrixCombinations(s.matrix);
    (s.deps ?? []).forEach((rawDep, depIndex) => {
      const deps = new Set(combos.map((c) => normalizeRelPath(substituteMatrix(rawDep, c))));
      for (const p of produced) {
        const hit = p.outs.find((o) => [...deps].some((d) => pathsOverlap(d, o)));
        if (hit !== undefined && !edges.some((e) => e.from === name && e.to === p.name)) {
          edges.push({ from: name, to: p.name, depIndex, dep: rawDep, out: hit });
        }
      }
    });
  }
  return edges;
}

/** Cycles as stage-name paths `[a, b, a]`, each reported once. */
export function findCycles(names: string[], edges: StageEdge[]): string[][] {
  const next = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const e of edges) if (e.from !== e.to) next.get(e.from)?.push(e.to);
  const state = new Map<string, 0 | 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      if (state.get(m) === 1) {
        const cycle = [...stack.slice(stack.indexOf(m)), m];
        const key = [...new Set(cycle)].sort().join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.get(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of names) if (!state.get(n)) visit(n);
  return cycles;
}

/**
 * Stage names in an order where every stage comes after the stages it depends on; ties keep the
 * order of the file. Stages caught in a cycle (the loader refuses those) are appended at the end.
 */
export function stageOrder(pipeline: Pick<Pipeline, 'stages'>): string[] {
  const stages = pipeline.stages ?? {};
  const names = Object.keys(stages);
  const upstream = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  for (const e of stageEdges(stages)) if (e.from !== e.to) upstream.get(e.from)?.add(e.to);
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const ready = names.find((n) => !done.has(n) && [...(upstream.get(n) ?? [])].every((u) => done.has(u)));
    if (ready === undefined) {
      for (const n of names) if (!done.has(n)) order.push(n);
      break;
    }
    done.add(ready);
    order.push(ready);
  }
  return order;
}

/** A stage plus every stage it (transitively) depends on, in run order. */
export function withUpstream(pipeline: Pick<Pipeline, 'stages'>, stage: string): string[] {
  const edges = stageEdges(pipeline.stages ?? {});
  const want = new Set<string>([stage]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of edges) {
      if (want.has(e.from) && !want.has(e.to)) {
        want.add(e.to);
        grew = true;
      }
    }
  }
  return stageOrder(pipeline).filter((n) => want.has(n));
}
