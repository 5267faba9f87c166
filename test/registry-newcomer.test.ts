/** What a newcomer meets first with the registry: no commit yet, and a run record from another commit. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, openRepo, pipelineYaml, tempDir } from './registry-fixture.js';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp.cleanup());

describe('register, first steps', () => {
  it('in a repository with no commit yet: says so and how to commit, exit 2', async () => {
    tmp = tempDir();
    const repo = openRepo(tmp.path);
    repo.git('init', '-q', '-b', 'main');
    repo.write('mlpipeline.yaml', pipelineYaml());
    repo.write('model.onnx', 'abc');
    const r = await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mlpipeline: this repository has no commit yet\n  fix: commit your pipeline first (git add -A && git commit -m "pipeline")\n');
  });

  it('a run record from another commit: the warning says to re-run at the registered commit', async () => {
    tmp = tempDir();
    const repo = makeRepo(tmp.path);
    repo.ran();
    repo.write('notes.txt', 'changed\n');
    const head = repo.commit('commit the lock and metrics');
    const r = await repo.cli(['register', 'churn', '--version', 'v1.0.0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`mlpipeline: warning: the run record was produced at [0-9a-f]{12}, not at the registered commit ${head.slice(0, 12)}\\n  fix: re-run \`mlpipeline run\` at ${head.slice(0, 12)} \\(every stage is restored or skipped, so it takes a second\\), then register again`),
    );
  });
});
