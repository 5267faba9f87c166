/**
 * Turn the `stages` section into concrete stage instances: resolve paths (deps, outs, metrics,
 * wdir are all relative to the pipeline folder, as the language defines; `wdir` only sets where
 * the command runs), and expand `matrix` stages into one instance per combination, named
 * `stage[key=value,...]`, with `${matrix.KEY}` substituted (same rules as pipeline-schema/matrix.ts).
 */
import { ConfigError, type ConfigProblem } from '../../core/errors.js';
import { instanceName, matrixCombinations } from '../../pipeline-schema/matrix.js';
import type { LoadedPipeline, Scalar, StageSpec } from '../../pipeline-schema/types.js';
import { relPosix, resolveIn } from './paths.js';

/** A path as the engine uses it: absolute on disk, and relative to the pipeline folder for records. */
export interface StagePath {
  abs: string;
  rel: string;
}

export interface StageInstance {
  /** `train` or, for a matrix stage, `train[lr=0.1,model=a]` (keys in declaration order). */
  name: string;
  /** The key under `stages:` it came from. */
  base: string;
  matrix?: Record<string, Scalar>;
  /** Commands run one after the other with `sh -c`; the stage fails at the first non-zero exit. */
  cmds: string[];
  wdir: StagePath;
  deps: StagePath[];
  /** Declared outs followed by metrics files (metrics files are outs too). */
  outs: StagePath[];
  metrics: StagePath[];
  params: string[];
  env: Record<string, string>;
}

const MATRIX_REF = /\$\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}/g;

function location(loaded: LoadedPipeline, pointer: string): ConfigProblem['location'] {
  const pos = loaded.locate(pointer);
  return { file: loaded.displayFile ?? loaded.file, line: pos?.line, column: pos?.column };
}

function commandsOf(spec: StageSpec): string[] {
  // `run` is accepted as an alias of `cmd` in YAML; the loader normally folds it in already.
  const raw = spec.cmd ?? (spec as unknown as { run?: string | string[] }).run;
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map(String) : [String(raw)];
}

export function expandStages(loaded: LoadedPipeline): StageInstance[] {
  const stages = loaded.pipeline.stages ?? {};
  const problems: ConfigProblem[] = [];
  const out: StageInstance[] = [];
  for (const [base, spec] of Object.entries(stages)) {
    const pointer = `/stages/${base.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const cmds = commandsOf(spec);
    if (cmds.length === 0 || cmds.some((c) => c.trim() === '')) {
      problems.push({ message: `stage '${base}' has no command`, location: location(loaded, pointer), fix: 'add `cmd: <shell command>` to the stage' });
      continue;
    }
    const matrix = spec.matrix;
    const combos = matrix && Object.keys(matrix).length > 0 ? matrixCombinations(matrix) : [undefined];
    for (const combo of combos) {
      const subst = (text: string, field: string): string =>
        text.replace(MATRIX_REF, (whole, key: string) => {
          if (combo && Object.prototype.hasOwnProperty.call(combo, key)) return String(combo[key]);
          problems.push({
            message: combo
              ? `stage '${base}' uses ${whole} in ${field} but its matrix has no key '${key}'`
              : `stage '${base}' uses ${whole} in ${field} but has no matrix`,
            location: location(loaded, `${pointer}/${field}`),
            fix: combo ? `use one of: ${Object.keys(combo).join(', ')}` : 'add a `matrix:` to the stage or remove the reference',
          });
          return whole;
        });
      const name = combo ? instanceName(base, combo) : base;
      const wdirAbs = resolveIn(loaded.dir, subst(spec.wdir ?? '.', 'wdir'));
      const path = (p: string, field: string): StagePath => {
        const abs = resolveIn(loaded.dir, subst(p, field));
        return { abs, rel: relPosix(loaded.dir, abs) };
      };
      const metrics = (spec.metrics ?? []).map((p) => path(p, 'metrics'));
      const outs = [...(spec.outs ?? []).map((p) => path(p, 'outs'))];
      for (const m of metrics) if (!outs.some((o) => o.abs === m.abs)) outs.push(m);
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(spec.env ?? {})) env[k] = subst(String(v), 'env');
      out.push({
        name,
        base,
        ...(combo ? { matrix: combo } : {}),
        cmds: cmds.map((c) => subst(c, 'cmd')),
        wdir: { abs: wdirAbs, rel: relPosix(loaded.dir, wdirAbs) },
        deps: dedupe((spec.deps ?? []).map((p) => path(p, 'deps'))),
        outs,
        metrics,
        params: [...new Set((spec.params ?? []).map((p) => subst(String(p), 'params')))],
        env,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

function dedupe(paths: StagePath[]): StagePath[] {
  const seen = new Set<string>();
  return paths.filter((p) => (seen.has(p.abs) ? false : (seen.add(p.abs), true)));
}
