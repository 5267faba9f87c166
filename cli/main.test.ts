import { describe, expect, it } from 'vitest';
import { runCli } from './main.js';
import { bufferIo } from './context.js';

describe('the CLI shell', () => {
  it('prints help and exits 0', async () => {
    const io = bufferIo();
    expect(await runCli(['--help'], { io })).toBe(0);
    expect(io.stdout).toContain('Usage: mlpipeline');
  });

  it('treats an unknown command as a usage error (exit 2) with a suggestion', async () => {
    const io = bufferIo();
    expect(await runCli(['vaildate'], { io })).toBe(2);
    expect(io.stderr).toMatch(/unknown command 'vaildate'/);
    expect(io.stderr).toMatch(/Did you mean validate\?/);
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });

  it('with no arguments shows usage and exits 2', async () => {
    const io = bufferIo();
    expect(await runCli([], { io })).toBe(2);
    expect(io.stdout + io.stderr).toContain('Usage: mlpipeline');
  });

  it('reports a missing pipeline file with the fix and exit 2', async () => {
    const io = bufferIo();
    expect(await runCli(['validate'], { io, cwd: '/nonexistent-dir-for-test' })).toBe(2);
    expect(io.stderr).toMatch(/no pipeline file at .*mlpipeline\.yaml/);
    expect(io.stderr).toMatch(/fix: /);
  });
});
