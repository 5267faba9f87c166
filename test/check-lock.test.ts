/** .ci/check-lock.mjs: the CI check that every package-lock.json entry can be fetched and verified. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SCRIPT = join(ROOT, '.ci', 'check-lock.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'mlp-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SHA = 'sha512-' + 'A'.repeat(86) + '==';

function check(lock: unknown): { status: number | null; stdout: string; stderr: string } {
  const file = join(tmp, `lock-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(lock));
  const r = spawnSync(process.execPath, [SCRIPT, file], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const good = {
  lockfileVersion: 3,
  packages: {
    '': { name: 'x', dependencies: { a: '^1.0.0' } },
    'node_modules/a': { version: '1.0.0', integrity: SHA, optionalDependencies: { 'a-linux-x64': '1.0.0', 'a-darwin-arm64': '1.0.0' } },
    'node_modules/a-linux-x64': { version: '1.0.0', integrity: SHA, optional: true, os: ['linux'], cpu: ['x64'] },
    'node_modules/a-darwin-arm64': { version: '1.0.0', integrity: SHA, optional: true, os: ['darwin'], cpu: ['arm64'] },
    'node_modules/a/node_modules/b': { version: '2.0.0', integrity: SHA, resolved: 'https://registry.npmjs.org/b/-/b-2.0.0.tgz' },
    'node_modules/local': { resolved: 'packages/local', link: true },
  },
};

describe('.ci/check-lock.mjs', () => {
  it("passes this repository's package-lock.json", () => {
    const r = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/every one with an sha512 integrity/);
  });

  it('passes a lock whose every entry has an sha512 integrity (root and links excepted)', () => {
    expect(check(good).status).toBe(0);
  });

  it('fails on an entry without integrity, naming it, with the fix', () => {
    const lock = structuredClone(good);
    delete (lock.packages['node_modules/a-darwin-arm64'] as { integrity?: string }).integrity;
    const r = check(lock);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('node_modules/a-darwin-arm64@1.0.0: no integrity');
    expect(r.stderr).toMatch(/fix: .*rm package-lock.json && npm install/);
  });

  it('fails on an optional platform package missing from the lock altogether', () => {
    const lock = structuredClone(good);
    delete (lock.packages as Record<string, unknown>)['node_modules/a-darwin-arm64'];
    const r = check(lock);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('node_modules/a: optional dependency a-darwin-arm64 is not in the lock');
  });

  it('fails on a non-sha512 integrity and a non-https resolved URL', () => {
    const lock = structuredClone(good);
    lock.packages['node_modules/a/node_modules/b'] = { version: '2.0.0', integrity: 'sha1-abc=', resolved: 'http://example.com/b.tgz' };
    const r = check(lock);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('integrity is not sha512');
    expect(r.stderr).toContain('resolved is not an https URL');
  });
});
