/** Throw-away workspaces and an in-process CLI call, shared by the CLI test files. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';

/** A temp root removed after the file's tests; `workspace(files)` makes a fresh folder in it holding `files`. */
export function tempWorkspaces(prefix: string): { root: string; workspace: (files: Record<string, string | Buffer>) => string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return {
    root,
    workspace(files) {
      const dir = join(root, `w${counter++}`);
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), content);
      }
      return dir;
    },
  };
}

/** `mlpipeline ...argv` in `cwd`, in process, with an empty environment. */
export async function runIn(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await runCli(argv, { io, cwd, env: {} });
  return { code, out: io.stdout, err: io.stderr };
}
