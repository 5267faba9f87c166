/**
 * The stage engine end to end through the CLI (`mlpipeline run` / `status`) on tiny pipelines in
 * temp folders. Every command appends a letter to runs.log (which is not an out), so the tests
 * can prove which commands actually executed.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAjv } from '../pipeline-schema/ajv.js';
import { parse as parseYaml } from 'yaml';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';

const PIPELINE = `version: 1
name: tiny
stages:
  evaluate:
    cmd: node evaluate.js
    deps: [evaluate.js, model.bin]
    outs: [eval.json]
  train:
    cmd: node train.js
    deps: [train.js, data/clean.csv]
    params: [train.lr]
    outs: [model.bin]
    metrics: [metrics.json]
  prepare:
    cmd: node prepare.js
    deps: [prepare.js, raw.csv]
    outs: [data/clean.csv]
`;

const FILES: Record<string, string> = {
  'mlpipeline.yaml': PIPELINE,
  'params.yaml': 'train:\n  lr: 0.1\n  unused: 5\n',
  'raw.csv': 'a,b\n1,2\n3,4\n',
  'prepare.js': `const fs = require('fs');
fs.appendFileSync('runs.log', 'p');
const rows = fs.readFileSync('raw.csv', 'utf8').trim().split('\\n').slice(1);
fs.mkdirSync('data', { recursive: true });
fs.writeFileSync('data/clean.csv', rows.join('\\n') + '\\n');
console.log('prepared ' + rows.length + ' rows');
console.error('a warning line');
`,
  'train.js': `const fs = require('fs');
fs.appendFileSync('runs.log', 't');
const lr = Number(/lr:\\s*(\\S+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1]);
if (lr < 0) { console.error('learning rate must be positive'); process.exit(3); }
const rows = fs.readFileSync('data/clean.csv', 'utf8').trim().split('\\n').length;
fs.writeFileSync('model.bin', 'model lr=' + lr + ' rows=' + rows);
fs.writeFileSync('metrics.json', JSON.stringify({ acc: lr * 5, train: { rows: rows, lr: lr } }));
`,
  'evaluate.js': `const fs = require('fs');
fs.appendFileSync('runs.log', 'e');
fs.writeFileSync('eval.json', JSON.stringify({ bytes: fs.readFileSync('model.bin').length }));
`,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-stages-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, { io, cwd: dir, env: { ...process.env } });
  return { code, out: io.stdout, err: io.stderr };
}

interface RunJson {
  ok: boolean;
  pipeline: string;
  stages: { name: string; status: string; fingerprint: string; duration_ms: number; reason: string | null; exit_code?: number }[];
  failed?: { stage: string; exit_code: number | null; reason: string };
  run_file: string;
}

async function runJson(...extra: string[]): Promise<RunJson & { code: number; err: string }> {
  const r = await cli('run', '--json', ...extra);
  if (!r.out) throw new Error(`no JSON on stdout (exit ${r.code}): ${r.err}`);
  return { ...(JSON.parse(r.out) as RunJson), code: r.code, err: r.err };
}

const statuses = (r: RunJson) => Object.fromEntries(r.stages.map((s) => [s.name, s.status]));
const runsLog = () => (existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8') : '');
const read = (p: string) => readFileSync(join(dir, p), 'utf8');
const setLr = (lr: string) => writeFileSync(join(dir, 'params.yaml'), `train:\n  lr: ${lr}\n  unused: 5\n`);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(root, p)}:${statSync(p).size}:${statSync(p).mtimeMs}`);
    }
  };
  walk(root);
  return out.sort();
}

describe('mlpipeline run', () => {
  it('runs stages in dependency order with prefixed live output, then skips all of them', async () => {
    const first = await cli('run');
    expect(first.code).toBe(0);
    expect(runsLog()).toBe('pte');
    expect(first.out).toContain('[prepare] prepared 2 rows\n');
    expect(first.err).toContain('[prepare] a warning line\n');
    expect(first.out.indexOf('prepare: ran')).toBeLessThan(first.out.indexOf('train: ran'));
    expect(first.out).toMatch(/3 stages: 3 ran \(.*\); run record: \.mlpipeline\/run\.json\n$/);
    expect(read('model.bin')).toBe('model lr=0.1 rows=2');

    const second = await runJson();
    expect(second.code).toBe(0);
    expect(runsLog()).toBe('pte');
    expect(Object.keys(second)).toEqual(['ok', 'pipeline', 'stages', 'run_file', 'code', 'err']);
    expect(second.ok).toBe(true);
    expect(second.pipeline).toBe('tiny');
    expect(second.run_file).toBe('.mlpipeline/run.json');
    expect(second.stages.map((s) => [s.name, s.status, s.reason])).toEqual([
      ['prepare', 'skipped', 'up to date'],
      ['train', 'skipped', 'up to date'],
      ['evaluate', 'skipped', 'up to date'],
    ]);
    for (const s of second.stages) {
      expect(Object.keys(s)).toEqual(['name', 'status', 'fingerprint', 'duration_ms', 'reason']);
      expect(s.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('re-runs only the stages a param change affects, and restores byte-identical outs when it is put back', async () => {
    await cli('run');
    const before = await runJson();
    setLr('0.2');
    const changed = await runJson();
    expect(statuses(changed)).toEqual({ prepare: 'skipped', train: 'ran', evaluate: 'ran' });
    expect(changed.stages[1]!.reason).toBe('params changed: train.lr (0.1 → 0.2)');
    expect(changed.stages[2]!.reason).toBe('deps changed: model.bin');
    expect(runsLog()).toBe('ptete');
    expect(read('model.bin')).toBe('model lr=0.2 rows=2');

    // A key the stage does not name changes nothing.
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  lr: 0.2\n  unused: 6\n');
    expect(statuses(await runJson())).toEqual({ prepare: 'skipped', train: 'skipped', evaluate: 'skipped' });

    setLr('0.1');
    const back = await runJson();
    expect(statuses(back)).toEqual({ prepare: 'skipped', train: 'restored', evaluate: 'restored' });
    expect(back.stages[1]!.reason).toBe('params changed: train.lr (0.2 → 0.1)');
    expect(runsLog()).toBe('ptete'); // no command executed
    expect(read('model.bin')).toBe('model lr=0.1 rows=2');
    expect(read('metrics.json')).toBe('{"acc":0.5,"train":{"rows":2,"lr":0.1}}');
    expect(read('eval.json')).toBe('{"bytes":19}');
    expect(back.stages.map((s) => s.fingerprint)).toEqual(before.stages.map((s) => s.fingerprint));
    // Restored outs are up to date afterwards.
    expect(statuses(await runJson())).toEqual({ prepare: 'skipped', train: 'skipped', evaluate: 'skipped' });
  });

  it('restores a deleted out from the cache, and re-runs the stage when the cache is gone too', async () => {
    await cli('run');
    rmSync(join(dir, 'model.bin'));
    const st = await cli('status');
    expect(st.out).toContain('train: stale: outs missing: model.bin (restorable from cache)\n');
    const r1 = await runJson();
    expect(statuses(r1)).toEqual({ prepare: 'skipped', train: 'restored', evaluate: 'skipped' });
    expect(r1.stages[1]!.reason).toBe('outs missing: model.bin');
    expect(read('model.bin')).toBe('model lr=0.1 rows=2');
    expect(runsLog()).toBe('pte');

    writeFileSync(join(dir, 'model.bin'), 'tampered');
    rmSync(join(dir, '.mlpipeline/cache'), { recursive: true });
    const r2 = await runJson();
    expect(statuses(r2)).toEqual({ prepare: 'skipped', train: 'ran', evaluate: 'skipped' });
    expect(r2.stages[1]!.reason).toBe('outs modified: model.bin');
    expect(runsLog()).toBe('ptet');
  });

  it('stops downstream of a failing stage, reports its exit code, exits 1 and caches nothing of it', async () => {
    setLr('-1');
    const r = await runJson();
    expect(r.code).toBe(1);
    expect(r.ok).toBe(false);
    expect(statuses(r)).toEqual({ prepare: 'ran', train: 'failed', evaluate: 'not-run' });
    expect(r.failed).toEqual({ stage: 'train', exit_code: 3, reason: 'command failed with exit code 3' });
    expect(r.stages[1]!.exit_code).toBe(3);
    expect(r.stages[2]!.reason).toBe('upstream failed: train');
    expect(r.err).toContain('[train] learning rate must be positive\n');
    expect(r.err).toContain("mlpipeline: stage 'train' failed: command failed with exit code 3; not run: evaluate\n");
    expect(runsLog()).toBe('pt');
    // Only prepare's run is in the run cache; the failed stage left no lock entry.
    expect(readdirSync(join(dir, '.mlpipeline/cache/runs'))).toHaveLength(1);
    expect(Object.keys(parseYaml(read('mlpipeline.lock')).stages)).toEqual(['prepare']);

    const text = await cli('run');
    expect(text.code).toBe(1);
    expect(text.out).toContain('train: FAILED after');
    expect(text.out).toContain('evaluate: not run (upstream failed: train)');
  });

  it('--dry-run prints what would run and why, and writes nothing', async () => {
    const tree = listTree(dir);
    const r = await cli('run', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'prepare: would run (never run)\n' +
        'train: would run (upstream stale)\n' +
        'evaluate: would run (upstream stale)\n' +
        'dry run: 3 of 3 stages would change; nothing was run or written\n',
    );
    expect(listTree(dir)).toEqual(tree);

    await cli('run');
    setLr('0.3');
    const after = listTree(dir);
    const j = await cli('run', '--dry-run', '--json');
    expect(JSON.parse(j.out)).toMatchObject({
      ok: true,
      dry_run: true,
      pipeline: 'tiny',
      stages: [
        { name: 'prepare', action: 'skip', reason: null },
        { name: 'train', action: 'run', reason: 'params changed: train.lr (0.1 → 0.3)' },
        { name: 'evaluate', action: 'run', reason: 'upstream stale', fingerprint: null },
      ],
    });
    expect(listTree(dir)).toEqual(after);
    expect(runsLog()).toBe('pte');
  });

  it('--stage runs the stage with its upstream only; --force re-runs what is up to date', async () => {
    const r = await runJson('--stage', 'train');
    expect(statuses(r)).toEqual({ prepare: 'ran', train: 'ran' });
    expect(runsLog()).toBe('pt');
    const f = await runJson('--stage', 'prepare', '--force');
    expect(statuses(f)).toEqual({ prepare: 'ran' });
    expect(f.stages[0]!.reason).toBe('forced');
    expect(runsLog()).toBe('ptp');
    const bad = await cli('run', '--stage', 'evaluat');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("mlpipeline: unknown stage 'evaluat'\n  fix: did you mean 'evaluate'? stages: prepare, train, evaluate\n");
  });

  it('refuses a missing dep that no stage produces, naming the stage and path (exit 2)', async () => {
    rmSync(join(dir, 'raw.csv'));
    const r = await cli('run');
    expect(r.code).toBe(2);
    // Line 16, column 24 of PIPELINE is `raw.csv` in prepare's deps.
    expect(r.err).toContain(`mlpipeline: mlpipeline.yaml:16:24: stage 'prepare' depends on raw.csv, which does not exist and no stage produces it\n`);
    expect(r.err).toContain('fix: create raw.csv, correct the path under stages.prepare.deps, or add the stage that writes it as an out');
    expect(runsLog()).toBe('');
  });

  it('refuses a param key that is not in the params file (exit 2)', async () => {
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  rate: 0.1\n');
    const r = await cli('run');
    expect(r.code).toBe(2);
    // Line 11, column 14 of PIPELINE is `train.lr` in train's params.
    expect(r.err).toBe(
      "mlpipeline: mlpipeline.yaml:11:14: stage 'train' names param 'train.lr', which is not in params.yaml\n" +
        "  fix: add 'train.lr' to params.yaml, correct the name under the stage's params, or write it as FILE#train.lr to read it from another file\n",
    );
    expect(runsLog()).toBe('');
  });

  it('names the line and column of a params file that does not parse (exit 2), before running anything', async () => {
    // Line 3, column 3 is the second `lr:`.
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  lr: 0.1\n  lr: 0.2\n');
    const r = await cli('run');
    expect(r.code).toBe(2);
    expect(r.err).toBe('mlpipeline: params.yaml:3:3: cannot parse params file as YAML: Map keys must be unique\n  fix: fix the YAML syntax at that position\n');
    expect(runsLog()).toBe('');
  });

  it('names params and pipeline files relative to the current folder when run with -f from elsewhere', async () => {
    execFileSync('mkdir', ['-p', join(dir, 'proj')]);
    for (const f of Object.keys(FILES)) execFileSync('mv', [join(dir, f), join(dir, 'proj', f)]);
    writeFileSync(join(dir, 'proj/params.yaml'), 'train: [1\n');
    const r = await cli('run', '-f', 'proj/mlpipeline.yaml');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('mlpipeline: proj/params.yaml:2:1: cannot parse params file as YAML: Flow sequence in block collection must be sufficiently indented and end with a ]');
    writeFileSync(join(dir, 'proj/params.yaml'), 'train:\n  lr: 0.1\n');
    rmSync(join(dir, 'proj/raw.csv'));
    const d = await cli('status', '-f', 'proj/mlpipeline.yaml');
    expect(d.code).toBe(2);
    expect(d.err.split('\n')[0]).toBe("mlpipeline: proj/mlpipeline.yaml:16:24: stage 'prepare' depends on raw.csv, which does not exist and no stage produces it");
  });

  it('reads file#key params from JSON and re-runs only when that key changes', async () => {
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      `version: 1\nname: json-params\nstages:\n  fit:\n    cmd: node -e "require('fs').appendFileSync('runs.log','f')"\n    params: ['conf/model.json#model.depth']\n`,
    );
    execFileSync('mkdir', ['-p', join(dir, 'conf')]);
    writeFileSync(join(dir, 'conf/model.json'), '{"model": {"depth": 3, "name": "a"}}');
    expect(statuses(await runJson())).toEqual({ fit: 'ran' });
    writeFileSync(join(dir, 'conf/model.json'), '{"model": {"depth": 3, "name": "b"}}');
    expect(statuses(await runJson())).toEqual({ fit: 'skipped' });
    writeFileSync(join(dir, 'conf/model.json'), '{"model": {"depth": 4, "name": "b"}}');
    const r = await runJson();
    expect(statuses(r)).toEqual({ fit: 'ran' });
    expect(r.stages[0]!.reason).toBe('params changed: conf/model.json#model.depth (3 → 4)');
    expect(runsLog()).toBe('ff');
  });

  it('expands matrix stages into one instance per combination', async () => {
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      `version: 1
name: sweep
stages:
  fit:
    matrix:
      lr: [1, 2]
      model: [a]
    cmd: echo "\${matrix.model}:\${matrix.lr}" > out-\${matrix.lr}.txt
    outs: ['out-\${matrix.lr}.txt']
  pick:
    cmd: cat out-2.txt > best.txt
    deps: [out-2.txt]
    outs: [best.txt]
`,
    );
    const r = await runJson();
    expect(statuses(r)).toEqual({ 'fit[lr=1,model=a]': 'ran', 'fit[lr=2,model=a]': 'ran', pick: 'ran' });
    expect(read('out-1.txt')).toBe('a:1\n');
    expect(read('best.txt')).toBe('a:2\n');
    expect(statuses(await runJson('--stage', 'pick'))).toEqual({ 'fit[lr=2,model=a]': 'skipped', pick: 'skipped' });
  });

  it('runs in wdir with the stage env added to the environment', async () => {
    execFileSync('mkdir', ['-p', join(dir, 'sub')]);
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      `version: 1\nname: env\nstages:\n  show:\n    wdir: sub\n    cmd: echo "$GREETING from $(basename "$PWD") $MLPIPELINE_STAGE" > ../hello.txt\n    env: {GREETING: hi}\n    outs: [hello.txt]\n`,
    );
    const r = await runJson();
    expect(statuses(r)).toEqual({ show: 'ran' });
    expect(read('hello.txt')).toBe('hi from sub show\n');
    expect(parseYaml(read('mlpipeline.lock')).stages.show.outs).toEqual({ 'hello.txt': sha256('hi from sub show\n') });
  });

  it('writes a committed lock file with sorted stages and the hashes and params of each', async () => {
    await cli('run');
    const lock = parseYaml(read('mlpipeline.lock'));
    expect(Object.keys(lock.stages)).toEqual(['evaluate', 'prepare', 'train']);
    expect(lock.stages.train).toEqual({
      cmd: 'node train.js',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      deps: { 'data/clean.csv': sha256('1,2\n3,4\n'), 'train.js': sha256(FILES['train.js']!) },
      params: { 'train.lr': 0.1 },
      outs: { 'metrics.json': sha256('{"acc":0.5,"train":{"rows":2,"lr":0.1}}'), 'model.bin': sha256('model lr=0.1 rows=2') },
    });
    // A no-op run leaves the lock byte for byte as it was.
    const before = statSync(join(dir, 'mlpipeline.lock')).mtimeMs;
    await cli('run');
    expect(statSync(join(dir, 'mlpipeline.lock')).mtimeMs).toBe(before);
    expect(read('.mlpipeline/.gitignore')).toContain('*');
  });
});

describe('mlpipeline run: edge cases', () => {
  it('caches and restores a directory out file by file, byte for byte', async () => {
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      `version: 1
name: dirs
stages:
  build:
    cmd: node -e "const fs=require('fs');fs.appendFileSync('runs.log','b');fs.mkdirSync('model/sub',{recursive:true});fs.writeFileSync('model/w.bin',Buffer.from([0,1,2,255]));fs.writeFileSync('model/sub/cfg.txt','v='+process.env.V)"
    env: {V: '1'}
    params: [train.lr]
    outs: [model]
`,
    );
    expect(statuses(await runJson())).toEqual({ build: 'ran' });
    setLr('0.2');
    expect(statuses(await runJson())).toEqual({ build: 'ran' });
    rmSync(join(dir, 'model'), { recursive: true });
    setLr('0.1');
    const r = await runJson();
    expect(statuses(r)).toEqual({ build: 'restored' });
    expect([...readFileSync(join(dir, 'model/w.bin'))]).toEqual([0, 1, 2, 255]);
    expect(read('model/sub/cfg.txt')).toBe('v=1');
    expect(runsLog()).toBe('bb');
    const manifest = JSON.stringify([
      ['sub/cfg.txt', sha256('v=1')],
      ['w.bin', createHash('sha256').update(Buffer.from([0, 1, 2, 255])).digest('hex')],
    ]);
    expect(parseYaml(read('mlpipeline.lock')).stages.build.outs).toEqual({ model: sha256(manifest) + '.dir' });
  });

  it('-f runs a pipeline in another folder; paths and the run record are relative to that folder', async () => {
    const sub = join(dir, 'proj');
    execFileSync('mkdir', ['-p', sub]);
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(sub, name), text);
    const r = await runJson('-f', 'proj/mlpipeline.yaml');
    expect(statuses(r)).toEqual({ prepare: 'ran', train: 'ran', evaluate: 'ran' });
    expect(r.run_file).toBe('proj/.mlpipeline/run.json');
    expect(readFileSync(join(sub, 'model.bin'), 'utf8')).toBe('model lr=0.1 rows=2');
    expect(existsSync(join(sub, 'mlpipeline.lock'))).toBe(true);
    expect(existsSync(join(dir, 'mlpipeline.lock'))).toBe(false);
    const missing = await cli('run', '-f', 'nope.yaml');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`no pipeline file at ${join(dir, 'nope.yaml')}`);
  });

  it('runs a list of commands in order and names the one that failed', async () => {
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      `version: 1\nname: list\nstages:\n  multi:\n    cmd:\n      - echo one >> runs.log\n      - exit 4\n      - echo three >> runs.log\n`,
    );
    const r = await runJson();
    expect(r.code).toBe(1);
    expect(r.failed).toEqual({ stage: 'multi', exit_code: 4, reason: 'command failed with exit code 4 (command 2 of 3)' });
    expect(runsLog()).toBe('one\n');
  });

  it('reports a command killed by a signal with the exit code a shell would give', async () => {
    writeFileSync(join(dir, 'mlpipeline.yaml'), `version: 1\nname: sig\nstages:\n  die:\n    cmd: kill -9 $$\n`);
    const r = await runJson();
    expect(r.failed).toEqual({ stage: 'die', exit_code: 137, reason: 'command killed by SIGKILL (exit code 137)' });
  });

  it('fails a stage whose command succeeds without writing a declared out', async () => {
    writeFileSync(join(dir, 'mlpipeline.yaml'), `version: 1\nname: lazy\nstages:\n  lazy:\n    cmd: 'true'\n    outs: [never.bin]\n`);
    const r = await runJson();
    expect(r.code).toBe(1);
    expect(r.failed).toEqual({ stage: 'lazy', exit_code: 0, reason: 'the command succeeded but did not write: never.bin' });
    expect(existsSync(join(dir, '.mlpipeline/cache/runs'))).toBe(false);
  });

  it('drops lock entries of stages that were removed from the pipeline', async () => {
    await cli('run');
    writeFileSync(join(dir, 'mlpipeline.yaml'), PIPELINE.split('  train:')[0]!.replace('model.bin]', 'eval.js]').replace('evaluate.js, ', ''));
    writeFileSync(join(dir, 'eval.js'), '');
    await cli('run');
    expect(Object.keys(parseYaml(read('mlpipeline.lock')).stages)).toEqual(['evaluate']);
  });

  it('a stage missing from the lock whose run is cached restores, and does not say "never run"', async () => {
    await cli('run');
    rmSync(join(dir, 'mlpipeline.lock'));
    const again = await cli('run');
    expect(again.code).toBe(0);
    expect(again.out).toContain('prepare: restoring from cache (not in the lock file; the cache holds an identical run)');
    expect(again.out).not.toContain('restoring from cache (never run)');
  });

  it('shows stage i/n and elapsed time on a terminal', async () => {
    const io = { ...bufferIo(), isTTY: true };
    const tty = Object.assign(io, {
      out(t: string) {
        tty.stdout += t;
      },
      err(t: string) {
        tty.stderr += t;
      },
    });
    expect(await runCli(['run'], { io: tty, cwd: dir, env: { ...process.env } })).toBe(0);
    expect(tty.stdout).toMatch(/^\[1\/3\] prepare: running \(never run\) \[\d+ ms elapsed\]$/m);
    expect(tty.stdout).toMatch(/^\[3\/3\] evaluate: ran in \d+ ms \[[\d.]+ m?s elapsed\]$/m);
  });
});

describe('mlpipeline status', () => {
  it('says which stages are stale and why, without running anything', async () => {
    const fresh = await cli('status');
    expect(fresh.code).toBe(0);
    expect(fresh.out).toBe('prepare: stale: never run\ntrain: stale: upstream stale\nevaluate: stale: upstream stale\n');
    await cli('run');
    expect((await cli('status')).out).toBe('prepare: up to date\ntrain: up to date\nevaluate: up to date\n');

    writeFileSync(join(dir, 'raw.csv'), 'a,b\n1,2\n3,4\n5,6\n');
    setLr('0.2');
    const j = await cli('status', '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toEqual({
      pipeline: 'tiny',
      up_to_date: false,
      stages: [
        { name: 'prepare', state: 'stale', reasons: ['deps changed: raw.csv'], restorable: false },
        { name: 'train', state: 'stale', reasons: ['params changed: train.lr (0.1 → 0.2)', 'upstream stale'], restorable: false },
        { name: 'evaluate', state: 'stale', reasons: ['upstream stale'], restorable: false },
      ],
    });
    writeFileSync(join(dir, 'mlpipeline.yaml'), PIPELINE.replace('cmd: node evaluate.js', 'cmd: node evaluate.js --fast'));
    writeFileSync(join(dir, 'raw.csv'), FILES['raw.csv']!);
    setLr('0.1');
    expect((await cli('status')).out).toBe('prepare: up to date\ntrain: up to date\nevaluate: stale: cmd changed\n');
    expect(runsLog()).toBe('pte');
  });
});

describe('run.json', () => {
  const schema = JSON.parse(readFileSync(new URL('../pipeline-schema/run.schema.json', import.meta.url), 'utf8'));
  // The project's Ajv set-up (strict, all errors, formats), as the documents loader uses it.
  const validate = createAjv(schema).compile(schema);

  it('records every stage with hashes, params and flattened metrics, and validates against run.schema.json', async () => {
    await cli('run');
    const rec = JSON.parse(read('.mlpipeline/run.json'));
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(rec.schema).toBe('mlpipeline/run@2');
    expect(rec.pipeline).toEqual({ name: 'tiny', path: 'mlpipeline.yaml', sha256: sha256(PIPELINE) });
    expect(rec.status).toBe('succeeded');
    expect(rec.ok).toBe(true);
    expect(rec.git).toEqual({ commit: null, dirty: false });
    const train = rec.stages.find((s: { name: string }) => s.name === 'train');
    expect(train).toMatchObject({
      status: 'ran',
      cmd: 'node train.js',
      reason: 'never run',
      params: { 'train.lr': 0.1 },
      deps: { 'data/clean.csv': sha256('1,2\n3,4\n') },
      outs: { 'model.bin': sha256('model lr=0.1 rows=2') },
      metrics: { 'metrics.json': { acc: 0.5, 'train.rows': 2, 'train.lr': 0.1 } },
    });
    expect(rec.metrics).toEqual({ 'metrics.json': { acc: 0.5, 'train.rows': 2, 'train.lr': 0.1 } });
    expect(Date.parse(rec.finished_at)).toBeGreaterThanOrEqual(Date.parse(rec.started_at));
  });

  it('validates for a failed run too, and rejects a record with a bad status', async () => {
    setLr('-1');
    await cli('run');
    const rec = JSON.parse(read('.mlpipeline/run.json'));
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(rec.ok).toBe(false);
    expect(rec.status).toBe('failed');
    expect(rec.stages.map((s: { status: string }) => s.status)).toEqual(['ran', 'failed', 'not-run']);
    rec.stages[0].status = 'done';
    expect(validate(rec)).toBe(false);
  });

  it('records the git commit and whether the tree was dirty', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 'T');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    const head = git('rev-parse', 'HEAD');
    await cli('run');
    expect(JSON.parse(read('.mlpipeline/run.json')).git).toEqual({ commit: head, dirty: false });
    // .mlpipeline/ ignores itself, so the run did not dirty the tree except for the new lock file (untracked).
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    setLr('0.2');
    await cli('run');
    expect(JSON.parse(read('.mlpipeline/run.json')).git).toEqual({ commit: head, dirty: true });
  });
});
