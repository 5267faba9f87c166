/**
 * Who is acting, and in which context. The acting person becomes the tag's tagger, is matched
 * against `allowed` in the promotion policy, and is recorded in the lineage.
 *
 * Identity, first match wins:
 *   login  on GitHub Actions (GITHUB_ACTIONS=true) GITHUB_ACTOR, the authenticated user who
 *          triggered the run; it wins over --actor, which cannot override it. There `allowed`
 *          matches this login (and verified teams) only, never the tagger's name or email. Elsewhere --actor,
 *          else none (the policy then matches `allowed` against the tagger's name and email).
 *          A local identity is whatever the person at the terminal says: it is recorded with
 *          `verified: false` and the command says so.
 *   tagger GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL, else the login (with a GitHub noreply address),
 *          else git's committer identity (`git var GIT_COMMITTER_IDENT`, i.e. user.name/user.email)
 *   teams  only `verifiedTeams`, which the GitHub adapter fills from the API (team membership of
 *          the authenticated actor). `--teams` and MLPIPELINE_ACTOR_TEAMS are self-declared, so
 *          they are never matched: an `allowed` entry `@org/team` can only be satisfied on
 *          GitHub. Explicit logins in `allowed` are matched locally (against an unverified
 *          identity, recorded as such); GitHub environment protection stays the real approval.
 * Time: the clock (`now`, injectable for tests), never GIT_COMMITTER_DATE, which anyone can set.
 */
import { gitRaw } from '../../core/git.js';
import { UsageError } from '../../core/errors.js';
import type { Actor, LineageRecord } from './lineage-record.js';

export interface ActorContext {
  actor: Actor;
  /** Verified team memberships (from the GitHub API); empty elsewhere. */
  teams: string[];
  /** Environment for git so the tagger is the acting person (no GIT_COMMITTER_DATE). */
  gitEnv: NodeJS.ProcessEnv;
  /** Time of the action, ms, from the clock. */
  now: number;
  /** The clock itself, for writers that stamp tags later than `now` (retries). */
  clock: () => number;
  pr: number | null;
  ci: LineageRecord['ci'];
  /** What the command should tell the user about this identity (unverified, ignored flags). */
  notes: string[];
}

export interface ActorOptions {
  actor?: string;
  teams?: string;
  pr?: string;
  /** Team slugs (`@org/team`) the GitHub API says the authenticated actor belongs to. */
  verifiedTeams?: string[];
  /** The clock, ms; default Date.now. */
  now?: () => number;
}

export const onGitHubActions = (env: NodeJS.ProcessEnv): boolean => env.GITHUB_ACTIONS === 'true' && Boolean(env.GITHUB_ACTOR?.trim());

export async function resolveActor(cwd: string, env: NodeJS.ProcessEnv, opts: ActorOptions): Promise<ActorContext> {
  const notes: string[] = [];
  const ci = onGitHubActions(env);
  const flag = opts.actor?.trim() || null;
  const login = ci ? env.GITHUB_ACTOR!.trim() : flag;
  if (ci && flag && flag !== login) notes.push(`--actor ${flag} ignored: on GitHub Actions the actor is the authenticated GITHUB_ACTOR (${login})`);
  let name = env.GIT_COMMITTER_NAME?.trim() || '';
  let email = env.GIT_COMMITTER_EMAIL?.trim() || '';
  let source = name ? 'GIT_COMMITTER_NAME' : '';
  if (!name && login) {
    name = login;
    email ||= `${login}@users.noreply.github.com`;
    source = ci ? 'GITHUB_ACTOR' : '--actor';
  }
  if (!name || !email) {
    const r = await gitRaw(['var', 'GIT_COMMITTER_IDENT'], { cwd, env: gitIdentityEnv(env), okCodes: [128] });
    const m = /^(.*) <([^>]*)> /.exec(r.stdout.toString('utf8'));
    if (r.code !== 0 || !m) {
      throw new UsageError('cannot tell who is acting: no git identity and no --actor', {
        fix: 'set GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL, or git config user.name/user.email, or pass --actor LOGIN',
      });
    }
    name ||= m[1]!;
    email ||= m[2]!;
    source ||= 'git config';
  }
  if (!ci) notes.push(`the actor ${login ?? `${name} <${email}>`} is unverified: outside GitHub Actions nobody authenticated it (recorded as verified: false)`);
  const declared = opts.teams ?? env.MLPIPELINE_ACTOR_TEAMS;
  if (declared?.trim()) notes.push('--teams / MLPIPELINE_ACTOR_TEAMS ignored: team membership is self-declared there; it is only checked on GitHub, from the API');
  const teams = (opts.verifiedTeams ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean).map((t) => (t.startsWith('@') ? t : `@${t}`));
  const clock = opts.now ?? Date.now;
  return {
    // Only the login is authenticated on Actions; a name or email set in the environment or git
    // config is whatever the workflow (or a step of it) says, so it is recorded as unverified.
    actor: { login, name, email, source, verified: ci, name_verified: ci && (source === 'GITHUB_ACTOR') },
    teams,
    gitEnv: { GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email },
    now: clock(),
    clock,
    pr: resolvePr(env, opts.pr),
    ci:
      env.GITHUB_ACTIONS === 'true'
      ? {
          provider: 'github-actions',
          repository: env.GITHUB_REPOSITORY ?? null,
          run_id: env.GITHUB_RUN_ID ?? null,
          workflow_ref: env.GITHUB_WORKFLOW_REF ?? null,
          server_url: env.GITHUB_SERVER_URL ?? 'https://github.com',
        }
      : null,
    notes,
  };
}

function gitIdentityEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const k of ['GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'HOME', 'XDG_CONFIG_HOME']) {
    if (env[k] !== undefined) out[k] = env[k];
  }
  return out;
}

/** `@1700000000 +0000`, `1700000000`, or anything Date.parse understands (ISO 8601). */
export function parseGitDate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const unix = /^@?(\d{9,})(?:\s+[+-]\d{4})?$/.exec(text.trim());
  if (unix) return Number(unix[1]) * 1000;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function resolvePr(env: NodeJS.ProcessEnv, flag: string | undefined): number | null {
  if (flag !== undefined) {
    if (!/^[1-9]\d*$/.test(flag)) throw new UsageError(`--pr must be a pull request number, got '${flag}'`, { fix: 'pass --pr 123' });
    return Number(flag);
  }
  const m = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(env.GITHUB_REF ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Does an `allowed` entry name this actor? Compared case-insensitively. When the login is
 * verified (GitHub Actions), only the login and the verified teams match: a name or email from
 * GIT_COMMITTER_NAME/EMAIL or git config is set by whoever writes the workflow step, so it never
 * matches there. Locally (nothing verified) the login (--actor), name and email all match, and
 * the record says the identity is unverified.
 */
export function actorMatches(entry: string, ctx: Pick<ActorContext, 'actor' | 'teams'>): boolean {
  const e = entry.trim().toLowerCase();
  if (e.startsWith('@')) return ctx.teams.includes(e);
  const { login, name, email, verified } = ctx.actor;
  if (verified === true) return login !== null && login.toLowerCase() === e;
  return [login, name, email].some((v) => v !== null && v.toLowerCase() === e);
}
