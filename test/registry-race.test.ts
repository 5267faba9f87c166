import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_ENV, cloneRepo, seedRemote, tempDir, type Repo } from './registry-fixture.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Each racer is a plain Node process running the built CLI (dist/), as users run it.
const RACER = join(ROOT, 'test', 'registry-racer.mjs');

interface RacerResult {
  attempts: number[];
  reruns: number;
}

/** Start every racer, wait until all have loaded, release them together, collect their results. */
async function race(goFile: string, racers: { dir: string; environment: string }[], count: number, versions: string[]): Promise<RacerResult[]> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does it for you)');
  const children = racers.map((r, i) =>
    spawn(process.execPath, [RACER, goFile, r.dir, String(i), r.environment, String(count), ...versions], {
      cwd: ROOT,
      env: BASE_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const outputs = children.map((c) => {
    let out = '';
    let err = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const ready = new Promise<void>((resolve) => {
      const check = () => (out.includes('ready\n') ? resolve() : c.stdout.once('data', check));
      check();
    });
    const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => c.on('close', (code) => resolve({ code, out, err })));
    return { ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  writeFileSync(goFile, 'go\n');
  const results = await Promise.all(outputs.map((o) => o.done));
  return results.map((r, i) => {
    expect(r.code, `racer ${i} failed:\n${r.err}`).toBe(0);
    const last = r.out.trim().split('\n').at(-1)!;
    expect(last.startsWith('{'), `racer ${i} printed no result:\n${r.out}\n${r.err}`).toBe(true);
    return JSON.parse(last) as RacerResult;
  });
}

/**
 * Three clones of one bare remote, each driven by its own process, promote the same model as
 * fast as they can, released together. The per-model counter N must come out unique and
 * contiguous, with every promotion landed and claimed. (The retry path itself is exercised
 * deterministically in registry.test.ts; here the collisions are real and their number varies.)
 */
describe('concurrent promotions from several processes against one remote', () => {
  const tmp = tempDir();
  const PER_RACER = 6;
  const RACERS = 3;
  const versions = ['v1.0.0', 'v1.1.0', 'v1.2.0'];
  let clones: Repo[];
  let bare: string;
  beforeAll(async () => {
    ({ bare } = await seedRemote(tmp.path, 'environments:\n  staging: {require_gates: false}\n  canary: {require_gates: false}\n', versions));
    clones = Array.from({ length: RACERS }, (_, i) => cloneRepo(bare, join(tmp.path, `clone${i}`)));
  });
  afterAll(() => tmp.cleanup());

  it('never reuses a counter and loses nothing', async () => {
    // Different environments too: the counter is per model, so even tags with different names race.
    const results = await race(
      join(tmp.path, 'go'),
      clones.map((c, i) => ({ dir: c.dir, environment: i === 2 ? 'canary' : 'staging' })),
      PER_RACER,
      versions,
    );
    const tags = execFileSync('git', ['for-each-ref', '--format=%(refname:strip=2) %(taggername)', 'refs/tags/churn#*'], { cwd: bare, encoding: 'utf8' })
      .trim()
      .split('\n');
    const counters = tags.map((t) => Number(/#(\d+) /.exec(t)![1])).sort((a, b) => a - b);
    expect(counters).toEqual(Array.from({ length: PER_RACER * RACERS }, (_, i) => i + 1));
    // Every racer landed every one of its promotions, each exactly once.
    for (let i = 0; i < RACERS; i++) {
      expect(tags.filter((t) => t.endsWith(` racer${i}`))).toHaveLength(PER_RACER);
      expect(results[i]!.attempts).toHaveLength(PER_RACER);
    }
    const claims = execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/mlpipeline/counters/churn/'], { cwd: bare, encoding: 'utf8' }).trim().split('\n');
    expect(claims).toHaveLength(PER_RACER * RACERS);
    // Each clone's local tags agree with the remote's: a lost attempt left no stray local tag.
    for (const c of clones) {
      const local = c.git('for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/tags/churn#*').trim().split('\n');
      const remote = new Set(execFileSync('git', ['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/tags/churn#*'], { cwd: bare, encoding: 'utf8' }).trim().split('\n'));
      for (const t of local) expect(remote.has(t), t).toBe(true);
    }
    if (process.env.MLPIPELINE_SHOW_RACES) console.log(JSON.stringify(results));
    // Bounded: each promotion gives up after 10 attempts (backing off at most 2 s each), and a
    // racer re-runs a given-up promotion at most 5 times; typically this takes a few seconds.
  }, 180_000);
});
