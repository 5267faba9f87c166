#!/usr/bin/env node
// The published entry point: a thin shim over the compiled CLI so `npx mlpipeline` works
// from the repo root and from any example folder.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('mlpipeline: the CLI is not built yet.\n  fix: run `npm ci` (or `npm run build`) in the mlpipeline package first.\n');
  process.exit(2);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
