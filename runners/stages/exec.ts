/**
 * Run a stage's commands with `sh -c` in its working directory, streaming stdout and stderr
 * line by line (each line prefixed with the stage name by the caller's sink). Each command runs
 * in its own process group, so an interrupt can be forwarded to everything the stage started.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';

export interface ExecResult {
  /** Exit code; for a command killed by a signal, 128 + the signal number, as shells report it. */
  code: number;
  signal?: string;
  /** Index of the command that failed, when one did. */
  failedCommand?: number;
}

export interface LineSink {
  (stream: 'stdout' | 'stderr', line: string): void;
}

function lineSplitter(stream: 'stdout' | 'stderr', sink: LineSink): { push(b: Buffer): void; end(): void } {
  let pending = '';
  // Pipe chunks end anywhere, also inside a multi-byte character; the decoder carries those bytes over.
  const decoder = new StringDecoder('utf8');
  return {
    push(b) {
      pending += decoder.write(b);
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        sink(stream, pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
      }
    },
    end() {
      pending += decoder.end();
      if (pending) sink(stream, pending);
      pending = '';
    },
  };
}

export interface ShellOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  onLine: LineSink;
  /** Called with the process group id (= pid of `sh`) as soon as a command has started. */
  onSpawn?: (pgid: number) => void;
  /** Called when that command has ended. */
  onExit?: (pgid: number) => void;
  /** Checked between commands: once true, no further command starts. */
  stopped?: () => boolean;
}

export function runShell(cmd: string, opts: ShellOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', cmd], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pid = child.pid;
    if (pid !== undefined) opts.onSpawn?.(pid);
    const out = lineSplitter('stdout', opts.onLine);
    const err = lineSplitter('stderr', opts.onLine);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      opts.onLine('stderr', `cannot start sh: ${e.message}`);
      resolve({ code: 127 });
    });
    child.on('close', (code, signal) => {
      if (pid !== undefined) opts.onExit?.(pid);
      out.end();
      err.end();
      if (signal) resolve({ code: 128 + (constants.signals[signal] ?? 0), signal });
      else resolve({ code: code ?? 1 });
    });
  });
}

/** Run the commands in order; stop at the first that fails. */
export async function runCommands(cmds: string[], opts: ShellOptions): Promise<ExecResult> {
  for (let i = 0; i < cmds.length; i++) {
    if (i > 0 && opts.stopped?.()) return { code: 130, failedCommand: i };
    const r = await runShell(cmds[i]!, opts);
    if (r.code !== 0) return { ...r, failedCommand: i };
  }
  return { code: 0 };
}
