/** What a dataset to read is, and the batches of raw rows a reader yields (see source.ts). */
import type { SourceLocation } from '../../core/errors.js';
import type { DataFormat } from '../../pipeline-schema/types.js';

export interface DataSource {
  /** Path relative to `cwd`, or to the repository root when `ref` is set. */
  path: string;
  format?: DataFormat;
  delimiter?: string;
  /** Working directory the path is relative to. */
  cwd: string;
  /** Read the file as it is at this git ref (streamed from git objects, no checkout). */
  ref?: string;
  /** Where mlpipeline.yaml declares this path (`data.NAME.path`), so a missing file points there. */
  declaredAt?: SourceLocation;
}

/** A slice of consecutive rows, as raw values: CSV cells are strings (empty → null), JSONL and Parquet values as decoded. */
export interface RowBatch {
  /** Column names. For JSONL a key first seen later is appended, so later batches may have more columns. */
  columns: string[];
  rows: unknown[][];
  /** 1-based data row number of rows[0] (the header is not a row). */
  firstRow: number;
  /** File line number of each row (CSV/JSONL), for annotations. */
  lines?: number[];
}
