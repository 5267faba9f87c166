/** runners/registry/pushed-tag.ts on its own: the registry before the tag, the pusher as the actor. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipelineFile } from '../pipeline-schema/load.js';
import { resolveActor } from '../runners/registry/actor.js';
import { readRegistryEvents } from '../runners/registry/events.js';
import { checkPushedTag } from '../runners/registry/pushed-tag.js';
import { BASE_ENV, makeGatedRepo, tempDir } from './registry-fixture.js';

const ENVS = `environments:
  staging: {}
  production:
    after: staging
    allowed: [alice]
    enforce: revert
`;

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

async function world() {
  const tmp = tempDir();
  cleanup = () => tmp.cleanup();
  const repo = await makeGatedRepo(join(tmp.path, 'r'), { environments: ENVS });
  expect((await repo.cli(['register', 'churn', '--version', 'v1.0.0'])).code).toBe(0);
  const commit = repo.git('rev-parse', 'HEAD').trim();
  const tag = (name: string) => execFileSync('git', ['tag', '-a', name, '-m', 'by hand', commit], { cwd: repo.dir, env: BASE_ENV });
  const check = async (name: string, login: string) => {
    const loaded = await loadPipelineFile(join(repo.dir, 'mlpipeline.yaml'));
    const actor = await resolveActor(repo.dir, { ...BASE_ENV, GITHUB_ACTIONS: 'true', GITHUB_ACTOR: login }, {});
    return checkPushedTag(loaded, (await readRegistryEvents(repo.dir)).events, name, actor);
  };
  return { repo, tag, check };
}

describe('a pushed stage tag checked after the fact', () => {
  it('names the first rule it breaks, judged on the registry before it', async () => {
    const { tag, check } = await world();
    tag('churn#production#1');
    const r = await check('churn#production#1', 'mallory');
    expect(r).toMatchObject({ action: 'assign', version: 'v1.0.0', environment: 'production', enforce: 'revert', revertedBy: null });
    expect(r.violation).toMatchObject({ rule: 'order', detail: expect.stringContaining('has not been in staging') });
    expect(r.checks.map((c) => [c.rule, c.ok])).toEqual([['order', false], ['allowed', false], ['require_gates', true]]);
  });

  it('passes a tag that follows the policy, and reports one for an undeclared environment', async () => {
    const { tag, check } = await world();
    tag('churn#staging#1');
    tag('churn#production#2');
    expect((await check('churn#staging#1', 'mallory')).violation).toBeNull();
    // alice, after staging: the order holds because the staging tag came first (counter 1 < 2).
    expect((await check('churn#production#2', 'alice')).violation).toBeNull();
    tag('churn#qa#3');
    expect((await check('churn#qa#3', 'alice')).violation).toMatchObject({ rule: 'environment', detail: expect.stringContaining("unknown environment 'qa'") });
  });
});
