/**
 * Entry point of the report action. The first log line goes out before anything heavy is
 * loaded (the GitHub client, Ajv, the renderers, the artifact client), so a runner's log shows
 * the step alive at once; everything else is initialised on the dynamic import.
 */
process.stdout.write('mlpipeline report: starting\n');

const [{ runAction }, { report }] = await Promise.all([import('../github/runtime.js'), import('./report.js')]);
await runAction(report);
