/**
 * CONTRACT (owned by the data capability; evaluation reads through it): stream a dataset as
 * batches of raw rows. CSV (RFC 4180), JSON Lines and Parquet, `.gz` of the text formats, from
 * the workspace or from a git ref. Memory is bounded by the batch size and the columns, not rows
 * (Parquet: by one row group; Parquet read at a git ref is held in memory whole, since its footer
 * must be read first).
 *
 * Raw values: CSV cells are strings, an empty cell (quoted or not) is null; JSONL values as
 * JSON.parse gives them (a key absent from a line is null); Parquet values as hyparquet decodes
 * them, except INT64 which becomes a number when it is a safe integer (a decimal string otherwise).
 *
 * Every malformed input is an InputError naming the file, line (or row) and column with a fix.
 */
import { readCsvBatches } from './csv-reader.js';
import { readJsonlBatches } from './jsonl-reader.js';
import { readParquetBatches } from './parquet-reader.js';
import { resolveFormat } from './open.js';
import type { DataSource, RowBatch } from './source-types.js';

export type { DataSource, RowBatch };

export interface ReadOptions {
  /** Rows per batch; default 8192. */
  batchSize?: number;
  /** CSV: longest accepted field in characters (default 1 MiB); JSONL: 8 times this per line. */
  maxFieldChars?: number;
}

export const DEFAULT_BATCH_SIZE = 8192;

export async function* readBatches(src: DataSource, opts: ReadOptions = {}): AsyncIterable<RowBatch> {
  const fmt = resolveFormat(src);
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH_SIZE));
  if (fmt.format === 'csv') yield* readCsvBatches(src, fmt, batchSize, opts.maxFieldChars);
  else if (fmt.format === 'jsonl') yield* readJsonlBatches(src, fmt, batchSize, opts.maxFieldChars);
  else yield* readParquetBatches(src, batchSize);
}

/** Column names only (reads the header or the first batch). */
export async function readColumns(src: DataSource): Promise<string[]> {
  for await (const b of readBatches(src, { batchSize: 1 })) return b.columns;
  return [];
}
