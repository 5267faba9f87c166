/**
 * One `mlpipeline` invocation in its own process, for tests that need real concurrency or a
 * real kill -9: a plain Node process on the built CLI (dist/, which `npm test` builds first). It loads
 * the CLI, prints `ready`, waits until <go file> exists (`-` = do not wait) so several children
 * start together, runs the command in <dir>, prints its stdout and stderr and exits with its code.
 *
 * argv: <go file | -> <dir> <mlpipeline args>...
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { bufferIo } from '../dist/cli/context.js';
import { runCli } from '../dist/cli/main.js';

const [goFile, dir, ...args] = process.argv.slice(2);
process.stdout.write('ready\n');
if (goFile !== '-') while (!existsSync(goFile)) await sleep(5);
const io = bufferIo();
const code = await runCli(args, { io, cwd: dir });
process.stdout.write(io.stdout);
process.stderr.write(io.stderr);
process.exit(code);
