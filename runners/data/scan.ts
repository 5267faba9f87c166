/**
 * The one pass over a dataset: profile every column and run the value-level checks at once.
 * Loops are column-major inside a batch so each accumulator's code stays monomorphic and hot.
 */
import type { ColumnCheckSpec, ColumnType } from '../../pipeline-schema/types.js';
import { ColumnAccumulator } from './column-accumulator.js';
import { ColumnChecker, type CheckResult } from './checks.js';
import { resolveFormat } from './open.js';
import { PROFILE_SCHEMA_ID, type ProfileDocument } from './profile-types.js';
import { readBatches, type DataSource } from './source.js';

export interface ScanOptions {
  /** Column types to use instead of inferring (dataset `types` merged with checks' `type`). */
  types?: Record<string, ColumnType>;
  /** Column checks to run during the pass. */
  columns?: Record<string, ColumnCheckSpec>;
  /** File named in config errors (a bad regex). */
  configFile?: string;
  batchSize?: number;
}

export interface ScanResult {
  profile: ProfileDocument;
  /** Results of the column checks for columns present in the data. */
  checks: CheckResult[];
  columns: string[];
}

export async function scanDataset(src: DataSource, opts: ScanOptions = {}): Promise<ScanResult> {
  const declared = (c: string): ColumnType | undefined => opts.columns?.[c]?.type ?? opts.types?.[c];
  const accs: ColumnAccumulator[] = [];
  const checkers: (ColumnChecker | undefined)[] = [];
  let columns: string[] = [];
  let rows = 0;
  for await (const b of readBatches(src, { batchSize: opts.batchSize ?? 8192 })) {
    // JSONL may add columns later: earlier rows count as missing for them.
    while (accs.length < b.columns.length) {
      const name = b.columns[accs.length]!;
      const acc = new ColumnAccumulator(declared(name));
      acc.missing = rows;
      accs.push(acc);
      const spec = opts.columns?.[name];
      checkers.push(spec ? new ColumnChecker(name, spec, declared(name), opts.configFile ?? 'mlpipeline.yaml') : undefined);
    }
    columns = b.columns;
    const data = b.rows;
    const lines = b.lines;
    const n = data.length;
    for (let c = 0; c < accs.length; c++) {
      const acc = accs[c]!;
      const chk = checkers[c];
      if (!chk) {
        for (let r = 0; r < n; r++) acc.add(data[r]![c]);
        continue;
      }
      for (let r = 0; r < n; r++) {
        const v = data[r]![c];
        const x = acc.add(v);
        const row = b.firstRow + r;
        const line = lines ? lines[r]! : null;
        if (v === null || v === undefined || v === '') chk.missing(row, line);
        else chk.value(v, x, row, line);
      }
    }
    rows += n;
  }
  const fmt = resolveFormat(src);
  const profile: ProfileDocument = {
    schema: PROFILE_SCHEMA_ID,
    source: { path: src.path, ...(src.ref ? { ref: src.ref } : {}), format: fmt.format + (fmt.gzip ? '+gzip' : '') },
    rows,
    columns: {},
  };
  columns.forEach((name, i) => {
    profile.columns[name] = accs[i]!.finish(rows);
  });
  const checks: CheckResult[] = [];
  columns.forEach((name, i) => {
    const chk = checkers[i];
    if (chk) checks.push(...chk.finish(profile.columns[name], rows));
  });
  return { profile, checks, columns };
}
