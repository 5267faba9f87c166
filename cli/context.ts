/** What every command gets: where to write, where it runs, and its environment. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
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
  /** Back-off waits (registry write retries); injected by tests. */
  sleep?: (ms: number) => Promise<unknown>;
}

export function processIo(): CliIo {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
  };
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
