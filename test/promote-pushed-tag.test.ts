/**
 * A registry tag pushed by hand that skips staging, checked by actions/promote on `push: tags`:
 * reported (a failed check naming the rule, the job summary) and, under `enforce: revert`,
 * undone by an unassign tag pushed to the origin.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promote, promoteWorld, remoteTags, REPO, type PromoteWorld } from './promote-world.js';
import { BASE_ENV, cloneRepo } from './registry-fixture.js';

const ENVS = (enforce: string) => `environments:
  staging: {}
  production:
    after: staging
    allowed: [alice, mallory]${enforce}
`;

/** mallory tags v1.0.0 for production with plain git (no staging first) and pushes the tag. */
function handPush(w: PromoteWorld, tag = 'churn#production#1'): void {
  const env = { ...BASE_ENV, GIT_COMMITTER_NAME: 'Mallory', GIT_COMMITTER_EMAIL: 'mallory@example.com' };
  execFileSync('git', ['tag', '-a', tag, '-m', 'straight to production', w.commits['v1.0.0']!], { cwd: w.clone.dir, env });
  execFileSync('git', ['push', '-q', 'origin', `refs/tags/${tag}`], { cwd: w.clone.dir, env });
}

function onPush(w: PromoteWorld, tag: string) {
  return promote(w, {}, { actor: 'mallory', ref: `refs/tags/${tag}`, event: { name: 'push', payload: { ref: `refs/tags/${tag}`, repository: { default_branch: 'main' }, sender: { login: 'mallory' } } } });
}

function checkRuns(w: PromoteWorld) {
  return [...w.gh.repo(REPO).checkRuns.values()].map((c) => c.run).filter((r) => r.name === 'mlpipeline / promotion policy');
}

/** What a fresh clone of the origin says production holds. */
function productionHolder(w: PromoteWorld): string {
  const dir = join(w.clone.dir, '..', `verify-${Date.now()}`);
  const fresh = cloneRepo(w.bare, dir);
  execFileSync('git', ['fetch', '-q', 'origin', 'refs/tags/*:refs/tags/*'], { cwd: fresh.dir, env: BASE_ENV });
  return execFileSync('git', ['for-each-ref', '--format=%(refname:short)', 'refs/tags/churn#production*'], { cwd: fresh.dir, env: BASE_ENV, encoding: 'utf8' }).trim();
}

describe('actions/promote on a pushed tag', () => {
  it('reports a hand-pushed tag that skips staging: a failed check and a summary naming the rule', async () => {
    const w = await promoteWorld(['v1.0.0'], ENVS(''));
    try {
      handPush(w);
      const r = await onPush(w, 'churn#production#1');
      expect(r.exitCode).toBe(1);
      expect(r.outputs).toMatchObject({ violation: 'order', 'revert-tag': '' });
      expect(r.stdout).toContain("churn#production#1 breaks the promotion policy: rule 'order'");
      const [run, ...more] = checkRuns(w);
      expect(more).toEqual([]);
      expect(run).toMatchObject({ head_sha: w.commits['v1.0.0'], conclusion: 'failure' });
      expect((run!.output as { summary: string }).summary).toContain('rule `order`');
      expect(r.summary).toContain('has not been in staging');
      expect(r.summary).toContain('Not reverted (`enforce: report`)');
      // Reported only: the tag stays.
      expect(remoteTags(w).filter((t) => t.includes('#'))).toEqual(['churn#production#1']);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);

  it('reverts it under enforce: revert, once', async () => {
    const w = await promoteWorld(['v1.0.0'], ENVS('\n    enforce: revert'));
    try {
      handPush(w);
      const r = await onPush(w, 'churn#production#1');
      expect(r.exitCode).toBe(1);
      expect(r.outputs).toMatchObject({ violation: 'order', 'revert-tag': 'churn#production!#2' });
      expect(remoteTags(w).filter((t) => t.includes('#'))).toEqual(['churn#production!#2', 'churn#production#1']);
      expect(productionHolder(w)).toContain('churn#production!#2');
      const message = execFileSync('git', ['for-each-ref', '--format=%(contents)', 'refs/tags/churn#production!#2'], { cwd: w.bare, env: BASE_ENV, encoding: 'utf8' });
      expect(message).toContain("reverted churn#production#1: it broke the policy rule 'order'");
      expect(r.summary).toContain('Reverted');

      // The registry (the action's clone, which wrote the revert) no longer has v1.0.0 in production.
      const holder = async () => (JSON.parse((await w.clone.cli(['registry', '--json'])).stdout) as { models: { environments: Record<string, { version: string } | null> }[] }).models[0]!.environments.production ?? null;
      expect(await holder()).toBeNull();

      // A re-run of the check finds its own revert and writes nothing more.
      const again = await onPush(w, 'churn#production#1');
      expect(again.exitCode).toBe(1);
      expect(again.outputs['revert-tag']).toBe('churn#production!#2');
      expect(remoteTags(w).filter((t) => t.includes('#'))).toEqual(['churn#production!#2', 'churn#production#1']);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);

  it('passes a tag that follows the policy with a green check', async () => {
    const w = await promoteWorld(['v1.0.0'], ENVS(''));
    try {
      handPush(w, 'churn#staging#1');
      const r = await onPush(w, 'churn#staging#1');
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs.violation).toBe('');
      expect(checkRuns(w)).toEqual([expect.objectContaining({ conclusion: 'success' })]);
      expect(w.gh.takeViolations()).toEqual([]);
    } finally {
      await w.cleanup();
    }
  }, 120_000);
});
