/**
 * Issue 9, "Stages and cache": nothing wrong is recorded as right after a race, a kill or a
 * failure. Real CLI processes (`node bin/mlpipeline.js`) on throw-away folders; stages that must
 * be caught mid-run write a marker file and block until the test releases them, so no assertion
 * depends on timing (waits are bounded polls for a condition).
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { WorkspaceBusyError } from '../core/errors.js';
import { processAlive, processGroupAlive } from '../core/process-alive.js';
import { lockFileName, pipelineStatePaths, resultDocumentPath } from '../core/state-paths.js';
import type { LoadedPipeline } from '../pipeline-schema/types.js';
import { evaluationOutputPath } from '../runners/evaluate/request.js';
import { createAjv } from '../pipeline-schema/ajv.js';
import { acquireWorkspaceLock } from '../runners/stages/workspace-lock.js';

const BIN = fileURLToPath(new URL('../bin/mlpipeline.js', import.meta.url));
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
const children: ChildProcess[] = [];
/** Process groups of stages a test orphans on purpose; killed afterwards whatever happened. */
const groups: number[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-trust-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const g of groups.splice(0)) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const write = (p: string, text: string, root = dir) => {
  mkdirSync(join(root, p, '..'), { recursive: true });
  writeFileSync(join(root, p), text);
};
const read = (p: string, root = dir) => readFileSync(join(root, p), 'utf8');
const lockOf = (file = 'mlpipeline.lock', root = dir) => (existsSync(join(root, file)) ? parseYaml(read(file, root)).stages : undefined);

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, { io, cwd: dir, env: { ...process.env } });
  return { code, out: io.stdout, err: io.stderr };
}

interface Proc {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  err(): string;
}

/** The real CLI as a child process. */
function spawnCli(args: string[], cwd = dir): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, done, err: () => err };
}

/** Wait (bounded) until `cond` holds. */
async function until(cond: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every cache object's bytes hash to its name (directory manifests: the text, with `.dir`). */
function damagedObjects(root = dir): string[] {
  const objects = join(root, '.mlpipeline/cache/objects');
  const bad: string[] = [];
  if (!existsSync(objects)) return bad;
  for (const sub of readdirSync(objects)) {
    if (sub.startsWith('.')) {
      bad.push(`leftover temp file ${sub}`);
      continue;
    }
    for (const name of readdirSync(join(objects, sub))) {
      const full = sub + name;
      const bytes = readFileSync(join(objects, sub, name));
      const want = full.endsWith('.dir') ? full.slice(0, -4) : full;
      if (sha256(bytes) !== want) bad.push(full);
    }
  }
  return bad;
}

/** A stage script; `train` blocks while the file `block` exists, after writing `train.started` with its pid. */
const BLOCKING_STAGE = `const fs = require('fs');
const name = process.argv[2];
fs.appendFileSync('runs.log', name + ' ');
fs.writeFileSync(name + '.started', String(process.pid));
const finish = () => {
  fs.writeFileSync(name + '.out', 'result of ' + name + ' with ' + fs.readFileSync('input.txt', 'utf8'));
  process.exit(0);
};
if (name !== 'train' || !fs.existsSync('block')) finish();
const limit = Date.now() + 60000;
const t = setInterval(() => {
  if (!fs.existsSync('block')) { clearInterval(t); finish(); }
  if (Date.now() > limit) process.exit(9);
}, 10);
`;

const TWO_STAGES = `version: 1
name: two
stages:
  first:
    cmd: node stage.js first
    deps: [stage.js, input.txt]
    outs: [first.out]
  train:
    cmd: node stage.js train
    deps: [stage.js, first.out]
    outs: [train.out]
`;

function twoStageWorkspace(): void {
  write('mlpipeline.yaml', TWO_STAGES);
  write('stage.js', BLOCKING_STAGE);
  write('input.txt', 'v1');
}

/** Block `train` (first runs through: it only blocks when the block file exists as it starts). */
async function startBlockedAtTrain(args: string[] = ['run']): Promise<Proc> {
  write('block', '');
  const p = spawnCli(args);
  await until(() => existsSync(join(dir, 'train.started')), 'the train stage to start');
  return p;
}

describe('one run per workspace', () => {
  it('refuses a second run while one holds the workspace, naming the holder (exit 1); --wait queues behind it', async () => {
    twoStageWorkspace();
    const first = await startBlockedAtTrain();
    const second = await cli('run');
    expect(second.code).toBe(1);
    expect(second.err).toMatch(
      new RegExp(`^mlpipeline: \\.mlpipeline/run\\.lock: another mlpipeline run holds this workspace \\(pid ${first.child.pid} on ${hostname().replace(/[.]/g, '\\.')}, started [^,]+, \`mlpipeline run\`, stage 'train' \\(process group \\d+\\)\\)\n  fix: wait for it to finish, or pass --wait to start when it does\n$`),
    );
    const waiting = spawnCli(['run', '--wait', '--json']);
    await until(() => waiting.err().includes('mlpipeline: waiting for the run that holds this folder (pid '), 'the --wait run to report it waits');
    rmSync(join(dir, 'block'));
    expect((await first.done).code).toBe(0);
    const w = await waiting.done;
    expect(w.code).toBe(0);
    expect(JSON.parse(w.out).stages.map((s: { status: string }) => s.status)).toEqual(['skipped', 'skipped']);
    expect(read('runs.log')).toBe('first train ');
    expect(existsSync(join(dir, '.mlpipeline/run.lock'))).toBe(false);
  });

  it('takes over the lock of a run that died on this host, and lets only one of two newcomers win', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('close', r));
    expect(processAlive(dead.pid!)).toBe(false);
    const stale = { pid: dead.pid, host: hostname(), started_at: '2026-01-01T00:00:00.000Z', command: 'mlpipeline run', nonce: 'deadbeef' };
    const path = join(dir, '.mlpipeline/run.lock');
    write('.mlpipeline/run.lock', JSON.stringify(stale));
    const results = await Promise.allSettled([
      acquireWorkspaceLock(path, { command: 'a', display: 'run.lock' }),
      acquireWorkspaceLock(path, { command: 'b', display: 'run.lock' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(WorkspaceBusyError);
    const held = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireWorkspaceLock>>>).value;
    expect(JSON.parse(read('.mlpipeline/run.lock')).nonce).toBe(held.holder.nonce);
    expect(readdirSync(join(dir, '.mlpipeline'))).toEqual(['run.lock']); // no takeover markers or temp files left
    await held.release();
    expect(existsSync(path)).toBe(false);

    // Through the CLI: a plain run takes over a dead holder's lock.
    write('mlpipeline.yaml', 'version: 1\nname: t\nstages:\n  s:\n    cmd: echo hi > o.txt\n    outs: [o.txt]\n');
    write('.mlpipeline/run.lock', JSON.stringify(stale));
    expect((await cli('run')).code).toBe(0);
    expect(existsSync(path)).toBe(false);

    // A live process whose pid the dead holder had (pid reuse) is told apart by its start time.
    write('.mlpipeline/run.lock', JSON.stringify({ ...stale, pid: process.pid, proc_start: '1', nonce: 'reused' }));
    expect((await cli('run')).code).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('says what to delete when a lock is not a lock file, or when the run taking over a dead lock died too', async () => {
    const path = join(dir, '.mlpipeline/run.lock');
    write('.mlpipeline/run.lock', 'garbage');
    await expect(acquireWorkspaceLock(path, { command: 'a', display: '.mlpipeline/run.lock', pollMs: 1 })).rejects.toThrow(
      'the workspace lock .mlpipeline/run.lock is not an mlpipeline lock file',
    );
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('close', r));
    write('.mlpipeline/run.lock', JSON.stringify({ pid: dead.pid, host: hostname(), started_at: 'x', command: 'mlpipeline run', nonce: 'n1' }));
    write('.mlpipeline/run.lock.takeover-n1', JSON.stringify({ pid: dead.pid, host: hostname() }));
    const e = await acquireWorkspaceLock(path, { command: 'a', display: '.mlpipeline/run.lock' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WorkspaceBusyError);
    expect((e as WorkspaceBusyError).format()).toBe(
      `.mlpipeline/run.lock: the workspace lock .mlpipeline/run.lock belongs to a dead run (pid ${dead.pid} on ${hostname()}, started x, \`mlpipeline run\`) and the run that was taking it over died too\n` +
        `  fix: make sure no mlpipeline run is in progress here, then delete .mlpipeline/run.lock and ${path}.takeover-n1`,
    );
  });

  it('Ctrl-C while waiting for the workspace stops waiting: exit 130, nothing ran', async () => {
    twoStageWorkspace();
    const held = await acquireWorkspaceLock(join(dir, '.mlpipeline/run.lock'), { command: 'test holder', display: 'run.lock' });
    const p = spawnCli(['run', '--wait']);
    await until(() => p.err().includes(`waiting for the run that holds this folder (pid ${process.pid} on `), 'the run to wait');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(130);
    expect(r.err.split('\n').slice(1)).toEqual(['mlpipeline: interrupted while waiting for the workspace; nothing ran', '']);
    expect(existsSync(join(dir, 'runs.log'))).toBe(false);
    expect(JSON.parse(read('.mlpipeline/run.lock')).nonce).toBe(held.holder.nonce);
    await held.release();
  });

  it('stress: 3 concurrent `run --force` x 8 rounds; each ran fully or was refused naming the holder; cache objects hash to their names; outs equal a clean run', async () => {
    const files: Record<string, string> = {
      'mlpipeline.yaml': `version: 1
name: stress
stages:
  gen:
    cmd: node gen.js
    deps: [gen.js, seed.txt]
    outs: [big.bin, parts]
  sum:
    cmd: node sum.js
    deps: [sum.js, big.bin, parts]
    outs: [sum.txt]
`,
      'seed.txt': 'seed-42',
      // Writes its outs slowly in pieces, as real training does; two at once would interleave.
      'gen.js': `const fs = require('fs');
let clash = false;
try { fs.writeFileSync('busy', String(process.pid), { flag: 'wx' }); } catch { clash = true; fs.appendFileSync('overlap.log', 'gen '); }
const seed = fs.readFileSync('seed.txt', 'utf8');
const fd = fs.openSync('big.bin', 'w');
fs.mkdirSync('parts', { recursive: true });
let i = 0;
const step = () => {
  if (i === 40) {
    fs.closeSync(fd);
    if (!clash) fs.rmSync('busy', { force: true });
    return;
  }
  fs.writeSync(fd, Buffer.alloc(16384, seed + ':' + i + ';'));
  fs.writeFileSync('parts/p' + (i % 4) + '.txt', seed + ' part ' + (i % 4) + '\\n');
  i++;
  setTimeout(step, 2);
};
step();
`,
      'sum.js': `const fs = require('fs');
const h = require('crypto').createHash('sha256').update(fs.readFileSync('big.bin'));
for (const f of fs.readdirSync('parts').sort()) h.update(fs.readFileSync('parts/' + f));
fs.writeFileSync('sum.txt', h.digest('hex') + '\\n');
`,
    };
    const clean = join(dir, 'clean');
    const work = join(dir, 'work');
    for (const root of [clean, work]) for (const [p, t] of Object.entries(files)) write(p, t, root);
    const single = await spawnCli(['run'], clean).done;
    expect(single.code, single.err).toBe(0);

    let ran = 0;
    let refused = 0;
    for (let round = 0; round < 8; round++) {
      const procs = [spawnCli(['run', '--force', '--json'], work), spawnCli(['run', '--force', '--json'], work), spawnCli(['run', '--force', '--json', '--wait'], work)];
      for (const [k, r] of (await Promise.all(procs.map((p) => p.done))).entries()) {
        if (r.code === 0) {
          expect(JSON.parse(r.out).stages.map((s: { status: string }) => s.status)).toEqual(['ran', 'ran']);
          ran++;
        } else {
          expect(k, 'the --wait run is never refused').not.toBe(2);
          expect(r.code, r.err).toBe(1);
          expect(r.err).toMatch(/^mlpipeline: \.mlpipeline\/run\.lock: another mlpipeline run holds this workspace \(pid \d+ on .*\n  fix: /);
          // Under --json the refusal is also the error document on stdout.
          expect(JSON.parse(r.out)).toMatchObject({ error: { code: 'workspace-busy', file: '.mlpipeline/run.lock' } });
          refused++;
        }
      }
    }
    expect(ran).toBeGreaterThanOrEqual(8);
    expect(ran + refused).toBe(24);
    expect(existsSync(join(work, 'overlap.log'))).toBe(false);
    expect(damagedObjects(work)).toEqual([]);
    for (const out of ['big.bin', 'parts/p0.txt', 'parts/p3.txt', 'sum.txt']) expect(readFileSync(join(work, out)).equals(readFileSync(join(clean, out)))).toBe(true);
    expect(readdirSync(join(work, 'parts')).sort()).toEqual(['p0.txt', 'p1.txt', 'p2.txt', 'p3.txt']);
    const strip = (l: Record<string, { outs: unknown }>) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.outs]));
    expect(strip(lockOf('mlpipeline.lock', work))).toEqual(strip(lockOf('mlpipeline.lock', clean)));
    expect(existsSync(join(work, '.mlpipeline/run.lock'))).toBe(false);
  });
});

describe('declared outs', () => {
  it('removes outs before the stage runs: a stage that writes nothing fails instead of passing off the old file', async () => {
    write('mlpipeline.yaml', 'version: 1\nname: o\nstages:\n  w:\n    cmd: node w.js\n    params: [w.write]\n    outs: [out.txt]\n');
    write('w.js', "const fs = require('fs'); const on = /write: true/.test(fs.readFileSync('params.yaml', 'utf8')); if (on) fs.writeFileSync('out.txt', 'written');");
    write('params.yaml', 'w:\n  write: true\n');
    expect((await cli('run')).code).toBe(0);
    const before = lockOf().w;
    write('params.yaml', 'w:\n  write: false\n');
    const r = await cli('run', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).failed).toEqual({ stage: 'w', exit_code: 0, reason: 'the command succeeded but did not write: out.txt' });
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    // The failed run recorded nothing: the lock still describes the run that wrote out.txt.
    expect(lockOf().w).toEqual(before);
    // And putting the param back restores the real result from the cache.
    write('params.yaml', 'w:\n  write: true\n');
    const back = await cli('run', '--json');
    expect(JSON.parse(back.out).stages[0].status).toBe('restored');
    expect(read('out.txt')).toBe('written');
  });

  it('a directory out holds only what the last run wrote, not files of earlier runs', async () => {
    write('mlpipeline.yaml', 'version: 1\nname: d\nstages:\n  w:\n    cmd: node w.js\n    params: [w.n]\n    outs: [model]\n');
    write('w.js', "const fs = require('fs'); const n = /n: (\\d+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1]; fs.mkdirSync('model', { recursive: true }); fs.writeFileSync('model/' + n + '.bin', n);");
    write('params.yaml', 'w:\n  n: 1\n');
    expect((await cli('run')).code).toBe(0);
    write('params.yaml', 'w:\n  n: 2\n');
    expect((await cli('run')).code).toBe(0);
    expect(readdirSync(join(dir, 'model'))).toEqual(['2.bin']);
    const manifest = JSON.stringify([['2.bin', sha256('2')]]);
    expect(lockOf().w.outs).toEqual({ model: sha256(manifest) + '.dir' });
  });

  it('refuses outs inside .git or .mlpipeline, or equal to the pipeline file or its lock (exit 2, file:line:col)', async () => {
    write('mlpipeline.yaml', `version: 1
name: bad
stages:
  a:
    cmd: 'true'
    outs: [.mlpipeline/cache, .git/hooks/pre-commit, mlpipeline.lock]
  b:
    cmd: 'true'
    outs: [mlpipeline.yaml]
    metrics: [./.mlpipeline/m.json]
`);
    const r = await cli('run');
    expect(r.code).toBe(2);
    const heads = r.err.split('\n').filter((l) => !l.startsWith('  fix:'));
    expect(heads).toEqual([
      "mlpipeline: mlpipeline.yaml:6:12: stage 'a' declares '.mlpipeline/cache' as an out, which would overwrite mlpipeline's state folder (.mlpipeline/: cache, run records, workspace lock)",
      "mlpipeline.yaml:6:31: stage 'a' declares '.git/hooks/pre-commit' as an out, which would overwrite the Git repository (.git)",
      "mlpipeline.yaml:6:54: stage 'a' declares 'mlpipeline.lock' as an out, which would overwrite the lock file mlpipeline.lock",
      "mlpipeline.yaml:9:12: stage 'b' declares 'mlpipeline.yaml' as an out, which would overwrite the pipeline file mlpipeline.yaml",
      "mlpipeline.yaml:10:15: stage 'b' declares './.mlpipeline/m.json' as a metrics file, which would overwrite mlpipeline's state folder (.mlpipeline/: cache, run records, workspace lock)",
      '',
    ]);
    expect(r.err).toContain("  fix: write the stage's results somewhere else");
    expect(existsSync(join(dir, '.mlpipeline'))).toBe(false);
    // The folder itself, and another pipeline file's own lock.
    write('other.yaml', 'version: 1\nname: o\nstages:\n  a:\n    cmd: "true"\n    outs: [other.lock]\n  b:\n    cmd: "true"\n    outs: [.]\n');
    const o = await cli('validate', '-f', 'other.yaml');
    expect(o.code).toBe(2);
    expect(o.err.split('\n').filter((l) => !l.startsWith('  fix:'))).toEqual([
      "mlpipeline: other.yaml:6:12: stage 'a' declares 'other.lock' as an out, which would overwrite the lock file other.lock",
      "other.yaml:9:12: '.' of 'b' overlaps 'other.lock' written by 'a'",
      "other.yaml:9:12: stage 'b' declares '.' as an out, which would overwrite mlpipeline's state folder (.mlpipeline/: cache, run records, workspace lock)",
      '',
    ]);
  });

  it('never follows a symlink out (a link to /dev/zero fails the stage at once) and refuses a device as a dep', async () => {
    write('mlpipeline.yaml', "version: 1\nname: l\nstages:\n  link:\n    cmd: ln -s /dev/zero out.bin\n    outs: [out.bin]\n  inner:\n    cmd: mkdir -p d && echo x > d/a && ln -s /dev/zero d/z\n    outs: [d]\n");
    const r = await cli('run', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.stages.map((s: { status: string; reason: string }) => [s.status, s.reason])).toEqual([
      ['failed', 'out out.bin is a symbolic link; outs must be regular files or directories of them (links are not followed)'],
      ['failed', 'out d/z is a symbolic link; outs must be regular files or directories of them (links are not followed)'],
    ]);
    expect(lockOf()).toBeUndefined();
    expect(damagedObjects()).toEqual([]);

    // A dep that is a FIFO (or a link to one) would block the hashing forever: refused up front.
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    symlinkSync('pipe', join(dir, 'zero.bin'));
    write('mlpipeline.yaml', 'version: 1\nname: dep\nstages:\n  read:\n    cmd: "true"\n    deps: [zero.bin]\n');
    const d = await cli('run');
    expect(d.code).toBe(2);
    expect(d.err).toBe(
      "mlpipeline: mlpipeline.yaml:6:12: stage 'read' depends on zero.bin, which is a FIFO, not a regular file or directory\n" +
        '  fix: point stages.read.deps at a regular file or directory (mlpipeline hashes every dep and would read this one forever)\n',
    );
  });
});

describe('cache verification on restore', () => {
  const PIPE = 'version: 1\nname: c\nstages:\n  w:\n    cmd: node w.js\n    params: [w.v]\n    outs: [out.txt, dir]\n';
  const W = "const fs = require('fs'); const v = /v: (\\w+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1]; fs.appendFileSync('runs.log', v); fs.writeFileSync('out.txt', 'value ' + v); fs.mkdirSync('dir', { recursive: true }); fs.writeFileSync('dir/f.txt', 'file ' + v);";
  const objectOf = (hash: string) => join(dir, '.mlpipeline/cache/objects', hash.slice(0, 2), hash.slice(2));

  it('evicts a tampered or truncated object and re-runs the stage instead of restoring it', async () => {
    write('mlpipeline.yaml', PIPE);
    write('w.js', W);
    write('params.yaml', 'w:\n  v: a\n');
    expect((await cli('run')).code).toBe(0);
    write('params.yaml', 'w:\n  v: b\n');
    expect((await cli('run')).code).toBe(0);
    // Tamper with a's out.txt object (same size) and truncate a's dir/f.txt object.
    writeFileSync(objectOf(sha256('value a')), 'value X');
    writeFileSync(objectOf(sha256('file a')), 'fil');
    write('params.yaml', 'w:\n  v: a\n');
    const r = await cli('run', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).stages[0].status).toBe('ran');
    expect(r.err).toContain(
      `mlpipeline: warning: w: could not restore from the cache (cache object ${sha256('value a').slice(0, 12)} is damaged (its content hashes to ${sha256('value X').slice(0, 12)}); evicted it); running it\n`,
    );
    expect(read('out.txt')).toBe('value a');
    expect(read('dir/f.txt')).toBe('file a');
    expect(read('runs.log')).toBe('aba');
    expect(damagedObjects()).toEqual([]);

    // A truncated object in a directory out is caught the same way.
    write('params.yaml', 'w:\n  v: b\n');
    writeFileSync(objectOf(sha256('file b')), 'fi');
    const r2 = await cli('run', '--json');
    expect(JSON.parse(r2.out).stages[0].status).toBe('ran');
    expect(r2.err).toContain(`cache object ${sha256('file b').slice(0, 12)} is damaged`);
    expect(read('dir/f.txt')).toBe('file b');
    expect(damagedObjects()).toEqual([]);

    // A tampered directory manifest (pointing the out at other objects) is caught before anything is copied.
    const manifestA = sha256(JSON.stringify([['f.txt', sha256('file a')]])) + '.dir';
    writeFileSync(objectOf(manifestA), JSON.stringify([['f.txt', sha256('file b')]]));
    // And a temp file a killed run left in the cache is swept by the next run.
    writeFileSync(join(dir, '.mlpipeline/cache/objects/.0123456789ab.mlpipeline-tmp'), 'half');
    write('params.yaml', 'w:\n  v: a\n');
    const r3 = await cli('run', '--json');
    expect(JSON.parse(r3.out).stages[0].status).toBe('ran');
    expect(r3.err).toContain(`cache object ${manifestA.slice(0, 12)} is damaged (the manifest does not match its name); evicted it`);
    expect(read('dir/f.txt')).toBe('file a');
    expect(damagedObjects()).toEqual([]);
  });
});

describe('state keyed by pipeline file', () => {
  it('pipelineStatePaths maps mlpipeline.yaml and <stem>.yaml to their own lock and results', () => {
    expect(pipelineStatePaths('/w')).toMatchObject({ lockFile: '/w/mlpipeline.lock', resultsDir: '/w/.mlpipeline', runFile: '/w/.mlpipeline/run.json', cacheDir: '/w/.mlpipeline/cache', runLock: '/w/.mlpipeline/run.lock' });
    expect(pipelineStatePaths('/w', 'train.yml')).toMatchObject({ lockFile: '/w/train.lock', resultsDir: '/w/.mlpipeline/pipelines/train', runFile: '/w/.mlpipeline/pipelines/train/run.json', cacheDir: '/w/.mlpipeline/cache' });
    expect(lockFileName('/w/odd.name')).toBe('odd.name.lock');
  });

  it('evaluation and verdict documents follow the same mapping (evaluation.output still wins)', () => {
    const loaded = (file: string, output?: string) =>
      ({ pipeline: { version: 1, name: 'x', ...(output ? { evaluation: { output } } : {}) }, file: join('/w', file), dir: '/w', locate: () => undefined }) as unknown as LoadedPipeline;
    expect(evaluationOutputPath('/cwd', loaded('mlpipeline.yaml'))).toBe('/w/.mlpipeline/evaluation.json');
    expect(evaluationOutputPath('/cwd', loaded('other.yaml'))).toBe('/w/.mlpipeline/pipelines/other/evaluation.json');
    expect(evaluationOutputPath('/cwd', loaded('other.yaml', 'out/eval.json'))).toBe('/w/out/eval.json');
    expect(resultDocumentPath('/w', 'other.yaml', 'verdict.json')).toBe('/w/.mlpipeline/pipelines/other/verdict.json');
  });

  it('`run -f other.yaml` leaves the lock and run record of mlpipeline.yaml in the same folder alone', async () => {
    const main = 'version: 1\nname: main\nstages:\n  m:\n    cmd: echo m > m.txt\n    outs: [m.txt]\n';
    const other = 'version: 1\nname: other\nstages:\n  o:\n    cmd: echo o > o.txt\n    outs: [o.txt]\n';
    write('mlpipeline.yaml', main);
    write('other.yaml', other);
    expect((await cli('run')).code).toBe(0);
    const r = await cli('run', '-f', 'other.yaml', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).run_file).toBe('.mlpipeline/pipelines/other/run.json');
    expect(Object.keys(lockOf())).toEqual(['m']);
    expect(Object.keys(lockOf('other.lock'))).toEqual(['o']);
    const schema = JSON.parse(readFileSync(new URL('../pipeline-schema/run.schema.json', import.meta.url), 'utf8'));
    const validate = createAjv(schema).compile(schema);
    const mainRun = JSON.parse(read('.mlpipeline/run.json'));
    const otherRun = JSON.parse(read('.mlpipeline/pipelines/other/run.json'));
    for (const rec of [mainRun, otherRun]) expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(mainRun.pipeline).toEqual({ name: 'main', path: 'mlpipeline.yaml', sha256: sha256(main) });
    expect(otherRun.pipeline).toEqual({ name: 'other', path: 'other.yaml', sha256: sha256(other) });
    // Both stay up to date: neither run clobbered the other's state.
    expect((await cli('status')).out).toBe('m: up to date\n');
    expect((await cli('status', '-f', 'other.yaml')).out).toBe('o: up to date\n');
  });

  it('names the pipeline file by its path in the repository', async () => {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    write('ml/pipe.yaml', 'version: 1\nname: nested\nstages:\n  s:\n    cmd: echo s > s.txt\n    outs: [s.txt]\n');
    expect((await cli('run', '-f', 'ml/pipe.yaml')).code).toBe(0);
    expect(JSON.parse(read('ml/.mlpipeline/pipelines/pipe/run.json')).pipeline.path).toBe('ml/pipe.yaml');
    expect(relative(dir, join(dir, 'ml', lockFileName('pipe.yaml')))).toBe('ml/pipe.lock');
    expect(existsSync(join(dir, 'ml/pipe.lock'))).toBe(true);
  });
});

describe('interrupts and kills', () => {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig} during a stage: forwards it, records finished stages, releases the lock, one line, exit ${code}`, async () => {
      twoStageWorkspace();
      const json = sig === 'SIGTERM';
      const p = await startBlockedAtTrain(json ? ['run', '--json'] : ['run']);
      const stagePid = Number(read('train.started'));
      p.child.kill(sig);
      const r = await p.done;
      expect(r.code).toBe(code);
      expect(r.err.split('\n').at(-2)).toBe('mlpipeline: interrupted during stage train; finished stages recorded; re-run to continue');
      if (json) {
        // With --json, stdout still carries the summary document, saying what stopped the run.
        expect(JSON.parse(r.out)).toMatchObject({ ok: false, interrupted: { signal: 'SIGTERM', stage: 'train' } });
      } else {
        expect(r.err).toBe('mlpipeline: interrupted during stage train; finished stages recorded; re-run to continue\n');
      }
      expect(processAlive(stagePid)).toBe(false);
      expect(Object.keys(lockOf())).toEqual(['first']);
      expect(existsSync(join(dir, '.mlpipeline/run.lock'))).toBe(false);
      const rec = JSON.parse(read('.mlpipeline/run.json'));
      expect(rec.status).toBe('interrupted');
      expect(rec.ok).toBe(false);
      expect(rec.stages.map((s: { name: string; status: string; reason: string }) => [s.name, s.status, s.reason])).toEqual([
        ['first', 'ran', 'never run'],
        ['train', 'failed', `interrupted by ${sig}`],
      ]);
      expect(existsSync(join(dir, 'train.out'))).toBe(false);
      // A plain re-run continues where it stopped.
      rmSync(join(dir, 'block'));
      const again = await cli('run', '--json');
      expect(again.code).toBe(0);
      expect(JSON.parse(again.out).stages.map((s: { status: string }) => s.status)).toEqual(['skipped', 'ran']);
    });
  }

  it('kill -9 during a stage: finished stages stay recorded, nothing else is; a re-run waits out the orphaned stage, then recovers', async () => {
    twoStageWorkspace();
    const clean = join(dir, 'clean');
    mkdirSync(clean);
    for (const f of ['mlpipeline.yaml', 'stage.js', 'input.txt']) cpSync(join(dir, f), join(clean, f));
    expect((await spawnCli(['run'], clean).done).code).toBe(0);

    const p = await startBlockedAtTrain();
    await until(() => existsSync(join(dir, '.mlpipeline/run.lock')) && JSON.parse(read('.mlpipeline/run.lock')).stage !== undefined, 'the lock to name the stage');
    const pgid: number = JSON.parse(read('.mlpipeline/run.lock')).stage.pgid;
    groups.push(pgid);
    p.child.kill('SIGKILL');
    expect((await p.done).signal).toBe('SIGKILL');

    // Only what really finished is recorded; the run record does not pass for a finished run.
    expect(Object.keys(lockOf())).toEqual(['first']);
    expect(lockOf().first).toEqual(lockOf('mlpipeline.lock', clean).first);
    const rec = JSON.parse(read('.mlpipeline/run.json'));
    expect([rec.status, rec.ok, rec.finished_at]).toEqual(['running', false, null]);
    expect(damagedObjects()).toEqual([]);
    for (const f of readdirSync(join(dir, '.mlpipeline'))) expect(f).not.toMatch(/tmp/);

    // The killed run's stage is still running (it has its own process group): a re-run must not race it.
    expect(processGroupAlive(pgid)).toBe(true);
    const busy = await cli('run');
    expect(busy.code).toBe(1);
    expect(busy.err).toContain(`but its stage 'train' is still running`);
    expect(busy.err).toContain(`fix: wait for it to end, or stop it with \`kill -- -${pgid}\``);
    process.kill(-pgid, 'SIGKILL');
    await until(() => !processGroupAlive(pgid), 'the orphaned stage to end');

    // Recovery by a plain re-run: the stale lock is taken over, train runs, first is kept.
    rmSync(join(dir, 'block'));
    const again = await cli('run', '--json');
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out).stages.map((s: { status: string }) => s.status)).toEqual(['skipped', 'ran']);
    expect(lockOf()).toEqual(lockOf('mlpipeline.lock', clean));
    expect(read('train.out')).toBe(readFileSync(join(clean, 'train.out'), 'utf8'));
    expect(JSON.parse(read('.mlpipeline/run.json')).status).toBe('succeeded');
    expect(damagedObjects()).toEqual([]);
    expect(existsSync(join(dir, '.mlpipeline/run.lock'))).toBe(false);
  });
});
