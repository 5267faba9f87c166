#!/usr/bin/env node
/**
 * Bundles every JavaScript action: actions/<name>/main.ts -> actions/<name>/dist/index.js, one ESM
 * file for the runner's node24 with its dependencies inside (the way actions/typescript-action
 * ships them: committed, so `uses: …/actions/<name>@ref` needs no install). actions/github/ is
 * the adapter, not an action.
 *
 *   node .ci/bundle-actions.mjs          write the bundles
 *   node .ci/bundle-actions.mjs --check  rebuild into a temp dir and exit 1 when a committed
 *                                        bundle differs (stale) or is missing — CI runs this
 *
 * Packages listed in an action's `bundle.external` (actions/<name>/bundle.json) stay outside the
 * bundle: native addons such as onnxruntime-node cannot be inlined; the action installs them
 * (see its action.yml).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

/** Every folder under actions/ with a main.ts, except the adapter. */
function actionNames() {
  const dir = join(root, 'actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'github' && existsSync(join(dir, d.name, 'main.ts')))
    .map((d) => d.name)
    .sort();
}

function externals(name) {
  const file = join(root, 'actions', name, 'bundle.json');
  if (!existsSync(file)) return [];
  const config = JSON.parse(readFileSync(file, 'utf8'));
  return Array.isArray(config.external) ? config.external : [];
}

async function bundle(name, outfile) {
  await build({
    absWorkingDir: root,
    // Relative entry and working dir: the path comments esbuild writes are the same on every machine.
    entryPoints: [join('actions', name, 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outfile,
    external: externals(name),
    legalComments: 'none',
    // A worktree whose node_modules is a symlink must produce the same bytes as a clean clone:
    // without this the path comments name the symlink's target (`../main/node_modules/...`).
    preserveSymlinks: true,
    logLevel: 'error',
    // CommonJS dependencies (bottleneck, tunnel, …) call require: give the ESM bundle one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}

const names = actionNames();
if (!check) {
  for (const name of names) {
    const out = join(root, 'actions', name, 'dist', 'index.js');
    await bundle(name, out);
    console.log(`bundled ${relative(root, out)} (${readFileSync(out).length} bytes)`);
  }
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'mlpipeline-bundle-check-'));
  const stale = [];
  try {
    for (const name of names) {
      const committed = join(root, 'actions', name, 'dist', 'index.js');
      const fresh = join(tmp, name, 'index.js');
      mkdirSync(dirname(fresh), { recursive: true });
      await bundle(name, fresh);
      if (!existsSync(committed) || !readFileSync(committed).equals(readFileSync(fresh))) stale.push(relative(root, committed));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (stale.length > 0) {
    console.error(`stale action bundle${stale.length > 1 ? 's' : ''}: ${stale.join(', ')}\nfix: run \`npm run bundle\` and commit the result`);
    process.exit(1);
  }
  console.log(`action bundles up to date: ${names.map((n) => `actions/${n}/dist/index.js`).join(', ') || '(no actions)'}`);
}
