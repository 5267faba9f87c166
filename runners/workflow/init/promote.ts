/**
 * `promote.yml`, which `mlpipeline init github` writes: promotions by hand from the Actions tab
 * (`workflow_dispatch` with `version`, `to`, `rollback`), approved through GitHub environment
 * protection (the job declares `environment:`, so required reviewers and wait timers of that
 * environment hold it until someone approves), and every registry stage tag pushed by hand
 * checked against the policy after the fact. Exact permissions per job (`pull-requests: write`
 * only when a `deploy:` block uses `mode: pull-request`); third-party actions pinned by commit SHA.
 *
 * Written for the fork-safe and the private variant alike: promotions do not run pull request code.
 */
import { ownActionUses } from '../actions-ref.js';
import { pinnedUses } from '../pinned-actions.js';
import { yamlComment, yamlString } from '../yaml-text.js';
import { header } from './common.js';
import { WORKFLOWS_DIR, type GeneratedWorkflow, type InitWorkflowOptions } from './options.js';

const q = yamlString;
const comment = yamlComment;

export function promoteWorkflowPath(opts: Pick<InitWorkflowOptions, 'slug'>): string {
  return `${WORKFLOWS_DIR}/mlpipeline-${opts.slug}-promote.yml`;
}

export function promoteWorkflow(opts: InitWorkflowOptions): GeneratedWorkflow | undefined {
  if (opts.environments.length === 0) return undefined;
  const uses = ownActionUses(opts.actions, 'promote');
  const CHECKOUT = pinnedUses('checkout');
  const withPipeline = [
    ...(opts.pipelineFile !== 'mlpipeline.yaml' ? [`          pipeline-file: ${q(opts.pipelineFile)}`] : []),
    ...(opts.workingDirectory !== '.' ? [`          working-directory: ${q(opts.workingDirectory)}`] : []),
  ];
  const text = `${header(
    opts,
    `
Promotions: run this workflow from the Actions tab to promote a registered version (or roll an
environment back) under the policy in mlpipeline.yaml; a registry tag pushed by hand is checked
against the same policy after the fact. Approval is the GitHub environment's protection rules.
`,
  )}
name: ${q(`mlpipeline ${opts.slug} promote`)}

on:
  workflow_dispatch:
    inputs:
      version:
        description: "Version to promote, NAME@vX.Y.Z (leave empty with rollback)"
        required: false
        type: string
      to:
        description: "Environment"
        required: true
        type: choice
        options:
${opts.environments.map((e) => `          - ${q(e)}`).join('\n')}
      rollback:
        description: "Roll the environment back to the version it held before"
        required: false
        type: boolean
        default: false
${comment(
  `
Stage tags (NAME#ENV#N, NAME#ENV!#N) pushed by a person, e.g. with \`mlpipeline promote --push\` or
the GTO CLI. Tags the promote job pushes with GITHUB_TOKEN start no workflow, so this only
ever sees tags made outside it.
`,
  2,
)}
  push:
    tags:
      - "*#*"

${comment('No permissions by default; each job asks for exactly what it uses.')}
permissions: {}

${comment(`
One promotion per environment at a time; a second waits instead of racing the first (the
registry's tag writer would survive the race, but the approvals would be confusing).
`)}
concurrency:
  group: mlpipeline-${opts.slug}-promote-\${{ inputs.to || github.ref }}
  cancel-in-progress: false

jobs:
  promote:
    if: github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
${comment(
  `
The approval step: GitHub holds this job until the environment's protection rules pass
(Settings → Environments → required reviewers, wait timer, deployment branches). GitHub then
records the job as a deployment of the environment, and the promote action uses that one
instead of creating a second.
`,
  4,
)}
    environment: \${{ inputs.to }}
    permissions:
${comment('push the registry tag, create the Release and upload its assets', 6)}
      contents: write
${comment('the Deployment and its statuses', 6)}
      deployments: write
${opts.deployPullRequests ? `${comment("open the manifest bump's pull request (a deploy: block with mode: pull-request); the repository must allow GitHub Actions to create pull requests", 6)}
      pull-requests: write
` : ''}    steps:
${comment('The whole history and every tag: the registry is the tags, and the policy is read from the default branch.', 6)}
      - uses: ${CHECKOUT}
        with:
          fetch-depth: 0
      - uses: ${uses}
        with:
          version: \${{ inputs.version }}
          to: \${{ inputs.to }}
          rollback: \${{ inputs.rollback }}
${withPipeline.join('\n')}${withPipeline.length ? '\n' : ''}
  check-pushed-tag:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    permissions:
${comment("push the unassign tag that undoes a tag breaking the policy (only under `enforce: revert`)", 6)}
      contents: write
${comment('the failed check on the tag\'s commit that names the broken rule', 6)}
      checks: write
    steps:
      - uses: ${CHECKOUT}
        with:
          fetch-depth: 0
      - uses: ${uses}
${withPipeline.length ? `        with:\n${withPipeline.join('\n')}\n` : ''}`;
  return { path: promoteWorkflowPath(opts), text, summary: 'workflow_dispatch + push tags: promote under the policy, Release and Deployment; hand-pushed tags checked' };
}
