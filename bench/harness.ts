/**
 * Shared bench plumbing: run a command or a Node workload in a child process and measure wall
 * time and peak RSS of that process alone (python3's getrusage on RUSAGE_CHILDREN, available
 * on every machine we support), then print side-by-side tables with ratios.
 */
import { spawnSync } from 'node:child_process';

export interface Measured {
  seconds: number;
  /** User + system CPU seconds of the child (and its children). */
  cpuSeconds: number;
  maxRssMb: number;
  stdout: string;
  stderr: string;
  code: number;
}

const WRAPPER = `
import resource, subprocess, sys, time, json
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.buffer.write(p.stdout)
sys.stderr.buffer.write(p.stderr)
sys.stderr.write("\\n__MEASURE__" + json.dumps({"seconds": dt, "maxrss_kb": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime, "code": p.returncode}) + "\\n")
`;

/** Run `cmd args` in a child; seconds and peak RSS (MB) are of that child (and its children). */
export function measure(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measured {
  const r = spawnSync('python3', ['-c', WRAPPER, cmd, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const stderr = r.stderr ?? '';
  const m = stderr.match(/__MEASURE__(\{.*\})\s*$/);
  if (!m) throw new Error(`bench: could not measure ${cmd} ${args.join(' ')}: ${stderr.slice(-2000)}`);
  const info = JSON.parse(m[1]!) as { seconds: number; maxrss_kb: number; cpu: number; code: number };
  return {
    seconds: info.seconds,
    cpuSeconds: info.cpu,
    maxRssMb: info.maxrss_kb / 1024,
    stdout: r.stdout ?? '',
    stderr: stderr.slice(0, m.index),
    code: info.code,
  };
}

export function hasCommand(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

export interface BenchRow {
  name: string;
  seconds: number;
  /** Extra columns such as rows/s or peak memory, already formatted. */
  [column: string]: string | number;
}

/** Print a fixed-width table; numbers get 3 significant decimals. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const fmt = (v: string | number | undefined) =>
    v === undefined ? '-' : typeof v === 'number' ? (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4)) : v;
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(fmt(r[c])).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n## ${title}\n`);
  process.stdout.write(line(cols) + '\n');
  process.stdout.write(line(widths.map((w) => '-'.repeat(w))) + '\n');
  for (const r of rows) process.stdout.write(line(cols.map((c) => String(fmt(r[c])))) + '\n');
}
