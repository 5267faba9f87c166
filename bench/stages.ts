/**
 * A pipeline run where nothing changed, over ~1 GB of dependencies (8 × 128 MiB; `--quick`:
 * 4 × 16 MiB), against a bare `sha256sum` of the same files in the same run. mlpipeline should
 * not re-read anything: the hash cache (path, size, mtime, ctime, inode) answers, so the no-op run
 * costs about a Node start-up, while sha256sum has to read every byte.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { hasCommand, measure, printTable } from './harness.js';

const MiB = 1 << 20;

function generate(dir: string, files: number, sizeMiB: number): string[] {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const block = randomBytes(MiB);
  const paths: string[] = [];
  for (let f = 0; f < files; f++) {
    const p = join(dir, 'data', `part-${f}.bin`);
    const fd = openSync(p, 'w');
    for (let i = 0; i < sizeMiB; i++) {
      // Vary every block so no two files or blocks are alike.
      block.writeUInt32LE(f * 100_000 + i, 0);
      writeSync(fd, block);
    }
    closeSync(fd);
    paths.push(p);
  }
  return paths;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export default function bench(opts: { quick: boolean }): void {
  const files = opts.quick ? 4 : 8;
  const sizeMiB = opts.quick ? 16 : 128;
  const dir = mkdtempSync(join(tmpdir(), 'mlp-bench-stages-'));
  const cli = join(packageRoot(), 'bin', 'mlpipeline.js');
  try {
    const t0 = performance.now();
    const paths = generate(dir, files, sizeMiB);
    process.stdout.write(`generated ${files} × ${sizeMiB} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s under ${dir}\n`);
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      'version: 1\nname: bench\nstages:\n  train:\n    cmd: echo trained > model.txt\n    deps: [data]\n    outs: [model.txt]\n',
    );

    // Warm: the first run hashes everything and runs the stage; the second settles entries for
    // files written in the last moments (the racy-clean window), as a later CI run would see.
    const first = measure('node', [cli, 'run'], { cwd: dir });
    if (first.code !== 0) throw new Error(`bench: first run failed: ${first.stderr}`);
    measure('node', [cli, 'run'], { cwd: dir });

    const runs = [0, 1, 2].map(() => measure('node', [cli, 'run', '--json'], { cwd: dir }));
    for (const r of runs) {
      const doc = JSON.parse(r.stdout) as { stages: { status: string }[] };
      if (r.code !== 0 || doc.stages.some((s) => s.status !== 'skipped')) throw new Error(`bench: the no-op run was not a no-op: ${r.stdout}`);
    }
    const noop = median(runs.map((r) => r.seconds));
    const noopRss = Math.max(...runs.map((r) => r.maxRssMb));

    const shaCmd = hasCommand('sha256sum') ? ['sha256sum'] : ['shasum', '-a', '256'];
    const shas = [0, 1, 2].map(() => measure(shaCmd[0]!, [...shaCmd.slice(1), ...paths]));
    const sha = median(shas.map((r) => r.seconds));
    const gib = (files * sizeMiB) / 1024;
    printTable(`no-op run over ${files * sizeMiB} MiB of deps (median of 3; page cache warm for both)`, [
      { name: 'mlpipeline run (cold: hashes all, runs stage)', seconds: first.seconds, 'GiB/s': gib / first.seconds, 'peak MB': first.maxRssMb },
      { name: 'mlpipeline run (no-op)', seconds: noop, 'GiB/s': '-', 'peak MB': noopRss },
      { name: `${shaCmd.join(' ')} of the same files`, seconds: sha, 'GiB/s': gib / sha, 'peak MB': Math.max(...shas.map((r) => r.maxRssMb)) },
    ]);
    process.stdout.write(`\nratio: sha256sum / no-op mlpipeline run = ${(sha / noop).toFixed(1)}× (no-op target: < 1 s; measured ${noop.toFixed(3)} s)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
