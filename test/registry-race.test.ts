import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BASE_ENV, makeRepo, openRepo, tempDir, type Repo } from './registry-fixture.js';

/**
 * Several clones of one bare remote promote the same model at the same time, many rounds over.
 * The per-model counter N must come out unique and contiguous, with every promotion landed.
 */
describe('concurrent promotions from several clones against one remote', () => {
  const tmp = tempDir();
  const ROUNDS = 10;
  const RACERS = 3;
  let clones: Repo[];
  let bare: string;
  beforeAll(async () => {
    bare = join(tmp.path, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: BASE_ENV });
    const seed = makeRepo(join(tmp.path, 'seed'), { environments: 'environments:\n  staging: {require_gates: false}\n  canary: {require_gates: false}\n' });
    seed.git('remote', 'add', 'origin', bare);
    seed.git('push', '-q', 'origin', 'main');
    for (const v of ['v1.0.0', 'v1.1.0', 'v1.2.0']) {
      seed.write('model.onnx', v);
      seed.commit(v);
      seed.git('push', '-q', 'origin', 'main');
      expect((await seed.cli(['register', 'churn', '--version', v, '--push'])).code).toBe(0);
    }
    clones = [];
    for (let i = 0; i < RACERS; i++) {
      const dir = join(tmp.path, `clone${i}`);
      execFileSync('git', ['clone', '-q', bare, dir], { env: BASE_ENV });
      clones.push(openRepo(dir));
    }
  });
  afterAll(() => tmp.cleanup());

  it('never reuses a counter and loses nothing', async () => {
    const versions = ['v1.0.0', 'v1.1.0', 'v1.2.0'];
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all(
        clones.map((c, i) =>
          // Different environments too: the counter is per model, so even tags with different names race.
          c.cli(['promote', `churn@${versions[(round + i) % 3]}`, '--to', i === 2 ? 'canary' : 'staging', '--push'], {
            GIT_COMMITTER_NAME: `racer${i}`,
            GIT_COMMITTER_EMAIL: `racer${i}@example.com`,
          }),
        ),
      );
      for (const r of results) expect(r.stderr, r.stdout).toBe('');
      lost += results.filter((r) => r.stdout.includes('lost race')).length;
      expect(results.map((r) => r.code)).toEqual(Array(RACERS).fill(0));
    }
    const tags = execFileSync('git', ['for-each-ref', '--format=%(refname:strip=2) %(taggername)', 'refs/tags/churn#*'], { cwd: bare, encoding: 'utf8' })
      .trim()
      .split('\n');
    const counters = tags.map((t) => Number(/#(\d+) /.exec(t)![1])).sort((a, b) => a - b);
    expect(counters).toEqual(Array.from({ length: ROUNDS * RACERS }, (_, i) => i + 1));
    // Every racer landed every one of its promotions.
    for (let i = 0; i < RACERS; i++) expect(tags.filter((t) => t.endsWith(` racer${i}`))).toHaveLength(ROUNDS);
    const claims = execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/mlpipeline/counters/churn/'], { cwd: bare, encoding: 'utf8' }).trim().split('\n');
    expect(claims).toHaveLength(ROUNDS * RACERS);
    if (process.env.MLPIPELINE_SHOW_RACES) console.log(`promotions that lost at least one race and retried: ${lost}`);
  });
});
