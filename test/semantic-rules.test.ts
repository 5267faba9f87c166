/**
 * Each semantic rule on its own: a document that breaks exactly its concern, and what the rule
 * says about it. The broken-fixture table in config.test.ts covers the same rules through the
 * CLI with file positions; this pins which rule owns which concern.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathChecker, type PathChecker } from '../pipeline-schema/paths.js';
import { ruleContext } from '../pipeline-schema/rules/context.js';
import { SEMANTIC_RULES, type SemanticRule } from '../pipeline-schema/rules/index.js';
import { semanticProblems } from '../pipeline-schema/semantics.js';

let dir: string;
let paths: PathChecker;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-rules-'));
  paths = pathChecker(dir, dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stage = (extra: Record<string, unknown>) => ({ cmd: 'make', ...extra });

/** For each rule id: a document breaking that concern, and the pointer and message it must report. */
const CASES: Record<string, { doc: Record<string, unknown>; pointer: string; message: string }> = {
  'top-level-paths': { doc: { model: { path: '../model.onnx' } }, pointer: '/model/path', message: "path '../model.onnx' escapes the repository" },
  'dataset-refs': { doc: { data: { train: { path: 't.csv' } }, evaluation: { data: 'holdout' } }, pointer: '/evaluation/data', message: "evaluation.data refers to dataset 'holdout'" },
  'metric-refs': { doc: { evaluation: { metrics: ['acuracy'] } }, pointer: '/evaluation/metrics/0', message: "unknown metric 'acuracy'; did you mean 'accuracy'?" },
  'evaluation-baseline-environment': { doc: { environments: { production: {} }, evaluation: { baseline: { stage: 'prod' } } }, pointer: '/evaluation/baseline/stage', message: "names environment 'prod', which is not under 'environments'" },
  'slice-bins-increasing': { doc: { evaluation: { slices: [{ column: 'x', bins: [1, 3, 2] }] } }, pointer: '/evaluation/slices/0/bins/2', message: 'must be strictly increasing (2 after 3)' },
  'min-not-above-max': { doc: { gates: [{ metric: 'accuracy', min: 0.9, max: 0.8 }] }, pointer: '/gates/0/min', message: 'gates[0]: min 0.9 is greater than max 0.8' },
  'matrix-placeholders': { doc: { stages: { train: stage({ outs: ['m-${matrix.lr}.onnx'] }) } }, pointer: '/stages/train/outs/0', message: "'${matrix.lr}' is used but stage 'train' has no matrix" },
  'matrix-size': { doc: { stages: { train: stage({ matrix: { a: Array.from({ length: 20 }, (_, i) => i), b: Array.from({ length: 20 }, (_, i) => i) } }) } }, pointer: '/stages/train/matrix', message: "stage 'train's matrix has 400 combinations; the limit is 256" },
  'stage-paths': { doc: { stages: { train: stage({ deps: ['/etc/passwd'] }) } }, pointer: '/stages/train/deps/0', message: "path '/etc/passwd' is absolute" },
  'params-ref-paths': { doc: { stages: { train: stage({ params: ['../p.yaml#lr'] }) } }, pointer: '/stages/train/params/0', message: "path '../p.yaml' escapes the repository" },
  'duplicate-outs': { doc: { stages: { a: stage({ outs: ['m.onnx'] }), b: stage({ outs: ['m.onnx'] }) } }, pointer: '/stages/b/outs/0', message: "stages 'a' and 'b' both write 'm.onnx'" },
  'self-dependency': { doc: { stages: { a: stage({ deps: ['out'], outs: ['out/m.onnx'] }) } }, pointer: '/stages/a/deps/0', message: "stage 'a' depends on its own output" },
  'stage-cycles': { doc: { stages: { a: stage({ deps: ['b.txt'], outs: ['a.txt'] }), b: stage({ deps: ['a.txt'], outs: ['b.txt'] }) } }, pointer: '/stages/a/deps/0', message: 'stages depend on each other in a cycle: a → b → a' },
  'gate-direction-conflict': { doc: { gates: [{ metric: 'log_loss', higher_is_better: true, max: 1 }] }, pointer: '/gates/0/higher_is_better', message: "'log_loss' is lower-is-better, but the gate says higher_is_better: true" },
  'unknown-gate-metric': { doc: { gates: [{ metric: 'acuracy', min: 0.5 }] }, pointer: '/gates/0/metric', message: "gates[0]: unknown metric 'acuracy'; did you mean 'accuracy'?" },
  'comparison-gate-direction': { doc: { gates: [{ metric: 'revenue_uplift', vs: 'production', min_gain: 0 }] }, pointer: '/gates/0/min_gain', message: "'min_gain' needs a direction, but custom metric 'revenue_uplift' has none" },
  'gate-baselines': { doc: { gates: [{ metric: 'accuracy', vs: 'producton', max_drop: 0.1 }] }, pointer: '/gates/0/vs', message: "gates[0]: unknown baseline 'producton'; did you mean 'production'?" },
  'gate-slice-columns': { doc: { evaluation: { slices: [{ column: 'region' }] }, gates: [{ metric: 'accuracy', slice: { regio: 'eu' }, min: 0.5 }] }, pointer: '/gates/0/slice/regio', message: "gates[0].slice names column 'regio', which is not declared under evaluation.slices; did you mean 'region'?" },
  'environment-after': { doc: { environments: { staging: {}, production: { after: 'stagin' } } }, pointer: '/environments/production/after', message: "comes after 'stagin', which is not defined under 'environments'; did you mean 'staging'?" },
  're2-patterns': { doc: { validation: { columns: { code: { pattern: '(a)\\1' } } } }, pointer: '/validation/columns/code/pattern', message: 'is not a valid RE2 pattern' },
  'reserved-outs': { doc: { stages: { train: stage({ outs: ['.mlpipeline/cache'] }) } }, pointer: '/stages/train/outs/0', message: "declares '.mlpipeline/cache' as an out, which would overwrite mlpipeline's state folder" },
  'well-formed-strings': { doc: { name: 'churn\ud800' }, pointer: '/name', message: 'name has a lone surrogate (not well-formed Unicode)' },
  'deploy-blocks': { doc: { environments: { staging: { deploy: { manifest: 'deploy/s.yaml', kind: 'kserve', uri: 's3://m/{name}/{verson}' } } } }, pointer: '/environments/staging/deploy/uri', message: "unknown placeholder '{verson}' in the deploy uri; did you mean '{version}'?" },
  'environment-enforce': { doc: { environments: { staging: { require_gates: false, enforce: 'revert' } } }, pointer: '/environments/staging/enforce', message: "has 'enforce: revert' but no policy to enforce" },
  'monitoring-refs': { doc: { data: { train: { path: 't.csv' } }, environments: { production: {} }, monitoring: { live: { path: 'live/*.csv' }, reference: { dataset: 'trian' } } }, pointer: '/monitoring/reference/dataset', message: "monitoring.reference.dataset names 'trian', which is not under 'data'; did you mean 'train'?" },
  'environment-cycles': { doc: { environments: { staging: { after: 'production' }, production: { after: 'staging' } } }, pointer: '/environments/staging/after', message: 'environments come after each other in a cycle: staging → production → staging' },
};

const run = (rule: SemanticRule, doc: Record<string, unknown>) => rule.check(ruleContext(doc, paths, 'mlpipeline.yaml'));

describe('semantic rules', () => {
  it('has one case here for every rule, by id', () => {
    expect(SEMANTIC_RULES.map((r) => r.id).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(SEMANTIC_RULES.map((rule) => [rule.id, rule] as const))('%s reports its own concern', (id, rule) => {
    const c = CASES[id];
    if (!c) throw new Error(`no case for rule ${id}`);
    const problems = run(rule, c.doc);
    expect(problems.map((p) => p.pointer)).toEqual([c.pointer]);
    expect(problems[0]?.message).toContain(c.message);
    expect(problems[0]?.fix).toMatch(/\S/);
    // No other rule claims this document's problem.
    const others = SEMANTIC_RULES.filter((r) => r !== rule).flatMap((r) => run(r, c.doc));
    expect(others.map((p) => p.message)).not.toContainEqual(expect.stringContaining(c.message));
  });

  it('checks monitoring.performance.gates like gates:, naming each by its own path', () => {
    const doc = {
      environments: { production: {} },
      evaluation: { slices: [{ column: 'contract' }] },
      monitoring: { live: { path: 'live.csv' }, reference: { path: 'ref.csv' }, performance: { gates: [{ metric: 'acuracy', min: 0.5 }, { metric: 'recall', vs: 'prodution', max_drop: 0.1, slice: { contrat: 'x' } }] } },
    };
    const problems = semanticProblems({ doc, paths, pipelineFileName: 'mlpipeline.yaml' });
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/monitoring/performance/gates/0/metric', expect.stringContaining("monitoring.performance.gates[0]: unknown metric 'acuracy'; did you mean 'accuracy'?")],
      ['/monitoring/performance/gates/1/vs', expect.stringContaining("monitoring.performance.gates[1]: unknown baseline 'prodution'; did you mean 'production'?")],
      ['/monitoring/performance/gates/1/slice/contrat', expect.stringContaining("monitoring.performance.gates[1].slice names column 'contrat'")],
    ]);
  });

  it('runs an added rule after the built-in ones (a new rule is one module and one list entry)', () => {
    const extra: SemanticRule = { id: 'no-stage-named-all', check: ({ stages }) => stages.filter((s) => s.name === 'all').map((s) => ({ pointer: `/stages/${s.name}`, at: 'key', message: "'all' is reserved", fix: 'rename the stage' })) };
    const doc = { stages: { all: stage({ deps: ['/abs'] }) } };
    const problems = semanticProblems({ doc, paths, pipelineFileName: 'mlpipeline.yaml' }, [...SEMANTIC_RULES, extra]);
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining("path '/abs' is absolute"), "'all' is reserved"]);
  });
});

describe('deploy-blocks', () => {
  const rule = SEMANTIC_RULES.find((r) => r.id === 'deploy-blocks')!;
  const check = (deploy: Record<string, unknown>) => run(rule, { environments: { production: { deploy } } }).map((p) => `${p.pointer}: ${p.message}`);
  const base = { manifest: 'deploy/p.yaml', uri: 'gs://m/{name}/{version}/{sha256}/{release_asset_url}/{{literal}}' };

  it('accepts every placeholder and literal braces, for each kind', () => {
    expect(check({ ...base, kind: 'kserve', canary: { percent: 10 } })).toEqual([]);
    expect(check({ ...base, kind: 'seldon', canary: { percent: 10, experiment: 'split' } })).toEqual([]);
    expect(check({ ...base, kind: 'custom', field: 'spec.uri', canary: { percent: 5, field: 'spec.w' } })).toEqual([]);
  });

  it('asks for what each kind needs, and nothing a kind does not use', () => {
    expect(check({ ...base, kind: 'seldon', canary: { percent: 10 } })).toEqual(["/environments/production/deploy/canary: environment 'production': a seldon canary needs 'experiment', the Experiment whose candidate weights are set"]);
    expect(check({ ...base, kind: 'kserve', canary: { percent: 10, experiment: 'x' } })[0]).toContain("'experiment' is for seldon");
    expect(check({ ...base, kind: 'custom', field: 'a.b', canary: { percent: 10 } })[0]).toContain("a custom canary needs 'field'");
    expect(check({ ...base, kind: 'seldon', canary: { percent: 10, experiment: 'x', field: 'a' } })[0]).toContain('sets the Experiment');
  });

  it('reports an unclosed brace and a stray closing one', () => {
    expect(check({ ...base, kind: 'kserve', uri: 's3://m/{name' })[0]).toContain("a '{' in the deploy uri is never closed");
    expect(check({ ...base, kind: 'kserve', uri: 's3://m/}' })[0]).toContain("a '}' closes no placeholder");
  });
});
