/**
 * Plays a compiled workflow the way GitHub Actions would, on this machine: each job (each matrix
 * combination) in its own fresh `git clone`, its `run:` steps as separate `bash -e` processes with
 * the runner's variables (RUNNER_TEMP, GITHUB_OUTPUT, the job's env) and its `${{ }}` expressions
 * substituted, jobs one after another in an order that respects `needs:`. Nothing passes between
 * jobs but artifacts (folders in an artifact store) and the cache (folders keyed like
 * actions/cache keys).
 *
 * Stand-ins, because these machines are offline: `actions/checkout` is the clone, `setup-node`
 * is the Node already here, `npm ci` links the packages of this repository into the clone,
 * `npx --no-install BIN` runs node_modules/.bin/BIN (what npx does for a local bin, without
 * npm's start-up cost), and our run action is `mlpipeline run --json`, the engine step it performs
 * (its validation, evaluation and report are its own tests' business).
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}
interface Job {
  needs?: string[];
  strategy?: { matrix: { include: Record<string, unknown>[] } };
  env?: Record<string, string>;
  defaults?: { run?: { 'working-directory'?: string } };
  steps: Step[];
}

export interface StepLog {
  job: string;
  instance: string;
  step: string;
  stdout: string;
  stderr: string;
}

export interface JobRun {
  job: string;
  /** The matrix stage name, or the job id. */
  instance: string;
  clone: string;
  logs: StepLog[];
}

export interface RunnerOptions {
  /** The origin repository to clone. */
  origin: string;
  /** Where clones, temp folders, artifacts live. */
  work: string;
  /** Cache store shared between workflow runs (actions/cache is keyed across runs). */
  cacheDir: string;
}

/**
 * A child process, awaited: the whole workflow takes tens of seconds, and a synchronous spawn
 * would block the vitest worker that long (its RPC to the main process times out).
 */
export function exec(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ status: code ?? 1, stdout, stderr }));
  });
}

async function mustExec(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await exec(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** `${{ expr }}` for the few contexts compiled workflows use. */
function substitute(text: string, ctx: { matrix: Record<string, unknown>; temp: string; outputs: Map<string, Record<string, string>> }): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (whole, expr: string) => {
    if (expr === 'runner.temp') return ctx.temp;
    let m = /^matrix\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (m) return String(ctx.matrix[m[1]!]);
    m = /^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (m) return ctx.outputs.get(m[1]!)?.[m[2]!] ?? '';
    throw new Error(`workflow-runner: no stand-in for the expression ${whole}`);
  });
}

const globRe = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

export function linkPackages(clone: string): void {
  const nm = join(clone, 'node_modules');
  mkdirSync(join(nm, '.bin'), { recursive: true });
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (!entry.startsWith('.')) symlinkSync(join(root, 'node_modules', entry), join(nm, entry));
  }
  symlinkSync(root, join(nm, 'mlpipeline'));
  symlinkSync(join(root, 'bin', 'mlpipeline.js'), join(nm, '.bin', 'mlpipeline'));
}

function npxShim(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, 'npx');
  writeFileSync(
    shim,
    `#!/bin/sh
[ "$1" = "--no-install" ] || { echo "npx shim: only --no-install" >&2; exit 99; }
shift; bin="$1"; shift; d="$PWD"
while [ "$d" != "/" ]; do
  if [ -x "$d/node_modules/.bin/$bin" ]; then exec "$d/node_modules/.bin/$bin" "$@"; fi
  d=$(dirname "$d")
done
echo "npx shim: $bin not installed" >&2; exit 127
`,
  );
  chmodSync(shim, 0o755);
  return dir;
}

/** Jobs in file order, checked to respect `needs:` (the compiler writes them topologically). */
function jobOrder(jobs: Record<string, Job>): string[] {
  const ids = Object.keys(jobs);
  ids.forEach((id, i) => {
    for (const n of jobs[id]!.needs ?? []) {
      if (ids.indexOf(n) < 0 || ids.indexOf(n) >= i) throw new Error(`workflow-runner: job ${id} needs ${n}, which does not come before it`);
    }
  });
  return ids;
}

/** Run every job of `workflowText` once; returns each job instance's clone and logs. */
export async function runWorkflow(workflowText: string, opts: RunnerOptions): Promise<JobRun[]> {
  const wf = parse(workflowText) as { jobs: Record<string, Job> };
  const runDir = mkdtempSync(join(opts.work, 'run-'));
  const artifacts = join(runDir, 'artifacts');
  mkdirSync(artifacts);
  mkdirSync(opts.cacheDir, { recursive: true });
  const bin = npxShim(join(runDir, 'bin'));
  const runs: JobRun[] = [];
  let n = 0;
  for (const id of jobOrder(wf.jobs)) {
    const job = wf.jobs[id]!;
    const combos = job.strategy?.matrix.include ?? [{}];
    for (const matrix of combos) {
      const stageName = matrix['mlpipeline-stage'];
      const instance = typeof stageName === 'string' ? stageName : id;
      const clone = join(runDir, `job-${n}`);
      const temp = join(runDir, `temp-${n++}`);
      mkdirSync(temp);
      await mustExec('git', ['clone', '-q', opts.origin, clone]);
      const outputs = new Map<string, Record<string, string>>();
      const ctx = { matrix, temp, outputs };
      const env: NodeJS.ProcessEnv = {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME,
        RUNNER_TEMP: temp,
        GITHUB_WORKSPACE: clone,
        CI: 'true',
      };
      for (const [k, v] of Object.entries(job.env ?? {})) env[k] = substitute(String(v), ctx);
      const logs: StepLog[] = [];
      const saves: { key: string; path: string }[] = [];
      for (const step of job.steps) {
        const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)]));
        const label = step.name ?? step.uses ?? step.run ?? '?';
        if (step.run !== undefined) {
          const wd = step['working-directory'] ?? job.defaults?.run?.['working-directory'] ?? '.';
          if (step.run === 'npm ci') {
            linkPackages(join(clone, wd));
            continue;
          }
          const out = join(temp, `output-${step.id ?? 'step'}`);
          writeFileSync(out, '');
          const r = await exec('bash', ['-e', '-c', substitute(step.run, ctx)], { cwd: join(clone, wd), env: { ...env, GITHUB_OUTPUT: out } });
          logs.push({ job: id, instance, step: label, stdout: r.stdout, stderr: r.stderr });
          if (r.status !== 0) throw new Error(`workflow-runner: ${instance}: step '${label}' exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
          if (step.id) {
            const vals = Object.fromEntries(readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
            outputs.set(step.id, vals);
          }
          continue;
        }
        const action = (step.uses ?? '').split('@')[0] ?? '';
        if (action === 'actions/checkout' || action === 'actions/setup-node') continue;
        if (action === 'actions/upload-artifact') {
          const dest = join(artifacts, w.name!);
          if (existsSync(dest)) throw new Error(`workflow-runner: artifact ${w.name} uploaded twice`);
          if (!existsSync(w.path!)) throw new Error(`workflow-runner: ${instance}: nothing to upload at ${w.path}`);
          cpSync(w.path!, dest, { recursive: true });
        } else if (action === 'actions/download-artifact') {
          const re = globRe(w.pattern!);
          const names = readdirSync(artifacts).filter((a) => re.test(a));
          if (names.length === 0) throw new Error(`workflow-runner: ${instance}: no artifact matches ${w.pattern}`);
          // With `pattern:`, download-artifact puts each artifact in a folder of its name.
          for (const a of names) cpSync(join(artifacts, a), join(w.path!, a), { recursive: true });
        } else if (action === 'actions/cache') {
          const key = w.key!;
          if (!/^[A-Za-z0-9._-]+$/.test(key) || key.endsWith('-')) throw new Error(`workflow-runner: bad cache key '${key}'`);
          const stored = join(opts.cacheDir, key);
          const target = join(clone, w.path!);
          if (existsSync(stored)) cpSync(stored, target, { recursive: true });
          else saves.push({ key, path: target });
        } else if (action.endsWith('/actions/run')) {
          const wd = String(w['working-directory'] ?? '.');
          const r = await exec(process.execPath, [join(root, 'bin', 'mlpipeline.js'), 'run', '--json', '-f', String(w['pipeline-file'])], { cwd: join(clone, wd), env });
          logs.push({ job: id, instance, step: label, stdout: r.stdout, stderr: r.stderr });
          if (r.status !== 0) throw new Error(`workflow-runner: the run action's stand-in exited ${r.status}: ${r.stderr}`);
        } else {
          throw new Error(`workflow-runner: no stand-in for ${step.uses}`);
        }
      }
      // actions/cache saves in its post step, only after the job succeeded, only on a miss.
      for (const s of saves) if (existsSync(s.path)) cpSync(s.path, join(opts.cacheDir, s.key), { recursive: true });
      runs.push({ job: id, instance, clone, logs });
    }
  }
  return runs;
}
