/**
 * examples/churn/.github/workflows/ holds exactly what `mlpipeline init github` generates for the
 * example as its own repository root (the demo and users copy the folder out to a repository of
 * its own). Generated fresh here and compared byte for byte: a generator change without a
 * regeneration fails with the command to run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTIONS } from '../runners/workflow/actions-ref.js';
import { generateInitWorkflows } from '../runners/workflow/init/index.js';
import { locate } from '../runners/workflow/init/locate.js';

const example = resolve(fileURLToPath(new URL('../examples/churn', import.meta.url)));
const REGENERATE = 'run `(cd examples/churn && npx mlpipeline init github --dir . --force)` to regenerate';

describe('the example project uses the generated workflows', () => {
  it('examples/churn/.github/workflows/ equals a fresh `init github --dir examples/churn`', async () => {
    const { options, root } = await locate({ cwd: example, dir: '.', actions: DEFAULT_ACTIONS, private: false });
    expect(root).toBe(example);
    // The example sits at its repository's root: no working-directory, the default branch main.
    expect(options).toMatchObject({ workingDirectory: '.', pipelineFile: 'mlpipeline.yaml', installDirectory: '.', defaultBranch: 'main', slug: 'churn', environments: ['staging', 'production'] });
    const fresh = generateInitWorkflows(options);
    const committed = readdirSync(join(example, '.github', 'workflows')).sort();
    expect(committed, `the files in examples/churn/.github/workflows differ from the generated set: ${REGENERATE}`).toEqual(
      fresh.map((f) => f.path.slice('.github/workflows/'.length)).sort(),
    );
    for (const f of fresh) {
      const onDisk = readFileSync(join(example, ...f.path.split('/')), 'utf8');
      expect(onDisk === f.text, `examples/churn/${f.path} is stale: ${REGENERATE}`).toBe(true);
    }
  });
});
