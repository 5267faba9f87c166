import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../core/errors.js';
import type { LoadedPipeline, StageSpec } from '../../pipeline-schema/types.js';
import { buildGraph, selectStages } from './dag.js';
import { expandStages } from './expand.js';

function pipeline(stages: Record<string, StageSpec>): LoadedPipeline {
  return {
    pipeline: { version: 1, name: 'p', stages },
    file: '/repo/mlpipeline.yaml',
    dir: '/repo',
    locate: (ptr) => (ptr === '/stages/b' ? { line: 7, column: 3 } : undefined),
  };
}

function order(stages: Record<string, StageSpec>): string[] {
  const loaded = pipeline(stages);
  return buildGraph(loaded, expandStages(loaded)).order.map((s) => s.name);
}

describe('stage graph', () => {
  it('orders stages by the outs they read, whatever the declaration order', () => {
    expect(
      order({
        evaluate: { cmd: 'e', deps: ['model.onnx', 'data/test.csv'] },
        train: { cmd: 't', deps: ['data/train.csv'], outs: ['model.onnx'] },
        prepare: { cmd: 'p', deps: ['raw.csv'], outs: ['data'] },
      }),
    ).toEqual(['prepare', 'train', 'evaluate']);
  });

  it('counts a dep inside an out folder, and an out inside a dep folder, as edges', () => {
    const loaded = pipeline({
      report: { cmd: 'r', deps: ['out'] },
      b: { cmd: 'b', outs: ['out/b.json'] },
      a: { cmd: 'a', deps: ['out/b.json/..', 'x'], outs: ['y'] },
    });
    const g = buildGraph(loaded, expandStages(loaded));
    expect(g.upstream.get('report')).toEqual(['b']);
    expect(g.upstream.get('a')).toEqual(['b']);
    expect(g.order.map((s) => s.name)).toEqual(['b', 'report', 'a']);
  });

  it('keeps declaration order between independent stages', () => {
    expect(order({ z: { cmd: 'z' }, a: { cmd: 'a' }, m: { cmd: 'm' } })).toEqual(['z', 'a', 'm']);
  });

  it('resolves deps and outs against the pipeline folder; wdir only sets where the command runs', () => {
    const loaded = pipeline({
      train: { cmd: 't', wdir: 'src', outs: ['model.onnx'] },
      evaluate: { cmd: 'e', deps: ['./model.onnx'] },
    });
    const g = buildGraph(loaded, expandStages(loaded));
    expect(g.order.map((s) => s.name)).toEqual(['train', 'evaluate']);
    expect(g.order[0]!.outs[0]).toEqual({ abs: '/repo/model.onnx', rel: 'model.onnx' });
    expect(g.order[0]!.wdir).toEqual({ abs: '/repo/src', rel: 'src' });
  });

  it('reports a dependency cycle with the stages in it', () => {
    let err: unknown;
    try {
      order({ a: { cmd: 'a', deps: ['b.out'], outs: ['a.out'] }, b: { cmd: 'b', deps: ['a.out'], outs: ['b.out'] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^dependency cycle between stages: (a → b → a|b → a → b)$/);
    expect((err as ConfigError).exitCode).toBe(2);
  });

  it('refuses two stages writing the same out, at the second stage', () => {
    let err: unknown;
    try {
      order({ a: { cmd: 'a', outs: ['model.onnx'] }, b: { cmd: 'b', outs: ['./model.onnx'] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).format()).toBe(
      "/repo/mlpipeline.yaml:7:3: stages 'a' and 'b' both write model.onnx\n  fix: give each stage its own outs",
    );
  });

  it('refuses a stage that reads its own out', () => {
    expect(() => order({ a: { cmd: 'a', deps: ['x'], outs: ['x'] } })).toThrow("stage 'a' depends on its own out x");
  });
});

describe('matrix expansion', () => {
  it('makes one instance per combination, substituting ${matrix.KEY}', () => {
    const loaded = pipeline({
      train: {
        cmd: 'python train.py --model ${matrix.model} --lr ${ matrix.lr }',
        matrix: { model: ['lr', 'gbt'], lr: [0.1, 0.2] },
        deps: ['data/${matrix.model}.csv'],
        outs: ['models/${matrix.model}-${matrix.lr}.onnx'],
        metrics: ['metrics/${matrix.model}-${matrix.lr}.json'],
      },
      pick: { cmd: 'pick', deps: ['models/gbt-0.2.onnx'] },
    });
    const stages = expandStages(loaded);
    expect(stages.map((s) => s.name)).toEqual([
      'train[model=lr,lr=0.1]',
      'train[model=lr,lr=0.2]',
      'train[model=gbt,lr=0.1]',
      'train[model=gbt,lr=0.2]',
      'pick',
    ]);
    const gbt02 = stages[3]!;
    expect(gbt02.cmds).toEqual(['python train.py --model gbt --lr 0.2']);
    expect(gbt02.deps.map((d) => d.rel)).toEqual(['data/gbt.csv']);
    expect(gbt02.outs.map((o) => o.rel)).toEqual(['models/gbt-0.2.onnx', 'metrics/gbt-0.2.json']);
    const g = buildGraph(loaded, stages);
    expect(g.upstream.get('pick')).toEqual(['train[model=gbt,lr=0.2]']);
    // Selecting the base name selects every instance; selecting `pick` brings only its producer.
    expect([...selectStages(g, ['train'])].sort()).toEqual(stages.slice(0, 4).map((s) => s.name).sort());
    expect([...selectStages(g, ['pick'])].sort()).toEqual(['pick', 'train[model=gbt,lr=0.2]']);
  });

  it('rejects a reference to a key the matrix does not have', () => {
    expect(() => expandStages(pipeline({ t: { cmd: 'x ${matrix.seed}', matrix: { lr: [1] } } }))).toThrow(
      "stage 't' uses ${matrix.seed} in cmd but its matrix has no key 'seed'",
    );
    expect(() => expandStages(pipeline({ t: { cmd: 'x ${matrix.seed}' } }))).toThrow("stage 't' uses ${matrix.seed} in cmd but has no matrix");
  });
});

describe('stage selection', () => {
  const loaded = pipeline({
    prepare: { cmd: 'p', outs: ['d'] },
    train: { cmd: 't', deps: ['d'], outs: ['m'] },
    evaluate: { cmd: 'e', deps: ['m'] },
    lint: { cmd: 'l' },
  });
  const g = buildGraph(loaded, expandStages(loaded));

  it('selects a stage with everything upstream of it', () => {
    expect([...selectStages(g, ['train'])].sort()).toEqual(['prepare', 'train']);
    expect([...selectStages(g, undefined)].sort()).toEqual(['evaluate', 'lint', 'prepare', 'train']);
  });

  it('names an unknown stage and suggests the closest one', () => {
    let err: unknown;
    try {
      selectStages(g, ['trian']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).format()).toBe("unknown stage 'trian'\n  fix: did you mean 'train'? stages: prepare, train, evaluate, lint");
  });
});
