/**
 * The stage graph: an edge A → B when one of B's deps equals, lies inside or contains one of A's
 * outs (metrics files included). Order is topological, ties broken by declaration order so runs
 * are reproducible.
 */
import { ConfigError, UsageError, type ConfigProblem } from '../../core/errors.js';
import { closest } from '../../pipeline-schema/did-you-mean.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { dirname } from 'node:path';
import type { StageInstance } from './expand.js';
import { overlaps } from './paths.js';

export interface StageGraph {
  /** Stages in run order. */
  order: StageInstance[];
  /** Direct upstream stage names of each stage. */
  upstream: Map<string, string[]>;
  /** For each stage, which of its deps come from which upstream stage. */
  producers: Map<string, Map<string, string>>;
}

function problemAt(loaded: LoadedPipeline, base: string, message: string, fix?: string): ConfigProblem {
  const pos = loaded.locate(`/stages/${base}`);
  return { message, location: { file: loaded.displayFile ?? loaded.file, line: pos?.line, column: pos?.column }, ...(fix ? { fix } : {}) };
}

export function buildGraph(loaded: LoadedPipeline, stages: StageInstance[]): StageGraph {
  const problems: ConfigProblem[] = [];
  const index = new Map(stages.map((s, i) => [s.name, i]));
  const outs = outIndex(stages);
  // Two stages writing the same (or nested) outs would make the cache and the order ambiguous.
  // The pairwise search (for the messages) only runs when the index saw such a pair.
  for (let i = 0; i < stages.length && outs.anyOverlap; i++) {
    for (let j = i + 1; j < stages.length; j++) {
      const a = stages[i]!;
      const b = stages[j]!;
      for (const oa of a.outs) {
        const ob = b.outs.find((o) => overlaps(o.abs, oa.abs));
        if (ob) {
          problems.push(
            problemAt(loaded, b.base, `stages '${a.name}' and '${b.name}' both write ${ob.rel === oa.rel ? oa.rel : `${oa.rel} / ${ob.rel}`}`, 'give each stage its own outs'),
          );
        }
      }
    }
  }
  const upstream = new Map<string, string[]>();
  const producers = new Map<string, Map<string, string>>();
  for (const s of stages) {
    const ups = new Set<string>();
    const byDep = new Map<string, string>();
    for (const dep of s.deps) {
      // Declaration order, as a scan over all stages would find them.
      const found = [...outs.producers(dep.abs)].filter((o) => o !== s).sort((a, b) => index.get(a.name)! - index.get(b.name)!);
      for (const other of found) {
        ups.add(other.name);
        byDep.set(dep.rel, other.name);
      }
    }
    for (const o of s.outs) {
      if (s.deps.some((d) => overlaps(d.abs, o.abs))) {
        problems.push(problemAt(loaded, s.base, `stage '${s.name}' depends on its own out ${o.rel}`, 'a stage cannot read what it writes; split it into two stages'));
      }
    }
    upstream.set(s.name, [...ups]);
    producers.set(s.name, byDep);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  // Kahn's algorithm; the ready set is kept in declaration order.
  const remaining = new Map(stages.map((s) => [s.name, new Set(upstream.get(s.name))]));
  const order: StageInstance[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()].filter(([, ups]) => ups.size === 0).map(([n]) => n);
    if (ready.length === 0) {
      const cycle = findCycle(remaining);
      const first = stages.find((s) => s.name === cycle[0])!;
      throw new ConfigError([
        problemAt(loaded, first.base, `dependency cycle between stages: ${[...cycle, cycle[0]].join(' → ')}`, 'a stage cannot depend, directly or indirectly, on its own outs'),
      ]);
    }
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    const next = ready[0]!;
    order.push(stages[index.get(next)!]!);
    remaining.delete(next);
    for (const ups of remaining.values()) ups.delete(next);
  }
  return { order, upstream, producers };
}

/**
 * Which stages write a path, a folder above it or something inside it: found by walking the
 * path's ancestors instead of comparing every dep with every out, which took seconds with
 * hundreds of matrix instances. Paths are absolute and normalised (expand.ts resolves them).
 */
function outIndex(stages: StageInstance[]): { anyOverlap: boolean; producers(abs: string): Set<StageInstance> } {
  const at = new Map<string, StageInstance[]>();
  const below = new Map<string, StageInstance[]>();
  const push = (m: Map<string, StageInstance[]>, k: string, s: StageInstance): void => {
    const list = m.get(k);
    if (list) list.push(s);
    else m.set(k, [s]);
  };
  for (const s of stages) {
    for (const o of s.outs) {
      push(at, o.abs, s);
      for (let p = dirname(o.abs); ; p = dirname(p)) {
        push(below, p, s);
        if (p === dirname(p)) break;
      }
    }
  }
  let anyOverlap = false;
  for (const [abs, owners] of at) {
    if (owners.length > 1 || below.has(abs)) anyOverlap = true;
  }
  return {
    anyOverlap,
    producers(abs) {
      const found = new Set<StageInstance>(below.get(abs) ?? []);
      for (let p = abs; ; p = dirname(p)) {
        for (const s of at.get(p) ?? []) found.add(s);
        if (p === dirname(p)) break;
      }
      return found;
    },
  };
}

function findCycle(remaining: Map<string, Set<string>>): string[] {
  // Walk upstream links from any remaining stage until one repeats.
  const start = remaining.keys().next().value as string;
  const path: string[] = [];
  const seen = new Map<string, number>();
  let cur = start;
  while (!seen.has(cur)) {
    seen.set(cur, path.length);
    path.push(cur);
    cur = [...remaining.get(cur)!][0]!;
  }
  return path.slice(seen.get(cur)!).reverse();
}

/**
 * The stages to run for `--stage NAME ...`: each named stage plus everything upstream of it
 * (only the named ones with `noDeps`, as a distributed job runs them). A base name of a matrix
 * stage selects all its instances. No names selects everything.
 */
export function selectStages(graph: StageGraph, names: string[] | undefined, opts: { noDeps?: boolean } = {}): Set<string> {
  const all = graph.order.map((s) => s.name);
  if (!names || names.length === 0) return new Set(all);
  const wanted = new Set<string>();
  for (const n of names) {
    const matches = graph.order.filter((s) => s.name === n || s.base === n).map((s) => s.name);
    if (matches.length === 0) {
      const hint = closest(n, new Set([...all, ...graph.order.map((s) => s.base)]));
      throw new UsageError(`unknown stage '${n}'`, { fix: hint ? `did you mean '${hint}'? stages: ${all.join(', ')}` : `stages: ${all.join(', ') || '(none)'}` });
    }
    matches.forEach((m) => wanted.add(m));
  }
  if (opts.noDeps) return wanted;
  const stack = [...wanted];
  while (stack.length) {
    for (const up of graph.upstream.get(stack.pop()!) ?? []) {
      if (!wanted.has(up)) {
        wanted.add(up);
        stack.push(up);
      }
    }
  }
  return wanted;
}
