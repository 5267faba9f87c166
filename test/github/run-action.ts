/**
 * Runs a bundled JavaScript action the way a GitHub runner does: `node <main>` in a fresh
 * environment (nothing of the test process's own GITHUB_* leaks in) holding
 *   - INPUT_<NAME> for every input, the given value or the `default:` from action.yml (names
 *     upper-cased, spaces -> `_`, as the runner writes them; `${{ github.* }}` defaults evaluated),
 *   - GITHUB_EVENT_NAME and GITHUB_EVENT_PATH (the payload written to a JSON file),
 *   - GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF, GITHUB_API_URL, GITHUB_SERVER_URL, ...,
 *   - GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (files, read back after the run).
 * Returns the exit code, stdout, stderr, the outputs (`name<<delimiter` blocks parsed), the
 * summary, and the workflow commands the step printed (`::error::...`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

export interface RunActionOptions {
  /** Path to the action's action.yml. */
  action: string;
  /** The script to run; default: `runs.main` of action.yml, next to it. */
  script?: string;
  /** Inputs as a workflow's `with:` gives them (names as in action.yml). */
  inputs?: Record<string, string>;
  /** The event; default `push` with an empty payload. */
  event?: { name: string; payload?: Record<string, unknown> };
  repository?: string;
  sha?: string;
  ref?: string;
  /** What `${{ github.token }}` is (GITHUB_TOKEN is not in a step's env unless the workflow puts it there). */
  token?: string;
  /** GITHUB_API_URL and GITHUB_SERVER_URL: the local GitHub's. */
  apiUrl?: string;
  serverUrl?: string;
  /** More environment (after the runner's). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface ActionResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** `::command key=value::message` lines from stdout (errors, warnings, notices, ...). */
  commands: WorkflowCommand[];
  /** The environment the step ran with (for assertions about inputs). */
  env: Record<string, string>;
}

interface ActionYaml {
  name?: string;
  inputs?: Record<string, { default?: unknown; required?: boolean } | null>;
  runs?: { using?: string; main?: string };
}

/** The environment variable the runner sets for input `name`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** `${{ github.x }}` in an input default, with the run's values; anything else is refused. */
function evaluateDefault(value: string, github: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const m = /^github\.([a-z_]+)$/.exec(expr);
    const got = m ? github[m[1]!] : undefined;
    if (got === undefined) throw new Error(`run-action: cannot evaluate \${{ ${expr} }} in an input default; pass the input`);
    return got;
  });
}

/** A YAML default as the runner passes it: a scalar's text (`3` -> "3", `true` -> "true"). */
function scalar(value: unknown, input: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`run-action: input ${input} has a default that is not a scalar`);
}

/** GITHUB_OUTPUT's format: `name<<DELIM` / lines / `DELIM`, or (older) `name=value`. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: ${name} has no closing ${delimiter}`);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    } else if (line.trim() !== '') {
      throw new Error(`GITHUB_OUTPUT: cannot read the line ${JSON.stringify(line)}`);
    }
  }
  return outputs;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

export function parseCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command: m[1]!, properties, message: unescapeData(m[3] ?? '') });
  }
  return commands;
}

/** `${{ github.base_ref }}`: the pull request's base branch, empty for other events. */
function baseRefOf(payload: Record<string, unknown> | undefined): string {
  const ref = (payload?.pull_request as { base?: { ref?: unknown } } | undefined)?.base?.ref;
  return typeof ref === 'string' ? ref : '';
}

export async function runAction(options: RunActionOptions): Promise<ActionResult> {
  const actionPath = resolve(options.action);
  const action = parse(readFileSync(actionPath, 'utf8')) as ActionYaml;
  // A composite action's JavaScript step is run the same way when its script is named (its
  // action.yml passes the inputs to it as the same INPUT_* variables).
  const composite = action.runs?.using === 'composite' && options.script !== undefined;
  if (!action.runs?.using?.startsWith('node') && !composite) throw new Error(`${actionPath}: runs.using is ${action.runs?.using}, not a JavaScript action`);
  const script = resolve(options.script ?? join(dirname(actionPath), action.runs?.main ?? ''));

  const dir = mkdtempSync(join(tmpdir(), 'mlpipeline-action-'));
  try {
    const event = options.event ?? { name: 'push', payload: {} };
    const eventPath = join(dir, 'event.json');
    const outputPath = join(dir, 'output');
    const summaryPath = join(dir, 'step_summary');
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace);
    writeFileSync(eventPath, JSON.stringify(event.payload ?? {}));
    for (const file of [outputPath, summaryPath, join(dir, 'env'), join(dir, 'path'), join(dir, 'state')]) writeFileSync(file, '');

    const repository = options.repository ?? 'acme/churn';
    const sha = options.sha ?? '0123456789abcdef0123456789abcdef01234567';
    const ref = options.ref ?? 'refs/heads/main';
    const serverUrl = options.serverUrl ?? 'https://github.com';
    const apiUrl = options.apiUrl ?? 'https://api.github.com';
    const github: Record<string, string> = {
      token: options.token ?? '',
      repository,
      repository_owner: repository.split('/')[0] ?? '',
      sha,
      ref,
      event_name: event.name,
      server_url: serverUrl,
      api_url: apiUrl,
      run_id: '1',
      actor: 'octocat',
      workspace,
      base_ref: baseRefOf(event.payload),
    };

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION: '__run',
      GITHUB_ACTOR: github.actor!,
      GITHUB_API_URL: apiUrl,
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
      GITHUB_JOB: 'test',
      GITHUB_OUTPUT: outputPath,
      GITHUB_PATH: join(dir, 'path'),
      GITHUB_REF: ref,
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: github.repository_owner!,
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_RUN_ID: github.run_id!,
      GITHUB_RUN_NUMBER: '1',
      GITHUB_SERVER_URL: serverUrl,
      GITHUB_SHA: sha,
      GITHUB_STATE: join(dir, 'state'),
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_WORKFLOW: 'test',
      GITHUB_WORKSPACE: workspace,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: dir,
    };
    const given = options.inputs ?? {};
    for (const name of Object.keys(given)) {
      if (!(name in (action.inputs ?? {}))) throw new Error(`${actionPath}: no input ${name} (the runner would warn "Unexpected input")`);
    }
    for (const [name, spec] of Object.entries(action.inputs ?? {})) {
      const value = given[name] ?? (spec?.default === undefined ? undefined : evaluateDefault(scalar(spec.default, name), github));
      if (value !== undefined) env[inputVariable(name)] = value;
    }
    Object.assign(env, options.env);

    const child = spawn(process.execPath, [script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
      child.on('error', fail);
      child.on('close', (code, sig) => done([code, sig]));
    });
    clearTimeout(timer);
    return {
      exitCode,
      signal,
      stdout,
      stderr,
      outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
      summary: readFileSync(summaryPath, 'utf8'),
      commands: parseCommands(stdout),
      env,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
