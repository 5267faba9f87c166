/**
 * A seeded stage DAG of any size for the compile test (30 stages) and bench (200): stage i
 * depends on up to three earlier stages, every fifth is a 6-combination sweep, runner labels,
 * timeouts and env vary. The edges are returned as built, so a test can compare `needs:` with
 * them without recomputing the graph the way the engine does.
 */
import { mulberry32 } from '../runners/evaluate/random.js';

/** `n` stages; stage i depends on up to three earlier ones; every fifth is a sweep. Returns the YAML and the edges. */
export function generatedDag(n: number, seed = 1): { yaml: string; edges: Map<string, Set<string>>; matrix: Set<string> } {
  const next = mulberry32(seed);
  const edges = new Map<string, Set<string>>();
  const matrix = new Set<string>();
  const lines = ['version: 1', 'name: generated', 'stages:'];
  const labels = ['ubuntu-latest', '[self-hosted, linux, x64]', 'ubuntu-22.04'];
  for (let i = 0; i < n; i++) {
    const name = `s${String(i).padStart(3, '0')}`;
    const ups = new Set<string>();
    for (let k = 0; k < 3 && i > 0; k++) if (next() < 0.7) ups.add(`s${String(Math.floor(next() * i)).padStart(3, '0')}`);
    edges.set(name, ups);
    const sweep = i % 5 === 4;
    if (sweep) matrix.add(name);
    const deps = [...ups].sort().map((u) => (matrix.has(u) ? `out/${u}` : `out/${u}.txt`));
    lines.push(`  ${name}:`);
    lines.push(`    cmd: sh -c 'mkdir -p out && echo ${name} > ${sweep ? `out/${name}/\${matrix.seed}.txt` : `out/${name}.txt`}'`);
    if (deps.length) lines.push(`    deps: [${deps.join(', ')}]`);
    if (sweep) {
      lines.push('    matrix:', '      seed: [1, 2, 3]', '      lr: [0.1, 0.01]');
      lines.push(`    outs: ['out/${name}/\${matrix.seed}-\${matrix.lr}.txt']`);
    } else {
      lines.push(`    outs: [out/${name}.txt]`);
    }
    lines.push(`    runs-on: ${labels[i % labels.length]}`);
    if (i % 7 === 0) lines.push(`    timeout-minutes: ${30 + i}`);
    if (i % 4 === 1) lines.push(`    env: { STAGE_INDEX: "${i}" }`);
  }
  return { yaml: lines.join('\n') + '\n', edges, matrix };
}
