/**
 * Issue 9, output: the atomic writer never replaces something that is not a regular file, write
 * failures are user errors that name the path and the OS reason, and a reader that closes the
 * pipe early (`| head`) ends the command quietly with its usual exit code.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../core/atomic-write.js';
import { runIn, tempWorkspaces } from './cli-workspace.js';

const { workspace } = tempWorkspaces('mlp-writes-');
const run = runIn;

describe('--out / --output targets', () => {
  it('--out that is a directory: exit 2 naming the flag and the path, no stack trace', async () => {
    const dir = workspace({ 'd.csv': 'a\n1\n' });
    mkdirSync(join(dir, 'outdir'));
    const r = await run(dir, 'profile', '--data', 'd.csv', '--out', 'outdir');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `mlpipeline: ${join(dir, 'outdir')}: --out ${join(dir, 'outdir')} is a directory; expected the path of a regular file to write (it is replaced atomically)\n  fix: give --out a file path such as ./result.json (to print the document, use --json instead)\n`,
    );
  });

  it('a symlink at the target (like /dev/stdout) is refused and left as it was', async () => {
    const dir = workspace({ 'd.csv': 'a\n1\n', 'kept.txt': 'keep me\n' });
    symlinkSync(join(dir, 'kept.txt'), join(dir, 'link.json'));
    const r = await run(dir, 'validate-data', '--data', 'd.csv', '--out', 'link.json');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out ${join(dir, 'link.json')} is a symbolic link; expected the path of a regular file`);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.json'))).toBe(join(dir, 'kept.txt'));
    expect(readFileSync(join(dir, 'kept.txt'), 'utf8')).toBe('keep me\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  // Never aim these at /dev itself: a writer with the bug would replace the real device.
  it.runIf(process.getuid?.() === 0)('a device at the target is refused (as root, a rename would replace it)', async () => {
    const dir = workspace({});
    const dev = join(dir, 'null-device');
    execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3']);
    await expect(writeFileAtomic(dev, 'x', { what: '--output' })).rejects.toMatchObject({
      exitCode: 2,
      message: `--output ${dev} is a device; expected the path of a regular file to write (it is replaced atomically)`,
    });
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(() => writeFileAtomicSync(dev, 'x')).toThrow(/null-device is a device/);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
  });

  it('a fifo at the target is refused', async () => {
    const dir = workspace({});
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await expect(writeFileAtomic(join(dir, 'pipe'), 'x')).rejects.toMatchObject({ exitCode: 2, message: `${join(dir, 'pipe')} is a named pipe (fifo); expected the path of a regular file to write (it is replaced atomically)` });
    expect(lstatSync(join(dir, 'pipe')).isFIFO()).toBe(true);
  });

  it('regular files are still replaced atomically', async () => {
    const dir = workspace({ 'f.json': 'old' });
    await writeFileAtomic(join(dir, 'f.json'), 'new');
    expect(readFileSync(join(dir, 'f.json'), 'utf8')).toBe('new');
    await writeFileAtomic(join(dir, 'sub', 'g.json'), 'g');
    expect(existsSync(join(dir, 'sub', 'g.json'))).toBe(true);
  });

  it('a parent that is a file: a user error with the OS reason', async () => {
    const dir = workspace({ 'd.csv': 'a\n1\n', 'file': '' });
    const r = await run(dir, 'profile', '--data', 'd.csv', '--out', 'file/p.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: .*file\/p\.json: cannot write --out .*file\/p\.json: E(NOTDIR|EXIST): /);
    expect(r.err).not.toMatch(/internal error/);
  });
});

describe('a closed pipe (mlpipeline ... | head)', () => {
  it('ends quietly with the usual exit code, no EPIPE stack', { timeout: 30_000 }, async () => {
    // A profile of 300 columns is far more than one pipe buffer.
    const header = Array.from({ length: 300 }, (_, i) => `c${i}`).join(',');
    const rows = Array.from({ length: 50 }, (_, r) => Array.from({ length: 300 }, (_, i) => String(r * i)).join(',')).join('\n');
    const dir = workspace({ 'wide.csv': `${header}\n${rows}\n` });
    const bin = resolve(__dirname, '..', 'bin', 'mlpipeline.js');
    const child = spawn(process.execPath, [bin, 'profile', '--data', 'wide.csv'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    let got = 0;
    child.stdout.once('data', (b: Buffer) => {
      got = b.length;
      child.stdout.destroy(); // like head: read a little, then close
    });
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    expect(got).toBeGreaterThan(0);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
