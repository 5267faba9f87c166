/**
 * Data bench: `mlpipeline validate-data` (checks + profile) and `mlpipeline profile` on a generated
 * 1,000,000-row × 10-column CSV, beside DuckDB's SUMMARIZE (count, nulls, min, max, avg, std,
 * approximate quantiles and distinct per column) and pandas read_csv + describe, each in its own
 * child process so peak RSS is that process's. Then 1M vs 4M rows for memory.
 * Each side runs REPEATS times, interleaved, and the run with the median wall time is shown
 * (the machine is shared: one run is noise); CPU seconds are shown beside wall seconds because
 * DuckDB uses two threads and we use one. Quick mode: 100k / 400k rows, one run each.
 * Then wide feature tables (2,000 columns × 2,000 rows and × 300 rows: 200 copies of the same
 * 10-column mix), where per-column fixed costs dominate: profile beside pandas and DuckDB, and
 * validate-data with the 10 checks and drift against a stored baseline profile. A last table
 * gives profile time over pandas' and DuckDB's for the tall and both wide shapes (issue 10's
 * target: wide at most 0.8 of pandas). Quick mode: 200 columns × 200 and × 30 rows.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { measure, printTable, type Measured } from './harness.js';

const NAMES = ['id', 'age', 'income', 'score', 'city', 'plan', 'churned', 'signup', 'calls', 'ratio'];
const HEADER = NAMES.join(',');
const CITIES = ['Oslo', 'Bergen', 'Paris', 'Lyon', 'Rome', 'Milan', 'Berlin', 'Hamburg'];

/** Column names of a table made of `groups` copies of the 10-column mix (`age`, …, `age_1`, …). */
function wideNames(groups: number): string[] {
  return Array.from({ length: groups }, (_, g) => NAMES.map((n) => (g === 0 ? n : `${n}_${g}`))).flat();
}

/** Deterministic CSV with integers, floats, strings, booleans, dates and ~1 % missing values. */
async function writeCsv(path: string, rows: number, groups = 1, seed0 = 42): Promise<void> {
  const out = createWriteStream(path);
  let seed = seed0;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  let buf = (groups === 1 ? HEADER : wideNames(groups).join(',')) + '\n';
  for (let i = 0; i < rows; i++) {
    for (let g = 0; g < groups; g++) {
      // The same value mix as the tall table, with the row counter shifted per group so the
      // groups' categorical and date columns are not copies of each other.
      const j = i + g;
      const ratio = rnd() < 0.01 ? '' : rnd().toFixed(3);
      buf += `${g ? ',' : ''}${i},${18 + Math.floor(rnd() * 70)},${(rnd() * 100000).toFixed(2)},${rnd().toFixed(4)},${CITIES[j % 8]},${j % 3 === 0 ? 'basic' : 'pro'},${rnd() < 0.2},2024-${String(1 + (j % 12)).padStart(2, '0')}-${String(1 + (j % 28)).padStart(2, '0')},${Math.floor(rnd() * 10)},${ratio}`;
    }
    buf += '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

const PIPELINE = `version: 1
name: bench
data:
  train: {path: data.csv}
validation:
  columns:
    id: {type: integer, min: 0}
    age: {type: integer, min: 18, max: 120}
    income: {type: number, min: 0}
    score: {type: number, min: 0, max: 1}
    city: {in: [Oslo, Bergen, Paris, Lyon, Rome, Milan, Berlin, Hamburg]}
    plan: {in: [basic, pro]}
    churned: {type: boolean}
    signup: {type: datetime}
    calls: {type: integer, min: 0, max: 50}
    ratio: {type: number, max_missing: 0.05}
`;

const DUCKDB_SCRIPT = `
import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
const r = await conn.runAndReadAll("SUMMARIZE SELECT * FROM read_csv('" + process.argv[1].replace(/'/g, "''") + "')");
process.stdout.write(String(r.getRowObjects().length) + ' columns summarized\\n');
`;

const PANDAS_SCRIPT = `
import sys, pandas as pd
df = pd.read_csv(sys.argv[1])
d = df.describe(include='all')
print(len(d.columns), 'columns described')
`;

function pandasPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import pandas'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function row(name: string, m: Measured, rows: number, ref?: Measured, cells?: number): Record<string, string | number> {
  if (m.code !== 0) throw new Error(`bench: ${name} exited ${m.code}: ${m.stderr.slice(-1000)}`);
  return {
    name,
    seconds: m.seconds,
    'cpu s': m.cpuSeconds,
    ...(cells === undefined ? { 'rows/s': Math.round(rows / m.seconds) } : { 'cells/s': Math.round(cells / m.seconds) }),
    'peak MB': Math.round(m.maxRssMb),
    ...(ref
      ? { 'time vs mlpipeline': (m.seconds / ref.seconds).toFixed(2) + 'x', 'cpu vs mlpipeline': (m.cpuSeconds / ref.cpuSeconds).toFixed(2) + 'x' }
      : {}),
  };
}

/** Run every job `repeats` times, interleaved; keep each job's median-time run. */
function medianRuns(jobs: Record<string, () => Measured>, repeats: number): Record<string, Measured> {
  const runs: Record<string, Measured[]> = Object.fromEntries(Object.keys(jobs).map((k) => [k, []]));
  for (let i = 0; i < repeats; i++) for (const [k, job] of Object.entries(jobs)) runs[k]!.push(job());
  return Object.fromEntries(
    Object.entries(runs).map(([k, ms]) => {
      const bad = ms.find((m) => m.code !== 0);
      return [k, bad ?? [...ms].sort((a, b) => a.seconds - b.seconds)[Math.floor(ms.length / 2)]!];
    }),
  );
}

/** The tall pipeline's checks, plus drift against a stored baseline profile (wide tables). */
const WIDE_PIPELINE = PIPELINE.replace('path: data.csv', 'path: wide.csv') + `  drift:
    baseline: {profile: wide-base.json}
`;

/** Ratio of a reference's median time to ours, as the issue states targets ("0.8 of pandas' time" is ours / pandas). */
function vs(ours: Measured, ref: Measured | undefined): string {
  return ref ? (ours.seconds / ref.seconds).toFixed(2) : '-';
}

/** The same in CPU seconds: steadier than wall time on a shared machine (pandas and we use one core; DuckDB two). */
function cpuVs(ours: Measured, ref: Measured | undefined): string {
  return ref ? (ours.cpuSeconds / ref.cpuSeconds).toFixed(2) : '-';
}

/**
 * Wide tables: `groups` × 10 columns, same value mix. Per-column fixed costs dominate here, where
 * the tall table measures per-cell throughput. Our time over pandas' and DuckDB's is the column
 * the issue's target is stated in (≤ 0.8 of pandas).
 */
async function benchWide(dir: string, root: string, cli: string, py: string | undefined, shape: { cols: number; rows: number }, repeats: number): Promise<Record<string, string | number>[]> {
  const groups = shape.cols / 10;
  const csv = join(dir, 'wide.csv');
  const baseCsv = join(dir, 'wide-base.csv');
  await writeCsv(csv, shape.rows, groups);
  await writeCsv(baseCsv, shape.rows, groups, 7);
  const made = measure('node', [cli, 'profile', '--data', baseCsv, '--out', join(dir, 'wide-base.json')], { cwd: dir });
  if (made.code !== 0) throw new Error(`bench: baseline profile exited ${made.code}: ${made.stderr.slice(-1000)}`);
  writeFileSync(join(dir, 'mlpipeline.yaml'), WIDE_PIPELINE);
  const jobs: Record<string, () => Measured> = {
    // Exit 1 (drift or a failed check) is a verdict, not a failure of the run.
    validate: () => measure('node', [cli, 'validate-data', '--json'], { cwd: dir }),
    profile: () => measure('node', [cli, 'profile', '--data', csv, '--out', join(dir, 'p.json')], { cwd: dir }),
    duck: () => measure('node', ['--input-type=module', '-e', DUCKDB_SCRIPT, csv], { cwd: root }),
    ...(py ? { pandas: () => measure(py, ['-c', PANDAS_SCRIPT, csv]) } : {}),
  };
  const m = medianRuns(jobs, repeats);
  if (m.validate!.code > 1) throw new Error(`bench: validate-data exited ${m.validate!.code}: ${m.validate!.stderr.slice(-1000)}`);
  m.validate!.code = 0;
  const label = `${shape.cols.toLocaleString('en')} cols × ${shape.rows.toLocaleString('en')} rows`;
  const cells = shape.cols * shape.rows;
  return [
    row(`${label}: mlpipeline validate-data (10 checks + profile + drift)`, m.validate!, shape.rows, undefined, cells),
    {
      ...row(`${label}: mlpipeline profile`, m.profile!, shape.rows, undefined, cells),
      'profile / pandas': vs(m.profile!, m.pandas),
      'profile / DuckDB': vs(m.profile!, m.duck),
      'cpu / pandas': cpuVs(m.profile!, m.pandas),
    },
    row(`${label}: DuckDB SUMMARIZE read_csv (2 threads)`, m.duck!, shape.rows, undefined, cells),
    ...(m.pandas ? [row(`${label}: pandas read_csv + describe`, m.pandas, shape.rows, undefined, cells)] : []),
  ];
}

export default async function bench(opts: { quick: boolean }): Promise<void> {
  const small = opts.quick ? 100_000 : 1_000_000;
  const large = small * 4;
  const dir = mkdtempSync(join(tmpdir(), 'mlp-bench-data-'));
  const root = packageRoot();
  const cli = join(root, 'bin', 'mlpipeline.js');
  try {
    writeFileSync(join(dir, 'mlpipeline.yaml'), PIPELINE);
    const py = pandasPython();
    const results: Record<string, Measured> = {};
    let tall: { profile: Measured; pandas?: Measured; duck: Measured } | undefined;
    const repeats = opts.quick ? 1 : 3;
    for (const rows of [small, large]) {
      const csv = join(dir, 'data.csv');
      await writeCsv(csv, rows);
      const validate = () => measure('node', [cli, 'validate-data', '--json'], { cwd: dir });
      if (rows !== small) {
        results[`validate-${rows}`] = medianRuns({ validate }, repeats).validate!;
        continue;
      }
      const jobs: Record<string, () => Measured> = {
        validate,
        profile: () => measure('node', [cli, 'profile', '--data', csv, '--out', join(dir, 'p.json')], { cwd: dir }),
        // Inline ESM run from the package root, so `@duckdb/node-api` resolves without a temp file there.
        duck: () => measure('node', ['--input-type=module', '-e', DUCKDB_SCRIPT, csv], { cwd: root }),
        ...(py ? { pandas: () => measure(py, ['-c', PANDAS_SCRIPT, csv]) } : {}),
      };
      const m = medianRuns(jobs, repeats);
      results[`validate-${rows}`] = m.validate!;
      const table = [row('mlpipeline validate-data (10 checks + profile)', m.validate!, rows), row('mlpipeline profile', m.profile!, rows)];
      table.push(row('DuckDB SUMMARIZE read_csv (2 threads)', m.duck!, rows, m.validate));
      if (m.pandas) table.push(row('pandas read_csv + describe', m.pandas, rows, m.validate));
      else process.stdout.write('(pandas not installed: skipped)\n');
      tall = { profile: m.profile!, pandas: m.pandas, duck: m.duck! };
      printTable(`data: ${rows.toLocaleString('en')} rows × 10 columns CSV (median of ${repeats})`, table);
    }
    const a = results[`validate-${small}`]!;
    const b = results[`validate-${large}`]!;
    printTable('data: memory as rows grow (validate-data)', [
      { name: `${small.toLocaleString('en')} rows`, seconds: a.seconds, 'cpu s': a.cpuSeconds, 'peak MB': Math.round(a.maxRssMb) },
      {
        name: `${large.toLocaleString('en')} rows`,
        seconds: b.seconds,
        'cpu s': b.cpuSeconds,
        'peak MB': Math.round(b.maxRssMb),
        'MB ratio': (b.maxRssMb / a.maxRssMb).toFixed(2) + 'x',
      },
    ]);
    // Wide feature tables: the per-column fixed cost (issue 10 asks for ≤ 0.8 of pandas' time).
    const shapes = opts.quick ? [{ cols: 200, rows: 200 }, { cols: 200, rows: 30 }] : [{ cols: 2000, rows: 2000 }, { cols: 2000, rows: 300 }];
    const summary: Record<string, string | number>[] = [];
    if (tall) {
      summary.push({
        name: `${small.toLocaleString('en')} rows × 10 cols: profile`,
        seconds: tall.profile.seconds,
        'vs pandas': vs(tall.profile, tall.pandas),
        'vs DuckDB': vs(tall.profile, tall.duck),
        'cpu vs pandas': cpuVs(tall.profile, tall.pandas),
      });
    }
    // Wide runs are short, so more of them for a steadier median.
    const wideRepeats = opts.quick ? 1 : 5;
    for (const shape of shapes) {
      const table = await benchWide(dir, root, cli, py, shape, wideRepeats);
      printTable(`data: wide table, ${shape.cols.toLocaleString('en')} columns × ${shape.rows.toLocaleString('en')} rows CSV (median of ${wideRepeats})`, table);
      const p = table[1]!;
      summary.push({
        name: `${shape.cols.toLocaleString('en')} cols × ${shape.rows.toLocaleString('en')} rows: profile`,
        seconds: p.seconds!,
        'vs pandas': p['profile / pandas']!,
        'vs DuckDB': p['profile / DuckDB']!,
        'cpu vs pandas': p['cpu / pandas']!,
      });
    }
    printTable('data: profile time / reference time (target for wide tables: ≤ 0.8 of pandas)', summary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
