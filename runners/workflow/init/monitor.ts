/**
 * `.github/workflows/mlpipeline-<slug>-monitor.yml`: the scheduled drift monitor, written when
 * the pipeline has a `monitoring:` block. Only a checkout and the monitor action: the monitor
 * reads data and Git objects and runs no project code, so it installs nothing. Permissions follow
 * `monitoring.open`: the issue needs `issues: write`, a retrain pull request also `contents: write`
 * and `pull-requests: write`.
 */
import { ownActionUses } from '../actions-ref.js';
import { pinnedUses } from '../pinned-actions.js';
import { yamlComment, yamlScalar, yamlString } from '../yaml-text.js';
import { header } from './common.js';
import { WORKFLOWS_DIR, type GeneratedWorkflow, type InitWorkflowOptions } from './options.js';

export function monitorWorkflowPath(opts: Pick<InitWorkflowOptions, 'slug'>): string {
  return `${WORKFLOWS_DIR}/mlpipeline-${opts.slug}-monitor.yml`;
}

export function monitorWorkflow(opts: InitWorkflowOptions): GeneratedWorkflow | undefined {
  if (opts.monitoring === undefined) return undefined;
  const pr = opts.monitoring === 'pull-request';
  const where = opts.workingDirectory === '.' ? opts.pipelineFile : `${opts.workingDirectory}/${opts.pipelineFile}`;
  const permissions = pr
    ? `${yamlComment(`
issues: write for the drift issue; contents: write and pull-requests: write for the retrain branch
(one commit written through the Git data API) and its pull request. Nothing else.
`)}
permissions:
  contents: write
  issues: write
  pull-requests: write`
    : `${yamlComment(`
contents: read for the checkout and the registry's tags; issues: write for the drift issue.
Nothing else.
`)}
permissions:
  contents: read
  issues: write`;
  const prToken = pr
    ? `
${yamlComment(
  `
A pull request opened with GITHUB_TOKEN starts no workflow, so no CI would run on the retrain
pull request. A GitHub App installation token or a fine-grained personal access token (contents
and pull requests: write) in this secret makes it start CI; while the secret is unset,
GITHUB_TOKEN opens it.
`,
  10,
)}
          pr-token: \${{ secrets.MLPIPELINE_PR_TOKEN }}`
    : '';
  const text = `${header(
    opts,
    `
Drift monitor: every day, the newest live batch (monitoring.live in ${where}) is compared with the
training data of the version now in the environment, with validation's drift methods and
thresholds (\`mlpipeline monitor\` computes the same locally). One issue per model and environment
is opened or updated while the data drifts, and closed when it does not${pr ? '; one retrain pull request on a fixed branch is opened or updated too' : ''}.
`,
  )}
name: ${yamlString(`mlpipeline ${opts.slug} monitor`)}

on:
${yamlComment('Daily, off the hour (GitHub delays scheduled runs most at the top of the hour); and by hand.', 2)}
  schedule:
    - cron: "17 6 * * *"
  workflow_dispatch:
    inputs:
      environment:
        description: Environment to monitor (empty for the last one in the promotion order)
        required: false
        default: ""

${permissions}

${yamlComment('One monitor at a time: two runs at once would both find no issue and open two.')}
concurrency:
  group: ${yamlString(`mlpipeline-${opts.slug}-monitor`)}
  cancel-in-progress: false

jobs:
  monitor:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
${yamlComment(
  `
Pinned to a full commit SHA, the release beside it as a comment: a tag can be moved to other
code, a SHA cannot. The registry lives in tags and the reference data is read from the deployed
version's commit: the full history. The monitor writes through the API with its token input and
git pushes nothing, so the token is not left in .git/config.
`,
  6,
)}
      - uses: ${pinnedUses('checkout')}
        with:
          fetch-depth: 0
          persist-credentials: false
${yamlComment('Put the recent batches where monitoring.live.path points before this step (e.g. download them from the serving system); the newest by name is compared.', 6)}
      - name: Drift monitor
        uses: ${ownActionUses(opts.actions, 'monitor')}
        with:
${opts.workingDirectory === '.' ? '' : `          working-directory: ${yamlScalar(opts.workingDirectory)}\n`}          pipeline-file: ${yamlScalar(opts.pipelineFile)}
          environment: \${{ inputs.environment }}${prToken}
`;
  return { path: monitorWorkflowPath(opts), text, summary: `schedule: drift of the live data vs the deployed version's training data; one issue${pr ? ' and a retrain pull request' : ''}` };
}
