/**
 * The CI stage-cache key (runners/stages/cache-key.ts) and the trim before a save
 * (runners/stages/prune.ts), on a tiny pipeline whose second stage writes a directory out.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile } from '../pipeline-schema/load.js';
import { stageCacheKey } from '../runners/stages/cache-key.js';
import { readLock } from '../runners/stages/lock-file.js';
import { pruneToLock } from '../runners/stages/prune.js';
import { runPipeline } from '../runners/stages/engine.js';
import { tempWorkspaces } from './cli-workspace.js';

const { workspace } = tempWorkspaces('mlp-cache-key-');

const PIPELINE = `version: 1
name: tiny
params: [params.yaml]
stages:
  prepare:
    cmd: node prepare.js
    deps: [prepare.js, raw.csv]
    outs: [clean.csv]
  train:
    cmd: node train.js
    deps: [train.js, clean.csv]
    params: [train.lr]
    outs: [model]
gates:
  - metric: accuracy
    min: 0.5
`;

const FILES = {
  'mlpipeline.yaml': PIPELINE,
  'params.yaml': 'train:\n  lr: 0.1\n',
  'raw.csv': 'a\n1\n2\n',
  'prepare.js': "require('fs').writeFileSync('clean.csv', require('fs').readFileSync('raw.csv', 'utf8').toUpperCase());\n",
  'train.js': `const fs = require('fs');
const lr = /lr:\\s*(\\S+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1];
fs.mkdirSync('model/parts', { recursive: true });
fs.writeFileSync('model/weights.bin', 'lr=' + lr);
fs.writeFileSync('model/parts/head.bin', 'head ' + lr);
`,
};

const key = async (dir: string) => (await stageCacheKey(await loadPipelineFile(join(dir, 'mlpipeline.yaml')))).digest;
const run = async (dir: string) => runPipeline(await loadPipelineFile(join(dir, 'mlpipeline.yaml')), { env: process.env, command: 'test' });

describe('stage cache key', () => {
  it('depends on the stage inputs only: not on what ran or is cached, nor on gates; a param changes it', async () => {
    const dir = workspace(FILES);
    const before = await key(dir);
    await run(dir);
    // Same inputs after the run, with outs and a populated cache: the same key (main's CI and a
    // PR's CI compute it before restoring, from the same tree).
    expect(await key(dir)).toBe(before);
    expect(await key(workspace(FILES))).toBe(before);
    writeFileSync(join(dir, 'mlpipeline.yaml'), PIPELINE.replace('min: 0.5', 'min: 0.9'));
    expect(await key(dir)).toBe(before);
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  lr: 0.2\n');
    expect(await key(dir)).not.toBe(before);
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  lr: 0.1\n');
    writeFileSync(join(dir, 'raw.csv'), 'a\n1\n2\n3\n');
    expect(await key(dir)).not.toBe(before);
  });
});

describe('pruneToLock', () => {
  it("keeps the current lock's runs and objects (a directory out's files too) and removes an earlier run's", async () => {
    const dir = workspace(FILES);
    await run(dir);
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  lr: 0.2\n');
    await run(dir);
    const cache = join(dir, '.mlpipeline', 'cache');
    const lock = await readLock(join(dir, 'mlpipeline.lock'));
    const objects = () => readdirSync(join(cache, 'objects'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    const before = objects();
    const result = await pruneToLock(cache, lock);
    expect(result.removedRuns).toBe(1);
    // The lr=0.1 model: its manifest and its two files (weights.bin and head.bin differ by lr).
    expect(result.removedObjects).toBe(3);
    expect(objects()).toBe(before - 3);
    expect(readdirSync(join(cache, 'runs')).sort()).toEqual(Object.values(lock.stages).map((s) => `${s.fingerprint}.json`).sort());
    // What is left restores the current model in a fresh checkout of the same commit.
    const fresh = workspace(FILES);
    writeFileSync(join(fresh, 'params.yaml'), 'train:\n  lr: 0.2\n');
    cpSync(cache, join(fresh, '.mlpipeline', 'cache'), { recursive: true });
    const again = await run(fresh);
    expect(again.record.stages.map((s) => s.status)).toEqual(['restored', 'restored']);
    expect(readFileSync(join(fresh, 'model', 'parts', 'head.bin'), 'utf8')).toBe('head 0.2');
    expect(existsSync(join(fresh, 'model', 'weights.bin'))).toBe(true);
  });

  it('never follows a symlink in the cache (a shard, objects/, runs/): the files it points at are not trimmed', async () => {
    const dir = workspace(FILES);
    await run(dir);
    const cache = join(dir, '.mlpipeline', 'cache');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const victim = 'a'.repeat(62);
    writeFileSync(join(elsewhere, victim), 'not the cache');
    writeFileSync(join(elsewhere, `${'b'.repeat(64)}.json`), 'not a run');
    symlinkSync(elsewhere, join(cache, 'objects', 'aa'), 'dir');
    const lock = await readLock(join(dir, 'mlpipeline.lock'));
    await pruneToLock(cache, lock);
    expect(readFileSync(join(elsewhere, victim), 'utf8')).toBe('not the cache');
    // The same through a symlinked runs/ folder.
    const runs = join(dir, 'runs-elsewhere');
    cpSync(elsewhere, runs, { recursive: true });
    const cache2 = join(dir, 'cache2');
    mkdirSync(cache2);
    symlinkSync(runs, join(cache2, 'runs'), 'dir');
    await pruneToLock(cache2, lock);
    expect(existsSync(join(runs, `${'b'.repeat(64)}.json`))).toBe(true);
  });
});
