/**
 * Cold start of the report action (issue 11: "prints its first log line within a second"): ms
 * from spawning `node actions/report/dist/index.js` to its first byte on stdout (median of 10;
 * quick: 5), against a bare `node -e` that prints one line, in the same run; and the bundle size.
 * The bundle runs with an empty environment, so after its first line it stops at "not on a runner".
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { printTable } from './harness.js';

function firstLine(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'ignore'] });
    let ms = -1;
    child.stdout.once('data', () => (ms = Number(process.hrtime.bigint() - t) / 1e6));
    child.on('error', reject);
    child.on('close', () => (ms < 0 ? reject(new Error(`no output from node ${args.join(' ')}`)) : resolve(ms)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const bundle = join(packageRoot(), 'actions', 'report', 'dist', 'index.js');
  const runs = quick ? 5 : 10;
  const ours: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(await firstLine([bundle]));
    floor.push(await firstLine(['-e', "process.stdout.write('x\\n')"]));
  }
  const a = median(ours);
  const b = median(floor);
  printTable(`report action: spawn to first log line (median of ${runs})`, [
    { name: 'node actions/report/dist/index.js', seconds: a / 1000, ms: a.toFixed(0), ratio: `${(a / b).toFixed(1)}x` },
    { name: 'node -e (one line, floor)', seconds: b / 1000, ms: b.toFixed(0), ratio: '1x' },
  ]);
  process.stdout.write(`\nbundle: ${statSync(bundle).size} bytes\n`);
}
