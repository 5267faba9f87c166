/**
 * Data bench: `mlpipeline validate-data` (checks + profile) and `mlpipeline profile` on a generated
 * 1,000,000-row × 10-column CSV, beside DuckDB's SUMMARIZE (count, nulls, min, max, avg, std,
 * approximate quantiles and distinct per column) and pandas read_csv + describe, each in its own
 * child process so peak RSS is that process's. Then 1M vs 4M rows for memory.
 * Each side runs REPEATS times, interleaved, and the run with the median wall time is shown
 * (the machine is shared: one run is noise); CPU seconds are shown beside wall seconds because
 * DuckDB uses two threads and we use one. Quick mode: 100k / 400k rows, one run each.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { measure, printTable, type Measured } from './harness.js';

const HEADER = 'id,age,income,score,city,plan,churned,signup,calls,ratio';
const CITIES = ['Oslo', 'Bergen', 'Paris', 'Lyon', 'Rome', 'Milan', 'Berlin', 'Hamburg'];

/** Deterministic CSV with integers, floats, strings, booleans, dates and ~1 % missing values. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = 42;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  let buf = HEADER + '\n';
  for (let i = 0; i < rows; i++) {
    const ratio = rnd() < 0.01 ? '' : rnd().toFixed(3);
    buf += `${i},${18 + Math.floor(rnd() * 70)},${(rnd() * 100000).toFixed(2)},${rnd().toFixed(4)},${CITIES[i % 8]},${i % 3 === 0 ? 'basic' : 'pro'},${rnd() < 0.2},2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${Math.floor(rnd() * 10)},${ratio}\n`;
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

function row(name: string, m: Measured, rows: number, ref?: Measured): Record<string, string | number> {
  if (m.code !== 0) throw new Error(`bench: ${name} exited ${m.code}: ${m.stderr.slice(-1000)}`);
  return {
    name,
    seconds: m.seconds,
    'cpu s': m.cpuSeconds,
    'rows/s': Math.round(rows / m.seconds),
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
