import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { lookupDotted as lookup } from '../../core/dotted-keys.js';
import { ParamsReader } from './params.js';
import { readMetricsFile } from './metrics-files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlp-params-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('params', () => {
  it('reads dotted keys from the default params.yaml and file#key from JSON or YAML', async () => {
    await writeFile(join(dir, 'params.yaml'), 'train:\n  lr: 0.1\n  layers: [3, 4]\nseed: 7\n');
    await mkdir(join(dir, 'conf'));
    await writeFile(join(dir, 'conf/model.json'), '{"model": {"depth": 6, "kind": "gbt"}}');
    await writeFile(join(dir, 'conf/extra.yml'), 'a:\n  b:\n    c: true\n');
    const r = new ParamsReader(dir);
    expect(await r.values('train', ['train.lr', 'seed', 'train.layers', 'conf/model.json#model.depth', 'conf/extra.yml#a.b'])).toEqual({
      'train.lr': 0.1,
      seed: 7,
      'train.layers': [3, 4],
      'conf/model.json#model.depth': 6,
      'conf/extra.yml#a.b': { c: true },
    });
  });

  it('uses the pipeline-level params files in order', async () => {
    await writeFile(join(dir, 'a.yaml'), 'x: 1\n');
    await writeFile(join(dir, 'b.json'), '{"y": 2, "x": 9}');
    const r = new ParamsReader(dir, { defaults: ['a.yaml', 'b.json'] });
    expect(await r.values('s', ['x', 'y'])).toEqual({ x: 1, y: 2 });
  });

  it('names the file and the key when a key is missing', async () => {
    await writeFile(join(dir, 'params.yaml'), 'train:\n  lr: 0.1\n');
    await writeFile(join(dir, 'p.json'), '{}');
    const r = new ParamsReader(dir);
    const e1 = await caught(r.values('train', ['train.epochs']));
    expect(e1.format()).toBe(
      "params.yaml: stage 'train' names param 'train.epochs', which is not in params.yaml\n" +
        "  fix: add 'train.epochs' to params.yaml, correct the name under the stage's params, or write it as FILE#train.epochs to read it from another file",
    );
    expect(e1.exitCode).toBe(2);
    const e2 = await caught(r.values('train', ['p.json#lr']));
    expect(e2.message).toBe("stage 'train' names param 'lr', which is not in p.json");
    // With a locator, the error points at the reference in mlpipeline.yaml instead.
    const e3 = await caught(r.values('train', ['train.epochs'], () => ({ file: 'mlpipeline.yaml', line: 9, column: 14 })));
    expect(e3.format().split('\n')[0]).toBe("mlpipeline.yaml:9:14: stage 'train' names param 'train.epochs', which is not in params.yaml");
  });

  it('reports a missing or broken params file', async () => {
    const r = new ParamsReader(dir);
    expect((await caught(r.values('train', ['lr']))).message).toBe("cannot read params file params.yaml (needed by stage 'train'): ENOENT");
    // The second `a:` (line 3, column 1) repeats a key.
    await writeFile(join(dir, 'bad.yaml'), 'a: 1\nb: 2\na: 3\n');
    const e = await caught(r.values('train', ['bad.yaml#a']));
    expect(e.message).toBe('cannot parse params file as YAML: Map keys must be unique');
    expect(e.location).toEqual({ file: 'bad.yaml', line: 3, column: 1 });
    expect(e.exitCode).toBe(2);
    // Line 2, column 12 is the stray `x` after the number.
    await writeFile(join(dir, 'bad.json'), '{\n  "lr": 0.1x\n}\n');
    const j = await caught(r.values('train', ['bad.json#lr']));
    expect(j.format()).toBe('bad.json:2:12: cannot parse params file as JSON: unexpected character "x"\n  fix: fix the JSON syntax at that position');
  });

  it('looks up literal dotted keys before descending', () => {
    expect(lookup({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toEqual({ ok: true, value: 1 });
    expect(lookup({ a: { 'b.c': 3 } }, 'a.b.c')).toEqual({ ok: true, value: 3 });
    expect(lookup({ a: 1 }, 'a.b')).toEqual({ ok: false });
  });
});

describe('metrics files', () => {
  it('flattens nested objects and arrays with dotted keys, as metrics diff does', async () => {
    await writeFile(join(dir, 'm.json'), JSON.stringify({ acc: 0.9, per_class: { yes: { f1: 0.5 } }, hist: [1, 2], note: null, ok: true, empty: [] }));
    expect(await readMetricsFile(join(dir, 'm.json'), 'm.json')).toEqual({
      acc: 0.9,
      'per_class.yes.f1': 0.5,
      'hist.0': 1,
      'hist.1': 2,
      note: null,
      ok: true,
      empty: '[]',
    });
    await writeFile(join(dir, 'm.yaml'), 'loss: .nan\nsteps: 3\n');
    expect(await readMetricsFile(join(dir, 'm.yaml'), 'm.yaml')).toEqual({ loss: 'NaN', steps: 3 });
  });

  it('names the line and column of a broken metrics file', async () => {
    await writeFile(join(dir, 'm.json'), '{"acc": 0.9,}');
    const e = await caught(readMetricsFile(join(dir, 'm.json'), 'metrics/m.json'));
    // Column 13 is the `}` after the trailing comma.
    expect(e.location).toEqual({ file: 'metrics/m.json', line: 1, column: 13 });
  });
});
