/** JSON Lines: one JSON object per line; blank lines skipped; columns are the union of keys in first-seen order. */
import { InputError } from '../../core/errors.js';
import { MAX_NESTING, pathText, tooDeep } from '../../core/depth.js';
import { MAX_FIELD_CHARS } from './csv-parser.js';
import { asInputError } from './csv-reader.js';
import { openBytes, sourceLabel, type ResolvedFormat } from './open.js';
import type { DataSource, RowBatch } from './source-types.js';
import { firstInvalidUtf8, lineAndColumn } from './utf8.js';

export async function* readJsonlBatches(
  src: DataSource,
  fmt: ResolvedFormat,
  batchSize: number,
  maxFieldChars = MAX_FIELD_CHARS,
): AsyncIterable<RowBatch> {
  const file = sourceLabel(src);
  const maxLine = maxFieldChars * 8;
  const stream = await openBytes(src, fmt.gzip);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const columns: string[] = [];
  const index = new Map<string, number>();
  let rows: unknown[][] = [];
  let lines: number[] = [];
  let line = 1;
  let carry = '';
  let nextRow = 1;
  let emitted = 0;

  const parseLine = (text: string, at: number): void => {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const column = m ? Number(m[1]) + 1 : undefined;
      throw new InputError(`line ${at} is not valid JSON: ${(e as Error).message}`, {
        location: { file, line: at, column },
        fix: 'each line of a JSON Lines file must be one complete JSON object',
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(`line ${at} is not a JSON object`, {
        location: { file, line: at, column: 1 },
        fix: 'write each row as an object of column → value, e.g. {"age": 31, "city": "Oslo"}',
      });
    }
    const row: unknown[] = new Array(columns.length).fill(null);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      checkValue(v, k, text, file, at, nextRow + rows.length);
      let i = index.get(k);
      if (i === undefined) {
        i = columns.length;
        columns.push(k);
        index.set(k, i);
      }
      row[i] = v;
    }
    rows.push(row);
    lines.push(at);
  };

  const consume = (s: string, final: boolean): void => {
    let pos = 0;
    for (;;) {
      const nl = s.indexOf('\n', pos);
      if (nl === -1) break;
      if (nl - pos > maxLine) throw tooLong(file, line, maxLine);
      parseLine(s.slice(pos, nl), line);
      line++;
      pos = nl + 1;
    }
    carry = s.slice(pos);
    if (carry.length > maxLine) throw tooLong(file, line, maxLine);
    if (final && carry.length) {
      parseLine(carry, line);
      carry = '';
    }
  };

  const take = function* (all: boolean): Generator<RowBatch> {
    while (rows.length >= batchSize || (all && rows.length > 0)) {
      const n = Math.min(batchSize, rows.length);
      const width = columns.length;
      const out = rows.slice(0, n);
      // Rows parsed before a new key appeared are shorter; pad them so every row matches `columns`.
      for (const r of out) while (r.length < width) r.push(null);
      yield { columns: columns.slice(), rows: out, firstRow: nextRow, lines: lines.slice(0, n) };
      rows = rows.slice(n);
      lines = lines.slice(n);
      nextRow += n;
      emitted += n;
    }
  };

  let sawBytes = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (chunk.length === 0) continue;
      sawBytes = true;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        const off = Math.max(0, firstInvalidUtf8(chunk, false));
        const at = lineAndColumn(chunk, off, line, carry.length + 1);
        throw new InputError(`invalid UTF-8 at line ${at.line}, column ${at.column}`, {
          location: { file, line: at.line, column: at.column },
          fix: 'JSON Lines files must be UTF-8',
        });
      }
      consume(carry + text, false);
      if (rows.length >= batchSize) yield* take(false);
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw new InputError(`${file} ends in the middle of a UTF-8 character (line ${line})`, {
        location: { file, line },
        fix: 'JSON Lines files must be UTF-8; the file looks truncated',
      });
    }
    consume(carry + tail, true);
  } catch (e) {
    throw asInputError(e, file);
  }
  if (!sawBytes || (emitted === 0 && rows.length === 0 && columns.length === 0)) {
    throw new InputError(`${file} is empty: expected one JSON object per line`, {
      location: { file, line: 1 },
      fix: 'write one JSON object per line, e.g. {"age": 31}',
    });
  }
  yield* take(true);
}

/**
 * A number literal outside the double range (`1e309`) reads as ±Infinity in JSON.parse; CSV
 * leaves such text as a non-number, so a number column fails. Here it is an input error with the
 * line and column of the literal. Values nested deeper than MAX_NESTING are refused too (the
 * profile and checks walk them).
 */
function checkValue(v: unknown, key: string, text: string, file: string, line: number, row: number): void {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return;
  } else if (v === null || typeof v !== 'object') return;
  else {
    const deep = tooDeep(v, MAX_NESTING - 1);
    if (deep) {
      throw new InputError(`column '${key}' in row ${row} (line ${line}) nests deeper than ${MAX_NESTING} levels (at ${pathText([key, ...deep])})`, {
        location: { file, line, column: deepColumn(text) },
        fix: `flatten nested values to at most ${MAX_NESTING} levels, or store them as text`,
      });
    }
    if (!hasNonFinite(v)) return;
  }
  const at = hugeNumber(text);
  throw new InputError(`column '${key}' in row ${row} (line ${line}) is a number outside the range of a double (${at ? at.literal : 'beyond ±1.8e308'})`, {
    location: { file, line, column: at?.column },
    fix: 'write it as a string ("1e309") if it is an identifier, or rescale the values to a finite range',
  });
}

function hasNonFinite(v: object): boolean {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === 'number' && !Number.isFinite(x)) return true;
    if (x !== null && typeof x === 'object') for (const y of Object.values(x)) stack.push(y);
  }
  return false;
}

/** Call f(start, end) for every number token outside strings; stops when f returns true. */
function numberTokens(text: string, f: (start: number, end: number) => boolean): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (ch === 45 || (ch >= 48 && ch <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9eE+\-.]/.test(text[j]!)) j++;
      if (f(i, j)) return;
      i = j - 1;
    }
  }
}

function hugeNumber(text: string): { literal: string; column: number } | undefined {
  let found: { literal: string; column: number } | undefined;
  numberTokens(text, (a, b) => {
    const lit = text.slice(a, b);
    if (Number.isFinite(Number(lit))) return false;
    found = { literal: lit.length > 40 ? lit.slice(0, 40) + '…' : lit, column: a + 1 };
    return true;
  });
  return found;
}

/** Column of the bracket that opens level MAX_NESTING + 1 (outside strings). */
function deepColumn(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (ch === 123 || ch === 91) {
      if (++depth > MAX_NESTING) return i + 1;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return undefined;
}

function tooLong(file: string, line: number, max: number): InputError {
  return new InputError(`line ${line} is longer than the limit of ${max} characters`, {
    location: { file, line },
    fix: 'split the record or check that lines end with a newline',
  });
}
