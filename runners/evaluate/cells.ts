/**
 * Converting raw cell values (CSV strings, JSON values, Parquet values) to what a model or a
 * metric needs, with one clear error per bad cell naming the file, line, column and row.
 */
import { InputError, type SourceLocation } from '../../core/errors.js';
import { plainDecimal } from '../data/values.js';

/** Where row `r` of a batch lives, for error messages. */
export interface CellPlace {
  file: string;
  batch: { firstRow: number; lines?: ArrayLike<number> };
  r: number;
  column: string;
  columnIndex: number;
}

export function cellLocation(p: CellPlace): SourceLocation {
  const line = p.batch.lines?.[p.r];
  return line === undefined ? { file: p.file } : { file: p.file, line, column: p.columnIndex + 1 };
}

export function rowNumber(p: CellPlace): number {
  return p.batch.firstRow + p.r;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

export function badCell(p: CellPlace, what: string, value: unknown, fix: string): InputError {
  const got = value === null || value === undefined ? 'is empty' : `is ${what} (${show(value)})`;
  return new InputError(`${p.column === '' ? 'value' : `column '${p.column}'`} in row ${rowNumber(p)} ${got}`, { location: cellLocation(p), fix });
}

const NUMBER_FIX = 'clean or impute the value before evaluation (NaN, empty and non-numeric feature values cannot be fed to the model)';

/** A finite number from a raw cell, or an InputError. */
export function toNumber(v: unknown, p: () => CellPlace): number {
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string') x = v.trim() === '' ? NaN : +v;
  else if (typeof v === 'boolean') x = v ? 1 : 0;
  else if (typeof v === 'bigint') x = Number(v);
  else x = NaN;
  if (!Number.isFinite(x)) throw badCell(p(), 'not a number', v, NUMBER_FIX);
  return x;
}

export function toInteger(v: unknown, p: () => CellPlace): bigint {
  if (typeof v === 'bigint') return v;
  const x = toNumber(v, p);
  if (!Number.isInteger(x)) throw badCell(p(), 'not an integer', v, 'the model takes int64 here: round the column or export the model with a float input');
  return BigInt(x);
}

export function toText(v: unknown, p: () => CellPlace): string {
  if (v === null || v === undefined) throw badCell(p(), '', v, 'fill missing categorical values (e.g. with "missing") before evaluation');
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v as number | boolean | bigint);
}

export function toBool(v: unknown, p: () => CellPlace): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True' || v === 'TRUE' || v === '1' || v === 1) return true;
  if (v === 'false' || v === 'False' || v === 'FALSE' || v === '0' || v === 0) return false;
  throw badCell(p(), 'not a boolean', v, 'use true/false or 1/0');
}

/**
 * The canonical text of a label or slice value, so `1`, `"1"` and `"1.0"` are one class and
 * `true` / `"true"` another. Numeric-looking strings are normalised through Number.
 */
export function canonicalKey(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') {
    const t = v.trim();
    if (t !== '' && Number.isFinite(+t)) return String(+t);
    return v;
  }
  return JSON.stringify(v);
}

/**
 * Decimal text → number, equal to Number(s): the common CSV shape `-123.456` takes the exact fast
 * path shared with the data readers; anything else falls back to `+s`. NaN means "not a number".
 */
export function parseDecimal(s: string): number {
  const x = plainDecimal(s, 0, s.length);
  if (x === x) return x;
  return s.trim() === '' ? NaN : +s;
}
