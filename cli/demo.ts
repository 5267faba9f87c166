/**
 * `npm run demo`: play a pull request on the bundled example, in a throw-away Git repository so
 * the user's own repository (and its tags) are never touched. Every step is the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { formatDuration } from '../reports/run-text.js';

const root = packageRoot();
const bin = join(root, 'bin', 'mlpipeline.js');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'mlpipeline-demo-'));
const repo = join(work, 'churn');

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
let failures = 0;

function step(title: string): void {
  process.stdout.write(`\n${bold(`━━ ${title}`)}\n`);
}

function sh(cmd: string, args: string[], quiet = false): string {
  const r = spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', env: demoEnv });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  }
  if (!quiet && r.stdout) process.stdout.write(r.stdout);
  return r.stdout;
}

/** Run the CLI; `expect` is the exit code this step must have (-1: a verdict, 0 or 1, is the point). */
function mlp(args: string[], expect = 0): number {
  process.stdout.write(`$ mlpipeline ${args.join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, stdio: 'inherit', env: demoEnv });
  const code = r.status ?? 1;
  process.stdout.write(`  → exit ${code} in ${formatDuration(Date.now() - started)}\n`);
  if (expect >= 0 && code !== expect) {
    failures++;
    process.stdout.write(`  ✗ expected exit ${expect}\n`);
  }
  return code;
}

const demoEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dana Scientist',
  GIT_AUTHOR_EMAIL: 'dana@example.com',
  GIT_COMMITTER_NAME: 'Dana Scientist',
  GIT_COMMITTER_EMAIL: 'dana@example.com',
  GITHUB_ACTOR: '',
  FORCE_COLOR: '0',
};

try {
  step('Set up: a copy of examples/churn in a fresh Git repository');
  cpSync(join(root, 'examples', 'churn'), repo, {
    recursive: true,
    filter: (src) => !/[/\\](data|model|metrics|\.mlpipeline)([/\\]|$)/.test(src.slice(join(root, 'examples', 'churn').length)),
  });
  // The example's scripts import `mlpipeline/onnx`, `yaml` and `onnxruntime-node`, as a user's
  // project would with mlpipeline installed: link this package and its dependencies in.
  mkdirSync(join(repo, 'node_modules'));
  symlinkSync(root, join(repo, 'node_modules', 'mlpipeline'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', entry), join(repo, 'node_modules', entry));
  }
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n.mlpipeline/\n');
  sh('git', ['init', '-q', '-b', 'main']);
  process.stdout.write(`repository: ${repo}\n`);

  step('1. The pipeline file is valid');
  mlp(['validate']);

  step('2. Run the pipeline on main (every stage runs)');
  mlp(['run']);
  sh('git', ['add', '-A']);
  sh('git', ['commit', '-q', '-m', 'Train the first churn model']);

  step('3. Run again with nothing changed (every stage skipped)');
  mlp(['run']);

  step('4. A pull request: change the regularisation on a branch (only training re-runs)');
  sh('git', ['checkout', '-q', '-b', 'feature/stronger-l2']);
  const params = readFileSync(join(repo, 'params.yaml'), 'utf8');
  const changed = params.replace(/^(\s*l2:\s*)([0-9.eE+-]+)/m, (_m, p: string, v: string) => `${p}${Number(v) * 10 || 0.1}`);
  writeFileSync(join(repo, 'params.yaml'), changed);
  mlp(['status']);
  mlp(['run']);

  step('5. What changed against main');
  mlp(['params', 'diff', 'main']);
  mlp(['metrics', 'diff', 'main']);

  step('6. Data validation, with drift against main');
  const dataCode = mlp(['validate-data', '--baseline-ref', 'main'], -1);
  if (dataCode !== 0 && dataCode !== 1) failures++;

  step('7. Evaluate the ONNX model against the model on main, then apply the gates');
  mlp(['evaluate', '--baseline-ref', 'main']);
  const gateCode = mlp(['gate'], -1);
  if (gateCode !== 0 && gateCode !== 1) failures++;

  step('8. Put the parameter back: the model is restored from cache, not retrained');
  writeFileSync(join(repo, 'params.yaml'), params);
  mlp(['run']);
  sh('git', ['diff', '--stat', 'main', '--', 'model']);
  process.stdout.write('(no diff above: the restored model is byte-identical to main\'s)\n');

  step('9. Register the model, promote it to staging and bump its GitOps manifest (deploy/staging.yaml)');
  sh('git', ['checkout', '-q', 'main']);
  mlp(['run']);
  mlp(['evaluate']);
  mlp(['gate'], -1);
  mlp(['register', 'churn', '--version', 'v1.0.0']);
  mlp(['promote', 'churn@v1.0.0', '--to', 'staging', '--deploy']);
  process.stdout.write('\nThe commit Argo CD or Flux would sync: only the manifest, the lineage in its trailers:\n$ git show --stat HEAD\n');
  sh('git', ['show', '--stat', '--format=commit %H%n%n%B', 'HEAD']);
  mlp(['deploy', 'churn', '--env', 'staging']);
  mlp(['registry']);
  mlp(['lineage', 'churn#staging']);
  mlp(['verify', 'churn@v1.0.0']);

  step('10. Back on the pull request: the report a reviewer reads (local, no token, no network)');
  sh('git', ['checkout', '-q', 'feature/stronger-l2']);
  writeFileSync(join(repo, 'params.yaml'), changed);
  mlp(['run']);
  mlp(['evaluate', '--baseline-ref', 'main']);
  mlp(['gate'], -1);
  mlp(['report']);
  const comment = join(repo, '.mlpipeline', 'report', 'comment.md');
  process.stdout.write(`\nThe PR comment is ${comment}${keep ? '' : ' (removed at exit; npm run demo -- --keep keeps it)'}; its first lines:\n\n${readFileSync(comment, 'utf8').split('\n').slice(0, 12).join('\n')}\n…\n`);
} catch (e) {
  failures++;
  process.stderr.write(`demo: ${(e as Error).message}\n`);
} finally {
  if (keep) process.stdout.write(`\nkept: ${repo}\n`);
  else rmSync(work, { recursive: true, force: true });
}

process.stdout.write(failures === 0 ? '\nDemo finished: every step behaved as expected.\n' : `\nDemo finished with ${failures} unexpected result(s).\n`);
process.exitCode = failures === 0 ? 0 : 1;
