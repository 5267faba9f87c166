/**
 * Team membership, for promotion policies that allow `@org/team`. GITHUB_TOKEN cannot read
 * organization teams: this needs an App installation token (`members: read`) or `read:org`.
 */
import type { GitHubClient } from './client.js';
import { GitHubNotFoundError, call } from './errors.js';

/** `active` or `pending` (invited); null when the user is not a member (GitHub answers 404). */
export async function teamMembership(client: GitHubClient, org: string, teamSlug: string, username: string): Promise<'active' | 'pending' | null> {
  try {
    const { data } = await call('teams/get-membership-for-user-in-org', () =>
      client.rest.teams.getMembershipForUserInOrg({ org, team_slug: teamSlug, username }),
    );
    return data.state;
  } catch (e) {
    if (e instanceof GitHubNotFoundError) return null;
    throw e;
  }
}
