import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCommands } from './exec.js';

async function lines(cmds: string[]) {
  const got: [string, string][] = [];
  const r = await runCommands(cmds, { cwd: tmpdir(), env: process.env, onLine: (stream, line) => got.push([stream, line]) });
  return { r, got };
}

describe('runCommands', () => {
  it('splits output into lines per stream, keeping a last line without a newline', async () => {
    const { r, got } = await lines(['printf "a\\nb\\r\\n"; printf "oops\\n" >&2; printf "tail"']);
    expect(r).toEqual({ code: 0 });
    expect(got.filter(([s]) => s === 'stdout').map(([, l]) => l)).toEqual(['a', 'b', 'tail']);
    expect(got.filter(([s]) => s === 'stderr').map(([, l]) => l)).toEqual(['oops']);
  });

  it('keeps multi-byte characters whole when a pipe chunk ends inside one', async () => {
    // 40,000 × 3 bytes crosses 64 KiB pipe chunks, and 65,536 is not a multiple of 3.
    const { got } = await lines([`node -e "process.stdout.write('€'.repeat(40000) + '\\\\n')"`]);
    expect(got).toEqual([['stdout', '€'.repeat(40000)]]);
  });

  it('stops at the first failing command and says which one', async () => {
    const { r, got } = await lines(['echo one', 'exit 4', 'echo never']);
    expect(r).toEqual({ code: 4, failedCommand: 1 });
    expect(got).toEqual([['stdout', 'one']]);
  });
});
