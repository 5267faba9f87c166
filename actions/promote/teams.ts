/**
 * The `@org/team` entries of an environment's `allowed` that the actor belongs to, asked of the
 * API (GitHub Actions' GITHUB_ACTOR is authenticated; a team named in a tag or a flag is not).
 * Teams are only asked about when the login itself is not listed, so a policy of logins needs no
 * token that can read the organization.
 */
import { teamMembership, type GitHubClient } from '../github/index.js';

export async function verifiedTeams(client: GitHubClient, allowed: readonly string[], login: string | undefined): Promise<string[]> {
  if (!login) return [];
  const entries = allowed.map((a) => a.trim().toLowerCase());
  if (entries.includes(login.toLowerCase())) return [];
  const teams: string[] = [];
  for (const entry of entries) {
    const m = /^@([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9._-]*)$/.exec(entry);
    if (!m) continue;
    if ((await teamMembership(client, m[1]!, m[2]!, login)) === 'active') teams.push(entry);
  }
  return teams;
}
