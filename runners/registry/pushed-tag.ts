/**
 * A registry tag somebody pushed by hand (`mlpipeline promote --push`, GTO, `git push`), checked
 * against the policy after the fact: the same rules `mlpipeline promote` applies, judged on the
 * registry as it stood before the tag (earlier counters only), with the pusher as the actor. A
 * tag that breaks the policy is a violation naming the rule; under `enforce: revert` an unassign
 * tag undoes it, once (a re-run finds its own revert and writes nothing).
 */
import { PolicyError, UsageError } from '../../core/errors.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { actorMatches, type ActorContext } from './actor.js';
import { recordOf, type RegistryEvent } from './events.js';
import { parseTagName, unassignTag } from './grammar.js';
import { formatTagMessage, LINEAGE_SCHEMA, type LineageRecord, type PolicyCheck } from './lineage-record.js';
import { enforcePolicy, environmentSpec, evaluatePolicy } from './policy.js';
import { buildRegistryState, type RegistryState } from './state.js';
import { writeRegistryTag, type WriteResult } from './tag-writer.js';

export interface TagViolation {
  /** A policy rule, `registered` (the tag names no registered version) or `environment` (one the policy does not declare). */
  rule: PolicyCheck['rule'] | 'registered' | 'environment';
  detail: string;
  fix: string;
}

export interface PushedTagReport {
  tag: string;
  /** `assign`/`unassign` are checked; anything else is not a promotion. */
  action: string;
  model: string | null;
  version: string | null;
  environment: string | null;
  commit: string | null;
  checks: PolicyCheck[];
  violation: TagViolation | null;
  enforce: 'report' | 'revert';
  /** The pull request the version came from, when its record names one. */
  pr: number | null;
  /** An unassign tag that already reverted this one (a re-run). */
  revertedBy: string | null;
}

/** The reason an unassign we write carries: it names the tag it reverts, so a re-run finds it. */
export const revertReason = (tag: string, rule: string) => `reverted ${tag}: it broke the policy rule '${rule}'`;

/** The registry without `tag` and without anything counted after it. */
function stateBefore(events: RegistryEvent[], pushed: RegistryEvent): RegistryState {
  const n = pushed.counter ?? Number.POSITIVE_INFINITY;
  return buildRegistryState(events.filter((e) => e.tag !== pushed.tag && (e.counter === null || e.counter < n)));
}

export function checkPushedTag(loaded: LoadedPipeline, events: RegistryEvent[], tag: string, actor: ActorContext): PushedTagReport {
  const parsed = parseTagName(tag);
  // Folding the whole registry resolves the version of every stage tag (a hand-made one names
  // none: it is the version registered at its commit), the pushed one's included.
  const fullState = buildRegistryState(events);
  const pushed = events.find((e) => e.tag === tag);
  const base: PushedTagReport = {
    tag,
    action: parsed?.action ?? 'unrelated',
    model: parsed?.name ?? null,
    version: pushed?.version ?? null,
    environment: parsed?.stage ?? null,
    commit: pushed?.commit ?? null,
    checks: [],
    violation: null,
    enforce: 'report',
    pr: null,
    revertedBy: null,
  };
  if (!parsed || !pushed || (parsed.action !== 'assign' && parsed.action !== 'unassign')) return base;
  const environment = parsed.stage!;
  let spec;
  try {
    spec = environmentSpec(loaded, environment);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // A tag for an environment the policy does not declare: nothing can have allowed it.
    base.violation = { rule: 'environment', detail: e.message, fix: e.fix ?? '' };
    return base;
  }
  base.enforce = spec?.enforce ?? 'report';
  const before = stateBefore(events, pushed);
  const model = before.models.get(parsed.name);
  const version = pushed.version ? model?.versions.get(pushed.version) : undefined;
  if (version) base.pr = recordOf(version.event)?.pr ?? null;
  const full = fullState.models.get(parsed.name);
  const revert = full?.environments.get(environment)?.timeline.find(
    (c) => c.event.action === 'unassign' && (c.event.counter ?? 0) > (pushed.counter ?? 0) && recordOf(c.event)?.reason?.startsWith(`reverted ${tag}:`),
  );
  base.revertedBy = revert?.event.tag ?? null;
  if (!model || !version) {
    base.violation = {
      rule: 'registered',
      detail: `${tag} names ${pushed.version ? `${parsed.name} ${pushed.version}` : `commit ${pushed.commit.slice(0, 12)}`}, which is not a registered version of ${parsed.name}`,
      fix: `register the version first (mlpipeline register ${parsed.name}) and promote it with mlpipeline promote, which checks the policy`,
    };
    return base;
  }
  if (parsed.action === 'unassign') {
    // Taking a version out of an environment is an act on it: only who may act there is checked.
    const allowed = spec?.allowed ?? [];
    if (allowed.length > 0) {
      const ok = allowed.some((a) => actorMatches(a, actor));
      const who = actor.actor.login ?? actor.actor.name;
      base.checks = [{ rule: 'allowed', ok, detail: ok ? `${who} may act on ${environment}` : `${who} may not act on ${environment}; allowed: ${allowed.join(', ')}` }];
    }
  } else {
    base.checks = evaluatePolicy({ loaded, model, version, environment, actor });
  }
  const failed = base.checks.find((c) => !c.ok);
  if (failed) {
    let fix = '';
    try {
      enforcePolicy({ loaded, model, version, environment, actor }, base.checks);
    } catch (e) {
      if (e instanceof PolicyError) fix = e.fix ?? '';
      else throw e;
    }
    base.violation = { rule: failed.rule, detail: failed.detail, fix };
  }
  return base;
}

export interface RevertOptions {
  cwd: string;
  remote?: string;
  actor: ActorContext;
  sleep?: (ms: number) => Promise<unknown>;
}

/** Writes (and with a remote pushes) the unassign tag that undoes a violating assign tag. */
export async function revertPushedTag(report: PushedTagReport, opts: RevertOptions): Promise<WriteResult> {
  const { model: name, environment, version, commit, violation } = report;
  if (report.action !== 'assign' || !name || !environment || !version || !commit || !violation) {
    throw new UsageError(`${report.tag} is not a promotion that broke the policy; there is nothing to revert`, { fix: 'only assign tags that fail the policy are reverted' });
  }
  const actor = opts.actor;
  return writeRegistryTag({ cwd: opts.cwd, remote: opts.remote, dryRun: false, gitEnv: actor.gitEnv, now: actor.clock, sleep: opts.sleep }, (state) => {
    const model = state.models.get(name);
    const n = (model?.maxCounter ?? 0) + 1;
    const record: LineageRecord = {
      schema: LINEAGE_SCHEMA,
      action: 'unassign',
      model: name,
      version,
      environment,
      commit,
      time: new Date(actor.clock()).toISOString(),
      actor: actor.actor,
      pr: report.pr,
      ci: actor.ci,
      replaces: null,
      rollback_of: null,
      policy: report.checks,
      reason: revertReason(report.tag, violation.rule),
    };
    const subject = `Revert ${report.tag}: ${name} ${version} taken out of ${environment} (policy '${violation.rule}')`;
    return { tag: unassignTag(name, environment, n), commit, record, message: formatTagMessage(subject, record), counter: { model: name, n } };
  });
}
