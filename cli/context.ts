/** What every command gets: where to write, where it runs, and its environment. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stdout is a terminal: commands may show progress. */
  isTTY: boolean;
}

export interface CliContext {
  io: CliIo;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Set by a command to report its verdict (0 ok, 1 a check/gate failed). Errors set 2 themselves. */
  exitCode: number;
  /** The clock (ms); default Date.now. Injected by tests, never taken from the environment. */
  now?: () => number;
  /** Set by a command that already printed its `--json` document for a failure (a refused promotion). */
  jsonPrinted?: boolean;
  /** Back-off waits (registry write retries); injected by tests. */
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * A reader that stops early (`mlpipeline profile ... | head`) closes the pipe: like `git log`,
 * the command then stops writing to it quietly and ends with its usual exit code, instead of an
 * EPIPE stack trace. Any other error on the stream is also dropped: there is nowhere to report it.
 */
function guarded(stream: NodeJS.WriteStream): (t: string) => void {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return (t) => {
    if (closed || stream.destroyed) return;
    try {
      stream.write(t);
    } catch {
      closed = true;
    }
  };
}

let shared: CliIo | undefined;

export function processIo(): CliIo {
  shared ??= { out: guarded(process.stdout), err: guarded(process.stderr), isTTY: Boolean(process.stdout.isTTY) };
  return shared;
}

/** An in-memory io for tests: everything written is kept. */
export function bufferIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
