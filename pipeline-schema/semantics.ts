/**
 * Checks JSON Schema cannot express: the stage graph (cycles, two stages writing one out),
 * paths that escape the repository, gates on unknown metrics or without a direction, names that
 * refer to nothing (datasets, environments, matrix keys). They run even when the schema found
 * problems, so every accessor here tolerates values of the wrong type (the schema reports those).
 */
import { closest, didYouMean } from './did-you-mean.js';
import { findCycles, normalizeRelPath, pathsOverlap, stageEdges } from './graph.js';
import { instanceName, matrixCombinations, matrixPlaceholders, matrixSize, MAX_MATRIX_COMBINATIONS, substituteMatrix } from './matrix.js';
import { METRIC_DIRECTIONS } from './metrics.js';
import type { PathChecker } from './paths.js';
import { pointer, type PendingProblem } from './problems.js';
import type { Scalar, StageSpec } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const own = (o: Obj, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Does a string look like a file path rather than a dataset name? */
export function looksLikePath(s: string): boolean {
  return /[\\/]/.test(s) || /\.(csv|tsv|jsonl|ndjson|json|parquet)(\.gz)?$/i.test(s);
}

export interface SemanticInput {
  /** The document after `run` → `cmd` normalisation. */
  doc: Obj;
  paths: PathChecker;
}

export function semanticProblems({ doc, paths }: SemanticInput): PendingProblem[] {
  const out: PendingProblem[] = [];
  const checkPath = (p: unknown, ptr: string) => {
    const s = str(p);
    if (s === undefined || s === '' || matrixPlaceholders(s).length > 0) return;
    const bad = paths.check(s);
    if (bad) out.push({ pointer: ptr, ...bad });
  };

  const data = obj(doc.data);
  const datasetNames = Object.keys(data);
  const environments = obj(doc.environments);
  const envNames = Object.keys(environments);
  const evaluation = obj(doc.evaluation);
  const customMetrics = obj(evaluation.custom_metrics);
  const metricNames = [...Object.keys(METRIC_DIRECTIONS), ...Object.keys(customMetrics)];

  // --- paths outside stages --------------------------------------------------------------
  checkPath(obj(doc.model).path, '/model/path');
  arr(doc.params).forEach((p, i) => checkPath(p, pointer('params', i)));
  for (const [name, ds] of Object.entries(data)) checkPath(obj(ds).path, pointer('data', name, 'path'));
  const baseline = obj(obj(obj(doc.validation).drift).baseline);
  checkPath(baseline.path, '/validation/drift/baseline/path');
  checkPath(baseline.profile, '/validation/drift/baseline/profile');
  checkPath(obj(evaluation.baseline).model, '/evaluation/baseline/model');
  checkPath(evaluation.output, '/evaluation/output');
  for (const [name, m] of Object.entries(customMetrics)) checkPath(obj(m).file, pointer('evaluation', 'custom_metrics', name, 'file'));

  // --- datasets ----------------------------------------------------------------------------
  const validation = obj(doc.validation);
  const datasetRef = (value: unknown, ptr: string, what: string) => {
    const name = str(value);
    if (name === undefined) return;
    if (own(data, name)) return;
    const hint = closest(name, datasetNames);
    out.push({
      pointer: ptr,
      message: `${what} refers to dataset '${name}', which is not defined under 'data'${hint ? `; did you mean '${hint}'?` : ''}`,
      fix: hint ? `write '${hint}'` : datasetNames.length ? `use one of: ${datasetNames.join(', ')}` : `define it under 'data' (data: {${name}: {path: ...}})`,
    });
  };
  if (own(validation, 'data')) datasetRef(validation.data, '/validation/data', 'validation.data');
  else if (isObj(doc.validation) && (own(validation, 'columns') || own(validation, 'table') || own(validation, 'drift'))) {
    if (datasetNames.length !== 1 && !own(data, 'train')) {
      out.push({
        pointer: '/validation',
        at: 'key',
        message:
          datasetNames.length === 0
            ? "validation has no dataset to check: 'data' defines none"
            : `validation does not say which dataset to check, and there is no single dataset or one named 'train'`,
        fix: datasetNames.length === 0 ? "define the dataset under 'data'" : `add 'data: NAME' under validation (one of: ${datasetNames.join(', ')})`,
      });
    }
  }
  if (typeof evaluation.data === 'string') {
    if (looksLikePath(evaluation.data)) checkPath(evaluation.data, '/evaluation/data');
    else datasetRef(evaluation.data, '/evaluation/data', 'evaluation.data');
  }

  // --- metric names outside gates ------------------------------------------------------------
  const metricRef = (value: unknown, ptr: string, what: string) => {
    const m = str(value);
    if (m === undefined || metricNames.includes(m)) return;
    const hint = closest(m, metricNames);
    out.push({
      pointer: ptr,
      message: `${what}: unknown metric '${m}'${hint ? `; did you mean '${hint}'?` : ''}`,
      fix: hint ? `write '${hint}'` : 'use a built-in metric name, or declare it under evaluation.custom_metrics with higher_is_better',
    });
  };
  arr(evaluation.metrics).forEach((m, i) => metricRef(m, pointer('evaluation', 'metrics', i), 'evaluation.metrics'));
  metricRef(obj(evaluation.importance).metric, '/evaluation/importance/metric', 'evaluation.importance.metric');
  arr(obj(doc.report).metrics).forEach((m, i) => metricRef(m, pointer('report', 'metrics', i), 'report.metrics'));

  // --- evaluation details --------------------------------------------------------------------
  const evalStage = str(obj(evaluation.baseline).stage);
  if (evalStage !== undefined && envNames.length > 0 && !own(environments, evalStage)) {
    out.push({
      pointer: '/evaluation/baseline/stage',
      message: `evaluation.baseline.stage names environment '${evalStage}', which is not under 'environments'${didYouMean(evalStage, envNames)}`,
      fix: `use one of: ${envNames.join(', ')}`,
    });
  }
  arr(evaluation.slices).forEach((s, i) => {
    const bins = arr(obj(s).bins).map(num);
    for (let j = 1; j < bins.length; j++) {
      const a = bins[j - 1];
      const b = bins[j];
      if (a !== undefined && b !== undefined && b <= a) {
        out.push({ pointer: pointer('evaluation', 'slices', i, 'bins', j), message: `evaluation.slices[${i}].bins must be strictly increasing (${b} after ${a})`, fix: 'sort the bin edges and remove duplicates' });
        break;
      }
    }
  });

  // --- bounds and patterns in validation -------------------------------------------------------
  const checkBounds = (o: Obj, ptr: string, what: string) => {
    const lo = num(o.min);
    const hi = num(o.max);
    if (lo !== undefined && hi !== undefined && lo > hi) {
      out.push({ pointer: `${ptr}/min`, message: `${what}: min ${lo} is greater than max ${hi}`, fix: 'swap them, or fix the one that is wrong' });
    }
  };
  for (const [col, c] of Object.entries(obj(validation.columns))) {
    const co = obj(c);
    const base = pointer('validation', 'columns', col);
    checkBounds(co, base, `validation.columns.${col}`);
    for (const k of ['length', 'mean', 'std']) if (isObj(co[k])) checkBounds(co[k] as Obj, `${base}/${k}`, `validation.columns.${col}.${k}`);
    for (const [q, b] of Object.entries(obj(co.quantiles))) checkBounds(obj(b), `${base}/quantiles/${q}`, `validation.columns.${col}.quantiles.${q}`);
    const pat = str(co.pattern);
    if (pat !== undefined) {
      try {
        new RegExp(pat, 'u');
      } catch (e) {
        out.push({ pointer: `${base}/pattern`, message: `validation.columns.${col}.pattern is not a valid regular expression: ${(e as Error).message}`, fix: 'fix the regular expression (JavaScript syntax)' });
      }
    }
  }
  if (isObj(obj(validation.table).rows)) checkBounds(obj(obj(validation.table).rows), '/validation/table/rows', 'validation.table.rows');

  // --- stages ----------------------------------------------------------------------------------
  const stages = obj(doc.stages);
  const typedStages: Record<string, StageSpec> = {};
  const owners = new Map<string, { label: string; stage: string }>();
  for (const [name, raw] of Object.entries(stages)) {
    const s = obj(raw);
    const matrix = isObj(s.matrix) ? (s.matrix as Record<string, Scalar[]>) : undefined;
    const matrixKeys = Object.keys(matrix ?? {});
    const cleanMatrix = matrix ? Object.fromEntries(Object.entries(matrix).map(([k, v]) => [k, arr(v) as Scalar[]])) : undefined;
    const stageSpec: StageSpec = {
      cmd: typeof s.cmd === 'string' || Array.isArray(s.cmd) ? (s.cmd as string | string[]) : '',
      deps: arr(s.deps).filter((x): x is string => typeof x === 'string'),
      outs: arr(s.outs).filter((x): x is string => typeof x === 'string'),
      metrics: arr(s.metrics).filter((x): x is string => typeof x === 'string'),
      ...(cleanMatrix ? { matrix: cleanMatrix } : {}),
    };
    typedStages[name] = stageSpec;

    // Placeholders must name matrix keys.
    const strings: [string, string][] = [];
    if (typeof s.cmd === 'string') strings.push([s.cmd, pointer('stages', name, 'cmd')]);
    arr(s.cmd).forEach((c, i) => typeof c === 'string' && strings.push([c, pointer('stages', name, 'cmd', i)]));
    for (const k of ['deps', 'outs', 'metrics'] as const) arr(s[k]).forEach((c, i) => typeof c === 'string' && strings.push([c, pointer('stages', name, k, i)]));
    if (typeof s.wdir === 'string') strings.push([s.wdir, pointer('stages', name, 'wdir')]);
    for (const [k, v] of Object.entries(obj(s.env))) if (typeof v === 'string') strings.push([v, pointer('stages', name, 'env', k)]);
    for (const [text, ptr] of strings) {
      for (const key of matrixPlaceholders(text)) {
        if (matrixKeys.includes(key)) continue;
        out.push({
          pointer: ptr,
          within: `\${matrix.${key}}`,
          message: matrixKeys.length
            ? `'\${matrix.${key}}' names no key of stage '${name}'s matrix${didYouMean(key, matrixKeys)}`
            : `'\${matrix.${key}}' is used but stage '${name}' has no matrix`,
          fix: matrixKeys.length ? `use one of: ${matrixKeys.map((k) => `\${matrix.${k}}`).join(', ')}` : `add 'matrix: {${key}: [...]}' to the stage, or remove the placeholder`,
        });
      }
    }

    const size = matrixSize(cleanMatrix);
    if (size > MAX_MATRIX_COMBINATIONS) {
      out.push({ pointer: pointer('stages', name, 'matrix'), at: 'key', message: `stage '${name}'s matrix has ${size} combinations; the limit is ${MAX_MATRIX_COMBINATIONS}`, fix: 'sweep fewer values, or split the sweep into several stages' });
      continue;
    }
    const combos = matrixCombinations(cleanMatrix);

    // Paths, per matrix instance.
    const pathLists: [unknown[], string][] = [
      [arr(s.deps), 'deps'],
      [arr(s.outs), 'outs'],
      [arr(s.metrics), 'metrics'],
    ];
    for (const [list, key] of pathLists) {
      list.forEach((p, i) => {
        if (typeof p !== 'string') return;
        for (const c of combos) {
          const sub = substituteMatrix(p, c);
          if (matrixPlaceholders(sub).length) continue;
          const bad = paths.check(sub);
          if (bad) {
            out.push({ pointer: pointer('stages', name, key, i), ...bad });
            break;
          }
        }
      });
    }
    if (typeof s.wdir === 'string') {
      const sub = substituteMatrix(s.wdir, combos[0]);
      if (!matrixPlaceholders(sub).length) {
        const bad = paths.check(sub);
        if (bad) out.push({ pointer: pointer('stages', name, 'wdir'), ...bad });
      }
    }
    arr(s.params).forEach((ref, i) => {
      if (typeof ref !== 'string' || !ref.includes('#')) return;
      const file = ref.slice(0, ref.indexOf('#'));
      const bad = file ? paths.check(file) : undefined;
      if (bad) out.push({ pointer: pointer('stages', name, 'params', i), ...bad });
    });

    // Two stages (or two instances) writing the same out.
    for (const key of ['outs', 'metrics'] as const) {
      arr(s[key]).forEach((p, i) => {
        if (typeof p !== 'string') return;
        for (const c of combos) {
          const sub = substituteMatrix(p, c);
          if (matrixPlaceholders(sub).length || paths.check(sub)) continue; // reported above
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

  // Dependency graph.
  const names = Object.keys(typedStages);
  const edges = stageEdges(typedStages);
  for (const e of edges.filter((x) => x.from === x.to)) {
    out.push({
      pointer: pointer('stages', e.from, 'deps', e.depIndex),
      message: `stage '${e.from}' depends on its own output: dep '${e.dep}' overlaps out '${e.out}'`,
      fix: 'a stage cannot read what it writes; remove the dep or write the out elsewhere',
    });
  }
  for (const cycle of findCycles(names, edges)) {
    const first = cycle[0];
    const edge = edges.find((e) => e.from === first && e.to === cycle[1]);
    const links = cycle
      .slice(0, -1)
      .map((from, i) => edges.find((e) => e.from === from && e.to === cycle[i + 1]))
      .map((e) => (e ? `'${e.from}' needs '${e.out}' from '${e.to}'` : ''))
      .filter(Boolean);
    out.push({
      pointer: edge ? pointer('stages', first, 'deps', edge.depIndex) : pointer('stages', first),
      at: edge ? 'value' : 'key',
      message: `stages depend on each other in a cycle: ${cycle.join(' → ')} (${links.join('; ')})`,
      fix: 'break the cycle: one of these stages must not depend on the others\' outs',
    });
  }

  // --- gates -----------------------------------------------------------------------------------
  arr(doc.gates).forEach((g, i) => {
    const gate = obj(g);
    const metric = str(gate.metric);
    const base = pointer('gates', i);
    checkBounds(gate, base, `gates[${i}]`);
    const comparison = ['max_drop', 'max_drop_pct', 'min_gain'].filter((k) => own(gate, k));
    if (metric !== undefined) {
      const builtIn = METRIC_DIRECTIONS[metric];
      const custom = own(customMetrics, metric);
      if (builtIn !== undefined && typeof gate.higher_is_better === 'boolean' && gate.higher_is_better !== (builtIn === 'higher')) {
        out.push({
          pointer: `${base}/higher_is_better`,
          at: 'key',
          message: `gates[${i}]: '${metric}' is ${builtIn === 'higher' ? 'higher' : 'lower'}-is-better, but the gate says higher_is_better: ${String(gate.higher_is_better)}`,
          fix: 'remove higher_is_better; built-in metrics know their direction',
        });
      } else if (builtIn === undefined && !custom && typeof gate.higher_is_better !== 'boolean') {
        const hint = closest(metric, metricNames);
        if (hint || comparison.length === 0) {
          out.push({
            pointer: `${base}/metric`,
            message: `gates[${i}]: unknown metric '${metric}'${hint ? `; did you mean '${hint}'?` : ''}`,
            fix: hint ? `write 'metric: ${hint}'` : 'use a built-in metric, or declare a custom one under evaluation.custom_metrics (with higher_is_better)',
          });
        } else {
          out.push({
            pointer: `${base}/${comparison[0]}`,
            at: 'key',
            message: `gates[${i}]: '${comparison[0]}' needs a direction, but custom metric '${metric}' has none`,
            fix: `add 'higher_is_better: true' (or false) to the gate, or declare '${metric}' under evaluation.custom_metrics`,
          });
        }
      }
    }
    const vs = str(gate.vs);
    if (vs !== undefined && vs !== 'base' && vs !== 'production' && !own(environments, vs)) {
      const hint = closest(vs, ['base', 'production', ...envNames]);
      out.push({
        pointer: `${base}/vs`,
        message: `gates[${i}]: unknown baseline '${vs}'${hint ? `; did you mean '${hint}'?` : ''}`,
        fix: `use 'production', 'base'${envNames.length ? ` or an environment (${envNames.join(', ')})` : ''}`,
      });
    }
  });

  // --- environments ----------------------------------------------------------------------------
  const after = new Map<string, string>();
  for (const [name, e] of Object.entries(environments)) {
    const a = str(obj(e).after);
    if (a === undefined) continue;
    if (a === name) {
      out.push({ pointer: pointer('environments', name, 'after'), message: `environment '${name}' comes after itself`, fix: "name the environment a version must be in first, or remove 'after'" });
    } else if (!own(environments, a)) {
      out.push({
        pointer: pointer('environments', name, 'after'),
        message: `environment '${name}' comes after '${a}', which is not defined under 'environments'${didYouMean(a, envNames)}`,
        fix: closest(a, envNames) ? `write 'after: ${closest(a, envNames)}'` : `define '${a}' under 'environments', or use one of: ${envNames.join(', ')}`,
      });
    } else after.set(name, a);
  }
  const reported = new Set<string>();
  for (const start of after.keys()) {
    const path = [start];
    let cur = after.get(start);
    while (cur !== undefined && !path.includes(cur)) {
      path.push(cur);
      cur = after.get(cur);
    }
    if (cur === undefined) continue;
    const cycle = [...path.slice(path.indexOf(cur)), cur];
    const key = [...new Set(cycle)].sort().join('\0');
    if (reported.has(key)) continue;
    reported.add(key);
    out.push({
      pointer: pointer('environments', cycle[0], 'after'),
      message: `environments come after each other in a cycle: ${cycle.join(' → ')}`,
      fix: "one environment must come first: remove its 'after'",
    });
  }

  return out;
}

function withPlaceholder(p: string, keys: string[]): string {
  const k = keys[0] ?? 'KEY';
  const dot = p.lastIndexOf('.');
  const slash = p.lastIndexOf('/');
  return dot > slash ? `${p.slice(0, dot)}-\${matrix.${k}}${p.slice(dot)}` : `${p}-\${matrix.${k}}`;
}
