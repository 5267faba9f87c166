/** Stages do not depend on each other in a cycle; each cycle is reported at its first stage's dep, with every link named. */
import { defined } from '../../core/internal-error.js';
import { findCycles } from '../graph.js';
import { pointer, type PendingProblem } from '../problems.js';
import type { SemanticRule } from './rule.js';
import { edgesOf } from './stage-graph.js';

export const stageCycles: SemanticRule = {
  id: 'stage-cycles',
  check(ctx) {
    const edges = edgesOf(ctx);
    const names = ctx.stages.map((s) => s.name);
    return findCycles(names, edges).map((cycle): PendingProblem => {
      const first = defined(cycle[0], 'findCycles returns cycles of at least two stages');
      const edge = edges.find((e) => e.from === first && e.to === cycle[1]);
      const links = cycle
        .slice(0, -1)
        .map((from, i) => edges.find((e) => e.from === from && e.to === cycle[i + 1]))
        .map((e) => (e ? `'${e.from}' needs '${e.out}' from '${e.to}'` : ''))
        .filter(Boolean);
      return {
        pointer: edge ? pointer('stages', first, 'deps', edge.depIndex) : pointer('stages', first),
        at: edge ? 'value' : 'key',
        message: `stages depend on each other in a cycle: ${cycle.join(' → ')} (${links.join('; ')})`,
        fix: "break the cycle: one of these stages must not depend on the others' outs",
      };
    });
  },
};
