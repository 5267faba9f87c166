/**
 * What one pass over a dataset accumulates: a profile accumulator and the checkers of every
 * column. The CSV fast path (csv-scan.ts) and the batch path (scan.ts) both feed it.
 */
import { dict, own } from '../../core/own.js';
import type { ColumnCheckSpec, ColumnType } from '../../pipeline-schema/types.js';
import { ColumnAccumulator } from './column-accumulator.js';
import { ColumnChecker, type CheckResult } from './checks.js';
import { resolveFormat } from './open.js';
import { PROFILE_SCHEMA_ID, type ProfileDocument } from './profile-types.js';
import type { DataSource, RowBatch } from './source-types.js';

export interface ScanOptions {
  /** Column types to use instead of inferring (dataset `types`; a check's `type` wins). */
  types?: Record<string, ColumnType>;
  /** Column checks to run during the pass. */
  columns?: Record<string, ColumnCheckSpec>;
  /** File named in config errors (a bad regex). */
  configFile?: string;
  batchSize?: number;
  /** Longest CSV field accepted (default 1 MiB). */
  maxFieldChars?: number;
}

export interface ScanResult {
  profile: ProfileDocument;
  /** Results of the column checks for columns present in the data. */
  checks: CheckResult[];
  columns: string[];
}

/** Accumulators and checkers of every column, fed cell by cell or batch by batch. */
export class ScanState {
  readonly accs: ColumnAccumulator[] = [];
  readonly checkers: (ColumnChecker | undefined)[] = [];
  columns: string[] = [];
  rows = 0;
  /** File line of the CSV header (for the "no data rows" message). */
  headerLine: number | undefined;

  constructor(private readonly opts: ScanOptions) {}

  private declared(c: string): ColumnType | undefined {
    return own(this.opts.columns, c)?.type ?? own(this.opts.types, c);
  }

  /** Add accumulators for columns not seen yet (JSONL may add some later: earlier rows count as missing). */
  ensureColumns(names: string[]): void {
    while (this.accs.length < names.length) {
      const name = names[this.accs.length]!;
      const acc = new ColumnAccumulator(this.declared(name));
      acc.missing = this.rows;
      this.accs.push(acc);
      const spec = own(this.opts.columns, name);
      this.checkers.push(spec ? new ColumnChecker(name, spec, this.declared(name), this.opts.configFile ?? 'mlpipeline.yaml') : undefined);
    }
    this.columns = names;
  }

  /** One raw cell of column c at data row `row`. */
  cell(c: number, v: unknown, row: number, line: number | null): void {
    const x = this.accs[c]!.add(v);
    const chk = this.checkers[c];
    if (!chk) return;
    if (v === null || v === undefined || v === '') chk.missing(row, line);
    else chk.value(v, x, row, line);
  }

  /** A non-empty, non-decimal CSV cell given as s[from, to) (see ColumnAccumulator.addTextRange). */
  textCell(c: number, s: string, from: number, to: number, row: number, line: number | null): void {
    const acc = this.accs[c]!;
    acc.addTextRange(s, from, to);
    this.checkers[c]?.valueForKey(acc.lastText, acc.lastX, acc.lastKey, row, line);
  }

  /** textCell for a text whose textHash the caller computed while cutting the field. */
  textCellHashed(c: number, s: string, from: number, to: number, h: number, row: number, line: number | null): void {
    const acc = this.accs[c]!;
    acc.addTextRangeHashed(s, from, to, h);
    this.checkers[c]?.valueForKey(acc.lastText, acc.lastX, acc.lastKey, row, line);
  }

  addBatch(b: RowBatch): void {
    this.ensureColumns(b.columns);
    const data = b.rows;
    const lines = b.lines;
    const n = data.length;
    // Column-major: each accumulator's code stays monomorphic and hot.
    for (let c = 0; c < this.accs.length; c++) {
      const acc = this.accs[c]!;
      if (!this.checkers[c]) {
        for (let r = 0; r < n; r++) acc.add(data[r]![c]);
        continue;
      }
      for (let r = 0; r < n; r++) this.cell(c, data[r]![c], b.firstRow + r, lines ? lines[r]! : null);
    }
    this.rows += n;
  }

  finish(src: DataSource): ScanResult {
    const fmt = resolveFormat(src);
    const profile: ProfileDocument = {
      schema: PROFILE_SCHEMA_ID,
      source: { path: src.path, ...(src.ref ? { ref: src.ref } : {}), format: fmt.format + (fmt.gzip ? '+gzip' : '') },
      rows: this.rows,
      columns: dict(),
    };
    this.columns.forEach((name, i) => {
      profile.columns[name] = this.accs[i]!.finish(this.rows);
    });
    const checks: CheckResult[] = [];
    this.columns.forEach((name, i) => {
      const chk = this.checkers[i];
      if (chk) checks.push(...chk.finish(profile.columns[name], this.rows));
    });
    return { profile, checks, columns: this.columns };
  }
}

