/** The stage graph both dependency rules read: every stage (expanded or not) with its edges. */
import { stageEdges, type StageEdge } from '../graph.js';
import type { StageSpec } from '../types.js';
import type { RuleContext } from './context.js';

const graphs = new WeakMap<RuleContext, StageEdge[]>();

/** The edges between the context's stages, computed once per context. */
export function edgesOf(ctx: RuleContext): StageEdge[] {
  let edges = graphs.get(ctx);
  if (!edges) {
    const specs: Record<string, StageSpec> = {};
    for (const s of ctx.stages) specs[s.name] = s.spec;
    edges = stageEdges(specs);
    graphs.set(ctx, edges);
  }
  return edges;
}
