import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { InputError } from '../core/errors.js';
import { readBatches, type DataSource, type RowBatch } from '../runners/data/source.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-data-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content);
  return name;
}

async function readAll(src: Partial<DataSource> & { path: string }, batchSize?: number): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const b of readBatches({ cwd: dir, ...src }, { batchSize })) out.push(b);
  return out;
}

async function rowsOf(path: string, extra: Partial<DataSource> = {}) {
  const batches = await readAll({ path, ...extra });
  return { columns: batches[0]?.columns, rows: batches.flatMap((b) => b.rows), lines: batches.flatMap((b) => b.lines ?? []) };
}

async function failure(path: string, extra: Partial<DataSource> = {}, maxFieldChars?: number): Promise<InputError> {
  try {
    for await (const _ of readBatches({ cwd: dir, path, ...extra }, { maxFieldChars })) {
      /* drain */
    }
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('CSV reader (RFC 4180)', () => {
  it('reads quoted fields, doubled quotes, newlines in quotes, CRLF, BOM; empty cells are null', async () => {
    const p = file('rfc.csv', '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,,"two\r\nlines"\r\n3,"",z\r\n');
    const r = await rowsOf(p);
    expect(r.columns).toEqual(['a', 'b', 'c']);
    expect(r.rows).toEqual([
      ['1', 'x, y', 'say "hi"'],
      ['2', null, 'two\r\nlines'],
      ['3', null, 'z'],
    ]);
    // Row 3 starts on line 5 because row 2's quoted field spans lines 3-4.
    expect(r.lines).toEqual([2, 3, 5]);
  });

  it('handles a custom delimiter, no final newline, blank lines and literal quotes in unquoted fields', async () => {
    const p = file('semi.csv', 'a;b\n1;it"s\n\n2;"q;r"');
    const r = await rowsOf(p, { delimiter: ';' });
    expect(r.rows).toEqual([
      ['1', 'it"s'],
      ['2', 'q;r'],
    ]);
    expect(r.lines).toEqual([2, 4]);
  });

  it('reads .tsv with a tab and gzip of CSV', async () => {
    const t = file('t.tsv', 'a\tb\n1\t2\n');
    expect((await rowsOf(t)).rows).toEqual([['1', '2']]);
    const g = file('g.csv.gz', gzipSync(Buffer.from('a,b\n1,2\n3,4\n')));
    expect((await rowsOf(g)).rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('splits into batches with firstRow and keeps rows across chunk boundaries', async () => {
    const body = Array.from({ length: 1000 }, (_, i) => `${i},"v""${i}\nx"`).join('\n');
    const p = file('many.csv', 'n,s\n' + body + '\n');
    const batches = await readAll({ path: p }, 300);
    expect(batches.map((b) => b.rows.length)).toEqual([300, 300, 300, 100]);
    expect(batches.map((b) => b.firstRow)).toEqual([1, 301, 601, 901]);
    expect(batches[3]!.rows[99]).toEqual(['999', 'v"999\nx']);
    // Each record takes two lines; record k (1-based) starts on line 2k.
    expect(batches[3]!.lines![99]).toEqual(2000);
  });

  it('unquoted records across many 256 KiB chunks keep every row, value and line', async () => {
    const n = 60_000;
    const body = Array.from({ length: n }, (_, i) => `${i},value-${i}\r`).join('\n');
    const p = file('chunks.csv', 'n,s\r\n' + body + '\n');
    const r = await rowsOf(p);
    expect(r.rows.length).toBe(n);
    r.rows.forEach((row, i) => {
      if (row[0] !== String(i) || row[1] !== `value-${i}`) throw new Error(`row ${i + 1} is ${JSON.stringify(row)}`);
    });
    expect(r.lines[n - 1]).toBe(n + 1);
    // The scan's fast path over the same chunks: 0..n−1 → mean (n−1)/2, distinct n, by hand.
    const { scanDataset } = await import('../runners/data/scan.js');
    const scan = await scanDataset({ cwd: dir, path: p });
    expect(scan.profile.rows).toBe(n);
    expect(scan.profile.columns.n).toMatchObject({ type: 'integer', min: 0, max: n - 1, mean: (n - 1) / 2, distinct: n, missing: 0 });
    expect(scan.profile.columns.s).toMatchObject({ type: 'string', distinct: n, missing: 0 });
  });

  it('ASCII and UTF-8 chunks mixed: characters split across chunks, and a U+FEFF after the first chunk is kept', async () => {
    // Files are read in 256 KiB chunks. Chunk 1 is pure ASCII; chunk 2 starts with U+FEFF (a
    // character in a cell, not a byte-order mark: only the file start has one); chunk 2 ends one
    // byte into "é", so chunk 3 starts with the rest of that character.
    const CHUNK = 1 << 18;
    const head = 'k,v\n';
    const row = (i: number) => `${i},x\n`;
    let ascii = head;
    let i = 0;
    while (ascii.length + row(i).length <= CHUNK - 4) ascii += row(i++);
    ascii += 'p,'.padEnd(CHUNK - ascii.length - 1, 'p') + '\n'; // exactly CHUNK bytes
    const bomCell = Buffer.from('\uFEFFa,b\n');
    let middle = 'm,';
    while (bomCell.length + middle.length < CHUNK - 1) middle += 'm';
    const bytes = Buffer.concat([Buffer.from(ascii), bomCell, Buffer.from(middle), Buffer.from('é\nz,ü\n')]);
    expect(bytes.length).toBeGreaterThan(2 * CHUNK);
    expect(bytes[2 * CHUNK - 1]).toBe(0xc3); // the chunk boundary splits "é"
    const r = await rowsOf(file('mixed-chunks.csv', bytes));
    expect(r.columns).toEqual(['k', 'v']);
    expect(r.rows.length).toBe(i + 4);
    expect(r.rows[i + 1]).toEqual(['\uFEFFa', 'b']);
    expect(r.rows[i + 2]![1]).toBe('m'.repeat(middle.length - 2) + 'é');
    expect(r.rows[i + 3]).toEqual(['z', 'ü']);
  });

  it('invalid UTF-8 after pure-ASCII chunks: the line and column are still exact', async () => {
    const n = 40_000; // about 600 KB of ASCII first
    const body = Array.from({ length: n }, (_, i) => `${i},ok`).join('\n');
    const bytes = Buffer.concat([Buffer.from('a,b\n' + body + '\n7,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const e = await failure(file('late-latin1.csv', bytes));
    expect(e.message).toBe(`invalid UTF-8 at line ${n + 2}, column 6 (byte 0xe9)`);
    expect(e.location).toEqual({ file: 'late-latin1.csv', line: n + 2, column: 6 });
  });

  it('a header-only file yields one empty batch with the columns', async () => {
    const p = file('header.csv', 'a,b\n');
    const batches = await readAll({ path: p });
    expect(batches).toEqual([{ columns: ['a', 'b'], rows: [], firstRow: 1, lines: [] }]);
  });

  it('names unnamed header cells unnamed_N', async () => {
    const p = file('unnamed.csv', ',b\n1,2\n');
    expect((await rowsOf(p)).columns).toEqual(['unnamed_1', 'b']);
  });
});

describe('CSV reader errors', () => {
  it('ragged row: names the line and both counts', async () => {
    const e = await failure(file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n'));
    expect(e.message).toBe('line 3 has 2 fields, but the header has 3');
    expect(e.location).toEqual({ file: 'ragged.csv', line: 3 });
    expect(e.fix).toMatch(/exactly 3 fields/);
  });

  it('unterminated quote: names the line and column where the quote opened', async () => {
    const e = await failure(file('unterminated.csv', 'a,b\n1,2\n3,"open\n4,5\n'));
    expect(e.message).toMatch(/unterminated quoted field/);
    expect(e.location).toEqual({ file: 'unterminated.csv', line: 3, column: 3 });
  });

  it('text after a closing quote', async () => {
    const e = await failure(file('afterquote.csv', 'a,b\n"x"y,2\n'));
    expect(e.message).toMatch(/unexpected text after a closing quote at line 2, column 4/);
    expect(e.location).toEqual({ file: 'afterquote.csv', line: 2, column: 4 });
  });

  it('invalid UTF-8: line and column of the bad byte', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n3,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const e = await failure(file('latin1.csv', bytes));
    expect(e.message).toBe('invalid UTF-8 at line 3, column 6 (byte 0xe9)');
    expect(e.location).toEqual({ file: 'latin1.csv', line: 3, column: 6 });
  });

  it('empty file', async () => {
    const e = await failure(file('empty.csv', ''));
    expect(e.message).toBe('empty.csv is empty: expected a header line with the column names');
    expect(e.location).toEqual({ file: 'empty.csv', line: 1 });
  });

  it('duplicate column names', async () => {
    const e = await failure(file('dup.csv', 'a,b,a\n1,2,3\n'));
    expect(e.message).toBe('duplicate column name "a" in the header (columns 1 and 3)');
    expect(e.location).toEqual({ file: 'dup.csv', line: 1, column: 3 });
  });

  it('a 10 MB field is refused with the limit (quoted and unquoted)', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const q = await failure(file('bigq.csv', `a,b\n1,2\n3,"${big}"\n`));
    expect(q.message).toBe(`a field starting at line 3, column 3 is longer than the limit of ${1 << 20} characters`);
    expect(q.location).toEqual({ file: 'bigq.csv', line: 3, column: 3 });
    const u = await failure(file('bigu.csv', `a,b\n1,2\n3,${big}\n`));
    expect(u.message).toMatch(/a field starting at line 3, column 3 is longer than the limit/);
  });

  it('a large field is accepted under a raised limit', async () => {
    const big = 'y'.repeat(3 * 1024 * 1024);
    const p = file('bigok.csv', `a\n"${big}"\n`);
    const rows: unknown[][] = [];
    for await (const b of readBatches({ cwd: dir, path: p }, { maxFieldChars: 4 << 20 })) rows.push(...b.rows);
    expect((rows[0]![0] as string).length).toBe(3 * 1024 * 1024);
  });

  it('missing file and unknown extension', async () => {
    const e = await failure('nope.csv');
    expect(e.message).toBe('data file not found: nope.csv');
    const f = await failure(file('x.dat', 'a\n1\n'));
    expect(f.message).toMatch(/cannot tell the format of x.dat/);
  });

  it('corrupt gzip', async () => {
    const gz = gzipSync(Buffer.from('a,b\n' + '1,2\n'.repeat(1000)));
    const e = await failure(file('bad.csv.gz', gz.subarray(0, gz.length - 20)));
    expect(e.message).toMatch(/bad.csv.gz is not valid gzip data/);
  });
});

describe('JSON Lines reader', () => {
  it('reads objects, unions keys in first-seen order, skips blank lines', async () => {
    const p = file('d.jsonl', '{"a":1,"b":"x"}\n\n{"b":"y","c":true}\n{"a":null}\n');
    const r = await rowsOf(p);
    expect(r.columns).toEqual(['a', 'b', 'c']);
    expect(r.rows).toEqual([
      [1, 'x', null],
      [null, 'y', true],
      [null, null, null],
    ]);
    expect(r.lines).toEqual([1, 3, 4]);
  });

  it('bad JSON names line and column; non-objects are refused', async () => {
    const e = await failure(file('bad.jsonl', '{"a":1}\n{"a":2,}\n'));
    expect(e.message).toMatch(/^line 2 is not valid JSON/);
    expect(e.location?.line).toBe(2);
    expect(e.location?.column).toBe(8);
    const f = await failure(file('arr.jsonl', '{"a":1}\n[1,2]\n'));
    expect(f.message).toBe('line 2 is not a JSON object');
  });

  it('gzip of JSON Lines', async () => {
    const p = file('d.ndjson.gz', gzipSync(Buffer.from('{"a":1}\n{"a":2}')));
    expect((await rowsOf(p)).rows).toEqual([[1], [2]]);
  });
});

describe('Parquet reader', () => {
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: [1, 2, 3, 4, 5], type: 'INT32' },
      { name: 'x', data: [0.5, null, 1.5, 2.5, 3.5], type: 'DOUBLE' },
      { name: 's', data: ['a', 'b', null, 'd', 'e'], type: 'STRING' },
    ],
    rowGroupSize: 2,
  });

  it('reads values as decoded, row groups into batches with firstRow', async () => {
    const p = file('d.parquet', Buffer.from(buf));
    const batches = await readAll({ path: p }, 10);
    expect(batches[0]!.columns).toEqual(['id', 'x', 's']);
    expect(batches.flatMap((b) => b.rows)).toEqual([
      [1, 0.5, 'a'],
      [2, null, 'b'],
      [3, 1.5, null],
      [4, 2.5, 'd'],
      [5, 3.5, 'e'],
    ]);
    expect(batches.map((b) => b.firstRow)).toEqual([1, 3, 5]);
  });

  it('a truncated Parquet file is refused', async () => {
    const p = file('trunc.parquet', Buffer.from(buf).subarray(0, Math.floor(buf.byteLength / 2)));
    const e = await failure(p);
    expect(e.message).toMatch(/^trunc.parquet is not a readable Parquet file/);
    expect(e.fix).toMatch(/truncated/);
  });
});

describe('reading at a git ref', () => {
  it('streams the file as committed, with the path relative to the repository root', async () => {
    const repo = join(dir, 'repo');
    const g = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    execFileSync('mkdir', ['-p', join(repo, 'data'), join(repo, 'sub')]);
    g('init', '-q', '-b', 'main');
    g('config', 'user.email', 't@example.com');
    g('config', 'user.name', 'T');
    writeFileSync(join(repo, 'data', 'd.csv'), 'a,b\n1,2\n');
    g('add', '.');
    g('commit', '-q', '-m', 'one');
    writeFileSync(join(repo, 'data', 'd.csv'), 'a,b\n9,9\n8,8\n');
    const rows: unknown[][] = [];
    for await (const b of readBatches({ cwd: join(repo, 'sub'), path: 'data/d.csv', ref: 'HEAD' })) rows.push(...b.rows);
    expect(rows).toEqual([['1', '2']]);
    const e = await (async () => {
      try {
        for await (const _ of readBatches({ cwd: repo, path: 'data/missing.csv', ref: 'HEAD' })) {
          /* drain */
        }
      } catch (err) {
        return err as InputError;
      }
      throw new Error('expected an error');
    })();
    expect(e.message).toMatch(/^data\/missing.csv does not exist at HEAD/);
  });
});
