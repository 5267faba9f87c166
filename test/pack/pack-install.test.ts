/**
 * The package as a user gets it. `npm pack` the repository (dist/ must be built: `npm run build`),
 * install the tarball into an empty project with a fresh npm cache (so every dependency is a real
 * download from the registry, onnxruntime-node included), then use it the documented ways: the
 * `mlpipeline` bin through npx, `validate` on a copy of examples/churn, `import('mlpipeline')`,
 * `import('mlpipeline/onnx')` and `import('mlpipeline/danger')` (without danger installed) at run
 * time, and the type declarations from a consumer's TypeScript;
 * then once more with npm 10 (what Node 20 ships), which runs onnxruntime-node's installer.
 *
 * Not part of the default `npm test` (it needs the registry and downloads ~130 MB):
 * `npm run test:pack`, which `.ci/run` runs on every supported Node version.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * The environment of a user's shell: the variables the npm running this test exports to its
 * scripts (npm_config_*, npm_package_*, …) are dropped, so they cannot configure the inner npm;
 * ONNXRUNTIME_NODE_INSTALL=skip is what the README tells users to set.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', NO_UPDATE_NOTIFIER: '1' };
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/**
 * Asynchronous on purpose: an install takes a minute, and a synchronous child would block the
 * vitest worker's event loop long enough for its RPC to the main process to time out.
 */
function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const result = (status: number | null, error?: Error): RunResult => ({
      status,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      ...(error ? { error } : {}),
    });
    child.on('error', (e) => done(result(null, e)));
    child.on('close', (code) => done(result(code)));
  });
}

function ok(r: RunResult, what: string): RunResult {
  expect(r.error, `${what}: ${r.error?.message}`).toBeUndefined();
  expect(r.status, `${what} exited ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  return r;
}

/** npm's warnings about configuration it does not know (`Unknown project config "…"`, env, user, cli). */
const UNKNOWN_CONFIG = /unknown\s+(\w+\s+)?config/i;

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

describe('the packed tarball installed into an empty project', () => {
  let tmp: string;
  let app: string;
  let pack: PackResult;
  let packStderr: string;
  let installStderr: string;
  let cache: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    tmp = mkdtempSync(join(tmpdir(), 'mlp-pack-'));
    app = join(tmp, 'app');
    mkdirSync(app);
    // --ignore-scripts: dist/ is already built; `prepare` would build it again.
    const packed = ok(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT), 'npm pack');
    packStderr = packed.stderr;
    const [first] = JSON.parse(packed.stdout) as PackResult[];
    if (first === undefined) throw new Error(`npm pack --json printed no entry: ${packed.stdout}`);
    pack = first;
    // An empty project, with the allowScripts denials the README recommends for npm >= 11.16.
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', allowScripts: { 'onnxruntime-node': false, protobufjs: false } }, null, 2),
    );
    cache = join(tmp, 'npm-cache'); // fresh: nothing comes from this machine's cache
    const install = ok(
      await run('npm', ['install', join(tmp, pack.filename), '--cache', cache, '--prefer-offline', '--no-audit', '--no-fund'], app),
      'npm install <tarball>',
    );
    installStderr = install.stderr;
  }, 600_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('holds dist/, the bin, the schemas, the precompiled validator, README, LICENSE and docs, and no tests, benches or fixtures', () => {
    const paths = pack.files.map((f) => f.path);
    for (const required of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/mlpipeline.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/core/onnx-builder.js',
      'dist/core/onnx-builder.d.ts',
      'dist/danger/index.js',
      'dist/danger/index.d.ts',
      'danger/README.md',
      'pipeline-schema/mlpipeline.schema.json',
      'pipeline-schema/run.schema.json',
      'pipeline-schema/mlpipeline.validate.cjs',
      'docs/README.md',
    ]) {
      expect(paths, required).toContain(required);
    }
    const unwanted = paths.filter((p) => /(^|\/)(test|tests|fixtures|bench|examples)\//.test(p) || /\.test\.(ts|js|d\.ts)/.test(p) || /tsbuildinfo|demo\.|validator-codegen/.test(p));
    expect(unwanted).toEqual([]);
    expect(paths.filter((p) => p.startsWith('node_modules/'))).toEqual([]);
  });

  it('ships source maps and declaration maps whose sources are in the tarball', () => {
    const paths = new Set(pack.files.map((f) => f.path));
    for (const map of ['dist/cli/main.js.map', 'dist/index.d.ts.map', 'dist/runners/gates/gates.js.map']) {
      expect(paths.has(map), map).toBe(true);
      const installed = join(app, 'node_modules', 'mlpipeline', map);
      const { sources } = JSON.parse(readFileSync(installed, 'utf8')) as { sources: string[] };
      expect(sources.length).toBeGreaterThan(0);
      for (const s of sources) expect(existsSync(resolve(dirname(installed), s)), `${map} -> ${s}`).toBe(true);
    }
  });

  it('packs and installs without npm warning about unknown config', () => {
    expect(packStderr).not.toMatch(UNKNOWN_CONFIG);
    expect(installStderr).not.toMatch(UNKNOWN_CONFIG);
    // What npm may still say is its install-scripts review notice; nothing else.
    const warnings = installStderr.split('\n').filter((l) => /^npm warn/i.test(l) && !/^npm warn install-scripts/i.test(l));
    expect(warnings).toEqual([]);
  });

  it('installs onnxruntime-node with its bundled CPU binaries and no downloaded CUDA ones', () => {
    const bin = join(app, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', process.arch);
    if (process.platform === 'linux') {
      expect(existsSync(join(bin, 'onnxruntime_binding.node'))).toBe(true);
      expect(existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))).toBe(false);
    }
  });

  it('runs `npx mlpipeline --version`', async () => {
    const r = ok(await run('npx', ['--no-install', 'mlpipeline', '--version'], app), 'npx mlpipeline --version');
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('validates a copy of examples/churn, and reports a broken copy as file:line:col with a fix', async () => {
    const churn = join(app, 'churn');
    cpSync(join(ROOT, 'examples', 'churn'), churn, { recursive: true });
    ok(await run('npx', ['--no-install', 'mlpipeline', 'validate'], churn), 'npx mlpipeline validate');

    const yaml = readFileSync(join(churn, 'mlpipeline.yaml'), 'utf8');
    expect(yaml).toMatch(/^stages:$/m);
    writeFileSync(join(churn, 'mlpipeline.yaml'), yaml.replace(/^stages:$/m, 'stagez:'));
    const bad = await run('npx', ['--no-install', 'mlpipeline', 'validate'], churn);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/mlpipeline\.yaml:\d+:\d+: /);
    expect(bad.stderr).toMatch(/fix: /);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('imports `mlpipeline` and `mlpipeline/onnx` at run time, and the built model runs in onnxruntime-node', async () => {
    const script = [
      "const api = await import('mlpipeline');",
      "const onnx = await import('mlpipeline/onnx');",
      "const { createRequire } = await import('node:module');",
      // onnxruntime-node as mlpipeline itself resolves it, wherever npm placed it.
      "const ort = createRequire(import.meta.resolve('mlpipeline'))('onnxruntime-node');",
      'const bytes = onnx.logisticRegressionOnnx({ weights: [2, -1], bias: 0.5 });',
      'const session = await ort.InferenceSession.create(bytes);',
      "const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from([1, 0, 0, 3]), [2, 2]) });",
      'console.log(JSON.stringify({ runCli: typeof api.runCli, ConfigError: typeof api.ConfigError, labels: Array.from(out.label.data, Number) }));',
    ].join('\n');
    const r = ok(await run(process.execPath, ['--input-type=module', '-e', script], app), 'node -e import(...)');
    // logit = 2*x0 - x1 + 0.5: row (1, 0) → 2.5 → label 1; row (0, 3) → -2.5 → label 0.
    expect(JSON.parse(r.stdout.trim())).toEqual({ runCli: 'function', ConfigError: 'function', labels: [1, 0] });
  });

  it('imports `mlpipeline/danger` at run time without danger installed, and its rules decide', async () => {
    // danger injects its globals into a dangerfile; the plugin must not need the package itself.
    expect(existsSync(join(app, 'node_modules', 'danger'))).toBe(false);
    const script = [
      "const d = await import('mlpipeline/danger');",
      "const rules = d.parseCodeowners('* @org/all\\n/mlpipeline.yaml @org/ml-leads\\n');",
      "const big = d.largeFiles({ files: [{ path: 'model.onnx', size: 2048 }], maxBytes: 10, modelExtensions: ['.onnx'] });",
      "let outside = '';",
      'try { await d.mlpipeline({}); } catch (e) { outside = e.message; }',
      "console.log(JSON.stringify({ mlpipeline: typeof d.mlpipeline, owners: d.ownersOf(rules, 'mlpipeline.yaml').owners, big: big.map((f) => f.level), outside }));",
    ].join('\n');
    const r = ok(await run(process.execPath, ['--input-type=module', '-e', script], app), 'node -e import(mlpipeline/danger)');
    expect(JSON.parse(r.stdout.trim())).toEqual({ mlpipeline: 'function', owners: ['@org/ml-leads'], big: ['warn'], outside: expect.stringContaining("danger's globals are missing") });
  });

  it('installs with npm 10 (Node 20\'s own npm, which runs every install script) given ONNXRUNTIME_NODE_INSTALL=skip', async () => {
    // npm 10 ignores allowScripts, so onnxruntime-node's postinstall runs; the variable makes it
    // skip the CUDA download (offline it would fail the install: getaddrinfo ENOTFOUND api.nuget.org).
    const npm10 = join(tmp, 'npm10');
    ok(await run('npm', ['install', '--prefix', npm10, '--no-save', '--no-package-lock', '--cache', cache, '--no-audit', '--no-fund', 'npm@10'], tmp), 'npm install npm@10');
    const cli = join(npm10, 'node_modules', 'npm', 'bin', 'npm-cli.js');
    expect(ok(await run(process.execPath, [cli, '--version'], tmp), 'npm@10 --version').stdout.trim()).toMatch(/^10\./);
    const app10 = join(tmp, 'app-npm10');
    mkdirSync(app10);
    writeFileSync(join(app10, 'package.json'), JSON.stringify({ name: 'consumer-npm10', private: true, type: 'module' }));
    const r = ok(
      await run(process.execPath, [cli, 'install', join(tmp, pack.filename), '--cache', cache, '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'], app10),
      'npm@10 install <tarball>',
    );
    expect(r.stdout + r.stderr).toContain('onnxruntime-node@'); // its postinstall did run
    expect(r.stderr).not.toMatch(UNKNOWN_CONFIG);
    const bin = join(app10, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch);
    expect(existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))).toBe(false);
    const v = ok(await run(process.execPath, [join(app10, 'node_modules', 'mlpipeline', 'bin', 'mlpipeline.js'), '--version'], app10), 'mlpipeline --version');
    expect(v.stdout.trim()).toBe(VERSION);
  });

  it('type-checks a consumer importing `mlpipeline`, `mlpipeline/onnx` and `mlpipeline/danger` (declarations resolved through `exports`)', async () => {
    const dir = join(app, 'ts');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'consumer.ts'),
      [
        "import { runCli, ConfigError, isMlpipelineError, type SourceLocation } from 'mlpipeline';",
        "import type { Pipeline, Task } from 'mlpipeline';",
        "import { logisticRegressionOnnx, buildOnnxModel, type ModelSpec } from 'mlpipeline/onnx';",
        "import { mlpipeline, collectFindings, type Finding, type MlpipelineDangerOptions } from 'mlpipeline/danger';",
        '',
        "const code: Promise<number> = runCli(['--version']);",
        "const task: Task = 'regression';",
        'const name = (p: Pipeline): string => p.name;',
        'const bytes: Uint8Array = logisticRegressionOnnx({ weights: [1], bias: 0 });',
        'const spec: ModelSpec | undefined = undefined;',
        "const where: SourceLocation = { file: 'mlpipeline.yaml', line: 1, column: 1 };",
        'const known = (e: unknown): boolean => isMlpipelineError(e) || e instanceof ConfigError;',
        '// The declarations are real types, not `any`: a wrong call is an error.',
        '// @ts-expect-error runCli takes an argv array',
        "void runCli('--version');",
        "const rules: MlpipelineDangerOptions = { freshResults: { paths: ['src/**'] }, largeFiles: { maxBytes: 5e6 }, drift: { top: 3 } };",
        'const found = (f: Finding[]): string[] => f.map((x) => x.text);',
        '// @ts-expect-error an unknown rule setting is an error',
        'const wrong: MlpipelineDangerOptions = { largeFiles: { maxMegabytes: 5 } };',
        'export { code, task, name, bytes, spec, where, known, buildOnnxModel, mlpipeline, collectFindings, rules, found, wrong };',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const r = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], dir);
    expect(r.status, `tsc:\n${r.stdout}${r.stderr}`).toBe(0);
  });
});
