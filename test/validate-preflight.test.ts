/**
 * `validate` reports what `run`, `status`, `gate` and `evaluate` would stop at later: a param
 * missing from params.yaml, a dep that does not exist, a gate slice on an undeclared column, a
 * dataset path that does not exist. Same message and position as the later command.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { lrModel } from './fixtures/models/models.js';

const PIPELINE = `version: 1
name: pf
model:
  path: models/model.onnx
  task: binary-classification
  label: y
  features: [a, b]
data:
  train:
    path: data/train.csv
  test:
    path: data/tset.csv
stages:
  train:
    cmd: node src/train.mjs
    deps: [data/train.csv, src/trian.mjs]
    params: [train.epoch]
    outs: [models/model.onnx]
evaluation:
  data: test
  slices:
    - column: region
gates:
  - metric: accuracy
    slice: {group: a}
    min: 0.5
  - metric: recall
    max_gap: 0.1
    across: nope
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-preflight-'));
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'data/train.csv'), 'a,y\n1,0\n');
  writeFileSync(join(dir, 'src/train.mjs'), '// train\n');
  writeFileSync(join(dir, 'params.yaml'), 'train:\n  epochs: 3\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = bufferIo();
  const code = await runCli(args, { io, cwd: dir });
  return { code, out: io.stdout, err: io.stderr };
}

describe('validate finds what later commands would reject', () => {
  it('lists the missing param, dep, dataset and undeclared slice columns at once, in file order', async () => {
    writeFileSync(join(dir, 'mlpipeline.yaml'), PIPELINE);
    const r = await cli(['validate']);
    expect(r.code).toBe(2);
    const heads = r.err.split('\n').filter((l) => !l.startsWith('  fix:'));
    expect(heads).toEqual([
      "mlpipeline: mlpipeline.yaml:12:5: dataset 'test': data/tset.csv does not exist and no stage produces it",
      "mlpipeline.yaml:16:28: stage 'train' depends on src/trian.mjs, which does not exist and no stage produces it",
      "mlpipeline.yaml:17:14: stage 'train' names param 'train.epoch', which is not in params.yaml",
      "mlpipeline.yaml:25:13: gates[0].slice names column 'group', which is not declared under evaluation.slices",
      "mlpipeline.yaml:29:13: gates[1].across names column 'nope', which is not declared under evaluation.slices",
      '',
    ]);
    expect(r.err).toContain('  fix: create data/tset.csv, correct data.test.path, or add the stage that writes it as an out');
    expect(r.err).toContain('  fix: declare the column under evaluation.slices (slices: [{column: group}])');
  });

  it('gives the same message and position as status for a param and a dep', async () => {
    const fixed = PIPELINE.replace('slice: {group: a}', 'slice: {region: a}').replace('across: nope', 'across: region').replace('data/tset.csv', 'data/train.csv');
    writeFileSync(join(dir, 'mlpipeline.yaml'), fixed);
    const v = await cli(['validate']);
    expect(v.code).toBe(2);
    const status = await cli(['status']);
    expect(status.code).toBe(2);
    const first = status.err.split('\n')[0]!.replace(/^mlpipeline: /, '');
    expect(first).toBe("mlpipeline.yaml:17:14: stage 'train' names param 'train.epoch', which is not in params.yaml");
    expect(v.err).toContain(first);
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  epoch: 3\n');
    const status2 = await cli(['status']);
    expect(status2.err.split('\n')[0]).toBe("mlpipeline: mlpipeline.yaml:16:28: stage 'train' depends on src/trian.mjs, which does not exist and no stage produces it");
    expect((await cli(['validate'])).err.split('\n')[0]).toBe(status2.err.split('\n')[0]);
  });

  it('warns (exit 0) about a dataset a stage writes but that is not there yet', async () => {
    const ok = PIPELINE.replace('slice: {group: a}', 'slice: {region: a}')
      .replace('across: nope', 'across: region')
      .replace('src/trian.mjs', 'src/train.mjs')
      .replace('train.epoch]', 'train.epochs]')
      .replace('outs: [models/model.onnx]', 'outs: [models/model.onnx, data/tset.csv]');
    writeFileSync(join(dir, 'mlpipeline.yaml'), ok);
    const r = await cli(['validate', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      "mlpipeline: warning: mlpipeline.yaml:12:5: dataset 'test': data/tset.csv does not exist yet; stage 'train' produces it\n" +
        '  fix: run `mlpipeline run` before the commands that read it (validate-data, evaluate)\n',
    );
    const doc = JSON.parse(r.out) as { ok: boolean; warnings: { line: number; column: number }[] };
    expect(doc.ok).toBe(true);
    expect(doc.warnings.map((w) => [w.line, w.column])).toEqual([[12, 5]]);
  });

  it('evaluate names the dataset in mlpipeline.yaml when its file is missing', async () => {
    const fixed = PIPELINE.replace('slice: {group: a}', 'slice: {region: a}').replace('across: nope', 'across: region');
    writeFileSync(join(dir, 'mlpipeline.yaml'), fixed);
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models/model.onnx'), lrModel());
    const r = await cli(['evaluate']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('mlpipeline: mlpipeline.yaml:12:5: data file not found: data/tset.csv');
  });

  it('evaluate points a feature missing from the data at its entry under model.features', async () => {
    const fixed = PIPELINE.replace('slice: {group: a}', 'slice: {region: a}').replace('across: nope', 'across: region').replace('data/tset.csv', 'data/train.csv');
    writeFileSync(join(dir, 'mlpipeline.yaml'), fixed);
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models/model.onnx'), lrModel());
    const r = await cli(['evaluate']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe("mlpipeline: mlpipeline.yaml:7:17: feature 'b' not found in data/train.csv (columns: a, y)");
  });

  it('validate-data names the dataset in mlpipeline.yaml when its file is missing', async () => {
    writeFileSync(join(dir, 'mlpipeline.yaml'), 'version: 1\nname: v\ndata:\n  train:\n    path: data/trian.csv\nvalidation:\n  table: {rows: {min: 1}}\n');
    const r = await cli(['validate-data']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('mlpipeline: mlpipeline.yaml:5:5: data file not found: data/trian.csv');
    expect((await cli(['validate'])).err.split('\n')[0]).toBe("mlpipeline: mlpipeline.yaml:5:5: dataset 'train': data/trian.csv does not exist and no stage produces it");
  });
});
