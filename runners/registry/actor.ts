/**
 * Who is acting, and in which context. The acting person becomes the tag's tagger, is matched
 * against `allowed` in the promotion policy, and is recorded in the lineage.
 *
 * Identity, first match wins:
 *   login  --actor, else GITHUB_ACTOR (set by GitHub Actions), else none (policy then matches
 *          `allowed` entries against the tagger's name and email)
 *   tagger GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL, else the login (with a GitHub noreply address),
 *          else git's committer identity (`git var GIT_COMMITTER_IDENT`, i.e. user.name/user.email)
 *   teams  --teams, else MLPIPELINE_ACTOR_TEAMS: a comma-separated list of `@org/team` slugs the
 *          actor belongs to. Git knows nothing of GitHub teams, so CI must supply membership
 *          (e.g. from the GitHub API); GitHub environment protection stays the real approval.
 */
import { gitRaw } from '../../core/git.js';
import { UsageError } from '../../core/errors.js';
import type { Actor, LineageRecord } from './lineage-record.js';

export interface ActorContext {
  actor: Actor;
  teams: string[];
  /** Environment for `git tag` so the tagger is the acting person. */
  gitEnv: NodeJS.ProcessEnv;
  /** Time of the action, ms (GIT_COMMITTER_DATE when set, so tests and replays can fix it). */
  now: number;
  pr: number | null;
  ci: LineageRecord['ci'];
}

export interface ActorOptions {
  actor?: string;
  teams?: string;
  pr?: string;
}

export async function resolveActor(cwd: string, env: NodeJS.ProcessEnv, opts: ActorOptions): Promise<ActorContext> {
  const login = (opts.actor ?? env.GITHUB_ACTOR ?? '').trim() || null;
  let name = env.GIT_COMMITTER_NAME?.trim() || '';
  let email = env.GIT_COMMITTER_EMAIL?.trim() || '';
  let source = name ? 'GIT_COMMITTER_NAME' : '';
  if (!name && login) {
    name = login;
    email ||= `${login}@users.noreply.github.com`;
    source = opts.actor ? '--actor' : 'GITHUB_ACTOR';
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
  const teamText = opts.teams ?? env.MLPIPELINE_ACTOR_TEAMS ?? '';
  const teams = teamText
    .split(/[,\s]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean)
    .map((t) => (t.startsWith('@') ? t : `@${t}`));
  const gitEnv: NodeJS.ProcessEnv = { GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
  if (env.GIT_COMMITTER_DATE) gitEnv.GIT_COMMITTER_DATE = env.GIT_COMMITTER_DATE;
  return {
    actor: { login, name, email, source },
    teams,
    gitEnv,
    now: parseGitDate(env.GIT_COMMITTER_DATE) ?? Date.now(),
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

/** Does an `allowed` entry name this actor? Logins, names and emails compare case-insensitively. */
export function actorMatches(entry: string, ctx: Pick<ActorContext, 'actor' | 'teams'>): boolean {
  const e = entry.trim().toLowerCase();
  if (e.startsWith('@')) return ctx.teams.includes(e);
  const { login, name, email } = ctx.actor;
  return [login, name, email].some((v) => v !== null && v.toLowerCase() === e);
}
