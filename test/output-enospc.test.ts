/** Issue 9: a full disk while writing a result is a user error naming the path and the OS reason. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Inject the OS error: writing any temp file fails as on a full disk.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    writeFile: async (path: unknown, data: unknown, opts?: unknown) => {
      if (String(path).endsWith('.tmp')) {
        await real.writeFile(path as string, 'partial');
        throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
      return real.writeFile(path as string, data as string, opts as undefined);
    },
  };
});

const { runCli } = await import('../cli/main.js');
const { bufferIo } = await import('../cli/context.js');

const dir = mkdtempSync(join(tmpdir(), 'mlp-enospc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ENOSPC', () => {
  it('--out on a full disk: exit 2, the path and "ENOSPC: no space left on device", nothing half-written', async () => {
    writeFileSync(join(dir, 'd.csv'), 'a\n1\n');
    const io = bufferIo();
    const code = await runCli(['profile', '--data', 'd.csv', '--out', 'p.json'], { io, cwd: dir, env: {} });
    expect(code).toBe(2);
    expect(io.stderr).toBe(
      `mlpipeline: ${join(dir, 'p.json')}: cannot write --out ${join(dir, 'p.json')}: ENOSPC: no space left on device\n  fix: free some space on that file system, or write somewhere else\n`,
    );
    expect(readdirSync(dir)).toEqual(['d.csv']);
  });
});
