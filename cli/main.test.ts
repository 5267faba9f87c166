import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, runCli } from './main.js';
import { bufferIo } from './context.js';

/** Every command path, e.g. ['params', 'diff'], as the program defines them. */
function commandPaths(c: Command, prefix: string[] = []): string[][] {
  return c.commands.filter((s) => s.name() !== 'help').flatMap((s) => [[...prefix, s.name()], ...commandPaths(s, [...prefix, s.name()])]);
}

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

  it('gives --help with a description and exit 0 on every command and subcommand', async () => {
    const paths = commandPaths(buildProgram({ io: bufferIo(), cwd: '.', env: {}, exitCode: 0 }));
    // The foundation's commands at least; other capabilities add theirs.
    for (const want of [['validate'], ['schema'], ['run'], ['status'], ['params', 'diff'], ['metrics', 'diff']]) {
      expect(paths).toContainEqual(want);
    }
    for (const path of paths) {
      const io = bufferIo();
      expect(await runCli([...path, '--help'], { io }), path.join(' ')).toBe(0);
      expect(io.stdout, path.join(' ')).toContain(`Usage: mlpipeline ${path.join(' ')}`);
      // The description is the third line of commander's help; it must say something.
      expect(io.stdout.split('\n')[2]!.trim().length, path.join(' ')).toBeGreaterThan(10);
    }
  });

  it('treats a command group without its subcommand, and an unknown option, as usage errors (exit 2)', async () => {
    const group = bufferIo();
    expect(await runCli(['params'], { io: group })).toBe(2);
    expect(group.stdout + group.stderr).toContain('Usage: mlpipeline params');
    const option = bufferIo();
    expect(await runCli(['run', '--bogus'], { io: option })).toBe(2);
    expect(option.stderr).toContain("mlpipeline: error: unknown option '--bogus'");
    const help = bufferIo();
    expect(await runCli(['help', 'run'], { io: help })).toBe(0);
    expect(help.stdout).toContain('Usage: mlpipeline run');
  });
});
