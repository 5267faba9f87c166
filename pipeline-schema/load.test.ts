import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { editDistance, closest } from './did-you-mean.js';
import { validateDocument, schemaKinds } from './documents.js';
import { stageOrder, withUpstream } from './graph.js';
import { loadPipelineFile, loadPipelineText } from './load.js';
import { expandStage, instanceName, matrixCombinations } from './matrix.js';
import { generateValidatorSource } from './validator-codegen.js';

const here = import.meta.dirname;
const FULL = join(here, '..', 'test', 'fixtures', 'config', 'valid', 'full.yaml');
const schemaText = readFileSync(join(here, 'mlpipeline.schema.json'), 'utf8');

describe('mlpipeline.schema.json', () => {
  it('compiles under Ajv strict mode', () => {
    const ajv = new Ajv2020.default({ strict: true, allErrors: true, allowUnionTypes: true });
    expect(() => ajv.compile(JSON.parse(schemaText))).not.toThrow();
  });

  it('describes every property', () => {
    const missing: string[] = [];
    const walk = (s: unknown, path: string): void => {
      if (!s || typeof s !== 'object') return;
      const o = s as Record<string, unknown>;
      for (const [k, v] of Object.entries((o.properties as Record<string, Record<string, unknown> | true>) ?? {})) {
        if (v !== true && typeof v.description !== 'string') missing.push(`${path}/${k}`);
      }
      for (const [k, v] of Object.entries(o)) if (typeof v === 'object') walk(v, `${path}/${k}`);
    };
    walk(JSON.parse(schemaText), '#');
    // `true` placeholders inside oneOf/anyOf only name keys for strictRequired.
    expect(missing).toEqual([]);
  });

  it('has a precompiled validator generated from exactly this schema', () => {
    const committed = readFileSync(join(here, 'mlpipeline.validate.cjs'), 'utf8');
    expect(committed === generateValidatorSource(), 'run: npx tsc -p tsconfig.build.json && node dist/pipeline-schema/validator-codegen.js').toBe(true);
  });
});

describe('loadPipelineFile on a pipeline using every section', () => {
  it('loads, normalises `run` to `cmd` and keeps source positions', async () => {
    const loaded = await loadPipelineFile(FULL, { repoRoot: join(here, '..') });
    const p = loaded.pipeline;
    expect(loaded.file).toBe(FULL);
    expect(loaded.dir).toBe(join(here, '..', 'test', 'fixtures', 'config', 'valid'));
    expect(p.stages?.prepare?.cmd).toBe('node prepare.js');
    expect(p.stages?.prepare).not.toHaveProperty('run');
    expect(p.stages?.train?.env).toEqual({ SEED: '42', MODE: 'fast' });
    // Each gate as written, in order (the loader keeps them as given).
    expect(p.gates?.map((g) => [g.metric, g.vs, g.min ?? g.max ?? g.max_drop ?? g.max_drop_pct ?? g.min_gain ?? g.max_gap])).toEqual([
      ['roc_auc', undefined, 0.75],
      ['accuracy', 'production', 0.02],
      ['log_loss', 'base', 5],
      ['revenue_uplift', 'production', 0],
      ['recall', undefined, 0.6],
      ['recall', undefined, 0.1],
      ['calibration_error', undefined, 0.05],
    ]);
    expect(p.gates?.[4]).toMatchObject({ slice: { contract: 'monthly' }, name: 'recall on monthly contracts', severity: 'warn' });
    expect(p.gates?.[5]).toMatchObject({ across: 'contract' });
    expect(p.gates?.[6]).toMatchObject({ higher_is_better: false });
    // Lines and columns counted in the fixture by hand.
    expect(loaded.locate('/stages/prepare')).toEqual({ line: 50, column: 3 });
    expect(loaded.locate('/stages/prepare/cmd')).toEqual({ line: 51, column: 5 });
    expect(loaded.locate('/stages/train/cmd')).toEqual({ line: 55, column: 5 });
    expect(loaded.locate('/stages/train/env/SEED')).toEqual({ line: 63, column: 11 });
    expect(loaded.locate('/gates/2')).toEqual({ line: 93, column: 5 });
    expect(loaded.locate('/nope')).toBeUndefined();
  });

  it('orders stages by their deps and outs', async () => {
    const { pipeline } = await loadPipelineFile(FULL, { repoRoot: join(here, '..') });
    expect(stageOrder(pipeline)).toEqual(['prepare', 'train', 'package']);
    expect(withUpstream(pipeline, 'train')).toEqual(['prepare', 'train']);
  });
});

describe('loadPipelineText', () => {
  const load = (text: string) => loadPipelineText(text, '/repo/mlpipeline.yaml', { repoRoot: '/repo', cwd: '/repo' });
  const problems = (text: string) => {
    try {
      load(text);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems.map((p) => `${p.location.file}:${p.location.line}:${p.location.column}: ${p.message}`);
    }
    throw new Error('expected a ConfigError');
  };

  it('accepts a minimal pipeline', () => {
    expect(load('version: 1\nname: tiny\n').pipeline).toEqual({ version: 1, name: 'tiny' });
  });

  it('names the file relative to cwd and reports the format file:line:col', () => {
    expect(problems('version: 1\nname: x\nmodle: {}\n')).toEqual(["mlpipeline.yaml:3:1: unknown key 'modle' at the top level; did you mean 'model'?"]);
  });

  it('accepts << merge keys from an anchor', () => {
    const text = 'version: 1\nname: x\nstages:\n  a: &base\n    cmd: make a\n    runs-on: gpu\n  b:\n    <<: *base\n    cmd: make b\n';
    const p = load(text).pipeline;
    expect(p.stages?.b).toEqual({ cmd: 'make b', 'runs-on': 'gpu' });
  });

  it('reports a misspelt key merged from an anchor at the merge', () => {
    const text = 'version: 1\nname: x\nstages:\n  a: &base\n    cmd: make a\n    runson: gpu\n  b:\n    <<: *base\n    cmd: make b\n';
    expect(problems(text)).toEqual([
      "mlpipeline.yaml:6:5: unknown key 'runson' in stages.a; did you mean 'runs-on'?",
      "mlpipeline.yaml:7:3: unknown key 'runson' in stages.b; did you mean 'runs-on'?",
    ]);
  });

  it('accepts a dep on an out folder and a dep folder holding an out as edges', () => {
    const text = 'version: 1\nname: x\nstages:\n  use:\n    cmd: c\n    deps: [data]\n  make:\n    cmd: m\n    outs: [data/x.csv]\n';
    expect(stageOrder(load(text).pipeline)).toEqual(['make', 'use']);
  });
});

describe('did you mean', () => {
  it('uses the optimal string alignment distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3); // the textbook Levenshtein example
    expect(editDistance('verison', 'version')).toBe(1); // one transposition
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('suggests only close candidates, folding case and - vs _', () => {
    expect(closest('roc-auc', ['roc_auc', 'accuracy'])).toBe('roc_auc');
    expect(closest('stagse', ['stages', 'name'])).toBe('stages');
    expect(closest('zzz', ['stages', 'name'])).toBeUndefined();
  });
});

describe('matrix', () => {
  it('expands combinations with the first key varying slowest', () => {
    expect(matrixCombinations({ lr: [0.1, 0.01], depth: [3, 5] })).toEqual([
      { lr: 0.1, depth: 3 },
      { lr: 0.1, depth: 5 },
      { lr: 0.01, depth: 3 },
      { lr: 0.01, depth: 5 },
    ]);
    expect(instanceName('train', { lr: 0.1, depth: 3 })).toBe('train[lr=0.1,depth=3]');
    expect(expandStage({ cmd: 'train --lr ${matrix.lr}', outs: ['m-${matrix.lr}.onnx'], matrix: { lr: [1] } }, { lr: 1 })).toEqual({ cmd: 'train --lr 1', outs: ['m-1.onnx'] });
  });
});

describe('validateDocument', () => {
  it('validates against a named schema and lists problems', () => {
    expect(schemaKinds()).toContain('mlpipeline');
    expect(validateDocument('mlpipeline', { version: 1, name: 'x' })).toEqual([]);
    expect(validateDocument('mlpipeline', { version: 1, name: 'x', extra: 1 })).toEqual(["/: unknown property 'extra'"]);
    expect(() => validateDocument('no-such-kind', {})).toThrow(/no schema for document kind 'no-such-kind'/);
  });
});
