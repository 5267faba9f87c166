/**
 * Promotion policy from `environments:` in mlpipeline.yaml. Each rule is checked and recorded in
 * the assign tag's lineage; the first rule that fails refuses the promotion with a PolicyError
 * that names the rule and says how to satisfy it.
 *
 *   order          the version must have held `after` first
 *   allowed        the actor's login/name/email or one of their teams is listed (empty = anyone)
 *   min_soak       the version held `after` for at least this long in total
 *   require_gates  the gate verdict recorded when the version was registered passed (default true)
 */
import { ConfigError, PolicyError, UsageError } from '../../core/errors.js';
import type { EnvironmentSpec, LoadedPipeline } from '../../pipeline-schema/types.js';
import { actorMatches, type ActorContext } from './actor.js';
import { DURATION_RULE, formatDuration, parseDuration } from './duration.js';
import { recordOf } from './events.js';
import type { PolicyCheck } from './lineage-record.js';
import { everHeld, timeHeld, type ModelState, type VersionState } from './state.js';

/** The environment's spec, or undefined when the pipeline declares no environments (no policy). */
export function environmentSpec(loaded: LoadedPipeline, env: string): EnvironmentSpec | undefined {
  const envs = loaded.pipeline.environments;
  if (!envs || Object.keys(envs).length === 0) return undefined;
  const spec = envs[env];
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
    if (!envs[spec.after]) {
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
    const held = timeHeld(model.environments.get(spec.after), version.version, actor.now);
    const ok = held >= need;
    checks.push({
      rule: 'min_soak',
      ok,
      detail: ok
        ? `${v} has been in ${spec.after} for ${formatDuration(held)} (needs ${spec.min_soak})`
        : `${v} has been in ${spec.after} for ${formatDuration(held)}; ${environment} needs ${spec.min_soak}` +
          (held > 0 ? `, i.e. ${formatDuration(need - held)} more` : ''),
    });
  }

  if (spec.require_gates !== false) {
    const verdict = recordOf(version.event)?.verdict ?? null;
    let ok = false;
    let detail: string;
    if (!verdict) detail = `${v} was registered without a gate verdict`;
    else if (!verdict.passed) {
      const failed = verdict.gates.filter((g) => g.status === 'failed' || g.status === 'fail');
      detail = `${v} failed its gates${failed.length ? `: ${failed.map((g) => `${g.metric}${g.reason ? ` (${g.reason})` : ''}`).join('; ')}` : ''}`;
    } else {
      ok = true;
      detail = `${v} passed its gates (${verdict.gates.length} gate${verdict.gates.length === 1 ? '' : 's'})`;
    }
    checks.push({ rule: 'require_gates', ok, detail });
  }
  return checks;
}

const FIXES: Record<PolicyCheck['rule'], (i: PromotionInput, spec: EnvironmentSpec) => string> = {
  order: (i, s) => `promote it to ${s.after} first: mlpipeline promote ${i.model.name}@${i.version.version} --to ${s.after}`,
  allowed: (_i, s) =>
    `have one of ${(s.allowed ?? []).join(', ')} promote it; the actor comes from --actor or GITHUB_ACTOR, team membership from --teams or MLPIPELINE_ACTOR_TEAMS`,
  min_soak: (i, s) => `let it soak in ${s.after} for ${s.min_soak} before promoting to ${i.environment}`,
  require_gates: (i) =>
    `run \`mlpipeline gate\` until it passes, then register a new version (the verdict is recorded at registration), or set require_gates: false for ${i.environment}`,
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
