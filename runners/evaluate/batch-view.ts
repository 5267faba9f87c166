/**
 * One batch of evaluation rows, whichever way it was read: raw rows from readBatches (JSONL,
 * Parquet) or columns from readNumericBatches (CSV: numbers parsed straight from the text). Every
 * consumer reads cells through `value`, which gives what readBatches would have given, except
 * that a plain decimal in a numeric column is its number (which every numeric conversion in
 * cells.ts treats exactly like its text).
 */
import type { NumericBatch } from '../data/numeric-batches.js';
import type { RowBatch } from '../data/source.js';

export interface BatchView {
  columns: string[];
  n: number;
  firstRow: number;
  lines?: ArrayLike<number>;
  /** The raw value of row r, column c. */
  value(r: number, c: number): unknown;
  /** Row r as an array indexed by column (columns not read are undefined); a fresh array. */
  row(r: number): unknown[];
  /** Numeric columns of a columnar batch: values, NaN where `exceptions` holds the raw cell. */
  numbers(c: number): Float64Array | undefined;
  exceptions(c: number): Map<number, string | null> | undefined;
}

export function rowView(b: RowBatch): BatchView {
  const rows = b.rows;
  return {
    columns: b.columns,
    n: rows.length,
    firstRow: b.firstRow,
    lines: b.lines,
    value: (r, c) => rows[r]![c],
    // The row path keeps the reader's own array (no copy), as before.
    row: (r) => rows[r]!,
    numbers: () => undefined,
    exceptions: () => undefined,
  };
}

export function columnarView(b: NumericBatch): BatchView {
  const { numbers, exceptions, text } = b;
  const value = (r: number, c: number): unknown => {
    const num = numbers[c];
    if (num) {
      const x = num[r]!;
      return x === x ? x : exceptions[c]!.get(r);
    }
    return text[c]?.[r];
  };
  return {
    columns: b.columns,
    n: b.n,
    firstRow: b.firstRow,
    lines: b.lines,
    value,
    row: (r) => {
      const out = new Array<unknown>(b.columns.length);
      for (let c = 0; c < out.length; c++) out[c] = value(r, c);
      return out;
    },
    numbers: (c) => numbers[c],
    exceptions: (c) => exceptions[c],
  };
}
