import { spawn } from 'node:child_process';
import { GitError } from './errors.js';

export interface GitOptions {
  cwd: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers rather than failures (e.g. 1 for `git diff --quiet`). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Run the real `git` binary. Never goes through a shell, so refs and paths cannot inject. */
export function gitRaw(args: string[], opts: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, GIT_TERMINAL_PROMPT: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) =>
      reject(new GitError(`cannot run git: ${e.message}`, { fix: 'install git and make sure it is on PATH' })),
    );
    child.on('close', (code) => {
      const res = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code: code ?? 1 };
      if (res.code === 0 || opts.okCodes?.includes(res.code)) resolve(res);
      else reject(new GitError(`git ${args[0]} failed: ${res.stderr.trim() || `exit code ${res.code}`}`));
    });
    // git may exit before reading its input (e.g. outside a repository); that EPIPE is not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export async function git(args: string[], opts: GitOptions): Promise<string> {
  return (await gitRaw(args, opts)).stdout.toString('utf8');
}

/** Top of the work tree containing cwd, or undefined when cwd is not inside a Git repository. */
export async function repoRoot(cwd: string): Promise<string | undefined> {
  const r = await gitRaw(['rev-parse', '--show-toplevel'], { cwd, okCodes: [128] }).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  return r.stdout.toString('utf8').trim();
}

export async function headCommit(cwd: string): Promise<string | undefined> {
  const r = await gitRaw(['rev-parse', '--verify', '-q', 'HEAD'], { cwd, okCodes: [1, 128] }).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  return r.stdout.toString('utf8').trim();
}

export async function isDirty(cwd: string): Promise<boolean> {
  const out = await git(['status', '--porcelain', '--untracked-files=no'], { cwd });
  return out.trim().length > 0;
}

/** Resolve a ref to a commit id, with a clear error for refs that do not exist. */
export async function resolveCommit(cwd: string, ref: string): Promise<string> {
  const r = await gitRaw(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd, okCodes: [1, 128] });
  if (r.code !== 0) {
    if (ref === 'HEAD' && (await headCommit(cwd)) === undefined && (await gitRaw(['rev-parse', '--git-dir'], { cwd, okCodes: [128] }).catch(() => undefined))?.code === 0) {
      throw new GitError('this repository has no commit yet', { fix: 'commit your pipeline first (git add -A && git commit -m "pipeline")' });
    }
    throw new GitError(`unknown git ref '${ref}'`, {
      fix: 'name a branch, tag or commit that exists here (git fetch it first if it lives on a remote)',
    });
  }
  return r.stdout.toString('utf8').trim();
}

/**
 * A file's bytes at a ref, read from git objects (no checkout). `path` is relative to the
 * repository root. Returns undefined when the file does not exist at that ref.
 */
export async function readFileAtRef(cwd: string, ref: string, path: string): Promise<Buffer | undefined> {
  const commit = await resolveCommit(cwd, ref);
  const r = await gitRaw(['cat-file', 'blob', `${commit}:${path}`], { cwd, okCodes: [128] });
  if (r.code !== 0) return undefined;
  return r.stdout;
}

/** Stream a file at a ref through `git cat-file`, so large baselines never sit in memory whole. */
export function streamFileAtRef(cwd: string, commit: string, path: string): NodeJS.ReadableStream {
  const child = spawn('git', ['cat-file', 'blob', `${commit}:${path}`], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  child.on('close', (code) => {
    if (code !== 0) {
      child.stdout.destroy(new GitError(`cannot read ${path} at ${commit.slice(0, 12)}: ${stderr.trim() || `exit ${code}`}`));
    }
  });
  return child.stdout;
}
