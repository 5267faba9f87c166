/**
 * The stage fingerprint is the cache key of every user's stage cache and lock file. These
 * literals pin it: they were computed independently (Python's hashlib.sha256 over
 * json.dumps(doc, sort_keys=True, separators=(',', ':'))) and must never change by accident.
 *
 * If one of them fails, every cached stage of every user would silently re-run (or, worse, a
 * changed recipe could match an old entry). Change the literal only together with a deliberate
 * bump of RECIPE in runners/stages/fingerprint.ts (the cache version), and say so in the notes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, type StageInputs } from '../runners/stages/fingerprint.js';
import { sha256File } from '../runners/stages/hash-cache.js';

const TRAIN_CSV = 'id,x,y\n1,0.5,1\n2,1.5,0\n';
const TRAIN_PY = 'print("train")\n';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-fingerprint-'));
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'data', 'train.csv'), TRAIN_CSV);
  writeFileSync(join(dir, 'src', 'train.py'), TRAIN_PY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function trainStage(): Promise<StageInputs> {
  return {
    cmds: ['python src/train.py --epochs 3'],
    wdir: '.',
    env: { SEED: '42' },
    deps: {
      'data/train.csv': await sha256File(join(dir, 'data', 'train.csv')),
      'src/train.py': await sha256File(join(dir, 'src', 'train.py')),
    },
    params: { 'train.epochs': 3, 'train.lr': 0.01 },
    outs: ['model/model.onnx', 'metrics/train.json'],
  };
}

describe('stage fingerprint', () => {
  it('hashes dep files to the sha256 of their content', async () => {
    const stage = await trainStage();
    expect(stage.deps).toEqual({
      'data/train.csv': '24f13ba3aedcf7bf4f742c1c61f5367aa2f11701ee2730ffd798d6808db230a9',
      'src/train.py': '2c5466541599433d0a4d173ed1846ccfb6d1b779fb2c6b6bb5c5b942ddfb56d4',
    });
  });

  it('is this exact value for a fixed stage (changing it invalidates every cache: bump RECIPE)', async () => {
    expect(fingerprint(await trainStage())).toBe('f007c68597a94d8dc79c5af6d5d0b17ad9891f3a0e761ccbbe41f1782f543a7a');
  });

  it('does not depend on the order outs, deps, params or env are listed in', async () => {
    const stage = await trainStage();
    const reordered: StageInputs = {
      ...stage,
      outs: [...stage.outs].reverse(),
      deps: Object.fromEntries(Object.entries(stage.deps).reverse()),
      params: { 'train.lr': 0.01, 'train.epochs': 3 },
      env: { ...stage.env },
    };
    expect(fingerprint(reordered)).toBe(fingerprint(stage));
  });

  it('changes with each input the command can see', async () => {
    const stage = await trainStage();
    const variants: StageInputs[] = [
      { ...stage, cmds: ['python src/train.py --epochs 4'] },
      { ...stage, wdir: 'src' },
      { ...stage, env: { SEED: '43' } },
      { ...stage, deps: { ...stage.deps, 'data/train.csv': '0'.repeat(64) } },
      { ...stage, params: { ...stage.params, 'train.lr': 0.02 } },
      { ...stage, outs: ['model/model.onnx'] },
    ];
    const prints = variants.map(fingerprint);
    expect(new Set([fingerprint(stage), ...prints]).size).toBe(variants.length + 1);
  });
});
