/** A stage does not read what it writes (a dep overlapping one of its own outs). */
import { pointer } from '../problems.js';
import type { SemanticRule } from './rule.js';
import { edgesOf } from './stage-graph.js';

export const selfDependency: SemanticRule = {
  id: 'self-dependency',
  check: (ctx) =>
    edgesOf(ctx)
      .filter((e) => e.from === e.to)
      .map((e) => ({
        pointer: pointer('stages', e.from, 'deps', e.depIndex),
        message: `stage '${e.from}' depends on its own output: dep '${e.dep}' overlaps out '${e.out}'`,
        fix: 'a stage cannot read what it writes; remove the dep or write the out elsewhere',
      })),
};
