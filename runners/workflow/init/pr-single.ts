/**
 * The one-workflow variant for private repositories (`init github --private`): run and report in
 * one job, the report reading the results directory `run` left on disk. Simpler, and no
 * artifact round trip, but the job that runs the pull request's code holds a write token.
 */
import { ownActionUses } from '../actions-ref.js';
import { yamlComment, yamlString } from '../yaml-text.js';
import { header, installEnv, runConcurrency, runSteps, runTriggers } from './common.js';
import { runWorkflowName, runWorkflowPath, type GeneratedWorkflow, type InitWorkflowOptions } from './options.js';

export function prSingleWorkflow(opts: InitWorkflowOptions): GeneratedWorkflow | undefined {
  if (!opts.private) return undefined;
  const text = `${header(
    opts,
    `
One-workflow setup, FOR PRIVATE REPOSITORIES ONLY: runs the pipeline of a pull request and posts
the sticky comment and the check run \`mlpipeline / <pipeline>\` from the same job.

The pull request's code (every stage \`cmd\`) runs in a job whose token can write pull requests
and checks. In a private repository everyone who can open a same-repository pull request can
already write to it, so that gives nobody anything new.

Do not use it on a public repository that accepts pull requests from forks: GitHub gives fork
pull requests a read-only token whatever \`permissions:\` says, so the report step fails with 403
(the report action names the fix: the fork-safe setup), no comment or check run appears, and a
required check never arrives. Use \`mlpipeline init github\` (two workflows) there instead.

In a private repository, keep "Send write tokens to workflows from fork pull requests" off in
the Actions settings: with it on, a fork's code would hold this token.
`,
  )}
name: ${yamlString(runWorkflowName(opts))}

${runTriggers(opts)}

${yamlComment(`
contents: read for the checkout, the base ref and the registry's tags; checks: write for the
check run; pull-requests: write for the sticky comment. Nothing else.
`)}
permissions:
  contents: read
  checks: write
  pull-requests: write

${runConcurrency()}

jobs:
  run:
    runs-on: ubuntu-latest
${yamlComment('No secrets in this job: its steps run the pull request\'s code.', 4)}
${installEnv(4)}
    steps:
${runSteps(
  opts,
  `The token stays in .git/config for the run action's fetch of the base ref; the pull request's
code can read it (see the top of this file).`,
)}
${yamlComment(
  `
Same-job mode: the report reads the results directory \`run\` wrote, validates it like an
artifact, and posts. It also runs when \`run\` failed (failing gates are what the comment is for),
but not for pushes to the default branch, which have no pull request, nor when \`run\` produced
nothing to report.
`,
  6,
)}
      - name: Report on the pull request
        if: \${{ github.event_name == 'pull_request' && !cancelled() && steps.run.outputs.results != '' }}
        uses: ${ownActionUses(opts.actions, 'report')}
        with:
          results: \${{ steps.run.outputs.results }}
`;
  return { path: runWorkflowPath(opts), text, summary: 'pull_request: runs the pipeline and posts the report in one job' };
}
