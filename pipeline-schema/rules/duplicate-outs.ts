/**
 * No two stages, nor two instances of one stage's matrix, write the same or overlapping outs or
 * metrics files. The first writer in file order owns a path; each later entry that overlaps
 * it is reported once.
 */
import { normalizeRelPath, pathsOverlap } from '../graph.js';
import { instanceName, matrixPlaceholders, substituteMatrix } from '../matrix.js';
import { pointer, type PendingProblem } from '../problems.js';
import type { RuleContext } from './context.js';
import { arr } from './read.js';
import type { SemanticRule } from './rule.js';

interface Owner {
  label: string;
  stage: string;
}

function duplicateOuts(ctx: RuleContext): PendingProblem[] {
  const out: PendingProblem[] = [];
  const owners = new Map<string, Owner>();
  for (const { name, raw: s, combos } of ctx.stages) {
    if (combos === undefined) continue;
    for (const key of ['outs', 'metrics'] as const) {
      arr(s[key]).forEach((p, i) => {
        if (typeof p !== 'string') return;
        for (const c of combos) {
          const sub = substituteMatrix(p, c);
          if (matrixPlaceholders(sub).length || ctx.paths.check(sub)) continue; // reported by other rules
          const norm = normalizeRelPath(sub);
          const label = instanceName(name, c);
          const clash = [...owners.entries()].find(([o]) => pathsOverlap(o, norm));
          if (clash) {
            const [theirs, owner] = clash;
            const same = owner.stage === name;
            out.push({
              pointer: pointer('stages', name, key, i),
              message:
                theirs === norm
                  ? `${same ? 'matrix instances' : 'stages'} '${owner.label}' and '${label}' both write '${norm}'`
                  : `'${norm}' of '${label}' overlaps '${theirs}' written by '${owner.label}'`,
              fix: same ? `put a matrix placeholder in the path, e.g. '${withPlaceholder(norm, Object.keys(c))}'` : 'give each stage its own output paths',
            });
            return;
          }
          owners.set(norm, { label, stage: name });
        }
      });
    }
  }
  return out;
}

function withPlaceholder(p: string, keys: string[]): string {
  const k = keys[0] ?? 'KEY';
  const dot = p.lastIndexOf('.');
  const slash = p.lastIndexOf('/');
  return dot > slash ? `${p.slice(0, dot)}-\${matrix.${k}}${p.slice(dot)}` : `${p}-\${matrix.${k}}`;
}

export const duplicateOutsRule: SemanticRule = {
  id: 'duplicate-outs',
  check: duplicateOuts,
};
