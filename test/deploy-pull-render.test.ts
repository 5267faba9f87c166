/** The body of the GitOps bump's pull request (reports/deploy-pull.ts): complete, and inert when the data is hostile. */
import { describe, expect, it } from 'vitest';
import { deployPullTitle, renderDeployPullBody, type DeployPullInput } from '../reports/deploy-pull.js';

const base: DeployPullInput = {
  model: 'churn',
  version: 'v1.2.0',
  environment: 'production',
  manifest: 'deploy/production.yaml',
  field: 'spec.predictor.model.storageUri',
  uri: 's3://models/churn/v1.2.0/model.onnx',
  branch: 'main',
  message: 'Deploy churn v1.2.0 to production\n\nSet spec.predictor.model.storageUri in deploy/production.yaml\n',
  trailers: { 'Mlpipeline-Model': 'churn', 'Mlpipeline-Sha256': 'ab'.repeat(32), 'Mlpipeline-Tag': 'churn#production#3' },
  diff: '--- a/deploy/production.yaml\n+++ b/deploy/production.yaml\n@@ -1 +1 @@\n-uri: old\n+uri: new\n',
  tag: 'churn#production#3',
};

describe('renderDeployPullBody', () => {
  it('names the model, version, environment, sha256, promotion tag, lineage and the diff', () => {
    const body = renderDeployPullBody(base);
    for (const s of ['`churn`', '`v1.2.0`', '`production`', `\`${'ab'.repeat(32)}\``, '`churn#production#3`', '`Mlpipeline-Sha256`', '```diff\n--- a/deploy/production.yaml', '+uri: new\n```']) expect(body).toContain(s);
    expect(deployPullTitle(base)).toBe('Deploy churn v1.2.0 to production');
  });

  it('lets no hostile name or manifest line add a mention, a link, HTML or a hidden comment', () => {
    const body = renderDeployPullBody({
      ...base,
      environment: '@acme/admins <img src=x> [x](https://evil.example)',
      diff: '+x: 1 <!-- mlpipeline-release --> ```\n+\u202eevil\n',
      trailers: { 'Mlpipeline-Model': 'a`b <!-- c -->' },
    });
    // No hidden comment and no bidi override anywhere, code spans and the diff block included.
    expect(body).not.toMatch(/<!--|-->|\u202e/);
    // Prose is escaped (in code spans the text is shown literally, so it is inert there).
    const prose = body.split('\n')[0]!;
    expect(prose).toContain('@&#8203;acme');
    expect(prose).not.toMatch(/<img|\]\(https/);
    expect(body).toContain('`@acme/admins <img src=x> [x](https://evil.example)`');
    // The diff's own ``` cannot close the block early: the fence is longer.
    expect(body).toContain('````diff');
  });
});
