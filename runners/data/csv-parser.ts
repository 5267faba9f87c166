/**
 * A streaming RFC 4180 CSV parser. Hand-written on purpose: throughput is a target (the data
 * bench compares it with DuckDB and pandas), and generic parser libraries spend most of their time
 * in per-character callbacks.
 *
 * How it stays fast: text arrives as decoded chunks. For every line that holds no quote character
 * (the vast majority in real data) it takes the line with one `indexOf('\n')` and cuts it with the
 * engine's native `split(delimiter)`. Only lines that contain a quote go through the
 * character-level state machine (quoted fields, doubled quotes, newlines inside quotes).
 *
 * Rules: fields separated by a one-character delimiter; records end with LF or CRLF; a field that
 * starts with `"` is quoted and ends at a `"` not followed by another `"`; `""` inside it is one
 * quote; a quote inside an unquoted field is kept literally (as pandas does); text after a closing
 * quote other than a delimiter or line end is an error; blank lines are skipped (they still count
 * for line numbers); a record longer than the field limit is refused (see MAX_FIELD_CHARS).
 */

/** The largest field we accept, in characters. Ten megabytes in one cell is far more often an
 * unterminated quote that swallowed the file than real tabular data, so we stop with a clear
 * message instead of growing memory with the file. Overridable per read. */
export const MAX_FIELD_CHARS = 1 << 20;

export type CsvProblemKind = 'unterminated-quote' | 'text-after-quote' | 'field-too-long';

/** A parse problem at a 1-based line and character column; the reader turns it into an InputError. */
export class CsvSyntaxProblem extends Error {
  constructor(
    readonly kind: CsvProblemKind,
    message: string,
    readonly line: number,
    readonly column: number,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxProblem';
  }
}

export type CsvRowSink = (cells: (string | null)[], line: number) => void;
/** Receives a quote-free record as the text range s[start, end) (no trailing CR), to cut it itself. */
export type CsvLineSink = (s: string, start: number, end: number, line: number) => void;

const LF = 10;
const CR = 13;
const QUOTE = 34;

export class CsvParser {
  private carry = '';
  /** File line number where `carry` begins. */
  private line = 1;
  private nextQuote = -2;
  private readonly delim: string;
  private readonly delimCode: number;

  constructor(
    delimiter: string,
    private readonly onRow: CsvRowSink,
    private readonly maxFieldChars: number = MAX_FIELD_CHARS,
    private readonly onLine?: CsvLineSink,
  ) {
    this.delim = delimiter;
    this.delimCode = delimiter.charCodeAt(0);
  }

  /** Feed the next decoded piece of text; rows that end inside it are emitted. */
  push(text: string): void {
    const carry = this.carry;
    if (!carry.length) return this.parse(text, false, 0);
    // The unfinished record from the last chunk usually ends at this chunk's first newline: parse
    // that short joined piece alone, then the chunk itself from there, so the long string the
    // hot loop walks stays the decoder's flat string rather than a concatenation.
    const nl = text.indexOf('\n');
    if (nl === -1 || carry.indexOf('"') !== -1 || text.lastIndexOf('"', nl) !== -1) return this.parse(carry + text, false, 0);
    this.parse(carry + text.slice(0, nl + 1), false, 0);
    this.parse(text, false, nl + 1);
  }

  /** Line and column just after the text pushed so far (to locate problems found outside the parser). */
  position(): { line: number; column: number } {
    let line = this.line;
    let last = -1;
    for (let p = this.carry.indexOf('\n'); p !== -1; p = this.carry.indexOf('\n', p + 1)) {
      line++;
      last = p;
    }
    return { line, column: this.carry.length - last };
  }

  /** The input ended: emit the last row (which may lack a final newline) or report an open quote. */
  end(): void {
    this.parse(this.carry, true, 0);
  }

  private parse(s: string, final: boolean, start = 0): void {
    const n = s.length;
    const delim = this.delim;
    let pos = start;
    let line = this.line;
    let q = s.indexOf('"', start);
    while (pos < n) {
      let nl = s.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) break;
        nl = n;
      }
      if (q !== -1 && q < pos) q = s.indexOf('"', pos);
      if (q === -1 || q > nl) {
        // Fast path: a whole line without quotes.
        let end = nl;
        if (end > pos && s.charCodeAt(end - 1) === CR) end--;
        if (end > pos) {
          if (end - pos > this.maxFieldChars) this.checkUnquotedLengths(s, pos, end, line);
          if (this.onLine) {
            this.onLine(s, pos, end, line);
            line++;
            pos = nl + 1;
            continue;
          }
          const cells: (string | null)[] = s.slice(pos, end).split(delim);
          for (let k = 0; k < cells.length; k++) if (cells[k] === '') cells[k] = null;
          this.onRow(cells, line);
        }
        line++;
        pos = nl + 1;
        continue;
      }
      const r = this.parseQuotedRecord(s, pos, line, final);
      if (r === undefined) break; // the record continues in the next chunk
      this.onRow(r.cells, line);
      line = r.nextLine;
      pos = r.nextPos;
    }
    this.carry = pos >= n ? '' : s.slice(pos);
    this.line = line;
    if (!final && this.carry.length > this.maxFieldChars) this.checkCarry(line);
  }

  /** A record that holds at least one quote, parsed character by character from `start`. */
  private parseQuotedRecord(
    s: string,
    start: number,
    startLine: number,
    final: boolean,
  ): { cells: (string | null)[]; nextPos: number; nextLine: number } | undefined {
    const n = s.length;
    const dc = this.delimCode;
    const cells: (string | null)[] = [];
    let i = start;
    let line = startLine;
    let lineStart = start;
    for (;;) {
      // One field starts at i.
      if (i < n && s.charCodeAt(i) === QUOTE) {
        const fieldLine = line;
        const fieldCol = i - lineStart + 1;
        let j = i + 1;
        let value = '';
        for (;;) {
          const k = s.indexOf('"', j);
          if (k === -1 || (k === n - 1 && !final)) {
            // No closing quote yet: more text may bring it, unless the input ended.
            if (!final) {
              if (n - i > this.maxFieldChars) throw this.tooLong(fieldLine, fieldCol);
              return undefined;
            }
            if (k === -1) {
              throw new CsvSyntaxProblem(
                'unterminated-quote',
                `unterminated quoted field: the quote opened at line ${fieldLine}, column ${fieldCol} is never closed`,
                fieldLine,
                fieldCol,
                'close the quote, or double a quote that is part of the text ("" inside a quoted field)',
              );
            }
          }
          if (k + 1 < n && s.charCodeAt(k + 1) === QUOTE) {
            value += s.slice(j, k + 1);
            j = k + 2;
            continue;
          }
          value += s.slice(j, k);
          // Count newlines inside the quoted text so later rows keep their true line numbers.
          for (let p = s.indexOf('\n', i + 1); p !== -1 && p < k; p = s.indexOf('\n', p + 1)) {
            line++;
            lineStart = p + 1;
          }
          if (value.length > this.maxFieldChars) throw this.tooLong(fieldLine, fieldCol);
          i = k + 1;
          break;
        }
        cells.push(value === '' ? null : value);
        if (i >= n) {
          if (!final) return undefined;
          return { cells, nextPos: n, nextLine: line + 1 };
        }
        const c = s.charCodeAt(i);
        if (c === dc) {
          i++;
          continue;
        }
        if (c === LF) return { cells, nextPos: i + 1, nextLine: line + 1 };
        if (c === CR && i + 1 < n && s.charCodeAt(i + 1) === LF) return { cells, nextPos: i + 2, nextLine: line + 1 };
        if (c === CR && i + 1 >= n && !final) return undefined;
        throw new CsvSyntaxProblem(
          'text-after-quote',
          `unexpected text after a closing quote at line ${line}, column ${i - lineStart + 1}`,
          line,
          i - lineStart + 1,
          'a quoted field must end right before a delimiter or the line end; double quotes that are part of the text ("")',
        );
      }
      // Unquoted field: up to the next delimiter or line end.
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c === dc || c === LF) break;
        j++;
      }
      if (j >= n && !final) return undefined;
      let end = j;
      if (j < n && s.charCodeAt(j) === LF && end > i && s.charCodeAt(end - 1) === CR) end--;
      if (end - i > this.maxFieldChars) throw this.tooLong(line, i - lineStart + 1);
      cells.push(end > i ? s.slice(i, end) : null);
      if (j >= n) return { cells, nextPos: n, nextLine: line + 1 };
      if (s.charCodeAt(j) === LF) return { cells, nextPos: j + 1, nextLine: line + 1 };
      i = j + 1;
    }
  }

  private checkUnquotedLengths(s: string, start: number, end: number, line: number): void {
    let f = start;
    for (let i = start; i <= end; i++) {
      if (i === end || s.charCodeAt(i) === this.delimCode) {
        if (i - f > this.maxFieldChars) throw this.tooLong(line, f - start + 1);
        f = i + 1;
      }
    }
  }

  /** The unparsed tail keeps growing: refuse once one field in it is over the limit. */
  private checkCarry(line: number): void {
    const s = this.carry;
    if (s.charCodeAt(0) === QUOTE || s.indexOf('"') !== -1) {
      // A quoted record: parseQuotedRecord already checks the open field; check unquoted tails.
      const lastDelim = s.lastIndexOf(this.delim);
      if (lastDelim !== -1 && s.length - lastDelim - 1 > this.maxFieldChars && s.indexOf('"', lastDelim) === -1) {
        throw this.tooLong(line, 1);
      }
      return;
    }
    this.checkUnquotedLengths(s, 0, s.length, line);
  }

  private tooLong(line: number, column: number): CsvSyntaxProblem {
    return new CsvSyntaxProblem(
      'field-too-long',
      `a field starting at line ${line}, column ${column} is longer than the limit of ${this.maxFieldChars} characters`,
      line,
      column,
      'check for an unterminated quote above this point; cells over 1 MiB are refused (readBatches option maxFieldChars raises the limit)',
    );
  }
}
