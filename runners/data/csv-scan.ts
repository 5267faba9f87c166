/**
 * The CSV fast path of the scan. Quote-free records arrive as a text range; each field is cut
 * and, in the same pass, read as a plain decimal (scanDecimal: `-123.45`, at most 15 digits,
 * exactly Number(text)). Such numbers never become strings unless a check needs the text.
 * Everything else (quoted records, text, exponents) takes the general per-cell path. Same errors, rows and line numbers as readBatches.
 */
import { defined } from '../../core/internal-error.js';
import { checkHeader, emptyCsv, pumpCsv, raggedRow } from './csv-reader.js';
import { CsvParser } from './csv-parser.js';
import { sourceLabel, type ResolvedFormat } from './open.js';
import type { ScanState } from './scan-state.js';
import type { DataSource } from './source-types.js';
import { decimalScan, scanDecimal } from './plain-decimal.js';

export async function scanCsv(src: DataSource, fmt: ResolvedFormat, state: ScanState, maxFieldChars?: number): Promise<void> {
  const file = sourceLabel(src);
  const delim = fmt.delimiter;
  const dc = delim.charCodeAt(0);
  let width = -1;
  let row = 0;

  const onRow = (cells: (string | null)[], line: number): void => {
    if (width < 0) {
      const names = checkHeader(cells, file, line);
      state.ensureColumns(names);
      state.headerLine = line;
      width = names.length;
      return;
    }
    if (cells.length !== width) throw raggedRow(file, line, cells.length, width, delim);
    row++;
    for (let c = 0; c < width; c++) state.cell(c, cells[c], row, line);
  };

  const onLine = (s: string, a: number, b: number, line: number): void => {
    if (width < 0) {
      onRow(
        s
          .slice(a, b)
          .split(delim)
          .map((x) => (x === '' ? null : x)),
        line,
      );
      return;
    }
    row++;
    const accs = state.accs;
    const checkers = state.checkers;
    let c = 0;
    let i = a;
    for (;;) {
      const f = i;
      i = scanDecimal(s, i, b);
      const x = decimalScan.value;
      if (i < b && s.charCodeAt(i) !== dc) {
        // Not a plain decimal: finish the field while hashing it for the accumulator's text
        // cache (the same FNV-1a as textHash), so the text is walked once.
        let h = 0x811c9dc5;
        for (let k = f; k < i; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
        for (; i < b; i++) {
          const ch = s.charCodeAt(i);
          if (ch === dc) break;
          h = Math.imul(h ^ ch, 16777619);
        }
        if (c >= width) throw raggedRow(file, line, countFields(s, a, b, dc), width, delim, f - a + 1);
        state.textCellHashed(c, s, f, i, h, row, line);
      } else {
        if (c >= width) throw raggedRow(file, line, countFields(s, a, b, dc), width, delim, f - a + 1);
        const acc = defined(accs[c], 'the scan has an accumulator per header column');
        if (i === f) {
          acc.missing++;
          checkers[c]?.missing(row, line);
        } else if (x === x && !acc.textOnly) {
          const integer = decimalScan.integer;
          acc.addParsedNumber(x, integer);
          const chk = checkers[c];
          if (chk) chk.numberFromText(s, f, i, x, integer, row, line);
        } else {
          state.textCell(c, s, f, i, row, line);
        }
      }
      c++;
      if (i >= b) break;
      i++; // the delimiter
    }
    if (c !== width) throw raggedRow(file, line, c, width, delim, b - a + 1);
  };

  const parser = new CsvParser(delim, onRow, maxFieldChars, onLine);
  for await (const _ of pumpCsv(src, fmt, parser)) {
    /* the callbacks do the work */
  }
  if (width < 0) throw emptyCsv(file);
  state.rows = row;
}

function countFields(s: string, a: number, b: number, dc: number): number {
  let n = 1;
  for (let i = a; i < b; i++) if (s.charCodeAt(i) === dc) n++;
  return n;
}
