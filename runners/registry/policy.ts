/**
 * Promotion policy from `environments:` in mlpipeline.yaml. Each rule is checked and recorded in
 * the assign tag's lineage; the first rule that fails refuses the promotion with a PolicyError
 * that names the rule and says how to satisfy it.
 *
 *   order          the version must have held `after` first
 *   allowed        the actor's login/name/email or one of their verified teams is listed (empty = anyone)
 *   min_soak       the version held `after` for at least this long in total, measured from the
 *                  stage tags' tagger dates against the clock; a stage tag dated in the future or
 *                  before the version's registration tag is not trusted for soak
 *   require_gates  the gate verdict recorded when the version was registered passed, was bound to
 *                  what was registered (model, evaluation data, evaluation and gate config),
 *                  judged as many gates as the pipeline declares, and was judged by exactly the
 *                  default branch's gates with its evaluation config (default true)
 *
 * `loaded` is the COMMITTED pipeline of the default branch (policy-source.ts), never the work tree.
 */
import { ConfigError, PolicyError, UsageError } from '../../core/errors.js';
import { canonicalDigest, canonicalJson } from '../../core/canonical-json.js';
import type { EnvironmentSpec, GateSpec, LoadedPipeline, Pipeline } from '../../pipeline-schema/types.js';
import { configDifferences, evaluationConfig, shortJson } from '../evaluate/evaluation-config.js';
import { gatesConfigDigest } from '../gates/binding.js';
import { actorMatches, type ActorContext } from './actor.js';
import { DURATION_RULE, formatDuration, parseDuration } from './duration.js';
import { recordOf } from './events.js';
import type { PolicyCheck, VerdictSummary } from './lineage-record.js';
import { everHeld, type EnvironmentState, type ModelState, type VersionState } from './state.js';
import { hasOwn, own } from '../../core/own.js';

/** The environment's spec, or undefined when the pipeline declares no environments (no policy). */
export function environmentSpec(loaded: LoadedPipeline, env: string): EnvironmentSpec | undefined {
  const envs = loaded.pipeline.environments;
  if (!envs || Object.keys(envs).length === 0) return undefined;
  // Own properties only: `--to constructor` or `__proto__` must not find Object.prototype's.
  const spec = own(envs, env);
  if (!spec) {
    throw new UsageError(`unknown environment '${env}'; ${loaded.file} declares: ${Object.keys(envs).join(', ')}`, {
      fix: `choose one of ${Object.keys(envs).join(', ')}, or add '${env}' under environments: in mlpipeline.yaml`,
    });
  }
  return spec ?? {};
}

function configProblem(loaded: LoadedPipeline, pointer: string, message: string, fix: string): ConfigError {
  const pos = loaded.locate(pointer);
  return new ConfigError([{ message, fix, location: { file: loaded.file, ...(pos ? { line: pos.line, column: pos.column } : {}) } }]);
}

export interface PromotionInput {
  loaded: LoadedPipeline;
  model: ModelState;
  version: VersionState;
  environment: string;
  actor: ActorContext;
}

/** Every check, in order. `evaluatePolicy` is pure apart from reading the state it is given. */
export function evaluatePolicy(input: PromotionInput): PolicyCheck[] {
  const { loaded, model, version, environment, actor } = input;
  const spec = environmentSpec(loaded, environment);
  if (!spec) return [];
  const checks: PolicyCheck[] = [];
  const v = `${model.name} ${version.version}`;
  const envs = loaded.pipeline.environments!;

  if (spec.after !== undefined) {
    if (!hasOwn(envs, spec.after)) {
      throw configProblem(loaded, `/environments/${environment}/after`, `environment '${environment}' comes after unknown environment '${spec.after}'`, `name one of: ${Object.keys(envs).join(', ')}`);
    }
    const ok = everHeld(model.environments.get(spec.after), version.version);
    checks.push({ rule: 'order', ok, detail: ok ? `${v} has been in ${spec.after}` : `${v} has not been in ${spec.after}; ${environment} comes after ${spec.after}` });
  }

  const allowed = spec.allowed ?? [];
  if (allowed.length > 0) {
    const ok = allowed.some((a) => actorMatches(a, actor));
    const who = actor.actor.login ?? `${actor.actor.name} <${actor.actor.email}>`;
    checks.push({
      rule: 'allowed',
      ok,
      detail: ok ? `${who} may promote to ${environment}` : `${who}${actor.teams.length ? ` (teams: ${actor.teams.join(', ')})` : ''} may not promote to ${environment}; allowed: ${allowed.join(', ')}`,
    });
  }

  if (spec.min_soak !== undefined) {
    const need = parseDuration(spec.min_soak);
    if (need === undefined) {
      throw configProblem(loaded, `/environments/${environment}/min_soak`, `min_soak '${spec.min_soak}' is not ${DURATION_RULE}`, 'write e.g. min_soak: 24h');
    }
    if (spec.after === undefined) {
      throw configProblem(loaded, `/environments/${environment}/min_soak`, `min_soak needs 'after': soak is measured in the previous environment`, `add after: <environment> to ${environment}`);
    }
    const { held, untrusted } = trustedTimeHeld(model.environments.get(spec.after), version.version, version.event.time, actor.now);
    const ok = held >= need;
    const ignored = untrusted.length ? ` (not counted: ${untrusted.join(', ')}, dated in the future or before the registration)` : '';
    checks.push({
      rule: 'min_soak',
      ok,
      detail: ok
        ? `${v} has been in ${spec.after} for ${formatDuration(held)} (needs ${spec.min_soak})`
        : `${v} has been in ${spec.after} for ${formatDuration(held)}; ${environment} needs ${spec.min_soak}` +
          (held > 0 ? `, i.e. ${formatDuration(need - held)} more` : '') + ignored,
    });
  }

  if (spec.require_gates !== false) {
    const { ok, detail } = gatesCheck(v, recordOf(version.event)?.verdict ?? null, loaded);
    checks.push({ rule: 'require_gates', ok, detail });
  }
  return checks;
}

/**
 * The verdict recorded at registration must have passed, be bound, have judged every declared
 * gate, and have been judged by the default branch's gates with the default branch's evaluation
 * config: a branch cannot weaken a threshold (or make a gate `warn`) and pass its own model.
 */
function gatesCheck(v: string, verdict: VerdictSummary | null, policy: LoadedPipeline): { ok: boolean; detail: string } {
  const declared = policy.pipeline.gates?.length ?? 0;
  if (!verdict) return { ok: false, detail: `${v} was registered without a gate verdict` };
  if (verdict.bound !== true || !verdict.binding) {
    const why = verdict.problems?.length ? `: ${verdict.problems.join('; ')}` : ' (no sha256 of the model, evaluation data and gate config in it)';
    return { ok: false, detail: `${v} is not gated: its verdict is not bound to what was registered${why}` };
  }
  if (!verdict.passed) {
    const failed = verdict.gates.filter((g) => g.status === 'failed' || g.status === 'fail');
    return { ok: false, detail: `${v} failed its gates${failed.length ? `: ${failed.map((g) => `${g.metric}${g.reason ? ` (${g.reason})` : ''}`).join('; ')}` : ''}` };
  }
  const judged = verdict.binding.gates_config.count;
  if (judged !== declared || verdict.gates.length < declared) {
    return { ok: false, detail: `${v}'s verdict judged ${Math.min(judged, verdict.gates.length)} gate${judged === 1 ? '' : 's'}; the pipeline declares ${declared}` };
  }
  const branch = policy.displayFile?.split(':')[0] || 'the default branch';
  const mainGates = gatesConfigDigest(policy.pipeline.gates, policy.pipeline.gates_defaults);
  if (verdict.binding.gates_config.sha256 !== mainGates.sha256) {
    const diffs = gateDifferences(verdict.binding.gates_config, policy, branch);
    return {
      ok: false,
      detail: `the gates on ${branch} differ from the gates ${v} was judged with${diffs.length ? `: ${diffs.join('; ')}` : ''}`,
    };
  }
  const ec = verdict.binding.evaluation_config;
  const mainConfig = evaluationConfig(policy.pipeline);
  if (!ec) return { ok: false, detail: `${v}'s verdict names no evaluation config (from an older mlpipeline gate), so it cannot be compared with ${branch}'s` };
  if (ec.sha256 !== canonicalDigest(mainConfig)) {
    const diffs = canonicalDigest(ec.config) === ec.sha256 ? configDifferences(ec.config, mainConfig, ['when evaluated', `on ${branch}`]) : [];
    return { ok: false, detail: `the evaluation config on ${branch} differs from the one ${v}'s metrics were computed with${diffs.length ? `: ${diffs.join('; ')}` : ''}` };
  }
  return { ok: true, detail: `${v} passed its gates (${verdict.gates.length} gate${verdict.gates.length === 1 ? '' : 's'}, the same as on ${branch})` };
}

/** Gate by gate, how the judged gates differ from the default branch's (only when the verdict's copy hashes to its sha256). */
function gateDifferences(judged: NonNullable<VerdictSummary['binding']>['gates_config'], policy: LoadedPipeline, branch: string): string[] {
  const list = judged.gates;
  if (!Array.isArray(list)) return [];
  const defaults = judged.defaults && typeof judged.defaults === 'object' ? (judged.defaults as Pipeline['gates_defaults']) : undefined;
  if (gatesConfigDigest(list as GateSpec[], defaults).sha256 !== judged.sha256) return [];
  const main = policy.pipeline.gates ?? [];
  const out: string[] = [];
  for (let i = 0; i < Math.max(main.length, list.length); i++) {
    const a = list[i] as Record<string, unknown> | undefined;
    const b = main[i] as unknown as Record<string, unknown> | undefined;
    if (canonicalJson(a) === canonicalJson(b)) continue;
    const named = (b ?? a)?.metric;
    const metric = typeof named === 'string' ? named : '?';
    if (!a) out.push(`gate ${i + 1} (${metric}) is on ${branch} only`);
    else if (!b) out.push(`gate ${i + 1} (${metric}) was judged but is not on ${branch}`);
    else {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
      out.push(`gate ${i + 1} (${metric}): ${keys.map((k) => `${k} ${shortJson(Object.hasOwn(b, k) ? b[k] : undefined)} on ${branch}, ${shortJson(Object.hasOwn(a, k) ? a[k] : undefined)} when judged`).join(', ')}`);
    }
  }
  if (canonicalJson(defaults ?? {}) !== canonicalJson(policy.pipeline.gates_defaults ?? {})) {
    out.push(`gates_defaults: ${shortJson(policy.pipeline.gates_defaults)} on ${branch}, ${shortJson(defaults)} when judged`);
  }
  return out;
}

/**
 * Time `version` held `env`, counting only stage tags whose tagger date lies between the
 * version's registration and now: a tag cannot have been made before what it promotes was
 * registered, nor in the future, so such dates were forged (or made on a wrong clock).
 */
export function trustedTimeHeld(env: EnvironmentState | undefined, version: string, registeredAt: number, now: number): { held: number; untrusted: string[] } {
  const untrusted: string[] = [];
  if (!env) return { held: 0, untrusted };
  let total = 0;
  let since: number | null = null;
  for (const c of env.timeline) {
    const t = c.event.time;
    const trusted = t >= registeredAt && t <= now;
    if (since !== null && c.holder !== version) {
      total += Math.max(0, Math.min(t, now) - since);
      since = null;
    } else if (since === null && c.holder === version) {
      if (trusted) since = t;
      else untrusted.push(c.event.tag);
    }
  }
  if (since !== null) total += Math.max(0, now - since);
  return { held: total, untrusted };
}

const FIXES: Record<PolicyCheck['rule'], (i: PromotionInput, spec: EnvironmentSpec) => string> = {
  order: (i, s) => `promote it to ${s.after} first: mlpipeline promote ${i.model.name}@${i.version.version} --to ${s.after}`,
  allowed: (i, s) =>
    `have one of ${(s.allowed ?? []).join(', ')} promote it; on GitHub Actions the actor is the authenticated GITHUB_ACTOR, locally --actor or your git identity (unverified)` +
    ((s.allowed ?? []).some((a) => a.trim().startsWith('@')) && i.actor.actor.verified !== true
      ? '; team membership (@org/team) can only be checked on GitHub, from the API: promote through the promote workflow there'
      : ''),
  min_soak: (i, s) => `let it soak in ${s.after} for ${s.min_soak} before promoting to ${i.environment}`,
  require_gates: (i) =>
    `run \`mlpipeline evaluate\` and \`mlpipeline gate\` on the model you register until it passes, then register a new version (the verdict is checked and recorded at registration), or set require_gates: false for ${i.environment}; ` +
    "the verdict must have been judged with the default branch's gates and evaluation config: merge a change of them there first, then re-run gate with them",
  not_deprecated: () => 'promote a version that is not deprecated',
};

/** Throw the PolicyError of the first failed check. */
export function enforcePolicy(input: PromotionInput, checks: PolicyCheck[]): void {
  const failed = checks.find((c) => !c.ok);
  if (!failed) return;
  const spec = environmentSpec(input.loaded, input.environment) ?? {};
  throw new PolicyError(failed.rule, `promotion refused by policy '${failed.rule}' of environment '${input.environment}': ${failed.detail}`, {
    fix: FIXES[failed.rule](input, spec),
  });
}
