/** CSV bytes → strict UTF-8 text → CsvParser → RowBatch, with every problem as a located InputError. */
import { isAscii } from 'node:buffer';
import { InputError } from '../../core/errors.js';
import { CsvParser, CsvSyntaxProblem } from './csv-parser.js';
import { openBytes, sourceLabel, type ResolvedFormat } from './open.js';
import type { DataSource, RowBatch } from './source-types.js';
import { firstInvalidUtf8, lineAndColumn } from './utf8.js';

export async function* readCsvBatches(
  src: DataSource,
  fmt: ResolvedFormat,
  batchSize: number,
  maxFieldChars?: number,
): AsyncIterable<RowBatch> {
  const file = sourceLabel(src);
  let header: string[] | undefined;
  let width = 0;
  let rows: unknown[][] = [];
  let lines: number[] = [];
  let nextRow = 1;
  let emitted = 0;

  const onRow = (cells: (string | null)[], line: number): void => {
    if (!header) {
      header = checkHeader(cells, file, line);
      width = header.length;
      return;
    }
    if (cells.length !== width) throw raggedRow(file, line, cells.length, width, fmt.delimiter);
    rows.push(cells);
    lines.push(line);
  };
  const parser = new CsvParser(fmt.delimiter, onRow, maxFieldChars);

  const take = function* (all: boolean): Generator<RowBatch> {
    while (rows.length >= batchSize || (all && rows.length > 0)) {
      const n = Math.min(batchSize, rows.length);
      const batch: RowBatch = { columns: header!, rows: rows.slice(0, n), firstRow: nextRow, lines: lines.slice(0, n) };
      rows = rows.slice(n);
      lines = lines.slice(n);
      nextRow += n;
      emitted += n;
      yield batch;
    }
  };

  for await (const _ of pumpCsv(src, fmt, parser)) {
    if (rows.length >= batchSize) yield* take(false);
  }
  if (!header) throw emptyCsv(file);
  yield* take(true);
  // A header without rows still tells consumers the columns.
  if (emitted === 0) yield { columns: header, rows: [], firstRow: 1, lines: [] };
}

/**
 * Bytes decoded (and parsed) at a time. Strings above V8's regular object size (128 KiB) are
 * allocated in large-object space, page by page: decoding a 256 KiB chunk as four 64 KiB pieces
 * is several times cheaper than in one piece.
 */
const DECODE_PIECE = 1 << 16;

/**
 * Stream the source's bytes through strict UTF-8 decoding into `parser`, yielding after each
 * chunk (so callers can hand out what the chunk completed) and ending the parser at the end.
 * Every problem becomes a located InputError.
 */
export async function* pumpCsv(
  src: DataSource,
  fmt: ResolvedFormat,
  parser: CsvParser,
  /**
   * Optional: offered each chunk first (while no partial character is pending); when it returns
   * true it consumed the chunk itself (as bytes: it must accept only pure-ASCII chunks) and the
   * parser does not see it.
   */
  bypass?: (chunk: Buffer) => boolean,
): AsyncGenerator<void> {
  const file = sourceLabel(src);
  const stream = await openBytes(src, fmt.gzip);
  let decoder = new TextDecoder('utf-8', { fatal: true });
  // Pure-ASCII chunks (most data files) skip the streaming decoder: the same text comes from a
  // plain latin1 copy, which is much cheaper than a streaming decode. Only while the decoder holds
  // no partial character (`clean`): a chunk ending in an ASCII byte leaves none, since an
  // unfinished sequence followed by ASCII would have thrown.
  let clean = true;
  let started = false;
  const decodePiece = (chunk: Buffer): string => {
    try {
      let text: string;
      if (clean && isAscii(chunk)) {
        text = chunk.toString('latin1');
        // A decoder first used after this point must not strip a U+FEFF: it is not the file start.
        if (!started) decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      } else {
        text = decoder.decode(chunk, { stream: true });
        clean = chunk[chunk.length - 1]! < 0x80;
      }
      started = true;
      return text;
    } catch {
      const at = parser.position();
      throw invalidUtf8(file, chunk, at.line, at.column);
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (bypass && clean && bypass(chunk)) {
        // As after a latin1 piece: a decoder first used later is not at the file start.
        if (!started) decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
        started = true;
        yield;
        continue;
      }
      for (let off = 0; off < chunk.length; off += DECODE_PIECE) {
        parser.push(decodePiece(off === 0 && chunk.length <= DECODE_PIECE ? chunk : chunk.subarray(off, off + DECODE_PIECE)));
      }
      yield;
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      const at = parser.position();
      throw new InputError(`${file} ends in the middle of a UTF-8 character (line ${at.line})`, {
        location: { file, line: at.line, column: at.column },
        fix: 'save the file as UTF-8; it looks truncated or written in another encoding',
      });
    }
    if (tail) parser.push(tail);
    parser.end();
  } catch (e) {
    throw asInputError(e, file);
  }
}

export function emptyCsv(file: string): InputError {
  return new InputError(`${file} is empty: expected a header line with the column names`, {
    location: { file, line: 1 },
    fix: 'write the column names on the first line, then one row per line',
  });
}

/** `column`: where the first extra field starts, or where a short row ends, when the reader knows it. */
export function raggedRow(file: string, line: number, got: number, width: number, delimiter: string, column?: number): InputError {
  return new InputError(`line ${line} has ${got} field${got === 1 ? '' : 's'}, but the header has ${width}`, {
    location: { file, line, ...(column !== undefined ? { column } : {}) },
    fix: `every row needs exactly ${width} fields separated by ${JSON.stringify(delimiter)}; quote fields that contain the delimiter ("a${delimiter}b")`,
  });
}

export function checkHeader(cells: (string | null)[], file: string, line: number): string[] {
  const names = cells.map((c, i) => (c === null || c.trim() === '' ? `unnamed_${i + 1}` : c));
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError(`duplicate column name ${JSON.stringify(name)} in the header (columns ${first + 1} and ${i + 1})`, {
        location: { file, line, column: i + 1 },
        fix: 'give every column a distinct name',
      });
    }
    seen.set(name, i);
  });
  return names;
}

function invalidUtf8(file: string, chunk: Buffer, line: number, column: number): InputError {
  const off = Math.max(0, firstInvalidUtf8(chunk, false));
  const at = lineAndColumn(chunk, off, line, column);
  return new InputError(
    `invalid UTF-8 at line ${at.line}, column ${at.column} (byte 0x${chunk[off]!.toString(16).padStart(2, '0')})`,
    {
      location: { file, line: at.line, column: at.column },
      fix: 'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`)',
    },
  );
}

/** Map parser problems, stream failures (gzip, git) to InputError; keep our own errors as they are. */
export function asInputError(e: unknown, file: string): unknown {
  if (e instanceof CsvSyntaxProblem) {
    return new InputError(e.message, { location: { file, line: e.line, column: e.column }, fix: e.fix });
  }
  if (e instanceof Error && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const code = (e as { code: string }).code;
    if (code.startsWith('Z_') || code === 'ERR_ZLIB') {
      return new InputError(`${file} is not valid gzip data: ${e.message}`, {
        location: { file },
        fix: 'the .gz file is corrupt or truncated; re-create it with gzip',
      });
    }
  }
  return e;
}
