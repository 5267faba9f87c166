/**
 * A registry tag pushed by hand, checked after the fact (`on: push: tags`): the policy of the
 * default branch, the pusher as the actor (teams from the API). A tag that breaks it fails the
 * step and a check run on its commit, says which rule in the job summary and, when its version
 * came from a pull request, in a comment there; under `enforce: revert` an unassign tag undoes
 * it (once: a re-run finds the revert it made).
 */
import { ChecksFailedError } from '../../core/errors.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { renderTagPassed, renderTagViolation } from '../../reports/release-notes.js';
import { resolveActor } from '../../runners/registry/actor.js';
import { readRegistryEvents } from '../../runners/registry/events.js';
import { parseTagName } from '../../runners/registry/grammar.js';
import { environmentSpec } from '../../runners/registry/policy.js';
import { checkPushedTag, revertPushedTag } from '../../runners/registry/pushed-tag.js';
import {
  GitHubPermissionError,
  createCheckRun,
  createOrUpdateComment,
  info,
  setOutput,
  summary,
  warning,
  type GitHubClient,
  type RepoRef,
} from '../github/index.js';
import { verifiedTeams } from './teams.js';

export const POLICY_CHECK_NAME = 'mlpipeline / promotion policy';
const marker = (tag: string) => `<!-- mlpipeline-tag-policy ${tag.replace(/-->/g, '')} -->`;

export interface PushedTagContext {
  client: GitHubClient;
  repo: RepoRef;
  root: string;
  remote: string;
  policy: LoadedPipeline;
  tag: string;
  /** The pusher: the event's sender, else GITHUB_ACTOR. */
  pusher: string | undefined;
  env: NodeJS.ProcessEnv;
}

export async function checkPushed(c: PushedTagContext): Promise<void> {
  const parsed = parseTagName(c.tag);
  const spec = parsed?.stage ? (() => { try { return environmentSpec(c.policy, parsed.stage); } catch { return undefined; } })() : undefined;
  const teams = await verifiedTeams(c.client, spec?.allowed ?? [], c.pusher);
  const actor = await resolveActor(c.root, { ...c.env, ...(c.pusher ? { GITHUB_ACTOR: c.pusher } : {}) }, { verifiedTeams: teams });
  const { events } = await readRegistryEvents(c.root);
  const report = checkPushedTag(c.policy, events, c.tag, actor);
  setOutput('tag', c.tag);
  if (report.action !== 'assign' && report.action !== 'unassign') {
    info(`${c.tag} is not a promotion (${report.action}); nothing to check`);
    await summary.addRaw(`\`${c.tag}\` is not a promotion tag; nothing to check.\n`).write();
    setOutput('violation', '');
    return;
  }
  if (!report.violation) {
    const text = renderTagPassed(c.tag, report.checks);
    await createCheckRun(c.client, c.repo, { name: POLICY_CHECK_NAME, headSha: report.commit!, conclusion: 'success', output: { title: `${c.tag} follows the policy`, summary: text } });
    await summary.addRaw(text).write();
    setOutput('violation', '');
    return;
  }
  let revertTag = report.revertedBy;
  if (report.enforce === 'revert' && !revertTag && report.action === 'assign') {
    const written = await revertPushedTag(report, { cwd: c.root, remote: c.remote, actor });
    revertTag = written.plan.tag;
    info(`reverted ${c.tag} with ${revertTag}`);
  }
  const v = report.violation;
  const text = renderTagViolation({ tag: c.tag, rule: v.rule, detail: v.detail, fix: v.fix, enforce: report.enforce, revertTag });
  await createCheckRun(c.client, c.repo, {
    name: POLICY_CHECK_NAME,
    headSha: report.commit!,
    conclusion: 'failure',
    output: { title: `${c.tag} breaks the promotion policy (${v.rule})`.slice(0, 200), summary: text },
  });
  await summary.addRaw(text).write();
  if (report.pr) {
    const body = `${marker(c.tag)}\n${text}`;
    try {
      await createOrUpdateComment(c.client, c.repo, { issueNumber: report.pr, body, isOurs: (b) => b.startsWith(marker(c.tag)) });
    } catch (e) {
      if (!(e instanceof GitHubPermissionError)) throw e;
      warning(`no comment on #${report.pr}: ${e.message} (add \`issues: write\` to comment)`);
    }
  }
  setOutput('violation', v.rule);
  setOutput('revert-tag', revertTag ?? '');
  throw new ChecksFailedError(`${c.tag} breaks the promotion policy: rule '${v.rule}': ${v.detail}`, {
    fix: report.enforce === 'revert' ? `reverted by ${revertTag}; ${v.fix}` : v.fix || 'promote through the promote workflow, which checks the policy first',
  });
}
