/**
 * One racer of test/registry-race.test.ts, run as its own plain Node process on the built CLI
 * (dist/, which `npm test` builds first; plain JavaScript, so no TypeScript loader is needed).
 * It loads the CLI, prints `ready`, waits until the file <go file> exists so every racer starts
 * together (a file rather than stdin, so a closed stdin cannot end a racer early), then promotes
 * COUNT times in a row and prints one JSON line:
 * the attempts each promotion took and how many times it had to be re-run after exhausting its
 * retries (the documented "run the command again").
 *
 * argv: <go file> <clone dir> <racer id> <environment> <count> <version>...
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { bufferIo } from '../dist/cli/context.js';
import { runCli } from '../dist/cli/main.js';

const [goFile, dir, id, environment, countText, ...versions] = process.argv.slice(2);
const env = { ...process.env, GIT_COMMITTER_NAME: `racer${id}`, GIT_COMMITTER_EMAIL: `racer${id}@example.com` };

process.stdout.write('ready\n');
while (!existsSync(goFile)) await sleep(5);

/** @type {number[]} */
const attempts = [];
let reruns = 0;
for (let i = 0; i < Number(countText); i++) {
  const version = versions[i % versions.length];
  for (;;) {
    const io = bufferIo();
    const code = await runCli(['promote', `churn@${version}`, '--to', environment, '--push', '--json'], { io, cwd: dir, env });
    if (code === 0) {
      attempts.push(JSON.parse(io.stdout).attempts);
      break;
    }
    if (/attempts all lost the race/.test(io.stderr) && reruns < 5) {
      reruns++;
      continue;
    }
    process.stderr.write(`racer ${id}: promote ${version} exited ${code}: ${io.stderr}`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify({ attempts, reruns }) + '\n');
