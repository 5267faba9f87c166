/**
 * Fork-safe setup, part 2 of 2: the `workflow_run` workflow. It holds the write permissions and
 * therefore never checks out, installs or executes anything from the pull request: the only
 * step is the report action, which downloads the artifact of the triggering run, treats it as
 * untrusted (every document validated against its schema, re-rendered with escaping) and finds
 * the pull request by the run's head SHA, not by anything inside the artifact.
 */
import { ownActionUses } from '../actions-ref.js';
import { yamlComment, yamlString } from '../yaml-text.js';
import { header, RESULTS_ARTIFACT } from './common.js';
import { reportWorkflowPath, runWorkflowName, runWorkflowPath, type GeneratedWorkflow, type InitWorkflowOptions } from './options.js';

export function prReportWorkflow(opts: InitWorkflowOptions): GeneratedWorkflow | undefined {
  if (opts.private) return undefined;
  const text = `${header(
    opts,
    `
Fork-safe setup, part 2 of 2: when ${runWorkflowPath(opts)} completes for a pull request,
posts its results: one sticky comment and the check run \`mlpipeline / <pipeline>\` (require
it in branch protection). This job has write permissions, so it never checks out, installs or
runs anything from the pull request: it reads the artifact of the triggering run as untrusted
data, validates every document against its JSON Schema and renders it itself.
`,
  )}
name: ${yamlString(`${runWorkflowName(opts)} report`)}

on:
${yamlComment(
  `
workflow_run runs this file as it is on the default branch, in the base repository's context:
a pull request cannot change what runs here, even by editing this file. That is also why the
write token is safe here and never in the pull_request workflow.
`,
  2,
)}
  workflow_run:
    workflows: [${yamlString(runWorkflowName(opts))}]
    types: [completed]

${yamlComment(`
Exactly what posting needs, and nothing else (no \`contents\`: nothing is checked out).
`)}
permissions:
  actions: read # download the artifact of the triggering run
  checks: write # the check run, with annotations on the exact lines
  pull-requests: write # the one sticky comment, updated in place

${yamlComment(`
One report at a time per pull request (the head branch of a fork and of the base can share a
name, hence the repository too), so two runs finishing together never both create the comment.
A running report is never cancelled; one waiting is replaced by a newer one (GitHub keeps one
pending per group), and the report action skips a run older than the one already posted.
`)}
concurrency:
  group: \${{ github.workflow }}-\${{ github.event.workflow_run.head_repository.full_name }}-\${{ github.event.workflow_run.head_branch }}
  cancel-in-progress: false

jobs:
  report:
${yamlComment(
  `
Only runs of pull requests have something to report on (pushes to the default branch only save
caches), and only runs that ran: success, or failure (failing gates are what the comment is for).
Not cancelled (a newer push superseded it, whose own run reports), and not action_required: a
first-time contributor's fork run waiting for a maintainer's approval also completes this way,
with no artifact; once approved it runs and completes again.
`,
  4,
)}
    if: github.event.workflow_run.event == 'pull_request' && (github.event.workflow_run.conclusion == 'success' || github.event.workflow_run.conclusion == 'failure')
    runs-on: ubuntu-latest
    steps:
${yamlComment(
  `
No actions/checkout, no setup-node, no npm ci, no \`run:\` step: nothing from the pull request
reaches this job except the artifact, which is data.
`,
  6,
)}
      - name: Report on the pull request
        uses: ${ownActionUses(opts.actions, 'report')}
        with:
          artifact-name: ${RESULTS_ARTIFACT}
`;
  return { path: reportWorkflowPath(opts), text, summary: 'workflow_run: posts the comment and the check run; runs no pull request code' };
}
