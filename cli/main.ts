import { Command, CommanderError } from 'commander';
import { ConfigError, isMlpipelineError, type MlpipelineError } from '../core/errors.js';
import { renderJson } from '../reports/json.js';
import { packageVersion } from '../core/package-root.js';
import { type CliContext, type CliIo, processIo } from './context.js';
import { commandModules } from './commands/index.js';

export interface RunCliOptions {
  /** The clock (ms) for registry writes and soak times; tests inject one. Never read from the environment. */
  now?: () => number;
  /** Back-off waits of registry writers; tests inject one so they do not really wait. */
  sleep?: (ms: number) => Promise<unknown>;
  io?: CliIo;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Exit code for bugs in mlpipeline itself (sysexits EX_SOFTWARE), distinct from 1 and 2. */
const INTERNAL_ERROR = 70;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('mlpipeline')
    .description('GitOps CI/CD for ML pipelines: validate data, run cached stages, gate ONNX models, promote with Git tags.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .enablePositionalOptions();
  // Usage errors commander detects read like ours: `mlpipeline: error: unknown option '--x'`.
  const output = {
    writeOut: (s: string) => ctx.io.out(s),
    writeErr: (s: string) => ctx.io.err(s),
    outputError: (s: string, write: (s: string) => void) => write(`mlpipeline: ${s}`),
  };
  program.configureOutput(output);
  for (const mod of commandModules) mod.register(program, ctx);
  // Every (sub)command reports through ctx.io and throws typed errors rather than exiting.
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput(output);
    c.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Run the CLI in-process; returns the exit code. Used by bin/mlpipeline.js and by tests. */
export async function runCli(argv: string[], opts: RunCliOptions = {}): Promise<number> {
  const ctx: CliContext = {
    io: opts.io ?? processIo(),
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? process.env,
    exitCode: 0,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  };
  const program = buildProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are successful exits. Commander also shows help, with a non-zero
      // code, for a command group given no subcommand (`mlpipeline params`): that is usage.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help') return e.exitCode === 0 ? 0 : 2;
      if (wantsJson(argv)) ctx.io.out(renderJson(errorDocument({ code: 'usage', message: e.message.replace(/^error: /, '') })));
      return 2;
    }
    if (isMlpipelineError(e)) {
      ctx.io.err(`mlpipeline: ${e.format()}\n`);
      // Under --json the failure is a document on stdout too (schema error), so scripts can read it.
      if (wantsJson(argv) && !ctx.jsonPrinted) ctx.io.out(renderJson(errorDocument(e)));
      return e.exitCode;
    }
    const err = e as Error;
    ctx.io.err(`mlpipeline: internal error (please report it): ${err?.stack ?? String(e)}\n`);
    return INTERNAL_ERROR;
  }
}

/** `--json` given to the command (before a `--` that ends the options). */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** The `--json` document of a failure (schema pipeline-schema/error.schema.json). */
export function errorDocument(e: MlpipelineError | { code: string; message: string }): { error: Record<string, unknown> } {
  const err = e as Partial<MlpipelineError> & { code: string; message: string };
  const loc = err.location;
  return {
    error: {
      code: err.code,
      file: loc?.file ?? null,
      line: loc?.line ?? null,
      column: loc?.column ?? null,
      message: err.message,
      fix: err.fix ?? null,
      ...(e instanceof ConfigError && e.problems.length > 1
        ? { problems: e.problems.map((p) => ({ file: p.location.file, line: p.location.line ?? null, column: p.location.column ?? null, message: p.message, fix: p.fix ?? null })) }
        : {}),
    },
  };
}
