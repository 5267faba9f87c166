import { mkdtemp, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashCache } from './hash-cache.js';

// Published SHA-256 test vectors (FIPS 180-2): "abc" and the empty string.
const SHA_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlp-hash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Put a file's mtime well in the past, so its cache entry is not "racy". */
async function age(path: string): Promise<void> {
  const t = new Date(Date.now() - 60_000);
  await utimes(path, t, t);
}

describe('HashCache', () => {
  it('hashes files with sha256', async () => {
    await writeFile(join(dir, 'abc.txt'), 'abc');
    await writeFile(join(dir, 'empty'), '');
    const hc = await HashCache.open(join(dir, 'hashes.json'), dir);
    expect(await hc.hashPath(join(dir, 'abc.txt'))).toEqual({ kind: 'file', hash: SHA_ABC });
    expect((await hc.hashPath(join(dir, 'empty')))?.hash).toBe(SHA_EMPTY);
    expect(await hc.hashPath(join(dir, 'nope'))).toBeUndefined();
  });

  it('hashes a directory over its sorted file list with their hashes', async () => {
    await mkdir(join(dir, 'd/sub'), { recursive: true });
    await writeFile(join(dir, 'd/b.txt'), 'abc');
    await writeFile(join(dir, 'd/sub/a.txt'), '');
    const hc = await HashCache.open(join(dir, 'hashes.json'), dir);
    const h = await hc.hashPath(join(dir, 'd'));
    const manifest = `[["b.txt","${SHA_ABC}"],["sub/a.txt","${SHA_EMPTY}"]]`;
    expect(h?.kind).toBe('dir');
    expect(h?.hash).toBe(createHash('sha256').update(manifest).digest('hex') + '.dir');
  });

  it('does not re-read an unchanged file, across processes (the cache file)', async () => {
    const f = join(dir, 'big.bin');
    await writeFile(f, 'abc');
    await age(f);
    const first = await HashCache.open(join(dir, 'hashes.json'), dir);
    expect(await first.hashFile(f)).toBe(SHA_ABC);
    expect(first.filesRead).toBe(1);
    await first.save();

    // Prove the second answer comes from the cache: doctor the stored hash and see it returned.
    const doc = JSON.parse(await readFile(join(dir, 'hashes.json'), 'utf8'));
    expect(Object.keys(doc.entries)).toEqual(['big.bin']);
    doc.entries['big.bin'].hash = 'f'.repeat(64);
    await writeFile(join(dir, 'hashes.json'), JSON.stringify(doc));
    const second = await HashCache.open(join(dir, 'hashes.json'), dir);
    expect(await second.hashFile(f)).toBe('f'.repeat(64));
    expect(second.filesRead).toBe(0);
  });

  it('re-reads a file whose content changed even with the same size and mtime', async () => {
    const f = join(dir, 'x.txt');
    await writeFile(f, 'xyz');
    await age(f);
    const hc = await HashCache.open(join(dir, 'hashes.json'), dir);
    await hc.hashFile(f);
    await hc.save();
    const before = JSON.parse(await readFile(join(dir, 'hashes.json'), 'utf8')).entries['x.txt'];
    // Same size, and the same mtime put back: only ctime (which no user call can set) differs.
    await writeFile(f, 'abc');
    await utimes(f, new Date(before.mtime), new Date(before.mtime));
    const again = await HashCache.open(join(dir, 'hashes.json'), dir);
    expect(await again.hashFile(f)).toBe(SHA_ABC);
    expect(again.filesRead).toBe(1);
  });

  it('does not trust an entry for a file modified just now (racy clean)', async () => {
    const f = join(dir, 'fresh.txt');
    await writeFile(f, 'abc');
    const hc = await HashCache.open(join(dir, 'hashes.json'), dir);
    await hc.hashFile(f);
    await hc.hashFile(f);
    expect(hc.filesRead).toBe(2);
  });

  it('starts empty when the cache file is damaged', async () => {
    await writeFile(join(dir, 'hashes.json'), '{not json');
    await writeFile(join(dir, 'a'), 'abc');
    const hc = await HashCache.open(join(dir, 'hashes.json'), dir);
    expect(await hc.hashFile(join(dir, 'a'))).toBe(SHA_ABC);
  });
});
