/**
 * `mlpipeline promote` and `mlpipeline rollback`: assign a version to an environment with a
 * `name#env#N` tag, after the policy allows it. A rollback re-assigns the version that held the
 * environment before (checking only who may act there: that version already passed the rest).
 */
import { MlpipelineError, PolicyError, UsageError } from '../../core/errors.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { actorMatches, resolveActor, type ActorContext, type ActorOptions } from './actor.js';
import { assertName, assignTag } from './grammar.js';
import { formatTagMessage, LINEAGE_SCHEMA, type LineageRecord, type PolicyCheck } from './lineage-record.js';
import { enforcePolicy, environmentSpec, evaluatePolicy } from './policy.js';
import { requireRepo } from './repo.js';
import { rollbackTarget, type ModelState, type RegistryState, type VersionState } from './state.js';
import { assertRemote, writeRegistryTag, type TagPlan, type WriteResult } from './tag-writer.js';
import { committedPolicy } from './policy-source.js';

export interface StageOptions {
  /**
   * Write nothing when the version already holds the environment (decided inside the writer's
   * retry loop, so a promotion that lost the race to an identical one stops with
   * AlreadyInEnvironmentError instead of writing a second tag). The promote action sets it.
   */
  unlessHeld?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  remote?: string;
  dryRun: boolean;
  actor: ActorOptions;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

export interface PromoteResult extends WriteResult {
  checks: PolicyCheck[];
  /** Set in a dry run whose decision is "refused": the first failed check. */
  refused: PolicyCheck | null;
  /** About the actor's identity (unverified locally) and where the policy was read from. */
  notes: string[];
}

export function requireModel(state: RegistryState, name: string): ModelState {
  const model = state.models.get(name);
  if (!model || model.versions.size === 0) {
    const known = [...state.models.values()].filter((m) => m.versions.size > 0).map((m) => m.name);
    throw new UsageError(`unknown model '${name}': no version of it is registered`, {
      fix: known.length ? `known models: ${known.join(', ')}` : `register one first: mlpipeline register ${name}`,
    });
  }
  return model;
}

export function requireVersion(model: ModelState, version: string, forWhat: string): VersionState {
  const v = model.versions.get(version);
  if (!v) {
    const known = [...model.versions.keys()];
    throw new UsageError(`${model.name} ${version} is not registered, so it cannot be ${forWhat}`, {
      fix: `register it first (mlpipeline register ${model.name} --version ${version}); registered: ${known.slice(-10).join(', ')}`,
    });
  }
  if (model.deprecated) {
    throw new UsageError(`model '${model.name}' is deprecated (${model.deprecated.tag}), so ${version} cannot be ${forWhat}`, {
      fix: 'use a model that is not deprecated',
    });
  }
  if (v.deregistered) {
    throw new UsageError(`${model.name} ${version} is deprecated (${v.deregistered.tag}), so it cannot be ${forWhat}`, {
      fix: 'choose a version that is not deprecated (mlpipeline registry lists them)',
    });
  }
  return v;
}

function assignRecord(actor: ActorContext, model: ModelState, v: VersionState, environment: string, extra: Partial<LineageRecord>): LineageRecord {
  const env = model.environments.get(environment);
  const replaces = env?.current && env.current !== v.version && env.since ? { version: env.current, tag: env.since.tag } : null;
  return {
    schema: LINEAGE_SCHEMA,
    action: 'assign',
    model: model.name,
    version: v.version,
    environment,
    commit: v.commit,
    time: new Date(actor.now).toISOString(),
    actor: actor.actor,
    pr: actor.pr,
    ci: actor.ci,
    replaces,
    rollback_of: null,
    policy: [],
    ...extra,
  };
}

/** What an assignment writes: the version, the policy checks made, and the tag's human line. */
interface AssignDecision {
  version: VersionState;
  checks: PolicyCheck[];
  extra?: Partial<LineageRecord>;
  subject: (who: string, record: LineageRecord) => string;
}

/**
 * Write `name#environment#N` for what `decide` chooses against the freshly read state (again on
 * every retry, so a lost race re-checks the policy too); a failed check refuses unless dry-run.
 */
async function writeAssignment(
  worktree: LoadedPipeline,
  name: string,
  environment: string,
  opts: StageOptions,
  decide: (model: ModelState, actor: ActorContext, loaded: LoadedPipeline) => AssignDecision,
): Promise<PromoteResult> {
  const root = await requireRepo(opts.cwd);
  if (opts.remote !== undefined) await assertRemote(root, opts.remote);
  const actor = await resolveActor(root, opts.env, opts.actor);
  // The policy is the committed one of the default branch, never the work tree (policy-source.ts).
  const policy = await committedPolicy(root, worktree, opts.remote);
  const loaded = policy.loaded;
  environmentSpec(loaded, environment); // unknown environment → usage error before any git work
  let checks: PolicyCheck[] = [];
  let refused: PolicyCheck | null = null;
  let refusedPlan: TagPlan | undefined;
  const result = await writeRegistryTag(
    { cwd: root, remote: opts.remote, dryRun: opts.dryRun, gitEnv: actor.gitEnv, maxAttempts: opts.maxAttempts, now: actor.clock, sleep: opts.sleep },
    (state): TagPlan => {
      const model = requireModel(state, name);
      // Every check is against this attempt's clock, so a retry after back-off is judged now.
      actor.now = actor.clock();
      const d = decide(model, actor, loaded);
      checks = d.checks;
      refused = checks.find((c) => !c.ok) ?? null;
      const n = model.maxCounter + 1;
      const record = assignRecord(actor, model, d.version, environment, { policy: checks, ...d.extra });
      const subject = d.subject(actor.actor.login ?? actor.actor.name, record);
      const plan: TagPlan = {
        tag: assignTag(name, environment, n),
        commit: d.version.commit,
        record,
        message: formatTagMessage(subject, record),
        counter: { model: name, n },
        // The registration tag goes with it: a clone of the remote must see the version it names.
        requires: [d.version.event.tag],
      };
      refusedPlan = refused ? plan : undefined;
      if (!opts.dryRun) enforcePolicy({ loaded, model, version: d.version, environment, actor }, checks);
      return plan;
    },
  ).catch((e: unknown) => {
    // The refusal carries what would have been written, so --json can print it and notes still show.
    if (e instanceof PolicyError && refusedPlan) {
      const refusal: Refusal = { plan: refusedPlan, attempts: 1, written: false, pushed: false, checks, refused, notes: [...actor.notes, ...policy.notes] };
      e.refusal = refusal;
    }
    throw e;
  });
  return { ...result, checks, refused, notes: [...actor.notes, ...policy.notes] };
}

/** With `unlessHeld`: the version holds the environment already, through `tag`. */
export class AlreadyInEnvironmentError extends MlpipelineError {
  readonly exitCode = 1 as const;
  readonly code = 'already-in-environment';
  constructor(readonly tag: string, what: string) {
    super(`${what} already, through ${tag}; nothing written`, { fix: 'nothing to do' });
  }
}

/** A refused write: what it would have written, the checks, and the notes (a registry-action result). */
export type Refusal = WriteResult & { checks: PolicyCheck[]; refused: PolicyCheck | null; notes: string[] };

/** The registry-action result a refused promotion or rollback would have written, if any. */
export function refusalOf(e: unknown): Refusal | undefined {
  return e instanceof PolicyError && e.refusal !== undefined ? (e.refusal as Refusal) : undefined;
}

export async function promoteVersion(worktree: LoadedPipeline, name: string, version: string, environment: string, opts: StageOptions): Promise<PromoteResult> {
  assertName(name, 'model');
  assertName(environment, 'environment');
  return writeAssignment(worktree, name, environment, opts, (model, actor, loaded) => {
    const v = requireVersion(model, version, `promoted to ${environment}`);
    const held = model.environments.get(environment);
    if (opts.unlessHeld && held?.current === version && held.since) throw new AlreadyInEnvironmentError(held.since.tag, `${name} ${version} is in ${environment}`);
    return {
      version: v,
      checks: evaluatePolicy({ loaded, model, version: v, environment, actor }),
      subject: (who, record) => `Promote ${name} ${version} to ${environment}${record.replaces ? `, replacing ${record.replaces.version}` : ''} (by ${who})`,
    };
  });
}

export async function rollbackEnvironment(worktree: LoadedPipeline, name: string, environment: string, opts: StageOptions): Promise<PromoteResult> {
  assertName(name, 'model');
  assertName(environment, 'environment');
  return writeAssignment(worktree, name, environment, opts, (model, actor, loaded) => {
    const spec = environmentSpec(loaded, environment);
    const env = model.environments.get(environment);
    if (!env?.current) {
      throw new UsageError(`nothing is in ${environment} for ${name}, so there is nothing to roll back`, {
        fix: `see mlpipeline history ${name}`,
      });
    }
    const target = rollbackTarget(model, env);
    if (!target) {
      throw new UsageError(`${name} ${env.current} is the only version ${environment} has held; there is nothing to roll back to`, {
        fix: `promote another version instead: mlpipeline promote ${name}@vX.Y.Z --to ${environment}`,
      });
    }
    const v = requireVersion(model, target, `rolled back to in ${environment}`);
    // Only who may act is checked: the version already passed the rest when it was promoted.
    const allowed = spec?.allowed ?? [];
    const checks: PolicyCheck[] = [];
    if (allowed.length > 0) {
      const ok = allowed.some((a) => actorMatches(a, actor));
      const who = actor.actor.login ?? actor.actor.name;
      checks.push({ rule: 'allowed', ok, detail: ok ? `${who} may act on ${environment}` : `${who} may not act on ${environment}; allowed: ${allowed.join(', ')}` });
    }
    return {
      version: v,
      checks,
      extra: { rollback_of: env.current },
      subject: (who) => `Roll back ${name} in ${environment} from ${env.current} to ${target} (by ${who})`,
    };
  });
}
