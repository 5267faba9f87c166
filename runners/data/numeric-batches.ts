/**
 * A columnar CSV read for consumers that need numbers (model evaluation): for the columns the
 * caller selects once it has seen the header, plain decimals (`-123.45`, at most 15 digits) are
 * read straight from the text into a Float64Array per column (Clinger's exact fast path: the value
 * equals Number(text)), without making a string per cell; other cells of those columns are kept
 * as raw text ("exceptions"). Text columns keep their raw cells. Unselected columns are skipped.
 *
 * Same rows, line numbers, batching points and errors as readBatches on CSV: it runs the same
 * byte pump (pumpCsv), parser, header check and ragged-row check, and hands out full batches
 * after each input chunk exactly as readCsvBatches does. While the input is pure ASCII without a
 * quote character, records are cut from the raw bytes (no decoding at all); from the first chunk
 * that is not, CsvParser takes over from the same line. CSV only (readBatches for the others).
 */
import { isAscii } from 'node:buffer';
import { defined } from '../../core/internal-error.js';
import { checkHeader, emptyCsv, pumpCsv, raggedRow } from './csv-reader.js';
import { CsvParser, MAX_FIELD_CHARS } from './csv-parser.js';
import { resolveFormat, sourceLabel } from './open.js';
import type { DataSource } from './source-types.js';
import { NumericBatchPool } from './numeric-batch-pool.js';
import type { ColumnSelection, NumericBatch } from './numeric-batch.js';
import { decimalScan, plainDecimal, scanDecimal, scanDecimalBytes } from './plain-decimal.js';

export type { ColumnSelection, NumericBatch };

export interface NumericReadOptions {
  batchSize: number;
  maxFieldChars?: number;
  /** Called once with the header's column names; returns which columns to read and how. */
  select: (columns: string[]) => ColumnSelection;
  /**
   * Reuse a batch's arrays for a later batch once the consumer asks for the next one (saves
   * allocation and GC on large files). Only for consumers that keep nothing of a batch.
   */
  reuseBuffers?: boolean;
}

/** Whether readNumericBatches can read this source (CSV, plain or gzip, workspace or git ref). */
export function supportsNumericBatches(src: DataSource): boolean {
  try {
    return resolveFormat(src).format === 'csv';
  } catch {
    return false; // readBatches reports the problem when it is read
  }
}

const SKIP = 0;
const NUMERIC = 1;
const TEXT = 2;

export async function* readNumericBatches(src: DataSource, opts: NumericReadOptions): AsyncIterable<NumericBatch> {
  const fmt = resolveFormat(src);
  if (fmt.format !== 'csv') throw new Error(`readNumericBatches reads CSV only (${sourceLabel(src)} is ${fmt.format})`);
  const file = sourceLabel(src);
  const delim = fmt.delimiter;
  const dc = delim.charCodeAt(0);
  const pool = new NumericBatchPool(Math.max(1, Math.floor(opts.batchSize)), opts.reuseBuffers === true);
  let width = -1;
  let kind = new Uint8Array(0);
  let numericCols: number[] = [];
  let textCols: number[] = [];
  // The previous text of each text column: repeated values (labels, categories) share one string.
  let lastText: (string | null)[] = [];

  const shared = (c: number, s: string, from: number, to: number): string => {
    const prev = lastText[c];
    if (prev !== null && prev !== undefined && prev.length === to - from && s.startsWith(prev, from)) return prev;
    const v = s.slice(from, to);
    lastText[c] = v;
    return v;
  };

  const header = (cells: (string | null)[], line: number): void => {
    const columns = checkHeader(cells, file, line);
    width = columns.length;
    const sel = opts.select(columns);
    kind = new Uint8Array(width);
    for (const c of sel.numeric) if (c >= 0 && c < width) kind[c] = NUMERIC;
    for (const c of sel.text) if (c >= 0 && c < width) kind[c] = TEXT;
    numericCols = [];
    textCols = [];
    for (let c = 0; c < width; c++) {
      if (kind[c] === NUMERIC) numericCols.push(c);
      else if (kind[c] === TEXT) textCols.push(c);
    }
    lastText = new Array<string | null>(width).fill(null);
    pool.setLayout({ columns, numericCols, textCols });
  };

  // Records with quotes (and the header) arrive as cells.
  const onRow = (cells: (string | null)[], line: number): void => {
    if (width < 0) return header(cells, line);
    if (cells.length !== width) throw raggedRow(file, line, cells.length, width, delim);
    const b = pool.filling();
    const r = b.n;
    for (const c of numericCols) {
      const v = cells[c] ?? null;
      const x = v === null ? NaN : plainDecimal(v, 0, v.length);
      if (x === x) numbersOf(b, c)[r] = x;
      else exception(b, c, r, v);
    }
    for (const c of textCols) textOf(b, c)[r] = cells[c] ?? null;
    pool.finishRow(b, line);
  };

  // Quote-free records arrive as a text range, cut here without a string per numeric cell.
  const onLine = (s: string, a: number, end: number, line: number): void => {
    if (width < 0) {
      const cells: (string | null)[] = s.slice(a, end).split(delim);
      for (let k = 0; k < cells.length; k++) if (cells[k] === '') cells[k] = null;
      return header(cells, line);
    }
    const b = pool.filling();
    // Locals, not closure variables: the loop below runs once per cell.
    const r = b.n;
    const w = width;
    const kinds = kind;
    const numbers = b.numbers;
    let c = 0;
    let i = a;
    for (;;) {
      const f = i;
      const k = c < w ? kinds[c]! : SKIP;
      if (k === NUMERIC) {
        i = scanDecimal(s, i, end);
        const x = decimalScan.value;
        if (x === x && (i >= end || s.charCodeAt(i) === dc)) numbers[c]![r] = x;
        else i = textException(b, c, r, s, f, i, end, delim);
      } else {
        const j = s.indexOf(delim, i);
        i = j === -1 || j > end ? end : j;
        if (k === TEXT) b.text[c]![r] = i === f ? null : shared(c, s, f, i);
      }
      c++;
      if (i >= end) break;
      i++; // the delimiter
    }
    if (c !== w) throw raggedRow(file, line, c, w, delim);
    pool.finishRow(b, line);
  };

  const parser = new CsvParser(delim, onRow, opts.maxFieldChars, onLine);

  // Byte mode. While the input is pure ASCII without a quote character and no line is longer
  // than the field limit, records are cut from the raw bytes (no decoding, no strings): exactly
  // what the parser would do with such text. At the first chunk that is not like that, the
  // parser takes over for the rest of the file, from the same line and the same unfinished text.
  const maxField = opts.maxFieldChars ?? MAX_FIELD_CHARS;
  let byteMode = true;
  let carry: Buffer | undefined;
  /** File line where `carry` (or the next record) begins. */
  let byteLine = 1;
  const lastBytes: (string | null)[] = [];

  const handOver = (rest?: Buffer): void => {
    byteMode = false;
    // Blank lines only advance the parser's line counter.
    if (byteLine > 1) parser.push('\n'.repeat(byteLine - 1));
    const text = (carry ? carry.toString('latin1') : '') + (rest ? rest.toString('latin1') : '');
    carry = undefined;
    if (text) parser.push(text);
  };

  const sharedBytes = (c: number, buf: Buffer, from: number, to: number): string => {
    const prev = lastBytes[c];
    if (prev && prev.length === to - from) {
      let k = 0;
      while (k < prev.length && prev.charCodeAt(k) === buf[from + k]) k++;
      if (k === prev.length) return prev;
    }
    const v = buf.toString('latin1', from, to);
    lastBytes[c] = v;
    return v;
  };

  /** One record buf[a, end) (no line break); as CsvParser + onLine would handle it. */
  const byteRecord = (buf: Buffer, a: number, nl: number, line: number): void => {
    let end = nl;
    if (end > a && buf[end - 1] === 13) end--;
    if (end <= a) return; // a blank line
    if (width < 0) return onLine(buf.toString('latin1', a, end), 0, end - a, line);
    const b = pool.filling();
    const r = b.n;
    const w = width;
    const kinds = kind;
    const numbers = b.numbers;
    let c = 0;
    let i = a;
    for (;;) {
      const f = i;
      const k = c < w ? kinds[c]! : SKIP;
      if (k === NUMERIC) {
        i = scanDecimalBytes(buf, i, end);
        const x = decimalScan.value;
        if (x === x && (i >= end || buf[i] === dc)) numbers[c]![r] = x;
        else i = byteException(b, c, r, buf, f, i, end, dc);
      } else {
        const j = buf.indexOf(dc, i);
        i = j === -1 || j > end ? end : j;
        if (k === TEXT) b.text[c]![r] = i === f ? null : sharedBytes(c, buf, f, i);
      }
      c++;
      if (i >= end) break;
      i++; // the delimiter
    }
    if (c !== w) throw raggedRow(file, line, c, w, delim);
    pool.finishRow(b, line);
  };

  /** pumpCsv offers each chunk here first; false hands it (and the rest of the file) to the parser. */
  const bypass = (chunk: Buffer): boolean => {
    if (!byteMode) return false;
    if (!isAscii(chunk) || chunk.indexOf(34) !== -1) {
      handOver();
      return false;
    }
    let pos = 0;
    if (carry) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        if (carry.length + chunk.length > maxField) handOver(chunk);
        else carry = Buffer.concat([carry, chunk]);
        return true;
      }
      if (carry.length + nl > maxField) {
        handOver(chunk);
        return true;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, nl)]);
      carry = undefined;
      byteRecord(joined, 0, joined.length, byteLine);
      byteLine++;
      pos = nl + 1;
    }
    const n = chunk.length;
    while (pos < n) {
      let nl = chunk.indexOf(10, pos);
      if (nl === -1) nl = n;
      if (nl - pos > maxField) {
        handOver(chunk.subarray(pos));
        return true;
      }
      if (nl === n) {
        carry = Buffer.from(chunk.subarray(pos)); // a copy: the stream may reuse its buffer
        return true;
      }
      byteRecord(chunk, pos, nl, byteLine);
      byteLine++;
      pos = nl + 1;
    }
    return true;
  };

  for await (const _ of pumpCsv(src, fmt, parser, bypass)) yield* pool.drainReady();
  // The last record, when the input ended without a line break (as CsvParser.end()).
  if (byteMode && carry) {
    const last = carry;
    carry = undefined;
    byteRecord(last, 0, last.length, byteLine);
  }
  if (width < 0) throw emptyCsv(file);
  yield* pool.drainReady();
  const last = pool.finalBatch();
  if (last) yield last;
}

/**
 * A numeric cell of a text record that is not a plain decimal, from `f`; the scan stopped at `i`.
 * Records it as an exception and returns where the field ends. Out of line on purpose: the
 * per-cell loops stay small enough for V8 to inline their hot calls.
 */
function textException(b: NumericBatch, c: number, r: number, s: string, f: number, i: number, end: number, delim: string): number {
  if (i < end && s.charAt(i) !== delim) {
    const j = s.indexOf(delim, i);
    i = j === -1 || j > end ? end : j;
  }
  exception(b, c, r, i === f ? null : s.slice(f, i));
  return i;
}

/** textException for a record in bytes (`dc`: the delimiter's code). */
function byteException(b: NumericBatch, c: number, r: number, buf: Buffer, f: number, i: number, end: number, dc: number): number {
  if (i < end && buf[i] !== dc) {
    const j = buf.indexOf(dc, i);
    i = j === -1 || j > end ? end : j;
  }
  exception(b, c, r, i === f ? null : buf.toString('latin1', f, i));
  return i;
}

/** A numeric cell that is not a plain decimal: NaN in the numbers, the raw cell in the exceptions. */
function exception(b: NumericBatch, c: number, r: number, v: string | null): void {
  numbersOf(b, c)[r] = NaN;
  let m = b.exceptions[c];
  if (!m) b.exceptions[c] = m = new Map();
  m.set(r, v);
}

function numbersOf(b: NumericBatch, c: number): Float64Array {
  return defined(b.numbers[c], 'a numeric column has a numbers buffer in every batch');
}

function textOf(b: NumericBatch, c: number): (string | null)[] {
  return defined(b.text[c], 'a text column has a text buffer in every batch');
}
