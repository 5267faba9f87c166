/**
 * The one pass over a dataset: profile every column and run the value-level checks at once.
 * CSV goes through a fast path (csv-scan.ts) that reads numbers straight from the text without
 * making a string per cell; JSON Lines and Parquet go through readBatches.
 */
import { InputError } from '../../core/errors.js';
import { scanCsv } from './csv-scan.js';
import { resolveFormat, sourceLabel } from './open.js';
import { ScanState, type ScanOptions, type ScanResult } from './scan-state.js';
import { readBatches, type DataSource } from './source.js';

export type { ScanOptions, ScanResult };

export async function scanDataset(src: DataSource, opts: ScanOptions = {}): Promise<ScanResult> {
  const state = new ScanState(opts);
  const fmt = resolveFormat(src);
  if (fmt.format === 'csv') {
    await scanCsv(src, fmt, state, opts.maxFieldChars);
  } else {
    for await (const b of readBatches(src, { batchSize: opts.batchSize ?? 8192, maxFieldChars: opts.maxFieldChars })) state.addBatch(b);
  }
  // Nothing to profile or check: a header alone is a truncated or mis-exported file, not a dataset.
  if (state.rows === 0) throw noDataRows(src, state);
  return state.finish(src);
}

function noDataRows(src: DataSource, state: ScanState): InputError {
  const file = sourceLabel(src);
  const cols = state.columns.length ? ` (columns ${state.columns.slice(0, 10).join(', ')}${state.columns.length > 10 ? ', …' : ''})` : '';
  const where = state.headerLine !== undefined ? `line ${state.headerLine} is the header${cols} and no data rows follow` : `${file} has no data rows${cols}`;
  return new InputError(`${where}; expected at least one row`, {
    location: { file, ...(state.headerLine !== undefined ? { line: state.headerLine } : {}) },
    fix: 'add data rows, or check that the file was written completely',
  });
}
