/**
 * `mlpipeline compile` on a generated 200-stage DAG (40 of them 6-combination sweeps: 400 stage
 * instances), in process: loading mlpipeline.yaml (parse, schema, semantic rules), compiling it
 * (expand, DAG, jobs, render with comments), and, as the reference measured in the same run, the
 * `yaml` package's plain stringify of the very workflow object compile renders. Plus the CLI end
 * to end as a process (Node start-up included), as CI's `compile --check` pays it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { packageRoot } from '../core/package-root.js';
import { loadPipelineFile } from '../pipeline-schema/load.js';
import { DEFAULT_ACTIONS } from '../runners/workflow/actions-ref.js';
import { compileWorkflow, type CompileOptions } from '../runners/workflow/compile/index.js';
import { generatedDag } from './dag-generator.js';
import { measure, printTable } from './harness.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeMs(n: number, fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export default async function bench(opts: { quick: boolean }): Promise<void> {
  const stages = 200;
  const reps = opts.quick ? 5 : 21;
  const dir = mkdtempSync(join(tmpdir(), 'mlp-bench-compile-'));
  try {
    const { yaml, edges } = generatedDag(stages, 7);
    const file = join(dir, 'mlpipeline.yaml');
    writeFileSync(file, yaml);
    const options: CompileOptions = { workingDirectory: '.', pipelineFile: 'mlpipeline.yaml', installDirectory: '.', defaultBranch: 'main', actions: DEFAULT_ACTIONS, slug: 'generated' };

    const loaded = await loadPipelineFile(file, { cwd: dir });
    const once = compileWorkflow(loaded, options);
    // Warm both sides (JIT) before timing.
    for (let i = 0; i < 3; i++) stringify(once.workflow, { lineWidth: 0 });
    const loadTimes: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await loadPipelineFile(file, { cwd: dir });
      loadTimes.push(performance.now() - t0);
    }
    const compileMs = timeMs(reps, () => compileWorkflow(loaded, options));
    const stringifyMs = timeMs(reps, () => stringify(once.workflow, { lineWidth: 0 }));

    const cli = join(packageRoot(), 'bin', 'mlpipeline.js');
    const runs = [0, 1, 2].map(() => measure('node', [cli, 'compile', '--out', join(dir, 'wf.yml')], { cwd: dir }));
    if (runs.some((r) => r.code !== 0)) throw new Error(`bench: mlpipeline compile failed: ${runs[0]!.stderr}`);
    const check = [0, 1, 2].map(() => measure('node', [cli, 'compile', '--check', '--out', join(dir, 'wf.yml')], { cwd: dir }));
    if (check.some((r) => r.code !== 0)) throw new Error(`bench: mlpipeline compile --check failed: ${check[0]!.stderr}`);

    const jobs = once.jobs.length;
    const instances = once.jobs.reduce((n, j) => n + j.instances.length, 0);
    const edgeCount = [...edges.values()].reduce((n, s) => n + s.size, 0);
    process.stdout.write(`${stages} stages (${instances} instances, ${edgeCount} edges) → ${jobs} stage jobs + results, ${once.text.split('\n').length} lines, ${(once.text.length / 1024).toFixed(0)} KiB\n`);
    printTable(`compile a ${stages}-stage DAG (median of ${reps}; CLI: median of 3 processes)`, [
      { name: 'load mlpipeline.yaml (parse + schema + rules)', ms: median(loadTimes) },
      { name: 'compileWorkflow (expand, DAG, jobs, render)', ms: compileMs },
      { name: 'yaml.stringify of the same workflow object', ms: stringifyMs },
      { name: 'mlpipeline compile (process, writes the file)', ms: median(runs.map((r) => r.seconds * 1000)) },
      { name: 'mlpipeline compile --check (process)', ms: median(check.map((r) => r.seconds * 1000)) },
    ]);
    process.stdout.write(`\nratio: compileWorkflow / plain yaml.stringify of its output object = ${(compileMs / stringifyMs).toFixed(2)}×\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
