/**
 * Fork-safe setup, part 1 of 2: the `pull_request` workflow. It executes the pull request's
 * code (every stage `cmd` is a command from the PR), so it holds nothing worth stealing: a token
 * that can only read, and no secrets. Its results leave as an artifact for part 2 (pr-report.ts).
 */
import { yamlComment, yamlString } from '../yaml-text.js';
import { header, installEnv, runConcurrency, runSteps, runTriggers, RESULTS_ARTIFACT } from './common.js';
import { reportWorkflowPath, runWorkflowName, runWorkflowPath, type GeneratedWorkflow, type InitWorkflowOptions } from './options.js';

export function prRunWorkflow(opts: InitWorkflowOptions): GeneratedWorkflow | undefined {
  if (opts.private) return undefined;
  const text = `${header(
    opts,
    `
Fork-safe setup, part 1 of 2: runs the pipeline of every pull request, forks included, with a
read-only token and no secrets, because what it runs is the pull request's own code. It uploads
the results as the artifact \`${RESULTS_ARTIFACT}\`; part 2, ${reportWorkflowPath(opts)},
checks them and posts the comment and the check run from a job that runs no pull request code.
`,
  )}
name: ${yamlString(runWorkflowName(opts))}

${runTriggers(opts)}

${yamlComment(`
Read the repository (checkout, the base ref, the registry's tags and release assets) and nothing
else: no write scope, so a pull request's code holding this token can change nothing. Caches and
artifacts go through the runner's own token and need no scope here.
`)}
permissions:
  contents: read

${runConcurrency()}

jobs:
  run:
    runs-on: ubuntu-latest
${yamlComment(
  `
No secrets in this job, ever: its steps run the pull request's code, and GitHub gives pull
requests from forks no secrets anyway, so anything that needs one would only work for some PRs.
`,
  4,
)}
${installEnv(4)}
    steps:
${runSteps(
  opts,
  `The read-only token stays in .git/config for the run action's fetch of the base ref in a private
repository; the pull request's code can read it, which is why it must never be more than read.`,
)}
`;
  return { path: runWorkflowPath(opts), text, summary: 'pull_request: runs the pipeline with a read-only token, uploads the results' };
}
