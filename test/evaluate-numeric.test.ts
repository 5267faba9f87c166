// The columnar CSV read (readNumericBatches) that `mlpipeline evaluate` uses on CSV: the same
// cells, rows, lines, batches and errors as readBatches, and the same evaluation results.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { bufferIo } from '../cli/context.js';
import { logisticRegressionOnnx } from '../core/onnx-builder.js';
import { readNumericBatches, supportsNumericBatches, type NumericBatch } from '../runners/data/numeric-batches.js';
import { plainDecimal } from '../runners/data/values.js';
import { readBatches, type RowBatch } from '../runners/data/source.js';
import { columnarView } from '../runners/evaluate/batch-view.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import { regressionModel } from './fixtures/models/models.js';
import { evaluateModels, type EvaluateInput } from '../runners/evaluate/evaluate.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-eval-numeric-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return { path: name, cwd: dir };
};

/** Text that Number() reads and that is a plain decimal of at most 15 digits (written here independently). */
const isPlain = (s: string) => /^-?(\d+\.?\d*|\.\d+)$/.test(s) && s.replace(/[^0-9]/g, '').length <= 15;

async function rowsOf(src: { path: string; cwd: string }, batchSize: number): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const b of readBatches(src, { batchSize })) out.push(b);
  return out;
}

describe('readNumericBatches', () => {
  // Quoted header and cells, CRLF, empty cells (plain and quoted), a blank line, text in a
  // numeric column, numbers that are not plain decimals, 16 digits, and no final newline.
  const CSV =
    '"x",y,label,note\r\n' +
    '1.5,-2,a,plain\r\n' +
    '"2.25",.5,b,"quoted, with ""quotes"""\r\n' +
    ',"",a,\r\n' +
    '\r\n' +
    '1e3, 7 ,a,exp\r\n' +
    '+5,-,b,sign\r\n' +
    '1234567890123456,1.2.3,b,long\r\n' +
    '-0,007,a,zeros\r\n' +
    'abc,3.,b,last';

  it('gives the same cells, lines and batches as readBatches', async () => {
    const src = write('mixed.csv', CSV);
    expect(supportsNumericBatches(src)).toBe(true);
    const expected = await rowsOf(src, 3);
    let seen: string[] = [];
    const got: { b: NumericBatch; values: unknown[][]; lines: number[]; firstRow: number; n: number }[] = [];
    for await (const b of readNumericBatches(src, {
      batchSize: 3,
      reuseBuffers: true,
      select: (cols) => {
        seen = cols;
        return { numeric: [0, 1], text: [2] };
      },
    })) {
      // Copy out now: with reuseBuffers the arrays are refilled for the next batch.
      const v = columnarView(b);
      got.push({ b, n: v.n, firstRow: v.firstRow, lines: [...b.lines], values: Array.from({ length: v.n }, (_, r) => v.row(r)) });
    }
    expect(seen).toEqual(['x', 'y', 'label', 'note']);
    expect(got.map((g) => g.n)).toEqual(expected.map((b) => b.rows.length));
    expect(got.map((g) => g.firstRow)).toEqual([1, 4, 7]);
    expect(got.flatMap((g) => g.lines)).toEqual([2, 3, 4, 6, 7, 8, 9, 10]);
    expect(got.flatMap((g) => g.lines)).toEqual(expected.flatMap((b) => b.lines));
    const rawRows = expected.flatMap((b) => b.rows);
    const gotRows = got.flatMap((g) => g.values);
    rawRows.forEach((raw, r) => {
      for (const c of [0, 1]) {
        const cell = raw[c] as string | null;
        // A plain decimal is its number; anything else stays exactly the raw cell.
        if (cell !== null && isPlain(cell)) expect(Object.is(gotRows[r]![c], Number(cell))).toBe(true);
        else expect(gotRows[r]![c]).toBe(cell);
      }
      expect(gotRows[r]![2]).toBe(raw[2]);
      expect(gotRows[r]![3]).toBeUndefined(); // not selected
    });
    // Spot checks against the text above.
    expect(gotRows[0]).toEqual([1.5, -2, 'a', undefined]);
    expect(gotRows[1]!.slice(0, 2)).toEqual([2.25, 0.5]);
    expect(gotRows[2]!.slice(0, 2)).toEqual([null, null]);
    expect(gotRows[3]!.slice(0, 2)).toEqual(['1e3', ' 7 ']);
    expect(gotRows[4]!.slice(0, 2)).toEqual(['+5', '-']);
    expect(gotRows[5]!.slice(0, 2)).toEqual(['1234567890123456', '1.2.3']);
    expect(Object.is(gotRows[6]![0], -0)).toBe(true);
    expect(gotRows[6]![1]).toBe(7);
    expect(gotRows[7]!.slice(0, 2)).toEqual(['abc', 3]);
  });

  const errorOf = async (it: () => AsyncIterable<unknown>) => {
    try {
      for await (const _ of it()) {
        /* drain */
      }
    } catch (e) {
      return e as Error & { location?: unknown; fix?: string };
    }
    throw new Error('expected an error');
  };
  /** Read both ways and compare every cell, line and batch (numeric: columns 0 and 1; text: column 2). */
  async function sameAsRows(src: { path: string; cwd: string }, batchSize: number, maxFieldChars?: number): Promise<number> {
    const expected: RowBatch[] = [];
    for await (const b of readBatches(src, { batchSize, maxFieldChars })) expected.push(b);
    let rows = 0;
    let k = 0;
    for await (const b of readNumericBatches(src, { batchSize, maxFieldChars, reuseBuffers: true, select: () => ({ numeric: [0, 1], text: [2] }) })) {
      const e = expected[k++]!;
      const v = columnarView(b);
      expect([v.n, v.firstRow, [...b.lines]]).toEqual([e.rows.length, e.firstRow, e.lines]);
      e.rows.forEach((raw, r) => {
        for (const c of [0, 1]) {
          const cell = raw[c] as string | null;
          if (cell !== null && isPlain(cell)) expect(Object.is(v.value(r, c), Number(cell))).toBe(true);
          else expect(v.value(r, c)).toBe(cell);
        }
        expect(v.value(r, 2)).toBe(raw[2]);
      });
      rows += v.n;
    }
    expect(k).toBe(expected.length);
    return rows;
  }

  // Files over one read chunk (256 KiB): records cut across chunks, CRLF, empty cells, text and
  // exponents in numeric columns, and no final line break.
  const bigRows = (n: number, quoteAt = -1) =>
    Array.from({ length: n }, (_, i) => {
      const x = i % 97 === 0 ? '' : i % 89 === 0 ? '1e-3' : i % 83 === 0 ? 'n/a' : `${(i % 1000) / 8 - 60}`;
      const label = i === quoteAt ? '"q,uoted"' : i % 3 === 0 ? 'yes' : 'no';
      return `${x},${-i}.25,${label},${'z'.repeat(i % 50)}`;
    });
  it('a quote-free file over several chunks, CRLF, no final line break', async () => {
    const src = write('big.csv', 'x,y,label,pad\r\n' + bigRows(12000).join('\r\n'));
    expect(await sameAsRows(src, 1000)).toBe(12000);
  });
  it('non-ASCII text in a later chunk: the parser takes over mid-file', async () => {
    const lines = bigRows(12000);
    lines[9000] = '1.5,2,café,x';
    const src = write('late-utf8.csv', 'x,y,label,pad\n' + lines.join('\n') + '\n');
    expect(await sameAsRows(src, 4096)).toBe(12000);
    const v: unknown[] = [];
    for await (const b of readNumericBatches(src, { batchSize: 12000, select: () => ({ numeric: [0], text: [2] }) })) v.push(columnarView(b).value(9000, 2));
    expect(v).toEqual(['café']);
  });
  it('a gzip file (1 MiB chunks)', async () => {
    writeFileSync(join(dir, 'big.csv.gz'), gzipSync('x,y,label,pad\n' + bigRows(30000).join('\n') + '\n'));
    expect(await sameAsRows({ path: 'big.csv.gz', cwd: dir }, 4096)).toBe(30000);
  });
  it('a quote in a later chunk: the parser takes over mid-file', async () => {
    const src = write('late-quote.csv', 'x,y,label,pad\n' + bigRows(12000, 9000).join('\n') + '\n\n');
    expect(await sameAsRows(src, 4096)).toBe(12000);
  });
  const bothErrors = async (src: { path: string; cwd: string }, maxFieldChars?: number) => {
    const viaRows = await errorOf(() => readBatches(src, { batchSize: 4096, maxFieldChars }));
    const viaColumns = await errorOf(() => readNumericBatches(src, { batchSize: 4096, maxFieldChars, select: () => ({ numeric: [0, 1], text: [2] }) }));
    expect(viaColumns.message).toBe(viaRows.message);
    expect(viaColumns.location).toEqual(viaRows.location);
    return viaColumns;
  };
  it('a line over the field limit mid-file: the same error as readBatches', async () => {
    const lines = bigRows(6000);
    lines[5000] = `1,2,${'w'.repeat(300)},x`;
    const src = write('long.csv', 'x,y,label,pad\n' + lines.join('\n') + '\n');
    expect((await bothErrors(src, 200)).message).toBe('a field starting at line 5002, column 5 is longer than the limit of 200 characters');
  });
  it('a ragged row in a later chunk', async () => {
    const lines = bigRows(8000);
    lines[7000] = '1,2,3';
    const src = write('ragged-late.csv', 'x,y,label,pad\n' + lines.join('\n') + '\n');
    const e = await bothErrors(src);
    expect(e.message).toBe('line 7002 has 3 fields, but the header has 4');
    expect(e.location).toEqual({ file: 'ragged-late.csv', line: 7002 });
  });

  it('plainDecimal reads the plain shapes exactly and refuses the rest', () => {
    for (const s of ['0', '-1', '1.5', '.25', '3.', '-0.001', '123456789012345', '0.1', '9007199254740.99']) {
      expect(plainDecimal(s, 0, s.length)).toBe(Number(s));
    }
    for (const s of ['', '-', '.', '+1', '1e3', ' 1', '1 ', '1.2.3', '1234567890123456', 'NaN', 'Infinity', '0x1F']) {
      expect(plainDecimal(s, 0, s.length)).toBeNaN();
    }
    expect(plainDecimal('a,12.5,b', 2, 6)).toBe(12.5);
  });

  it('a header without rows gives one empty batch with the columns', async () => {
    const src = write('header.csv', 'a,b\n');
    const got: NumericBatch[] = [];
    for await (const b of readNumericBatches(src, { batchSize: 4, select: () => ({ numeric: [0], text: [1] }) })) got.push(b);
    expect(got.map((b) => [b.columns, b.n])).toEqual([[['a', 'b'], 0]]);
  });

  it.each([
    ['a ragged quote-free row', 'a,b\n1,2\n3,4,5\n', 'line 3 has 3 fields, but the header has 2'],
    ['a short row', 'a,b\n1,2\n3\n', 'line 3 has 1 field, but the header has 2'],
    ['a ragged quoted row', 'a,b\n1,2\n"3",4,5\n', 'line 3 has 3 fields, but the header has 2'],
    ['an unterminated quote', 'a,b\n1,2\n"3,4\n', 'unterminated quoted field: the quote opened at line 3, column 1 is never closed'],
    ['text after a closing quote', 'a,b\n"1"x,2\n', 'unexpected text after a closing quote at line 2, column 4'],
    ['an empty file', '', 'bad.csv is empty: expected a header line with the column names'],
    ['a duplicate column', 'a,a\n1,2\n', 'duplicate column name "a" in the header (columns 1 and 2)'],
  ])('%s: the same error as readBatches', async (_name, text, message) => {
    const src = write('bad.csv', text);
    const viaRows = await errorOf(() => readBatches(src, { batchSize: 1 }));
    const viaColumns = await errorOf(() => readNumericBatches(src, { batchSize: 1, select: (c) => ({ numeric: c.map((_, i) => i), text: [] }) }));
    expect(viaRows.message).toBe(message);
    expect(viaColumns.message).toBe(viaRows.message);
    expect(viaColumns.location).toEqual(viaRows.location);
    expect(viaColumns.fix).toBe(viaRows.fix);
  });
});

describe('evaluation through the columnar read', () => {
  // p = sigmoid(2a − b). Quotes, CRLF, a category slice, exponent and padded numbers (which
  // Number() reads: 1e0 = 1, " 0.5" = 0.5) and a quoted label.
  const CSV =
    'a,b,contract,y\r\n' +
    '1,0,monthly,1\r\n' +
    '"0.5",1,"yearly",0\r\n' +
    '0,1,monthly,0\r\n' +
    '1e0,1,yearly,"1"\r\n' +
    '-1,0,monthly,0\r\n' +
    '0,-1,"year,ly",1\r\n' +
    '0.2, 0,monthly,0\r\n' +
    '-0.5,0.5,yearly,1\r\n';
  const model = () => logisticRegressionOnnx({ weights: [2, -1], bias: 0 });

  /** The document from the row read, and from the columnar read, of the same file. */
  async function both(file: string, text: string, extra: Partial<EvaluateInput> = {}): Promise<[EvaluationDocument, EvaluationDocument]> {
    const src = write(file, text);
    const base = (data: EvaluateInput['data']): EvaluateInput => ({
      task: 'binary-classification',
      label: 'y',
      features: ['a', 'b'],
      model: { bytes: model(), display: 'model.onnx' },
      baselines: [{ name: 'base', source: { kind: 'file', path: 'base.onnx' } as never, model: { bytes: logisticRegressionOnnx({ weights: [-1, 0], bias: 0 }), display: 'base.onnx' } }],
      data,
      slices: [{ column: 'contract' }, { column: 'b', bins: [0.5] }],
      latency: { samples: 3, warmup: 1 },
      importance: { repeats: 2, seed: 3 },
      batchSize: 3,
      now: () => new Date(0),
      ...extra,
    });
    const rows = await evaluateModels(base({ display: file, batches: readBatches(src, { batchSize: 3 }) }));
    const cols = await evaluateModels(base({ display: file, numeric: (select) => readNumericBatches(src, { batchSize: 3, select, reuseBuffers: true }) }));
    return [rows, cols];
  }
  const withoutTimings = (d: EvaluationDocument) => {
    const strip = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('latency_') && k !== 'throughput_rows_per_s'));
    return { ...d, metrics: strip(d.metrics), baseline: d.baseline && { ...d.baseline, metrics: strip(d.baseline.metrics), deltas: strip(d.baseline.deltas) }, baselines: [] };
  };

  it('gives the same document as the row read, with the hand-computed metrics', async () => {
    const [rows, cols] = await both('eval.csv', CSV);
    expect(withoutTimings(cols)).toEqual(withoutTimings(rows));
    // Rows 2, 7, 8 are wrong (p(0.5,1) = 0.5 → 1 vs 0; p(0.2,0) > 0.5 vs 0; p(-0.5,0.5) < 0.5 vs 1).
    expect(cols.metrics.accuracy).toBe(5 / 8);
    expect(cols.rows).toBe(8);
    expect(cols.slices.map((s) => [s.slice, s.rows])).toEqual([
      [{ contract: 'monthly' }, 4],
      [{ contract: 'year,ly' }, 1],
      [{ contract: 'yearly' }, 3],
      [{ b: '< 0.5' }, 4],
      [{ b: '>= 0.5' }, 4],
    ]);
    expect(cols.importance.map((i) => i.feature).sort()).toEqual(['a', 'b']);
  });

  it('gives the same document for a regression label read as numbers', async () => {
    const reg = 'a,b,y\n1,0,"2.5"\n0.5,1,1e0\n0,1,-1\n2,0,0.25\n';
    const [rows, cols] = await both('reg.csv', reg, { task: 'regression', slices: [], baselines: [], model: { bytes: regressionModel(true), display: 'reg.onnx' } });
    expect(withoutTimings(cols)).toEqual(withoutTimings(rows));
    expect(cols.rows).toBe(4);
    // y = 2a − b + 1 predicts 3, 1, 0, 5 for labels 2.5, 1, −1, 0.25: errors 0.5, 0, 1, 4.75.
    expect(cols.metrics.mae).toBeCloseTo(6.25 / 4, 12);
    expect(cols.metrics.max_error).toBeCloseTo(4.75, 12);
  });

  async function cliError(file: string, text: string) {
    write(file, text);
    writeFileSync(join(dir, 'model.onnx'), model());
    const io = bufferIo();
    const code = await runCli(['evaluate', '--model', 'model.onnx', '--data', file, '--label', 'y', '--task', 'binary-classification'], { io, cwd: dir });
    return { code, err: io.stderr };
  }
  it('an empty feature cell (CRLF file): the row, line and column, exit 2', async () => {
    const { code, err } = await cliError('empty.csv', 'a,b,y\r\n1,0,1\r\n"",1,0\r\n');
    expect(code).toBe(2);
    expect(err).toMatch(/^mlpipeline: empty\.csv:3:1: column 'a' in row 2 is empty\n\s+fix: clean or impute the value/);
    expect(err).not.toMatch(/\n\s+at /);
  });
  it('a non-numeric feature: the first bad cell in row order is reported', async () => {
    // Row 2 has a bad b, row 3 a bad a: row 2 comes first.
    const { code, err } = await cliError('text.csv', 'a,b,y\n1,0,1\n0,"abc",0\nx,1,0\n');
    expect(code).toBe(2);
    expect(err).toMatch(/^mlpipeline: text\.csv:3:2: column 'b' in row 2 is not a number \(abc\)/);
  });
  it('NaN in a feature, past the first batch', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `${(i % 7) / 7},1,${i % 2}`);
    lines[4500] = '0.5,NaN,1';
    const { code, err } = await cliError('late.csv', 'a,b,y\n' + lines.join('\n') + '\n');
    expect(code).toBe(2);
    expect(err).toMatch(/^mlpipeline: late\.csv:4502:2: column 'b' in row 4501 is not a number \(NaN\)/);
  });
  it('a missing label column is still reported before a bad cell', async () => {
    write('nolabel.csv', 'a,b\n1,x\n');
    const io = bufferIo();
    const code = await runCli(['evaluate', '--model', 'model.onnx', '--data', 'nolabel.csv', '--label', 'y', '--task', 'binary-classification'], { io, cwd: dir });
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/^mlpipeline: nolabel\.csv:1: label column 'y' is not in nolabel\.csv \(columns: a, b\)/);
  });
});
