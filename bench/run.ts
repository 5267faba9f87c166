/**
 * `npm run bench [-- NAME ...]`: every benchmark measures our code and the reference side by
 * side in one run and prints the ratio. Names: see BENCHES below.
 */
const BENCHES: Record<string, () => Promise<{ default: (opts: { quick: boolean }) => void | Promise<void> }>> = {
  stages: () => import('./stages.js'),
  data: () => import('./data.js'),
  evaluate: () => import('./evaluate.js'),
  registry: () => import('./registry.js'),
  report: () => import('./report.js'),
  'action-start': () => import('./action-start.js'),
  compile: () => import('./compile.js'),
};

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const names = args.filter((a) => !a.startsWith('--'));
const selected = names.length ? names : Object.keys(BENCHES);
for (const name of selected) {
  const load = BENCHES[name];
  if (!load) {
    process.stderr.write(`bench: unknown benchmark '${name}'; choose from ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  const mod = await load();
  process.stdout.write(`\n# bench: ${name}${quick ? ' (quick)' : ''}\n`);
  await mod.default({ quick });
}
