/**
 * Turning raw cells into typed values, and the rules for inferring a column's type.
 * A CSV cell is numeric when JavaScript's Number() accepts it and it starts like a number
 * (digit, sign or dot), so "0x1F", " 12" and "Infinity" are strings. Integer: numeric text with
 * no '.', 'e' or 'E'. Boolean: true/false in lower, Title or UPPER case (as pandas). Datetime:
 * ISO 8601 date or date-time (`2024-05-01`, `2024-05-01T10:00:00Z`, `2024-05-01 10:00`).
 * Inference picks the first of integer, number, boolean, datetime that every non-null value
 * satisfies, else string; a column with no values is a string column.
 */
import type { ColumnType } from '../../pipeline-schema/types.js';
import { plainDecimal } from './plain-decimal.js';

export { plainDecimal };

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Side result of the last toNumber() on text: was it written as an integer (no '.', 'e', 'E')? */
export const lastParse = { integerText: false };

/** The number a raw value stands for, or NaN. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const c = v.charCodeAt(0);
    // digits, '+', '-', '.'
    if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
      const fast = simpleDecimal(v);
      if (fast === fast) return fast;
      lastParse.integerText = isIntegerText(v);
      // Number() also reads 0x1F, 0o17 and 0b11; in data files those are text.
      const c1 = v.charCodeAt(1) | 32;
      if (c === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) return NaN;
      const x = +v;
      return x === x && x !== Infinity && x !== -Infinity ? x : NaN;
    }
    return NaN;
  }
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/** plainDecimal over a whole string, remembering whether the text was an integer. */
function simpleDecimal(s: string): number {
  const x = plainDecimal(s, 0, s.length);
  if (x === x) lastParse.integerText = s.indexOf('.') === -1;
  return x;
}

export function isIntegerText(s: string): boolean {
  return s.indexOf('.') === -1 && s.indexOf('e') === -1 && s.indexOf('E') === -1;
}

export function toBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return undefined;
  switch (v) {
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return undefined;
  }
}

/** Milliseconds since the epoch for an ISO date/date-time (or a Date), else NaN. */
export function toDateMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return NaN;
  if (v.length === 10) return plainDateMs(v);
  if (!ISO_DATETIME.test(v)) return NaN;
  // A bare date or a local time without offset is read as UTC, so results do not depend on TZ.
  const s = v.length === 10 ? v + 'T00:00:00Z' : /Z|[+-]\d{2}:?\d{2}$/.test(v) ? v.replace(' ', 'T') : v.replace(' ', 'T') + 'Z';
  return Date.parse(s);
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** `YYYY-MM-DD` without a regex or Date.parse (the common case in data files). */
function plainDateMs(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (!(m >= 1 && m <= 12 && d >= 1)) return NaN;
  // Reject 2024-02-30 and the like (Date.UTC would roll over).
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= days ? Date.UTC(y, m - 1, d) : NaN;
}

/** The text of a raw value, as used for categories, patterns and lengths. */
export function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v as number | boolean | bigint | undefined);
}

/** Does a non-null raw value conform to `type`? */
export function conforms(v: unknown, type: ColumnType): boolean {
  switch (type) {
    case 'integer': {
      const x = toNumber(v);
      if (!Number.isInteger(x)) return false;
      return typeof v !== 'string' || isIntegerText(v);
    }
    case 'number':
      return !Number.isNaN(toNumber(v));
    case 'boolean':
      return toBoolean(v) !== undefined;
    case 'datetime':
      return !Number.isNaN(toDateMs(v));
    case 'string':
      return true;
  }
}

/** Running type inference for one column. */
export class TypeTracker {
  int = true;
  num = true;
  bool = true;
  date = true;
  seen = 0;

  /** Feed a non-null value; `x` is toNumber(v), computed by the caller just before (lastParse is its side result). */
  observe(v: unknown, x: number, dateMs = NaN): void {
    this.seen++;
    if (this.num) {
      if (x !== x) {
        this.num = false;
        this.int = false;
        // Earlier values were numbers, which are never ISO dates.
        if (this.seen > 1) this.date = false;
      } else if (this.int && !(Number.isInteger(x) && (typeof v !== 'string' || lastParse.integerText))) this.int = false;
    }
    if (this.bool && toBoolean(v) === undefined) this.bool = false;
    if (this.date && !this.num && dateMs !== dateMs) this.date = false;
  }

  /** Feed a number read straight from CSV text (`integerText`: written without '.', 'e'). */
  observeNumber(x: number, integerText: boolean): void {
    this.seen++;
    this.bool = false;
    if (!this.num) this.date = false;
    else if (this.int && !(integerText && Number.isInteger(x))) this.int = false;
  }

  result(): ColumnType {
    if (this.seen === 0) return 'string';
    if (this.int) return 'integer';
    if (this.num) return 'number';
    if (this.bool) return 'boolean';
    if (this.date) return 'datetime';
    return 'string';
  }
}

export function isNumericType(t: ColumnType): boolean {
  return t === 'integer' || t === 'number';
}
