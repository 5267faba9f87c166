/**
 * `--no-deps`: a stage runs without its upstream, so what the upstream produced must already be
 * here (imported from another job's artifact, or left by an earlier run) and be exactly what the
 * upstream recorded in the lock. Otherwise the stage would be fingerprinted and run on inputs no
 * upstream run vouches for.
 */
import { InputError } from '../../core/errors.js';
import type { StageGraph } from './dag.js';
import { hashOut } from './decide.js';
import type { StageInstance } from './expand.js';
import type { HashCache } from './hash-cache.js';
import type { LockDoc } from './lock-file.js';
import { overlaps } from './paths.js';

export async function checkUpstreamOuts(graph: StageGraph, selected: StageInstance[], lock: LockDoc, hashes: HashCache): Promise<void> {
  const chosen = new Set(selected.map((s) => s.name));
  const byName = new Map(graph.order.map((s) => [s.name, s]));
  const problems: string[] = [];
  const fixStages = new Set<string>();
  for (const s of selected) {
    for (const upName of graph.upstream.get(s.name) ?? []) {
      if (chosen.has(upName)) continue;
      const up = byName.get(upName)!;
      const entry = lock.stages[upName];
      for (const out of up.outs) {
        if (!s.deps.some((d) => overlaps(d.abs, out.abs))) continue;
        const have = await hashOut(out.abs, hashes);
        const want = entry?.outs[out.rel];
        let why: string | undefined;
        if (!have) why = 'is missing';
        else if (!entry) why = `is here but stage '${upName}' has no record in the lock file`;
        else if (want === undefined) why = `is not among the outs stage '${upName}' recorded`;
        else if (have !== want) why = `differs from what stage '${upName}' recorded (${have.slice(0, 12)} here, ${want.slice(0, 12)} recorded)`;
        if (why) {
          problems.push(`${s.name}: dep ${out.rel} (an out of stage '${upName}') ${why}`);
          fixStages.add(upName);
        }
      }
    }
  }
  if (problems.length === 0) return;
  const ups = [...fixStages];
  throw new InputError(`--no-deps: upstream outs are not in place\n  ${problems.join('\n  ')}`, {
    fix: `import them from the upstream job's artifact (mlpipeline import-outs DIR), run ${ups.map((u) => `'${u}'`).join(', ')} first (mlpipeline run --stage ${ups[0]}), or drop --no-deps`,
  });
}
