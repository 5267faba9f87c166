import { describe, expect, it } from 'vitest';
import { closest } from './did-you-mean.js';
import { loadPipelineText } from './load.js';
import { ConfigError } from '../core/errors.js';

const STAGE_KEYS = ['cmd', 'run', 'deps', 'outs', 'params', 'metrics', 'env', 'wdir', 'matrix'];

describe('did you mean', () => {
  it.each([
    ['comand', 'cmd'],
    ['command', 'cmd'],
    ['dependencies', 'deps'],
    ['outputs', 'outs'],
    ['dpes', 'deps'],
  ])('%s → %s', (word, want) => {
    expect(closest(word, STAGE_KEYS)).toBe(want);
  });

  it('suggests nothing for a word that is neither a near miss nor a synonym', () => {
    expect(closest('commit', STAGE_KEYS)).toBeUndefined();
  });

  it("the typo 'comand:' in a stage says did you mean 'cmd', at the key", () => {
    const text = 'version: 1\nname: x\nstages:\n  train:\n    comand: make\n';
    let err: unknown;
    try {
      loadPipelineText(text, 'mlpipeline.yaml', { cwd: '/tmp', repoRoot: '/tmp' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const unknown = (err as ConfigError).problems.find((p) => p.message.includes("'comand'"));
    expect(unknown).toMatchObject({ location: { file: 'mlpipeline.yaml', line: 5, column: 5 }, message: "unknown key 'comand' in stages.train; did you mean 'cmd'?", fix: "rename 'comand' to 'cmd'" });
  });
});
