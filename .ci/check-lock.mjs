#!/usr/bin/env node
// CI check: every package in package-lock.json can be fetched and verified on any platform.
// Fails on an entry without an sha512 `integrity` (the root and workspace links excepted) and on
// an optional dependency (a platform binary such as @rollup/rollup-darwin-arm64) that the lock
// does not hold at all, which is what npm writes when the registry it resolved against lacked it.
// Fix either by regenerating the lock against a complete registry: rm package-lock.json && npm install
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};
const problems = [];

if (lock.lockfileVersion < 2) problems.push(`lockfileVersion ${lock.lockfileVersion}: npm 7+ writes 3; regenerate the lock`);

/** The entry Node's resolution would find for `name` required from the package at `from`. */
function lookup(from, name) {
  let dir = from;
  for (;;) {
    const entry = packages[(dir ? `${dir}/` : '') + `node_modules/${name}`];
    if (entry) return entry;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

for (const [path, entry] of Object.entries(packages)) {
  if (path !== '' && !entry.link) {
    if (!entry.integrity) problems.push(`${path}@${entry.version}: no integrity`);
    else if (!String(entry.integrity).startsWith('sha512-')) problems.push(`${path}@${entry.version}: integrity is not sha512 (${entry.integrity})`);
    if (entry.resolved && !/^https:\/\//.test(entry.resolved)) problems.push(`${path}@${entry.version}: resolved is not an https URL (${entry.resolved})`);
  }
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!lookup(path, name)) problems.push(`${path || '(root)'}: optional dependency ${name} is not in the lock`);
  }
}

if (problems.length > 0) {
  process.stderr.write(`${file}: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.stderr.write('fix: regenerate the lock against a registry that has every package: rm package-lock.json && npm install\n');
  process.exit(1);
}
process.stdout.write(`${file}: ${Object.keys(packages).length - 1} packages, every one with an sha512 integrity and every optional dependency locked\n`);
