/**
 * Parquet through hyparquet, one row group at a time (memory bounded by the largest row group).
 * A file at a git ref is read into memory first: Parquet starts at its footer.
 */
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { InputError } from '../../core/errors.js';
import { readAllBytes, sourceLabel, workspacePath } from './open.js';
import type { DataSource, RowBatch } from './source-types.js';
import { stat } from 'node:fs/promises';

/** hyparquet is loaded on first use: every CLI run imports this module, few read Parquet (saves ~35 ms of start-up). */
const hyparquet = () => import('hyparquet');

export async function* readParquetBatches(src: DataSource, batchSize: number): AsyncIterable<RowBatch> {
  const file = sourceLabel(src);
  const { parquetMetadataAsync, parquetRead } = await hyparquet();
  const buffer = await openParquet(src);
  let meta: FileMetaData;
  try {
    meta = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw notParquet(file, buffer.byteLength, e);
  }
  const columns = topLevelColumns(meta);
  let start = 0;
  let emitted = 0;
  for (const group of meta.row_groups) {
    const end = start + Number(group.num_rows);
    let groupRows: unknown[][] = [];
    try {
      await parquetRead({
        file: buffer,
        metadata: meta,
        rowStart: start,
        rowEnd: end,
        columns,
        onComplete: (rows: unknown[][]) => {
          groupRows = rows;
        },
      });
    } catch (e) {
      throw notParquet(file, buffer.byteLength, e, start + 1);
    }
    for (let i = 0; i < groupRows.length; i += batchSize) {
      const rows = groupRows.slice(i, i + batchSize).map(normalizeRow);
      yield { columns, rows, firstRow: start + i + 1 };
      emitted += rows.length;
    }
    start = end;
  }
  if (emitted === 0) yield { columns, rows: [], firstRow: 1 };
}

async function openParquet(src: DataSource): Promise<AsyncBuffer> {
  if (src.ref) {
    const b = await readAllBytes(src);
    const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    return { byteLength: ab.byteLength, slice: (s: number, e?: number) => ab.slice(s, e) };
  }
  const abs = workspacePath(src);
  try {
    const st = await stat(abs);
    if (!st.isFile()) throw new Error('not a file');
  } catch {
    throw new InputError(`data file not found: ${src.path}`, {
      location: src.declaredAt ?? { file: src.path },
      fix: src.declaredAt ? `create ${src.path}, or correct the dataset's path (it is relative to ${src.cwd})` : `check the path (it is relative to ${src.cwd})`,
    });
  }
  return (await hyparquet()).asyncBufferFromFile(abs);
}

function topLevelColumns(meta: FileMetaData): string[] {
  // schema[0] is the root; its direct children are the columns (nested groups stay one column).
  const out: string[] = [];
  const schema = meta.schema;
  let i = 1;
  const skip = (idx: number): number => {
    const el = schema[idx]!;
    let next = idx + 1;
    for (let c = 0; c < (el.num_children ?? 0); c++) next = skip(next);
    return next;
  };
  while (i < schema.length) {
    out.push(schema[i]!.name);
    i = skip(i);
  }
  return out;
}

function normalizeRow(row: unknown[]): unknown[] {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'bigint') row[i] = Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    else if (v === undefined) row[i] = null;
  }
  return row;
}

function notParquet(file: string, size: number, e: unknown, row?: number): InputError {
  const reason = e instanceof Error ? e.message : String(e);
  return new InputError(
    `${file} is not a readable Parquet file${row ? ` (row group starting at row ${row})` : ''}: ${reason} (${size} bytes)`,
    {
      location: { file },
      fix: 'the file looks truncated or is not Parquet; re-export it (pandas: df.to_parquet, DuckDB: COPY ... TO ... (FORMAT parquet))',
    },
  );
}
